"""Suspending a trainee (their training centre, in accounts) frees their booth-days to come:
the waitlist fills them as after a cancellation, and the trainee is told in their language."""

from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import TraineeStatus
from marketplace.booths.models import (
    ApplicationDay,
    ApplicationDayStatus,
    Assignment,
    AssignmentStatus,
)
from marketplace.booths.services import allocation_runs, assignments, booth_writes
from marketplace.core.db import utcnow
from tests.booths.conftest import accept_offers


def live_of(db, trainee):
    return db.session.scalars(select(Assignment).where(
        Assignment.trainee_id == trainee.id,
        Assignment.status.in_((AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN)))).all()


def test_suspension_frees_future_booth_days_to_the_waitlist_and_mails_the_trainee(
        db, client, login, world, create_trainee, create_centre, create_centre_staff,
        create_application, outbox):
    world.market.allow_clusters = True
    centre = create_centre()
    staff = create_centre_staff(centre=centre)
    first, second = world.market.days[0], world.market.days[1]
    suspended = create_trainee(centre=centre)
    suspended.user.locale = "en"
    for day in (first, second):
        assignments.assign_booth(world.staff, day, world.booths[0], suspended)
    # Four others want the three booths left on each day: one of them waits each day.
    for trainee in [create_trainee() for _ in range(4)]:
        create_application(world.market, trainee=trainee, category=world.category,
                           days=[first, second])
    db.session.commit()
    allocation_runs.confirm_run(world.staff,
                                allocation_runs.preview_allocation(world.staff, world.market))
    db.session.commit()
    held = live_of(db, suspended)
    assert sorted(a.market_day_id for a in held) == [first.id, second.id]
    booths = {a.market_day_id: a.booth_id for a in held}
    waiting = db.session.scalars(select(ApplicationDay).where(
        ApplicationDay.status == ApplicationDayStatus.WAITLISTED)).all()
    assert sorted(e.market_day_id for e in waiting) == [first.id, second.id]

    login(staff)
    response = client.post(f"/centre/trainees/{suspended.id}/suspend",
                           data={"reason": "تخلف در فروش"})
    assert response.status_code == 302
    db.session.expire_all()

    assert db.session.get(type(suspended), suspended.id).status == TraineeStatus.SUSPENDED
    assert live_of(db, suspended) == []
    cancelled = db.session.scalars(select(Assignment).where(
        Assignment.trainee_id == suspended.id)).all()
    assert {a.cancel_reason for a in cancelled if a.status == AssignmentStatus.CANCELLED} == \
        {"trainee_suspended"}
    # The waitlist filled both freed booth-days (offered, then accepted).
    assert accept_offers(db) == 2
    for day_id, booth_id in booths.items():
        refill = db.session.scalar(select(Assignment).where(
            Assignment.market_day_id == day_id, Assignment.booth_id == booth_id,
            Assignment.status == AssignmentStatus.ACTIVE))
        assert refill is not None and refill.trainee_id != suspended.id
    (mail,) = [m for m in outbox() if m["To"] == suspended.user.email
               and str(m["Subject"]) == "Your booths are cancelled"]
    body = mail.get_content()
    assert "suspended" in body and world.market.name_en in body
    for booth_id in booths.values():
        code = next(b.code for b in world.booths if b.id == booth_id)
        assert f"booth {code}" in body


def test_the_mail_speaks_persian_and_days_already_open_are_left_alone(
        db, world, create_trainee, create_centre, create_centre_staff, outbox):
    from marketplace.accounts.services import change_trainee_status

    centre = create_centre()
    staff = create_centre_staff(centre=centre)
    trainee = create_trainee(centre=centre)
    trainee.user.locale = "fa"
    today, later = world.market.days[0], world.market.days[2]
    today.opens_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    opened = booth_writes.create_assignment(world.booths[0], today, trainee, source="manual",
                                        application=None, actor=None)
    coming = booth_writes.create_assignment(world.booths[1], later, trainee, source="manual",
                                        application=None, actor=None)
    db.session.commit()

    change_trainee_status(staff, trainee, "suspend", "غیبت مکرر")
    db.session.commit()

    assert opened.status == AssignmentStatus.ACTIVE
    assert coming.status == AssignmentStatus.CANCELLED
    (mail,) = [m for m in outbox() if str(m["Subject"]) == "غرفه‌های شما لغو شد"]
    body = mail.get_content()
    assert "Your booths" not in body and "suspended" not in body
    assert "تعلیق" in body and world.market.name_fa in body


def test_a_suspension_that_fails_frees_nothing(db, world, create_trainee, create_centre,
                                               create_centre_staff):
    """The signal runs inside the suspension's transaction: a refused change frees nothing."""
    import pytest

    from marketplace.accounts.services import change_trainee_status
    from marketplace.core.errors import RuleViolation

    centre = create_centre()
    staff = create_centre_staff(centre=centre)
    trainee = create_trainee(centre=centre)
    held = booth_writes.create_assignment(world.booths[0], world.market.days[0], trainee,
                                      source="manual", application=None, actor=None)
    db.session.commit()
    with pytest.raises(RuleViolation):
        change_trainee_status(staff, trainee, "suspend", "")
    db.session.rollback()
    assert db.session.get(Assignment, held.id).status == AssignmentStatus.ACTIVE
