"""Centres' bookings of spaces: a request (one session or a series chosen in words), decisions
session by session by the space's municipal staff (approve, reject with a reason, propose
another time), and the centre's answer (accept the proposed time, withdraw).

No two approved sessions of one space overlap, nor does one fall on a market day that uses the
space. Approving checks that under a lock — PostgreSQL: a transaction-scoped advisory lock per
space; SQLite: the write lock every write request takes at BEGIN (core.db) — so whoever comes
second sees the first's approval and gets a 409. On PostgreSQL the exclusion constraint on
`training_sessions` holds it even for a write that skipped this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import TrainingCentre, User
from marketplace.accounts.trades import TRADES
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from marketplace.core.i18n import format_day, format_number
from marketplace.extensions import db
from marketplace.training import notices, policies
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.labels import BOOKING_KIND_LABELS, EQUIPMENT
from marketplace.training.models import (
    Booking,
    BookingKind,
    BookingStatus,
    Course,
    SessionStatus,
    Space,
    TrainingSession,
)
from marketplace.training.models.bookings import MAX_ATTENDANCE
from marketplace.training.recurrence import Series, series_dates
from marketplace.training.services.availability import Window, check_windows, window

# Any key of our own for PostgreSQL's two-key advisory locks ("trai" in ASCII), beside the
# space id.
SPACE_WRITES_LOCK = 0x74726169


@dataclass
class BookingData:
    kind: str
    title: str
    expected_attendance: int
    starts_at: time             # local times, the same for every session
    ends_at: time
    day: date | None = None     # one session …
    series: Series | None = None  # … or a series
    equipment_needs: list[str] = field(default_factory=list)
    note: str = ""
    trade: str | None = None    # the trade the course will teach, when the centre says


def lock_space(space_id: int) -> None:
    """Queue the transactions that approve sessions of one space until this one ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key, :space)"),
                           {"key": SPACE_WRITES_LOCK, "space": space_id})


def get_booking(actor: User, booking_id: int) -> Booking:
    """A booking its centre's staff or the space's staff may see; anyone else gets a 404."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not policies.can_view_booking(actor, booking):
        raise NotFound(_("That booking does not exist."), code=TrainingErrorCode.UNKNOWN_BOOKING)
    return booking


# --- the centre's request ---------------------------------------------------------------

def _check_request(space: Space, data: BookingData) -> list[date]:
    """Everything about a request but its sessions' times; returns the sessions' days."""
    if not space.is_active:
        raise RuleViolation(_("That space is not taking bookings."),
                            code=TrainingErrorCode.SPACE_INACTIVE)
    fields: dict[str, list[str]] = {}
    if data.kind not in BOOKING_KIND_LABELS:
        fields["kind"] = [_("Choose from the list.")]
    if not (data.title or "").strip():
        fields["title"] = [_("Required.")]
    if any(item not in EQUIPMENT for item in data.equipment_needs):
        fields["equipment_needs"] = [_("Choose from the list.")]
    if data.trade is not None and data.trade not in TRADES:
        fields["trade"] = [_("Choose from the list.")]
    if fields:
        raise RuleViolation(_("Some details of the booking are not valid."), fields=fields)
    if not 1 <= data.expected_attendance <= MAX_ATTENDANCE or \
            data.expected_attendance > space.capacity:
        raise RuleViolation(
            _("The space holds at most %(n)s people.", n=format_number(space.capacity)),
            code=TrainingErrorCode.OVER_CAPACITY,
            fields={"expected_attendance": [_("More than the space holds.")]})
    missing = sorted(set(data.equipment_needs) - set(space.equipment or []))
    if missing:
        raise RuleViolation(_("The space does not have all the equipment you need."),
                            code=TrainingErrorCode.EQUIPMENT_MISSING,
                            fields={"equipment_needs": [_("Not in this space.")]})
    if data.ends_at <= data.starts_at:
        raise RuleViolation(_("A session must end after it starts."),
                            code=TrainingErrorCode.INVALID_SESSION_TIME,
                            fields={"ends_at": [_("Must be after the start.")]})
    if data.series is not None:
        return series_dates(data.series)
    if data.day is None:
        raise RuleViolation(_("Give the day of the session, or a series."),
                            code=TrainingErrorCode.SERIES_EMPTY,
                            fields={"day": [_("Required.")]})
    return [data.day]


def _refuse_problems(windows: list[Window]) -> None:
    """A 422 naming each session that cannot be held, with the first problem's code."""
    bad = [w for w in windows if w.problems]
    if not bad:
        return
    lines = {format_day(w.local_day): [p.message for p in w.problems] for w in bad[:20]}
    listed = _("; ").join(f"{day} — {' '.join(messages)}"
                          for day, messages in list(lines.items())[:5])
    message = _("%(n)s session(s) cannot be held: %(list)s", n=format_number(len(bad)),
                list=listed)
    raise RuleViolation(message, code=bad[0].problems[0].code, fields={"sessions": lines})


