"""`notify(recipient, event, context)`: the one way every domain tells someone something.

Called inside the request's transaction, it only records the notice on the session. After the
commit, one job per transaction (core.jobs.after_commit: inline, or RQ with REDIS_URL)
delivers every notice the transaction made: it reads the recipients' channel choices in one
query, renders each notice in its recipient's language, writes the in-app rows in one
statement, then hands each mail and SMS to its own job (core.mail, core.sms: retried on RQ,
SMS limited per number). A rolled-back transaction (or savepoint) sends nothing.

The job writes through a session of its own: run inline, it runs inside the request
session's after-commit event, where that session may not emit SQL.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.core.jobs import after_commit, run_or_enqueue
from marketplace.core.mail import send_mail
from marketplace.core.sms import deliver_text
from marketplace.extensions import db
from marketplace.notifications import codec
from marketplace.notifications.events import SPECS
from marketplace.notifications.models import (
    Channel,
    EventKind,
    Notification,
    NotificationPreference,
)

log = logging.getLogger(__name__)
_BATCHES = "notification_batches"
GENERIC_MAIL = "notice"
SMS_MAX_CHARS = 300


@dataclass(frozen=True)
class Notice:
    """One notice on its way: what the job needs, read from the recipient in the request."""

    recipient_id: int
    locale: str
    email: str | None
    phone: str | None  # verified numbers only
    kind: str
    context: dict  # codec-encoded
    link: str | None = None
    mail: tuple[str, str] | None = None  # (subject msgid, template) when the kind has one
    dedupe_key: str | None = None


def notify(recipient: User, event: EventKind, context: Mapping | None = None, *,
           link: str | None = None, mail: tuple[str, str] | None = None,
           email: str | None = None, dedupe_key: str | None = None) -> None:
    """Tell `recipient` about `event` once this transaction commits.

    `context` feeds the kind's renderer (events.SPECS) and, for the email channel, the mail
    template `mail=(subject, template)` (the generic notice mail when none); `email` replaces
    the recipient's address for this mail (an order's contact address); `link` is a path on
    the site. A `dedupe_key` makes the notice go at most once to this recipient."""
    if recipient is None or event not in SPECS:
        return
    notice = Notice(
        recipient_id=recipient.id, locale=recipient.locale or "fa",
        email=email or recipient.email,
        phone=recipient.phone if recipient.has_verified_phone else None,
        kind=event.value, context=codec.encode(dict(context or {})), link=link, mail=mail,
        # A key of its own when none is given: a job retried on RQ writes no second row.
        dedupe_key=dedupe_key or uuid.uuid4().hex)
    _batch().append(notice)


def site_path(endpoint: str, **values) -> str:
    """A page's path on the site, for a notice's link: in a request or not (commands, jobs)."""
    try:
        return url_for(endpoint, **values)
    except RuntimeError:  # no request and no SERVER_NAME
        return current_app.url_map.bind("localhost").build(endpoint, values)


def _batch() -> list[Notice]:
    """This transaction's (or savepoint's) list of notices, delivered by one job."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    key = (session.get_transaction(), session.get_nested_transaction())
    batches = session.info.setdefault(_BATCHES, {})
    batch = batches.get(key)
    if batch is None:
        batch = batches[key] = []
        # Queued now, read at commit: the list is filled by the notify() calls that follow.
        after_commit(deliver_notices, batch)
    return batch


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_batches(session):
    if not session.in_nested_transaction():
        session.info.pop(_BATCHES, None)


# --- the job ---------------------------------------------------------------------------------

def deliver_notices(notices: list[Notice]) -> None:
    if not notices:
        return
    with Session(db.engine, expire_on_commit=False) as session:
        preferences = _preferences(session, {n.recipient_id for n in notices})
        planned = [_plan(notice, preferences) for notice in notices]
        try:
            session.execute(insert(Notification), [row for row, _sends in planned])
            session.commit()
        except IntegrityError:
            # Some went before (a job retried on RQ, a reminder sent twice): one by one, and
            # only what was not there yet goes out.
            session.rollback()
            planned = [(row, sends) for row, sends in planned if _insert_once(session, row)]
    for _row, sends in planned:
        for fn, args in sends:
            run_or_enqueue(fn, *args)


def _plan(notice: Notice, preferences: dict) -> tuple[dict, list]:
    """The notice's in-app row and its sends, by the recipient's channels for its kind."""
    key = (notice.recipient_id, notice.kind)
    # A row with every channel off is a choice too: only a missing row means the defaults.
    channels = preferences[key] if key in preferences else SPECS[EventKind(notice.kind)].defaults
    title, body = render(notice)
    sends: list = []
    if Channel.EMAIL in channels and notice.email:
        sends.append((_send_mail, (notice, title, body)))
    if Channel.SMS in channels and notice.phone:
        sends.append((deliver_text, (notice.phone, _sms_text(title, body))))
    return _row(notice, title, body, Channel.IN_APP in channels), sends


def _insert_once(session: Session, row: dict) -> bool:
    try:
        session.execute(insert(Notification), [row])
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def render(notice: Notice) -> tuple[str, str]:
    spec = SPECS[EventKind(notice.kind)]
    with force_locale(notice.locale):
        title, body = spec.render(codec.decode(notice.context))
    return str(title)[:200], str(body)


def _preferences(session: Session, user_ids: set[int]) -> dict:
    rows = session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id.in_(user_ids)))
    return {(p.user_id, p.kind.value): p.channels() for p in rows}


def _row(notice: Notice, title: str, body: str, in_app: bool) -> dict:
    return {"recipient_id": notice.recipient_id, "kind": EventKind(notice.kind),
            "title": title, "body": body, "context": notice.context, "link": notice.link,
            "in_app": in_app, "dedupe_key": notice.dedupe_key}


def _sms_text(title: str, body: str) -> str:
    text = f"{title}\n{body}".strip()
    return text if len(text) <= SMS_MAX_CHARS else text[:SMS_MAX_CHARS - 1] + "…"


def _send_mail(notice: Notice, title: str, body: str) -> None:
    """The kind's own mail template (today's mails), or the generic notice mail."""
    if notice.email is None:
        return
    if notice.mail is not None:
        subject, template = notice.mail
        context = codec.decode(notice.context)
    else:
        subject, template = title, GENERIC_MAIL
        base = (current_app.config.get("MARKETPLACE_BASE_URL") or "").rstrip("/")
        context = {"title": title, "body": body,
                   "link": base + notice.link if notice.link and base else ""}
    send_mail(notice.email, subject, template, notice.locale, context)
