"""Reminders before each course session (`flask remind-sessions`, part of `flask maintenance`):
only people with a place, only sessions within the next day, once each, in their language."""

from datetime import timedelta

from sqlalchemy import select, update

from marketplace.cli import MAINTENANCE_COMMANDS
from marketplace.core.db import utcnow
from marketplace.notifications.events import specs_for
from marketplace.notifications.models import EventKind, Notification
from marketplace.training.models import Registration, RegistrationStatus, TrainingSession


def test_registered_people_are_reminded_once_in_their_language(
        client, db, world, api_token, approved_course, create_user, runner):
    course = approved_course(capacity=3, waitlist_size=1)
    persian, english = create_user(locale="fa"), create_user(locale="en")
    waiting, cancelled = create_user(), create_user()
    for user in (persian, english, cancelled, waiting):
        response = client.post(f"/api/v1/training/courses/{course['id']}/registrations",
                               headers=api_token(user))
        assert response.status_code == 201
    assert response.json["status"] == "waitlisted"
    # Cancelled without the waitlist moving up (the waiting person stays waiting).
    db.session.execute(update(Registration).where(Registration.user_id == cancelled.id)
                       .values(status=RegistrationStatus.CANCELLED))
    # The first session moves to this evening (in five hours); the next stays a week away.
    first, second = sorted(db.session.scalars(select(TrainingSession).where(
        TrainingSession.booking_id == course["booking_id"])), key=lambda s: s.starts_at)[:2]
    soon = utcnow().replace(microsecond=0) + timedelta(hours=5)
    first.starts_at, first.ends_at = soon, soon + timedelta(hours=2)
    db.session.commit()

    assert "remind-sessions" in MAINTENANCE_COMMANDS
    result = runner.invoke(args=["remind-sessions"])
    assert result.exit_code == 0 and "Reminded 2 " in result.output
    again = runner.invoke(args=["remind-sessions"])
    assert "Reminded 0 " in again.output  # the pass runs every minute: nothing twice

    db.session.expire_all()
    sent = {n.recipient_id: n for n in db.session.scalars(
        select(Notification).where(Notification.kind == EventKind.COURSE_REMINDER))}
    assert set(sent) == {persian.id, english.id}
    assert sent[persian.id].title.startswith("جلسهٔ دوره‌تان نزدیک است")
    assert world.space.name_fa in sent[persian.id].body
    assert not any(c in sent[persian.id].body for c in "0123456789")
    assert sent[english.id].title == "Your course meets soon: “Carpet design for beginners”"
    assert world.space.name_en in sent[english.id].body
    assert {n.dedupe_key.split(":")[1] for n in sent.values()} == {str(first.id)}
    assert second.starts_at > soon + timedelta(days=1)
    # A person chooses its channels on the preferences page like any other kind.
    assert EventKind.COURSE_REMINDER in {spec.kind for spec in specs_for(persian)}