def request_booking(actor: User, space: Space, centre: TrainingCentre,
                    data: BookingData) -> Booking:
    if not policies.can_book_for_centre(actor, centre.id):
        raise Forbidden(_("Only staff of that centre can book for it."),
                        code=TrainingErrorCode.NOT_CENTRE_STAFF)
    days = _check_request(space, data)
    windows = check_windows(space, [window(d, data.starts_at, data.ends_at) for d in days])
    _refuse_problems(windows)
    series = data.series
    booking = Booking(
        space=space, centre=centre, kind=BookingKind(data.kind), title=data.title.strip(),
        expected_attendance=data.expected_attendance,
        equipment_needs=sorted(set(data.equipment_needs)), note=data.note or "",
        trade=data.trade,
        weekdays=sorted(set(series.weekdays)) if series else None,
        every_weeks=series.every_weeks if series else None,
        series_starts_on=series.starts_on if series else None,
        series_ends_on=series.ends_on if series else None,
        recurrence_rule=series.rule if series else None,
        starts_at_local=data.starts_at, ends_at_local=data.ends_at,
        status=BookingStatus.PENDING, requested_by_id=actor.id)
    booking.requested_by = actor
    booking.sessions = [TrainingSession(space_id=space.id, starts_at=w.starts_at,
                                        ends_at=w.ends_at, status=SessionStatus.REQUESTED)
                        for w in windows]
    db.session.add(booking)
    db.session.flush()
    notices.to_space_staff(booking, "requested")
    return booking


# --- what staff see before deciding -----------------------------------------------------------

def session_report(booking: Booking) -> list[Window]:
    """Each session of the booking as it stands now: its problems, the approved sessions it
    overlaps, and other requests for the same time (three queries)."""
    windows = []
    for session in booking.sessions:
        starts, ends = session.starts_at, session.ends_at
        if session.status == SessionStatus.PROPOSED and session.proposed_starts_at and \
                session.proposed_ends_at:
            starts, ends = session.proposed_starts_at, session.proposed_ends_at
        windows.append(Window(starts, ends, session_id=session.id))
    return check_windows(booking.space, windows, exclude_booking_id=booking.id)


# --- staff decisions ----------------------------------------------------------------------

def _require_staff(actor: User, booking: Booking) -> None:
    if not policies.can_decide_booking(actor, booking):
        raise Forbidden(_("Only staff of the municipality that owns the space can decide."),
                        code=TrainingErrorCode.NOT_SPACE_STAFF)


def _require_open(booking: Booking) -> None:
    if booking.status in (BookingStatus.REJECTED, BookingStatus.WITHDRAWN):
        raise Conflict(_("That booking is closed."), code=TrainingErrorCode.BOOKING_CLOSED)


def _sessions(booking: Booking, session_ids, statuses) -> list[TrainingSession]:
    wanted = set(session_ids)
    if not wanted:
        raise RuleViolation(_("Choose at least one session."),
                            code=TrainingErrorCode.NO_SESSION_CHOSEN,
                            fields={"session_ids": [_("Choose at least one session.")]})
    chosen = [s for s in booking.sessions if s.id in wanted]
    if len(chosen) != len(wanted):
        raise NotFound(_("That session does not exist."), code=TrainingErrorCode.UNKNOWN_SESSION)
    if any(s.status not in statuses for s in chosen):
        raise Conflict(_("That session was already decided."),
                       code=TrainingErrorCode.SESSION_NOT_PENDING)
    return chosen


