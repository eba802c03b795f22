"""Telling the other side of a booking or a course what happened — the one place that does, so
the notification centre (issue 17's `notify()`) can replace these mails in one module.

Each function queues mail after the commit (core.mail); a person with no address gets none.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import MunicipalStaff, User
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.urls import external_url
from marketplace.extensions import db
from marketplace.training.models import Booking, Registration


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
    "moved_up": N_("You have a place on the course"),
}


def _municipal_staff(booking: Booking) -> list[User]:
    return list(db.session.scalars(select(User).join(
        MunicipalStaff, MunicipalStaff.user_id == User.id).where(
        MunicipalStaff.municipality_id == booking.space.venue.municipality_id,
        User.is_disabled.is_(False))))


def _send(user: User | None, event: str, booking: Booking, **extra) -> None:
    if user is None:
        return
    send_mail_after_commit(
        user.email, SUBJECTS[event], "training_booking", locale=user.locale, event=event,
        name=user.display_name, title=booking.title, centre_fa=booking.centre.name_fa,
        centre_en=booking.centre.name("en"), space_fa=booking.space.name_fa,
        space_en=booking.space.name("en"), lang=user.locale,
        link=external_url("training.booking_page", booking_id=booking.id), **extra)


def to_space_staff(booking: Booking, event: str) -> None:
    """The municipal staff of the booked space: a new request, an answer to a proposal, a
    withdrawal."""
    for user in _municipal_staff(booking):
        _send(user, event, booking)


def to_centre(booking: Booking, event: str, reason: str = "") -> None:
    """Whoever asked for the booking at the centre: approved, rejected, another time."""
    _send(booking.requested_by, event, booking, reason=reason)


def moved_up(registration: Registration) -> None:
    user, course = registration.user, registration.course
    send_mail_after_commit(
        user.email, SUBJECTS["moved_up"], "training_moved_up", locale=user.locale,
        name=user.display_name, title=course.title,
        link=external_url("training.course_page", course_id=course.id))
