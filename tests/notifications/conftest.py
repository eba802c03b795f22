"""Fixtures for the notification tests: reading the notices a person got, and the SMS outbox."""

import itertools

import pytest
from sqlalchemy import select

from marketplace.notifications.models import EventKind, Notification

_numbers = itertools.count(1000000)


@pytest.fixture
def notices_of(db):
    """notices_of(user, kind=None) -> the user's notices (in-app or not), oldest first."""

    def read(user, kind: EventKind | None = None) -> list[Notification]:
        db.session.expire_all()
        query = select(Notification).where(Notification.recipient_id == user.id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(db.session.scalars(query.order_by(Notification.id)))

    return read


@pytest.fixture
def sms_outbox(app):
    from marketplace.core.sms.outbox import outbox_messages

    return outbox_messages


@pytest.fixture
def phone_user(create_user):
    """phone_user(**overrides) -> a user with a verified mobile number."""
    from marketplace.core.db import utcnow

    def make(**overrides):
        # A number of its own in every test: the per-number SMS limit outlives one app.
        return create_user(phone=f"+98912{next(_numbers)}", phone_verified_at=utcnow(),
                           **overrides)

    return make