def _hold(booking: Booking, sessions: list[TrainingSession], actor: User) -> None:
    """Approve `sessions` at their (final) times, or refuse all of them: 422 for a session that
    cannot be held at all, 409 for one that overlaps an approved session."""
    lock_space(booking.space_id)
    windows = check_windows(booking.space, [Window(s.starts_at, s.ends_at, session_id=s.id)
                                            for s in sessions], exclude_booking_id=booking.id)
    _refuse_problems(windows)
    taken = [w for w in windows if w.conflicts]
    if taken:
        raise Conflict(
            _("%(n)s session(s) overlap a session already approved in this space: %(days)s",
              n=format_number(len(taken)),
              days=_(", ").join(format_day(w.local_day) for w in taken[:5])),
            code=TrainingErrorCode.SESSION_CONFLICT,
            fields={"sessions": {format_day(w.local_day): [_("Already taken.")]
                                 for w in taken[:20]}})
    now = utcnow()
    try:
        with db.session.begin_nested():
            for session in sessions:
                session.status = SessionStatus.APPROVED
                session.decided_by_id, session.decided_at = actor.id, now
            db.session.flush()
    except IntegrityError:  # PostgreSQL's exclusion constraint: someone got there first
        raise Conflict(_("A session overlaps a session already approved in this space."),
                       code=TrainingErrorCode.SESSION_CONFLICT) from None


def approve_sessions(actor: User, booking: Booking, session_ids) -> Booking:
    _require_staff(actor, booking)
    _require_open(booking)
    sessions = _sessions(booking, session_ids, (SessionStatus.REQUESTED,))
    _hold(booking, sessions, actor)
    booking.refresh_status()
    db.session.flush()
    if booking.status == BookingStatus.APPROVED:
        notices.to_centre(booking, "approved")
    return booking


def reject_booking(actor: User, booking: Booking, reason: str,
                   session_ids=None) -> Booking:
    """Reject the sessions named (or every session still waiting), with a reason the centre
    reads."""
    _require_staff(actor, booking)
    _require_open(booking)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the centre a reason."), code=AccountErrorCode.REASON_REQUIRED,
                            fields={"reason": [_("Required.")]})
    waiting = (SessionStatus.REQUESTED, SessionStatus.PROPOSED)
    sessions = _sessions(booking, session_ids, waiting) if session_ids else \
        [s for s in booking.sessions if s.status in waiting]
    now = utcnow()
    for session in sessions:
        session.status = SessionStatus.REJECTED
        session.decided_by_id, session.decided_at, session.note = actor.id, now, reason
    booking.rejection_reason = reason
    booking.refresh_status()
    db.session.flush()
    notices.to_centre(booking, "rejected", reason=reason)
    return booking


def propose_time(actor: User, booking: Booking, session_id: int, day: date, starts_at: time,
                 ends_at: time, note: str = "") -> TrainingSession:
    """Offer the centre another time for one session; it holds nothing until accepted."""
    _require_staff(actor, booking)
    _require_open(booking)
    (session,) = _sessions(booking, [session_id], (SessionStatus.REQUESTED,
                                                    SessionStatus.PROPOSED))
    if ends_at <= starts_at:
        raise RuleViolation(_("A session must end after it starts."),
                            code=TrainingErrorCode.INVALID_SESSION_TIME,
                            fields={"ends_at": [_("Must be after the start.")]})
    proposed = window(day, starts_at, ends_at)
    proposed.session_id = session.id
    check_windows(booking.space, [proposed], exclude_booking_id=booking.id)
    _refuse_problems([proposed])
    if proposed.conflicts:
        raise Conflict(_("That time overlaps a session already approved in this space."),
                       code=TrainingErrorCode.SESSION_CONFLICT)
    session.status = SessionStatus.PROPOSED
    session.proposed_starts_at, session.proposed_ends_at = proposed.starts_at, proposed.ends_at
    session.decided_by_id, session.decided_at, session.note = actor.id, utcnow(), note or ""
    booking.refresh_status()
    db.session.flush()
    notices.to_centre(booking, "proposed")
    return session


# --- changing an approved session -------------------------------------------------------------

def _require_not_started(session: TrainingSession) -> None:
    """A session that has started (or taken place) is history: citizens came to it, so it is
    neither moved nor cancelled."""
    if session.starts_at <= utcnow():
        raise Conflict(_("That session has already started; it cannot be moved or cancelled."),
                       code=TrainingErrorCode.SESSION_STARTED)


