"""Public courses on approved bookings, citizens' registrations with a waitlist that moves up
by itself when someone cancels, and attendance per session.

Registering counts the places under a lock on the course row (PostgreSQL `FOR UPDATE`; SQLite
writers run one at a time), so a course never takes more than its capacity; a partial unique
index keeps one live registration per person and course.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.accounts.trades import TRADES
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from marketplace.core.i18n import format_number
from marketplace.extensions import db
from marketplace.training import notices, policies
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.models import (
    Attendance,
    Booking,
    BookingStatus,
    Course,
    Registration,
    RegistrationStatus,
)

MAX_FEE = 10**12
LIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


@dataclass
class CourseData:
    title: str
    trade: str
    teacher: str
    capacity: int
    fee_amount: int = 0
    waitlist_size: int = 20
    audience: str = ""
    description: str = ""


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound(_("That course does not exist."), code=TrainingErrorCode.UNKNOWN_COURSE)
    return course


def get_course_for_centre(actor: User, course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None or not policies.can_manage_course(actor, course):
        raise NotFound(_("That course does not exist."), code=TrainingErrorCode.UNKNOWN_COURSE)
    return course


def _check(booking: Booking, data: CourseData) -> None:
    fields: dict[str, list[str]] = {}
    for name in ("title", "teacher"):
        if not (getattr(data, name) or "").strip():
            fields[name] = [_("Required.")]
    if data.trade not in TRADES:
        fields["trade"] = [_("Choose from the list.")]
    if not 0 <= data.fee_amount <= MAX_FEE:
        fields["fee_amount"] = [_("Not a valid amount.")]
    if not 0 <= data.waitlist_size <= 10000:
        fields["waitlist_size"] = [_("Between 0 and 10000 people.")]
    if fields:
        raise RuleViolation(_("Some details of the course are not valid."), fields=fields)
    if not 1 <= data.capacity <= booking.space.capacity:
        raise RuleViolation(
            _("The space holds at most %(n)s people.", n=format_number(booking.space.capacity)),
            code=TrainingErrorCode.OVER_CAPACITY,
            fields={"capacity": [_("More than the space holds.")]})


def publish_course(actor: User, booking: Booking, data: CourseData) -> Course:
    if not policies.can_act_for_booking(actor, booking):
        raise Forbidden(_("Only staff of the booking centre can do that."),
                        code=TrainingErrorCode.NOT_CENTRE_STAFF)
    sessions = booking.approved_sessions
    if booking.status != BookingStatus.APPROVED or not sessions:
        raise Conflict(_("Only an approved booking can carry a course."),
                       code=TrainingErrorCode.BOOKING_NOT_APPROVED)
    if db.session.scalar(select(Course.id).where(Course.booking_id == booking.id)):
        raise Conflict(_("This booking already carries a course."),
                       code=TrainingErrorCode.COURSE_EXISTS)
    _check(booking, data)
    course = Course(
        booking=booking, centre_id=booking.centre_id, space_id=booking.space_id,
        title=data.title.strip(), description=data.description or "", trade=data.trade,
        teacher=data.teacher.strip(), audience=data.audience or "", capacity=data.capacity,
        waitlist_size=data.waitlist_size, fee_amount=data.fee_amount,
        currency=current_app.config["MARKETPLACE_CURRENCY"],
        first_session_at=sessions[0].starts_at, last_session_at=sessions[-1].ends_at,
        created_by_id=actor.id)
    db.session.add(course)
    db.session.flush()
    return course


# --- registrations --------------------------------------------------------------------------

def _lock_course(course: Course) -> None:
    """Wait for any other registration of this course to commit (PostgreSQL; SQLite writers
    already queue)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Course.id).where(Course.id == course.id).with_for_update())


def _counts(course_id: int) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(select(Registration.status, func.count()).where(
        Registration.course_id == course_id, Registration.status.in_(LIVE)).group_by(
        Registration.status))
    return {RegistrationStatus(status): count for status, count in rows}


