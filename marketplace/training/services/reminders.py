"""Before each session of a course, everyone with a place on it is reminded when and where
(`flask remind-sessions`, part of `flask maintenance`): sessions starting within the next day.
Waitlisted and cancelled people are not. Each person hears of each session once: the notice's
dedupe key (recipient, session, start) is the record of what was sent, so a pass that runs
again — or every minute — sends nothing new, and a session moved to another time is reminded
again at its new time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from marketplace.accounts.models import User
from marketplace.core.db import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import EventKind, Notification
from marketplace.notifications.service import notify, site_path
from marketplace.training.models import (
    Course,
    Registration,
    RegistrationStatus,
    SessionStatus,
    Space,
    TrainingSession,
)

AHEAD = timedelta(days=1)


def reminder_key(session: TrainingSession) -> str:
    return f"course-reminder:{session.id}:{int(session.starts_at.timestamp())}"


def sessions_starting(now: datetime) -> list[tuple[TrainingSession, Course]]:
    """Approved sessions of live courses starting after `now` and within a day of it."""
    rows = db.session.execute(
        select(TrainingSession, Course)
        .join(Course, Course.booking_id == TrainingSession.booking_id)
        .join(Course.space).join(Space.venue)
        .where(TrainingSession.status == SessionStatus.APPROVED,
               TrainingSession.starts_at > now, TrainingSession.starts_at <= now + AHEAD,
               Course.is_cancelled.is_(False))
        .options(contains_eager(Course.space).contains_eager(Space.venue))
        .order_by(TrainingSession.starts_at, TrainingSession.id))
    return [(session, course) for session, course in rows]


def _participants(course_ids: set[int]) -> dict[int, list[User]]:
    """Everyone with a place (not waiting, not cancelled) on each course, accounts in use."""
    found: dict[int, list[User]] = {i: [] for i in course_ids}
    for registration in db.session.scalars(
            select(Registration).join(Registration.user)
            .where(Registration.course_id.in_(course_ids),
                   Registration.status == RegistrationStatus.REGISTERED,
                   User.is_disabled.is_(False))
            .options(contains_eager(Registration.user)).order_by(Registration.id)):
        found[registration.course_id].append(registration.user)
    return found


def _already_sent(keys: list[str]) -> set[tuple[int, str | None]]:
    return {(recipient, key) for recipient, key in db.session.execute(
        select(Notification.recipient_id, Notification.dedupe_key).where(
            Notification.dedupe_key.in_(keys)))}


def _context(session: TrainingSession, course: Course) -> dict:
    space, venue = course.space, course.space.venue
    return {"title": course.title, "starts_at": session.starts_at,
            "ends_at": session.ends_at, "space_fa": space.name_fa,
            "space_en": space.name("en"), "venue_fa": venue.name_fa,
            "venue_en": venue.name("en"), "address": venue.address or ""}


def remind_sessions(now: datetime | None = None) -> int:
    """Queue the reminders of the next day's sessions not sent yet; how many. Four queries."""
    now = now or utcnow()
    upcoming = sessions_starting(now)
    if not upcoming:
        return 0
    people = _participants({course.id for _session, course in upcoming})
    sent = _already_sent([reminder_key(session) for session, _course in upcoming])
    count = 0
    for session, course in upcoming:
        key = reminder_key(session)
        context = _context(session, course)
        link = site_path("training.course_page", course_id=course.id)
        for user in people[course.id]:
            if (user.id, key) in sent:
                continue
            notify(user, EventKind.COURSE_REMINDER, context, link=link, dedupe_key=key)
            count += 1
    return count
