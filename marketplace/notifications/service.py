"""`notify(recipient, event, context)`: the one way every domain tells someone something.

Called inside the request's transaction, it only records the notice on the session. When the
transaction commits, the notices it made are written to the recipients' feeds in that same
transaction (the channel choices of every recipient read in one query, each notice rendered in
its recipient's language, the rows inserted in one statement), so a feed row exists exactly
when what it tells of does. Only after the commit does anything leave: one job per
transaction (core.jobs.after_commit: inline, or RQ with REDIS_URL) hands each mail and SMS to
a job of its own (core.mail, core.sms: retried on RQ, SMS limited per number). A rolled-back
transaction or savepoint writes and sends nothing.

Why the rows are written at the commit and not by the after-commit job: run inline, that job
would need a second database connection while the request still holds its own (its
after-commit event fires before the connection goes back), and under load every request
would hold two — 200 concurrent checkouts exhausted the pool.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.core.jobs import after_commit, queued_jobs, run_or_enqueue
from marketplace.core.mail import send_mail
from marketplace.core.sms import deliver_template, deliver_text
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
    the site. A `dedupe_key` makes the notice go at most once to this recipient (a reminder
    that a maintenance pass may queue again)."""
    if recipient is None or event not in SPECS:
        return
    notice = Notice(
        recipient_id=recipient.id, locale=recipient.locale or "fa",
        email=email or recipient.email,
        phone=recipient.phone if recipient.has_verified_phone else None,
        kind=event.value, context=codec.encode(dict(context or {})), link=link, mail=mail,
        dedupe_key=dedupe_key)
    _batch().notices.append(notice)


def site_path(endpoint: str, **values) -> str:
    """A page's path on the site, for a notice's link: in a request or not (commands, jobs)."""
    try:
        return url_for(endpoint, **values)
    except RuntimeError:  # no request and no SERVER_NAME
        return current_app.url_map.bind("localhost").build(endpoint, values)


@dataclass
class Batch:
    """The notices of one transaction (or savepoint), and once written, what they send."""

    notices: list[Notice] = field(default_factory=list)
    sends: list[tuple] = field(default_factory=list)


def _batch() -> Batch:
    """This transaction's (or savepoint's) batch of notices, sent by one job."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    key = (session.get_transaction(), session.get_nested_transaction())
    batches = session.info.setdefault(_BATCHES, {})
    batch = batches.get(key)
    if batch is None:
        batch = batches[key] = Batch()
        # Queued now, filled by the notify() calls that follow and written at the commit
        # (below); a savepoint rolled back drops it from the queue, and so from the feed.
        after_commit(send_notices, batch)
    return batch


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_batches(session):
    if not session.in_nested_transaction():
        session.info.pop(_BATCHES, None)


# --- at the commit: the feed rows; after it: the sends ---------------------------------------

@event.listens_for(Session, "before_commit")
def _write_notices(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint is released; the real commit is still to come
    batches = [args[0] for args in queued_jobs(session, send_notices)]
    if any(batch.notices for batch in batches):
        write_notices(session, batches)


def write_notices(session: Session, batches: list[Batch]) -> None:
    """Render and insert every notice of `batches` (two statements), and plan their sends."""
    notices = [notice for batch in batches for notice in batch.notices]
    preferences = _preferences(session, {n.recipient_id for n in notices})
    sent = _sent_before(session, {n.dedupe_key for n in notices if n.dedupe_key})
    rows = []
    for batch in batches:
        for notice in batch.notices:
            if notice.dedupe_key:
                if (notice.recipient_id, notice.dedupe_key) in sent:
                    continue  # a reminder already sent: once only
                sent.add((notice.recipient_id, notice.dedupe_key))
            row, sends = _plan(notice, preferences)
            rows.append(row)
            batch.sends.extend(sends)
    if rows:
        session.execute(insert(Notification), rows)


def send_notices(batch: Batch) -> None:
    """The job: each mail and SMS of the transaction's notices goes as a job of its own."""
    for fn, args in batch.sends:
        run_or_enqueue(fn, *args)


def _sent_before(session: Session, keys: set[str]) -> set[tuple[int, str | None]]:
    if not keys:
        return set()
    rows = session.execute(select(Notification.recipient_id, Notification.dedupe_key)
                           .where(Notification.dedupe_key.in_(keys)))
    return {(recipient_id, key) for recipient_id, key in rows}


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
        sends.append(_sms_send(notice, notice.phone, title, body))
    return _row(notice, title, body, Channel.IN_APP in channels), sends


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


def _sms_send(notice: Notice, phone: str, title: str, body: str) -> tuple:
    """The SMS job: the kind's template with its tokens when this deployment approved one
    for the reader's language (SMS_NOTICE_TEMPLATES), else the notice as plain text."""
    template = sms_template(notice.kind, notice.locale)
    if template is None:
        return deliver_text, (phone, _sms_text(title, body))
    spec = SPECS[EventKind(notice.kind)]
    assert spec.sms_tokens is not None  # checked at start-up (events.check_sms_templates)
    with force_locale(notice.locale):
        tokens = spec.sms_tokens(codec.decode(notice.context))
    return deliver_template, (phone, template, tokens)


def sms_template(kind: str, locale: str) -> str | None:
    entry = (current_app.config.get("SMS_NOTICE_TEMPLATES") or {}).get(kind)
    if isinstance(entry, Mapping):
        entry = entry.get(locale.split("_")[0])
    return entry or None


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
