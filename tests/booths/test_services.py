"""Booth use cases at the service level: allocation runs, replay, waitlist, closing a day,
no-shows and strikes, fees and subsidies."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.booths import queries
from marketplace.booths.models import (
    AllocationRun,
    Application,
    ApplicationDayStatus,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    BoothFee,
    FeeStatus,
    Ineligibility,
    NoShowStrike,
    RunStatus,
    SubsidyEntry,
)
from marketplace.booths.services import (
    allocation_runs,
    allocation_snapshots,
    applications,
    assignments,
    attendance,
    markets,
)
from marketplace.core.errors import Conflict, RuleViolation
from tests.booths.conftest import accept_offers


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def apply(trainee, market, category, days=None, **extra):
    data = applications.ApplicationData(day_ids=[d.id for d in (days or market.days)],
                                    category_ids=[category.id], **extra)
    return applications.apply_for_market(trainee.user, market, data)


def test_preview_saves_only_the_run_and_confirm_creates_assignments(db, world, create_trainee,
                                                                     outbox):
    trainees = [create_trainee() for _ in range(6)]
    for i, trainee in enumerate(trainees):
        apply(trainee, world.market, world.category if i % 2 else world.other_category)
    db.session.commit()

    run = allocation_runs.preview_allocation(world.staff, world.market)
    db.session.commit()
    assert run.status == RunStatus.PREVIEW
    assert count(db, Assignment) == 0
    assert {a.status for a in db.session.scalars(select(Application))} == \
        {ApplicationStatus.SUBMITTED}
    assert run.placements_count == 12  # 4 booths x 3 days
    assert run.unserved_count == 6

    created = allocation_runs.confirm_run(world.staff, run)
    db.session.commit()
    assert len(created) == 12
    assert count(db, Assignment) == 12
    statuses = {a.status for a in db.session.scalars(select(Application))}
    assert statuses <= {ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED}
    waitlisted_days = db.session.scalar(select(func.count()).select_from(
        select(Application).join(Application.days).where(
            Application.days.any(status=ApplicationDayStatus.WAITLISTED)).subquery()))
    assert waitlisted_days >= 1
    # Fees for paid booths are due; free booths are in the subsidy ledger at the venue's rate.
    assert count(db, BoothFee) == 6 and count(db, SubsidyEntry) == 6
    assert {s.value_amount for s in db.session.scalars(select(SubsidyEntry))} == {5000}
    assert len(outbox()) == 6
    with pytest.raises(Conflict) as error:
        allocation_runs.confirm_run(world.staff, run)
    assert error.value.code == "run_already_confirmed"


def test_neighbour_rule_keeps_the_same_craft_apart_unless_clusters_are_allowed(
        db, world, create_trainee):
    for _ in range(4):
        apply(create_trainee(), world.market, world.category, days=[world.market.days[0]])
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market)
    assert run.placements_count == 2  # four booths in a row: every other one
    view = queries.run_view(run)
    assert {u["reason"] for u in view["unserved"]} == {"neighbour_rule"}
    assert all(u["reason_text"] for u in view["unserved"])
    world.market.allow_clusters = True
    db.session.commit()
    assert allocation_runs.preview_allocation(world.staff, world.market).placements_count == 4


def test_replay_gives_the_stored_result(db, world, create_trainee):
    for _ in range(7):
        apply(create_trainee(), world.market, world.category)
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market)
    db.session.commit()
    same, _result = allocation_runs.replay_run(run)
    assert same
    run.result_json = run.result_json.replace('"booth_id": ', '"booth_id": 1', 1)
    assert allocation_runs.replay_run(run)[0] is False


def test_waitlist_fills_a_withdrawn_booth_day(db, world, create_trainee):
    world.market.allow_clusters = True
    day = world.market.days[0]
    trainees = [create_trainee() for _ in range(5)]
    for trainee in trainees:
        apply(trainee, world.market, world.category, days=[day])
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market)
    allocation_runs.confirm_run(world.staff, run)
    db.session.commit()
    waiting = db.session.scalars(select(Application).where(
        Application.status == ApplicationStatus.WAITLISTED)).all()
    assert len(waiting) == 1
    holder = db.session.scalars(select(Assignment)).first()
    application = holder.application
    applications.withdraw_application_day(application.trainee.user, application, day.id)
    db.session.commit()
    assert holder.status == AssignmentStatus.CANCELLED
    # The freed booth-day is offered to the one waiting; it is theirs once they accept.
    assert accept_offers(db) == 1
    replacement = db.session.scalar(select(Assignment).where(
        Assignment.trainee_id == waiting[0].trainee_id))
    assert replacement is not None and replacement.status == AssignmentStatus.ACTIVE
    assert replacement.booth_id == holder.booth_id
    assert waiting[0].status == ApplicationStatus.ACCEPTED
    assert db.session.scalar(select(func.count()).select_from(AllocationRun).where(
        AllocationRun.scope == "waitlist")) == 1


def test_closing_a_day_cancels_its_booths_and_mails_the_trainees(db, world, create_trainee,
                                                                 outbox):
    day = world.market.days[1]
    trainee = create_trainee()
    assignment = assignments.assign_booth(world.staff, day, world.booths[1], trainee)
    db.session.commit()
    outbox_before = len(outbox())
    markets.close_market_day(world.staff, day, "Heavy snow")
    db.session.commit()
    assert assignment.status == AssignmentStatus.CANCELLED
    fee = db.session.scalar(select(BoothFee))
    assert fee.status == FeeStatus.WAIVED
    assert len(outbox()) == outbox_before + 1
    mails = [m for m in outbox() if "Heavy snow" in m.get_content()]
    assert len(mails) == 1 and mails[0]["To"] == trainee.user.email
    with pytest.raises(Conflict):
        markets.close_market_day(world.staff, day, "again")
    with pytest.raises(RuleViolation) as error:
        assignments.assign_booth(world.staff, day, world.booths[2], create_trainee())
    assert error.value.code == "day_closed"


def test_no_shows_count_strikes_and_make_trainees_ineligible(db, world, create_trainee):
    world.market.no_show_strike_limit = 2
    db.session.commit()
    trainee = create_trainee()
    first, second = world.market.days[0], world.market.days[1]
    a1 = assignments.assign_booth(world.staff, first, world.booths[0], trainee)
    a2 = assignments.assign_booth(world.staff, second, world.booths[0], trainee)
    other = assignments.assign_booth(world.staff, first, world.booths[1], create_trainee())
    attendance.check_in(world.staff, other, now=first.opens_at)
    db.session.commit()

    before_deadline = first.opens_at + timedelta(minutes=30)
    assert attendance.mark_no_shows(before_deadline)["no_shows"] == 0
    after_second = second.opens_at + timedelta(minutes=61)
    summary = attendance.mark_no_shows(after_second)
    db.session.commit()
    assert summary == {"no_shows": 2, "strikes": 2, "ineligible": 1}
    assert a1.status == a2.status == AssignmentStatus.NO_SHOW
    assert other.status == AssignmentStatus.CHECKED_IN
    assert count(db, NoShowStrike) == 2
    ban = db.session.scalar(select(Ineligibility))
    assert ban.trainee_id == trainee.id
    assert ban.until == second.day + timedelta(days=world.market.ineligibility_days)
    # The next run reports the trainee as ineligible.
    application = apply(trainee, world.market, world.category, days=[world.market.days[2]])
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market, now=first.opens_at)
    unserved = [u for u in allocation_runs.replay.result_from_json(
        __import__("json").loads(run.result_json)).unserved
        if u.application_id == application.id]
    assert [u.reason for u in unserved] == ["ineligible"]


def test_recurrence_rules_are_bounded(app):
    from datetime import date

    from marketplace.booths.schedule import recurring_dates

    fridays = recurring_dates("FREQ=WEEKLY;BYDAY=FR", date(2026, 3, 21), date(2026, 6, 21))
    assert len(fridays) == 13 and all(d.weekday() == 4 for d in fridays)
    for rule, code in (("FREQ=WEEKLY;BYDAY=FR;COUNT=0", "recurrence_empty"),
                       ("FREQ=DAILY;INTERVAL=1", "recurrence_too_many"),
                       ("FREQ=HOURLY", "recurrence_invalid"),
                       ("nonsense", "recurrence_invalid")):
        with pytest.raises(RuleViolation) as error:
            recurring_dates(rule, date(2026, 1, 1), date(2028, 1, 1))
        assert error.value.code == code


def test_snapshot_carries_blocks_reservations_neighbours_caps_and_fixed_booths(
        db, world, create_trainee, create_assignment):
    from marketplace.booths.models import BoothBlock, MarketCategory, MarketReservedBooth

    first, second = world.market.days[0], world.market.days[1]
    world.venue.grid_breaks = [[1, 0, 2, 0]]  # a walkway between booths 2 and 3
    db.session.add(BoothBlock(booth_id=world.booths[3].id, starts_on=second.day,
                              ends_on=second.day, reason="official_event"))
    db.session.add(MarketReservedBooth(market_id=world.market.id, booth_id=world.booths[0].id,
                                       category_id=world.other_category.id))
    cap = db.session.scalar(select(MarketCategory).where(
        MarketCategory.category_id == world.category.id))
    cap.cap = 1
    holder = create_trainee()
    create_assignment(world.booths[1], first, holder)
    db.session.commit()
    applicant = create_trainee()
    apply(applicant, world.market, world.category, needs_power=True)
    db.session.commit()

    snapshot, _lookups = allocation_snapshots.build_snapshot(world.market, world.market.days,
                                                             seed=7)
    booths = {b.id: b for b in snapshot.booths}
    b1, b2, b3, b4 = (booths[b.id] for b in world.booths)
    assert b1.neighbours == {b2.id} and b2.neighbours == {b1.id}  # the walkway splits 2|3
    assert b3.neighbours == {b4.id}
    assert b4.unavailable_day_ids == {second.id} and not b1.unavailable_day_ids
    assert b1.reserved_category_id == world.other_category.id
    assert b1.features == {"power", "accessible"} and b1.location_score == 80
    assert snapshot.rules.category_caps == {world.category.id: 1}
    assert [(f.booth_id, f.day_id, f.trainee_id) for f in snapshot.fixed] == \
        [(world.booths[1].id, first.id, holder.id)]
    (spec,) = snapshot.applicants
    assert spec.needs == {"power"} and spec.category_id == world.category.id
    assert spec.day_ids == {d.id for d in world.market.days} and spec.eligible


def test_category_cap_limits_booths_per_day(db, world, create_trainee):
    from marketplace.booths.models import MarketCategory

    cap = db.session.scalar(select(MarketCategory).where(
        MarketCategory.category_id == world.category.id))
    cap.cap = 1
    world.market.allow_clusters = True
    db.session.commit()
    for _ in range(3):
        apply(create_trainee(), world.market, world.category, days=[world.market.days[0]])
    db.session.commit()
    view = queries.run_view(allocation_runs.preview_allocation(world.staff, world.market))
    assert len(view["placements"]) == 1
    assert {u["reason"] for u in view["unserved"]} == {"category_cap_reached"}


def test_applying_again_after_withdrawing_every_day_reopens_the_application(
        db, world, create_trainee):
    trainee = create_trainee()
    day, other = world.market.days[0], world.market.days[1]
    application = apply(trainee, world.market, world.category, days=[day])
    assignment = assignments.assign_booth(world.staff, day, world.booths[0], trainee)
    db.session.commit()
    applications.withdraw_application_day(trainee.user, application, day.id)
    db.session.commit()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert assignment.status == AssignmentStatus.CANCELLED
    again = apply(trainee, world.market, world.other_category, days=[day, other])
    db.session.commit()
    assert again.id == application.id and again.status == ApplicationStatus.SUBMITTED
    assert sorted((d.market_day_id, d.status.value) for d in again.days) == \
        [(day.id, "requested"), (other.id, "requested")]
    assert again.category_ids == [world.other_category.id]
    with pytest.raises(Conflict) as error:
        apply(trainee, world.market, world.category)
    assert error.value.code == "already_applied"


def test_withdrawing_after_the_cut_off_is_refused(db, world, create_trainee):
    trainee = create_trainee()
    day = world.market.days[0]
    application = apply(trainee, world.market, world.category, days=[day])
    db.session.commit()
    late = day.opens_at - timedelta(hours=world.market.withdraw_cutoff_hours - 1)
    with pytest.raises(RuleViolation) as error:
        applications.withdraw_application_day(trainee.user, application, day.id, now=late)
    assert error.value.code == "withdraw_cutoff_passed"


def test_mails_speak_the_trainees_language(db, world, create_trainee, outbox):
    from marketplace.core.i18n import jalali_date

    trainee = create_trainee()
    trainee.user.locale = "fa"
    day = world.market.days[0]
    assignment = assignments.assign_booth(world.staff, day, world.booths[1], trainee)
    db.session.commit()
    assignments.cancel_assignment(world.staff, assignment)
    db.session.commit()
    bodies = [m.get_content() for m in outbox()]
    assert any("غرفه گرفتید" in str(m["Subject"]) for m in outbox())
    cancelled = next(b for b in bodies if "لغو شد" in b)
    assert jalali_date(day.day, with_weekday=True) in cancelled
    assert "کارکنان بازارچه لغو کردند" in cancelled  # the translated reason, not its code
    assert world.market.name_fa in cancelled


def test_check_in_is_only_possible_on_the_market_day(db, world, create_trainee):
    day = world.market.days[0]
    assignment = assignments.assign_booth(world.staff, day, world.booths[0], create_trainee())
    db.session.commit()

    for too_early_or_late in (day.opens_at - timedelta(days=5),
                              day.opens_at - timedelta(hours=4),
                              day.opens_at + timedelta(days=1)):
        with pytest.raises(RuleViolation) as error:
            attendance.check_in(world.staff, assignment, now=too_early_or_late)
        assert error.value.code == "not_market_day"
        assert assignment.status == AssignmentStatus.ACTIVE

    attendance.check_in(world.staff, assignment, now=day.opens_at + timedelta(minutes=5))
    assert assignment.status == AssignmentStatus.CHECKED_IN
