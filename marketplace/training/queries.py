"""Reads for training pages and the API: each a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Municipality, TrainingCentre
from marketplace.booths.models import Venue
from marketplace.core.i18n import marketplace_zone
from marketplace.extensions import db
from marketplace.training.models import (
    Booking,
    BookingStatus,
    Course,
    Registration,
    RegistrationStatus,
    SessionStatus,
    Space,
    TrainingSession,
)


def _space_options():
    return (joinedload(Space.venue).joinedload(Venue.municipality),)


def staff_spaces(user) -> list[Space]:
    statement = select(Space).join(Venue, Venue.id == Space.venue_id).options(
        *_space_options()).order_by(Venue.name_fa, Space.name_fa, Space.id)
    if not user.is_admin:
        statement = statement.where(Venue.municipality_id.in_(user.staff_municipality_ids))
    return list(db.session.scalars(statement).unique())


def staff_venues(user) -> list[Venue]:
    statement = select(Venue).options(joinedload(Venue.municipality)).order_by(Venue.name_fa)
    if not user.is_admin:
        statement = statement.where(Venue.municipality_id.in_(user.staff_municipality_ids))
    return list(db.session.scalars(statement).unique())


def bookable_spaces() -> list[Space]:
    """Every active space, for centres choosing one (by city, then venue)."""
    return list(db.session.scalars(
        select(Space).join(Venue, Venue.id == Space.venue_id).join(
            Municipality, Municipality.id == Venue.municipality_id).where(
            Space.is_active.is_(True)).options(*_space_options()).order_by(
            Municipality.city, Venue.name_fa, Space.name_fa, Space.id)).unique())


def _booking_options():
    return (joinedload(Booking.space).joinedload(Space.venue).joinedload(Venue.municipality),
            joinedload(Booking.centre), selectinload(Booking.sessions))


def staff_requests(user) -> list[Booking]:
    """Bookings of the user's spaces, those waiting first, then the newest."""
    statement = select(Booking).join(Space, Space.id == Booking.space_id).join(
        Venue, Venue.id == Space.venue_id).options(*_booking_options()).order_by(
        (Booking.status == BookingStatus.PENDING).desc(), Booking.created_at.desc(),
        Booking.id.desc()).limit(300)
    if not user.is_admin:
        statement = statement.where(Venue.municipality_id.in_(user.staff_municipality_ids))
    return list(db.session.scalars(statement).unique())


def centre_bookings(user) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).where(Booking.centre_id.in_(user.staff_centre_ids)).options(
            *_booking_options()).order_by(Booking.created_at.desc(), Booking.id.desc())
        .limit(300)).unique())


def centre_courses(user) -> list[Course]:
    return list(db.session.scalars(
        select(Course).where(Course.centre_id.in_(user.staff_centre_ids)).options(
            joinedload(Course.space)).order_by(Course.first_session_at.desc()).limit(300)))


def courses_of_bookings(booking_ids) -> dict[int, Course]:
    ids = list(booking_ids)
    if not ids:
        return {}
    return {c.booking_id: c for c in db.session.scalars(
        select(Course).where(Course.booking_id.in_(ids)))}


def space_sessions(space: Space, since: datetime, limit: int = 100) -> list[TrainingSession]:
    """The space's approved sessions from `since`, with their bookings (its calendar)."""
    return list(db.session.scalars(
        select(TrainingSession).where(
            TrainingSession.space_id == space.id, TrainingSession.status == SessionStatus.APPROVED,
            TrainingSession.ends_at >= since).options(
            joinedload(TrainingSession.booking).joinedload(Booking.centre)).order_by(
            TrainingSession.starts_at).limit(limit)))


@dataclass
class CalendarFilters:
    city: str | None = None
    trade: str | None = None
    since: date | None = None
    centre: str | None = None   # a centre's slug: that centre's courses
    space_id: int | None = None  # the courses held in one space (its public page)


def public_courses(filters: CalendarFilters, now: datetime, limit: int = 100) -> list[Course]:
    """Courses still to come (or running), soonest first, by city, trade and from a day."""
    statement = select(Course).join(Space, Space.id == Course.space_id).join(
        Venue, Venue.id == Space.venue_id).join(
        Municipality, Municipality.id == Venue.municipality_id).where(
        Course.is_cancelled.is_(False), Course.last_session_at >= now).options(
        joinedload(Course.centre),
        joinedload(Course.space).joinedload(Space.venue).joinedload(Venue.municipality),
        joinedload(Course.booking).selectinload(Booking.sessions))
    if filters.city:
        statement = statement.where(Municipality.city == filters.city)
    if filters.trade:
        statement = statement.where(Course.trade == filters.trade)
    if filters.centre:
        statement = statement.where(Course.centre.has(TrainingCentre.slug == filters.centre))
    if filters.space_id:
        statement = statement.where(Course.space_id == filters.space_id)
    if filters.since:
        start = datetime.combine(filters.since, datetime.min.time(), tzinfo=marketplace_zone())
        statement = statement.where(Course.last_session_at >= start)
    statement = statement.order_by(Course.first_session_at, Course.id).limit(limit)
    return list(db.session.scalars(statement).unique())


def public_space(space_id: int) -> Space | None:
    """A space with its venue and municipality, for its public page."""
    return db.session.scalar(select(Space).where(Space.id == space_id).options(
        *_space_options()))


def course_cities() -> list[str]:
    return list(db.session.scalars(
        select(Municipality.city).join(Venue, Venue.municipality_id == Municipality.id).join(
            Space, Space.venue_id == Venue.id).join(Course, Course.space_id == Space.id)
        .distinct().order_by(Municipality.city)))


def registration_counts(course_ids) -> dict[int, dict[str, int]]:
    ids = list(course_ids)
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if not ids:
        return counts
    for course_id, status, count in db.session.execute(
            select(Registration.course_id, Registration.status, func.count()).where(
                Registration.course_id.in_(ids)).group_by(Registration.course_id,
                                                          Registration.status)):
        counts[course_id][str(getattr(status, "value", status))] = count
    return counts


def my_registration(user, course: Course) -> Registration | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.course_id == course.id, Registration.user_id == user.id,
        Registration.status.in_((RegistrationStatus.REGISTERED,
                                 RegistrationStatus.WAITLISTED))))


def my_registrations(user) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.user_id == user.id).options(
            joinedload(Registration.course).joinedload(Course.centre)).order_by(
            Registration.created_at.desc()).limit(200)))


def course_registrations(course: Course) -> list[Registration]:
    """Everyone on the course, in order: registered, then the waitlist, then cancelled."""
    rank = {RegistrationStatus.REGISTERED: 0, RegistrationStatus.WAITLISTED: 1,
            RegistrationStatus.CANCELLED: 2}
    rows = list(db.session.scalars(
        select(Registration).where(Registration.course_id == course.id).options(
            joinedload(Registration.user), selectinload(Registration.attendances)).order_by(
            Registration.created_at, Registration.id)))
    return sorted(rows, key=lambda r: (rank[r.status], r.created_at, r.id))


def centres_by_id(ids) -> dict[int, TrainingCentre]:
    return {c.id: c for c in db.session.scalars(
        select(TrainingCentre).where(TrainingCentre.id.in_(list(ids))))}


def centre_by_slug(slug: str) -> TrainingCentre | None:
    return db.session.scalar(select(TrainingCentre).where(TrainingCentre.slug == slug[:100]))
