"""Factory fixtures for accounts: users, centres, municipalities, trainees, staff, tokens.

Each factory commits and returns the object, with defaults that can be overridden by keyword.
"""

import itertools

import pytest

from marketplace.accounts.models import (
    CentreKind,
    CentreStaff,
    Municipality,
    MunicipalStaff,
    Trainee,
    TraineeStatus,
    TrainingCentre,
    User,
)
from marketplace.core.auth import hash_password

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


@pytest.fixture
def create_user(db):
    def make(**overrides) -> User:
        n = next(_seq)
        password = overrides.pop("password", PASSWORD)
        values = {"email": f"user{n}@example.org", "display_name": f"User {n}", "locale": "en",
                  "password_hash": hash_password(password), **overrides}
        values["email"] = values["email"].lower()
        user = User(**values)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def create_admin(create_user):
    def make(**overrides) -> User:
        return create_user(is_admin=True, **overrides)

    return make


@pytest.fixture
def create_centre(db):
    def make(**overrides) -> TrainingCentre:
        n = next(_seq)
        values = {"kind": CentreKind.PUBLIC, "name_fa": f"مرکز آموزش فنی و حرفه‌ای {n}",
                  "name_en": f"Training centre {n}", "slug": f"centre-{n}", "city": "اسکو",
                  "province": "آذربایجان شرقی", **overrides}
        centre = TrainingCentre(**values)
        db.session.add(centre)
        db.session.commit()
        return centre

    return make


@pytest.fixture
def create_municipality(db):
    def make(**overrides) -> Municipality:
        n = next(_seq)
        values = {"name_fa": f"شهرداری {n}", "name_en": f"Municipality {n}",
                  "slug": f"municipality-{n}", "city": "سهند", "province": "آذربایجان شرقی",
                  **overrides}
        municipality = Municipality(**values)
        db.session.add(municipality)
        db.session.commit()
        return municipality

    return make


@pytest.fixture
def create_trainee(db, create_user, create_centre):
    """A user with a trainee profile; verified unless `status` says otherwise."""

    def make(centre=None, status=TraineeStatus.VERIFIED, user=None, **overrides) -> Trainee:
        n = next(_seq)
        user = user or create_user(display_name=overrides.pop("display_name", f"Trainee {n}"))
        values = {"trade": "carpet_weaving", "store_name": f"Store {n}",
                  "store_slug": f"store-{n}", "bio": "", **overrides}
        trainee = Trainee(user=user, centre=centre or create_centre(), status=status, **values)
        db.session.add(trainee)
        db.session.commit()
        return trainee

    return make


@pytest.fixture
def create_centre_staff(db, create_user, create_centre):
    def make(centre=None, user=None, **overrides) -> User:
        user = user or create_user(**overrides)
        db.session.add(CentreStaff(user=user, centre=centre or create_centre()))
        db.session.commit()
        return user

    return make


@pytest.fixture
def create_municipal_staff(db, create_user, create_municipality):
    def make(municipality=None, user=None, **overrides) -> User:
        user = user or create_user(**overrides)
        db.session.add(MunicipalStaff(user=user,
                                      municipality=municipality or create_municipality()))
        db.session.commit()
        return user

    return make


@pytest.fixture
def api_token(db):
    """api_token(user) -> headers that authenticate an /api/v1 call as `user`."""
    from marketplace.accounts.api_tokens import create_api_token

    def make(user) -> dict:
        _row, token = create_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make
