"""The in-app feed: the bell's unread count, a person's notices page by page, marking them
read; and a person's channel choices per kind of notice. Functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace.accounts.login import ENVIRON_PREFIX
from marketplace.accounts.models import User
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.notifications.errors import NotificationErrorCode
from marketplace.notifications.events import SPECS, EventSpec, specs_for
from marketplace.notifications.models import (
    Channel,
    EventKind,
    Notification,
    NotificationPreference,
)


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_id == user_id, Notification.in_app.is_(True),
        Notification.read_at.is_(None))) or 0


BELL_COLUMN = "unread_notices"


def unread_count_column():
    """The bell's count as a scalar subquery on `users`: the session's user loader reads it in
    the statement that loads the user (accounts.login), so the bell costs no query."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.recipient_id == User.id, Notification.in_app.is_(True),
                   Notification.read_at.is_(None))
            .correlate(User).scalar_subquery().label(BELL_COLUMN))


def bell_count(user) -> int:
    """The header's count: read with the user (above), else asked once in this request (kept
    in the request's environ: an app context, and its `g`, may outlive one request)."""
    cache = request.environ
    key = ENVIRON_PREFIX + BELL_COLUMN
    if key not in cache:
        cache[key] = unread_count(user.id)
    return int(cache[key])


def feed(user_id: int):
    """A person's in-app notices, newest first (paginate it)."""
    return (select(Notification)
            .where(Notification.recipient_id == user_id, Notification.in_app.is_(True))
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def notice_of(user: User, notification_id: int) -> Notification:
    """One of the user's notices; anyone else's is missing, not forbidden."""
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.recipient_id != user.id or not notice.in_app:
        raise NotFound(_("That notice does not exist."),
                       code=NotificationErrorCode.UNKNOWN_NOTICE)
    return notice


def mark_read(user: User, notification_id: int) -> Notification:
    notice = notice_of(user, notification_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.flush()
    return notice


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return rows_changed(result)


# --- channel choices -------------------------------------------------------------------------

@dataclass(frozen=True)
class KindChoice:
    spec: EventSpec
    channels: frozenset[Channel]

    @property
    def kind(self) -> EventKind:
        return self.spec.kind


def choices_of(user: User) -> list[KindChoice]:
    """Every kind `user` may receive with the channels that reach them (theirs or the
    defaults), in one query."""
    chosen = {p.kind: p.channels() for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return [KindChoice(spec, chosen.get(spec.kind, spec.defaults)) for spec in specs_for(user)]


def save_choices(user: User, wanted: dict[EventKind, set[Channel]]) -> list[KindChoice]:
    """Set the channels of the kinds given (the others keep theirs). A kind the user does
    not receive now may still be set: it holds once they do (a buyer who becomes a trainee)."""
    rows = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, channels in wanted.items():
        row = rows.get(kind)
        if row is None:
            row = NotificationPreference(user_id=user.id, kind=kind)
            db.session.add(row)
        row.in_app = Channel.IN_APP in channels
        row.email = Channel.EMAIL in channels
        row.sms = Channel.SMS in channels
    db.session.flush()
    return choices_of(user)


def spec_of(kind: str) -> EventSpec | None:
    try:
        return SPECS.get(EventKind(kind))
    except ValueError:
        return None