def register(actor: User, course: Course) -> Registration:
    """A place if one is free, else a place on the waitlist; refused when both are full."""
    if not policies.can_register(actor):
        raise Forbidden(_("Please log in first."), code=TrainingErrorCode.NOT_REGISTERED)
    if course.is_cancelled or course.last_session_at <= utcnow():
        raise Conflict(_("This course no longer takes registrations."),
                       code=TrainingErrorCode.COURSE_CLOSED)
    _lock_course(course)
    if db.session.scalar(select(Registration.id).where(
            Registration.course_id == course.id, Registration.user_id == actor.id,
            Registration.status.in_(LIVE))):
        raise Conflict(_("You are already registered for this course."),
                       code=TrainingErrorCode.ALREADY_REGISTERED)
    counts = _counts(course.id)
    now = utcnow()
    if counts.get(RegistrationStatus.REGISTERED, 0) < course.capacity:
        status, registered_at = RegistrationStatus.REGISTERED, now
    elif counts.get(RegistrationStatus.WAITLISTED, 0) < course.waitlist_size:
        status, registered_at = RegistrationStatus.WAITLISTED, None
    else:
        raise Conflict(_("This course is full."), code=TrainingErrorCode.COURSE_FULL)
    # By id, not through the relationship: the row joins the session inside the savepoint.
    registration = Registration(course_id=course.id, user_id=actor.id, status=status,
                                registered_at=registered_at)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("You are already registered for this course."),
                       code=TrainingErrorCode.ALREADY_REGISTERED) from None
    return registration


def get_registration(actor: User, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or not (policies.owns_registration(actor, registration) or
                                    policies.can_manage_course(actor, registration.course)):
        raise NotFound(_("That registration does not exist."),
                       code=TrainingErrorCode.UNKNOWN_REGISTRATION)
    return registration


def cancel_registration(actor: User, registration: Registration) -> Registration | None:
    """Cancel a place or a place in the waitlist; a freed place goes to whoever has waited
    longest, who is told. Returns the registration that moved up, if any."""
    if not (policies.owns_registration(actor, registration) or
            policies.can_manage_course(actor, registration.course)):
        raise NotFound(_("That registration does not exist."),
                       code=TrainingErrorCode.UNKNOWN_REGISTRATION)
    if registration.status not in LIVE:
        raise Conflict(_("That registration is already cancelled."),
                       code=TrainingErrorCode.NOT_REGISTERED)
    course = registration.course
    _lock_course(course)
    freed = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()
    if not freed:
        return None
    waiting = db.session.scalar(select(Registration).where(
        Registration.course_id == course.id,
        Registration.status == RegistrationStatus.WAITLISTED).order_by(
        Registration.created_at, Registration.id).limit(1))
    if waiting is None:
        return None
    waiting.status = RegistrationStatus.REGISTERED
    waiting.registered_at = utcnow()
    db.session.flush()
    notices.moved_up(waiting)
    return waiting


# --- attendance -----------------------------------------------------------------------------

def mark_attendance(actor: User, course: Course, session_id: int,
                    present_ids: list[int]) -> int:
    """Who was present at one session (everyone else absent); returns how many were."""
    if not policies.can_manage_course(actor, course):
        raise NotFound(_("That course does not exist."), code=TrainingErrorCode.UNKNOWN_COURSE)
    if session_id not in {s.id for s in course.sessions}:
        raise NotFound(_("That session does not exist."), code=TrainingErrorCode.UNKNOWN_SESSION)
    registered = {r.id for r in course.registrations
                  if r.status == RegistrationStatus.REGISTERED}
    unknown = set(present_ids) - registered
    if unknown:
        raise RuleViolation(_("Only registered people can be marked present."),
                            code=TrainingErrorCode.NOT_REGISTERED,
                            fields={"registration_ids": [_("Not registered.")]})
    db.session.execute(delete(Attendance).where(
        Attendance.session_id == session_id,
        Attendance.registration_id.in_(registered or {0})))
    for registration_id in sorted(set(present_ids)):
        db.session.add(Attendance(registration_id=registration_id, session_id=session_id,
                                  marked_by_id=actor.id))
    db.session.flush()
    return len(set(present_ids))
