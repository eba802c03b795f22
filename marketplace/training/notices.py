"""Telling the other side of a booking or a course what happened — the one place that does,
through the notification centre (`notify()`: the bell, and mail with these templates, SMS by
each person's choices)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import MunicipalStaff, User
from marketplace.core.urls import external_url
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.training.models import (
    Booking,
    Course,
    Registration,
    RegistrationStatus,
    TrainingSession,
)


def N_(message: str) -> str:
    """Marks a subject for extraction; core.mail translates it in the reader's language."""
    return message


SUBJECTS = {
    "requested": N_("A space was requested"),
    "approved": N_("Your booking was approved"),
    "rejected": N_("Your booking was rejected"),
    "proposed": N_("Another time was proposed for your booking"),
    "accepted": N_("The centre accepted the proposed time"),
    "withdrawn": N_("A booking was withdrawn"),
    "moved": N_("An approved session was moved"),
    "cancelled": N_("An approved session was cancelled"),
    "moved_up": N_("You have a place on the course"),
}


def _municipal_staff(booking: Booking) -> list[User]:
    return list(db.session.scalars(select(User).join(
        MunicipalStaff, MunicipalStaff.user_id == User.id).where(
        MunicipalStaff.municipality_id == booking.space.venue.municipality_id,
        User.is_disabled.is_(False))))


def _send(user: User | None, kind: EventKind, event: str, booking: Booking, **extra) -> None:
    if user is None:
        return
    notify(user, kind, {
        "event": event, "name": user.display_name, "title": booking.title,
        "centre_fa": booking.centre.name_fa, "centre_en": booking.centre.name("en"),
        "space_fa": booking.space.name_fa, "space_en": booking.space.name("en"),
        "lang": user.locale,
        "link": external_url("training.booking_page", booking_id=booking.id), **extra},
        mail=(SUBJECTS[event], "training_booking"),
        link=site_path("training.booking_page", booking_id=booking.id))


def to_space_staff(booking: Booking, event: str) -> None:
    """The municipal staff of the booked space: a new request, an answer to a proposal, a
    withdrawal."""
    for user in _municipal_staff(booking):
        _send(user, EventKind.SPACE_BOOKING, event, booking)


def to_centre(booking: Booking, event: str, reason: str = "", **extra) -> None:
    """Whoever asked for the booking at the centre: approved, rejected, another time, an
    approved session moved or cancelled."""
    _send(booking.requested_by, EventKind.SPACE_BOOKING_ANSWER, event, booking, reason=reason,
          **extra)


def moved_up(registration: Registration) -> None:
    user, course = registration.user, registration.course
    notify(user, EventKind.COURSE_PLACE, {
        "name": user.display_name, "title": course.title,
        "link": external_url("training.course_page", course_id=course.id)},
        mail=(SUBJECTS["moved_up"], "training_moved_up"),
        link=site_path("training.course_page", course_id=course.id))


def session_changed(booking: Booking, session: TrainingSession, event: str,
                    old_starts_at: datetime, reason: str = "") -> None:
    """An approved session was moved ("moved") or cancelled ("cancelled") by the space's
    staff: the centre that asked, and everyone on the booking's course (registered or
    waiting), each in their own language."""
    change = {"old_starts_at": old_starts_at, "starts_at": session.starts_at,
              "ends_at": session.ends_at}
    to_centre(booking, event, reason=reason, **change)
    course = db.session.scalar(select(Course).where(Course.booking_id == booking.id))
    if course is None:
        return
    for registration in db.session.scalars(select(Registration).where(
            Registration.course_id == course.id,
            Registration.status.in_((RegistrationStatus.REGISTERED,
                                     RegistrationStatus.WAITLISTED)))
            .options(joinedload(Registration.user))):
        notify(registration.user, EventKind.COURSE_SESSION_CHANGED, {
            "event": event, "title": course.title, "reason": reason, **change},
            link=site_path("training.course_page", course_id=course.id))
