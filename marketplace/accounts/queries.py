"""Read-only statements for accounts lists; each loads what its page shows in a fixed number
of queries (the user and centre of every trainee come in one extra query each)."""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import (
    CentreStaff,
    Municipality,
    MunicipalStaff,
    Trainee,
    TraineeStatus,
    TrainingCentre,
)


def trainees(centre_ids: set[int] | None = None,
             status: TraineeStatus | None = None) -> Select:
    """Trainees (of `centre_ids` when given; all when None), oldest first."""
    statement = select(Trainee).options(selectinload(Trainee.user),
                                        selectinload(Trainee.centre)).order_by(Trainee.id)
    if centre_ids is not None:
        statement = statement.where(Trainee.centre_id.in_(centre_ids))
    if status is not None:
        statement = statement.where(Trainee.status == status)
    return statement


def centres_with_staff() -> Select:
    return select(TrainingCentre).options(
        selectinload(TrainingCentre.staff).selectinload(CentreStaff.user)
    ).order_by(TrainingCentre.id)


def municipalities_with_staff() -> Select:
    return select(Municipality).options(
        selectinload(Municipality.staff).selectinload(MunicipalStaff.user)
    ).order_by(Municipality.id)


def centres() -> Select:
    return select(TrainingCentre).order_by(TrainingCentre.id)


def municipalities() -> Select:
    return select(Municipality).order_by(Municipality.id)