def move_session(actor: User, booking: Booking, session_id: int, day: date, starts_at: time,
                 ends_at: time, reason: str = "") -> TrainingSession:
    """Move an approved session to another free time (a block or a market came after its
    approval). The same checks as approving hold, under the same lock; the centre and every
    registered citizen are told."""
    _require_staff(actor, booking)
    _require_open(booking)
    (session,) = _sessions(booking, [session_id], (SessionStatus.APPROVED,))
    _require_not_started(session)
    if ends_at <= starts_at:
        raise RuleViolation(_("A session must end after it starts."),
                            code=TrainingErrorCode.INVALID_SESSION_TIME,
                            fields={"ends_at": [_("Must be after the start.")]})
    target = window(day, starts_at, ends_at)
    target.session_id = session.id
    lock_space(booking.space_id)
    # Every approved session of the space counts, the booking's own others too.
    check_windows(booking.space, [target])
    _refuse_problems([target])
    if any(other.id != session.id for other in target.conflicts):
        raise Conflict(_("That time overlaps a session already approved in this space."),
                       code=TrainingErrorCode.SESSION_CONFLICT)
    moved_from = session.starts_at
    try:
        with db.session.begin_nested():
            session.starts_at, session.ends_at = target.starts_at, target.ends_at
            session.decided_by_id, session.decided_at = actor.id, utcnow()
            session.note = (reason or "").strip()
            db.session.flush()
    except IntegrityError:  # PostgreSQL's exclusion constraint: someone got there first
        raise Conflict(_("That time overlaps a session already approved in this space."),
                       code=TrainingErrorCode.SESSION_CONFLICT) from None
    _sync_course(booking)
    db.session.flush()
    notices.session_changed(booking, session, "moved", moved_from, reason=session.note)
    return session


def cancel_session(actor: User, booking: Booking, session_id: int,
                   reason: str) -> TrainingSession:
    """Take back an approved session with a reason: it frees the space; the centre and every
    registered citizen are told (a course left with no session is cancelled)."""
    _require_staff(actor, booking)
    _require_open(booking)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the centre a reason."), code=AccountErrorCode.REASON_REQUIRED,
                            fields={"reason": [_("Required.")]})
    (session,) = _sessions(booking, [session_id], (SessionStatus.APPROVED,))
    _require_not_started(session)
    session.status = SessionStatus.REJECTED
    session.decided_by_id, session.decided_at, session.note = actor.id, utcnow(), reason
    booking.refresh_status()
    if booking.status == BookingStatus.REJECTED:
        booking.rejection_reason = reason
    _sync_course(booking)
    db.session.flush()
    notices.session_changed(booking, session, "cancelled", session.starts_at, reason=reason)
    return session


# --- the centre's answers -------------------------------------------------------------------

def _require_centre(actor: User, booking: Booking) -> None:
    if not policies.can_act_for_booking(actor, booking):
        raise Forbidden(_("Only staff of the booking centre can do that."),
                        code=TrainingErrorCode.NOT_CENTRE_STAFF)


def accept_proposal(actor: User, booking: Booking, session_id: int) -> Booking:
    """The centre takes the time staff proposed: the session is approved at it, if still free."""
    _require_centre(actor, booking)
    _require_open(booking)
    (session,) = _sessions(booking, [session_id], (SessionStatus.PROPOSED,))
    if session.proposed_starts_at is None or session.proposed_ends_at is None:
        raise Conflict(_("That session was already decided."),
                       code=TrainingErrorCode.SESSION_NOT_PENDING)
    session.starts_at, session.ends_at = session.proposed_starts_at, session.proposed_ends_at
    session.proposed_starts_at = session.proposed_ends_at = None
    _hold(booking, [session], actor)
    booking.refresh_status()
    _sync_course(booking)
    db.session.flush()
    notices.to_space_staff(booking, "accepted")
    return booking


def withdraw(actor: User, booking: Booking, session_ids=None) -> Booking:
    """Withdraw the sessions named, or the whole booking (approved sessions free the space)."""
    _require_centre(actor, booking)
    _require_open(booking)
    if session_ids:
        sessions = _sessions(booking, session_ids, (SessionStatus.REQUESTED,
                                                    SessionStatus.PROPOSED,
                                                    SessionStatus.APPROVED))
    else:
        sessions = [s for s in booking.sessions if s.status in (
            SessionStatus.REQUESTED, SessionStatus.PROPOSED, SessionStatus.APPROVED)]
        booking.status = BookingStatus.WITHDRAWN
    for session in sessions:
        session.status = SessionStatus.WITHDRAWN
    booking.refresh_status()
    _sync_course(booking)
    db.session.flush()
    notices.to_space_staff(booking, "withdrawn")
    return booking


def _sync_course(booking: Booking) -> None:
    """A course on the booking follows its approved sessions: the calendar's first and last
    session, and cancelled when none is left."""
    course = db.session.scalar(select(Course).where(Course.booking_id == booking.id))
    if course is None:
        return
    sessions = booking.approved_sessions
    if not sessions:
        course.is_cancelled = True
        return
    course.first_session_at, course.last_session_at = sessions[0].starts_at, sessions[-1].ends_at
