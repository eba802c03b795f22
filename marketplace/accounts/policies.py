"""Who may do what with accounts objects. Pure functions of the objects given."""

from marketplace.accounts.models import Municipality, Trainee, TraineeStatus, TrainingCentre, User


def is_active_vendor(user: User | None) -> bool:
    """May this user sell and apply for booths? Only a verified trainee of an enabled account."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_disabled:
        return False
    trainee = user.trainee
    return trainee is not None and trainee.status == TraineeStatus.VERIFIED


def is_staff_of_centre(user: User | None, centre_id: int | None) -> bool:
    return bool(user and user.is_authenticated and centre_id in user.staff_centre_ids)


def is_staff_of_municipality(user: User | None, municipality_id: int | None) -> bool:
    return bool(user and user.is_authenticated and municipality_id in user.staff_municipality_ids)


def can_review_trainee(user: User | None, trainee: Trainee) -> bool:
    """Verify, reject, suspend or reinstate: staff of the trainee's own centre, or an admin."""
    if not user or not user.is_authenticated:
        return False
    return user.is_admin or is_staff_of_centre(user, trainee.centre_id)


def can_view_trainee_private(user: User | None, trainee: Trainee) -> bool:
    """The trainee themself, their centre's staff and admins see certificate and status notes."""
    if not user or not user.is_authenticated:
        return False
    return user.id == trainee.user_id or can_review_trainee(user, trainee)


def can_manage_organisations(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_admin)


def can_manage_staff(user: User | None, organisation: TrainingCentre | Municipality) -> bool:
    """Invite colleagues to (and revoke invitations of) one centre or municipality: its own
    staff, or an admin. Staff of one kind of organisation have no say over the other kind."""
    if not user or not user.is_authenticated or user.is_disabled:
        return False
    if user.is_admin:
        return True
    if isinstance(organisation, TrainingCentre):
        return is_staff_of_centre(user, organisation.id)
    return is_staff_of_municipality(user, organisation.id)
