"""Confirming a preview checks the world again: what no longer holds is left out and listed,
its booth-days go to the waitlist, and a preview overtaken by another confirmed run is a 409."""

import json

import pytest
from sqlalchemy import select

from marketplace.accounts.models import TraineeStatus
from marketplace.booths.models import (
    AllocationRun,
    ApplicationDay,
    ApplicationDayStatus,
    Assignment,
    AssignmentStatus,
    Booth,
    RunScope,
    RunStatus,
)
from marketplace.booths.services import allocation_runs, assignments, markets, venues
from marketplace.core.errors import Conflict
from tests.booths.conftest import accept_offers


def live(db, **where):
    query = select(Assignment).where(Assignment.status == AssignmentStatus.ACTIVE)
    for name, value in where.items():
        query = query.where(getattr(Assignment, name) == value)
    return db.session.scalars(query).all()


def placements_by_trainee(run):
    return {p["trainee_id"]: p for p in json.loads(run.result_json)["placements"]}


@pytest.fixture
def previewed(db, world, create_trainee, create_application):
    """Five trainees want the first day's four booths (clusters allowed): four are placed in
    the preview, one is not."""
    world.market.allow_clusters = True
    day = world.market.days[0]
    trainees = [create_trainee() for _ in range(5)]
    for trainee in trainees:
        create_application(world.market, trainee=trainee, category=world.category, days=[day])
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market)
    db.session.commit()
    placed = placements_by_trainee(run)
    assert len(placed) == 4
    return run, day, [t for t in trainees if t.id in placed], \
        next(t for t in trainees if t.id not in placed)


def test_suspended_trainees_and_a_blocked_booth_day_are_left_out_and_the_waitlist_fills(
        db, world, previewed, outbox):
    run, day, (a, b, c, d), waiting = previewed
    a.status = b.status = TraineeStatus.SUSPENDED
    db.session.commit()
    blocked_booth = db.session.get(Booth, placements_by_trainee(run)[c.id]["booth_id"])
    venues.block_booth(world.staff, blocked_booth,
                         venues.BlockData(starts_on=day.day, ends_on=day.day,
                                            reason="repairs"))
    db.session.commit()

    created = allocation_runs.confirm_run(world.staff, run)
    db.session.commit()
    accept_offers(db)  # the freed booth-days are offered to the waitlist, and accepted

    assert [x.trainee_id for x in created] == [d.id]
    assert run.status == RunStatus.CONFIRMED
    assert {(x["trainee_id"], x["reason"]) for x in allocation_runs.dropped_of(run)} == {
        (a.id, "not_active_vendor"), (b.id, "not_active_vendor"), (c.id, "booth_blocked")}
    # Nobody suspended holds a booth, the blocked booth stays empty, and the two booths the
    # suspended trainees would have had went to the waitlist: the one never placed and the one
    # whose booth was blocked.
    holders = {x.trainee_id for x in live(db, market_day_id=day.id)}
    assert holders == {c.id, d.id, waiting.id}
    assert not live(db, booth_id=blocked_booth.id, market_day_id=day.id)
    fills = db.session.scalars(select(AllocationRun).where(
        AllocationRun.scope == RunScope.WAITLIST)).all()
    assert len(fills) == 1 and fills[0].placements_count == 2
    assert not live(db, trainee_id=a.id) and not live(db, trainee_id=b.id)


def test_a_booth_taken_a_trainee_placed_elsewhere_and_a_closed_day_are_left_out(
        db, world, create_trainee, create_application, create_venue, create_booth,
        create_market):
    world.market.allow_clusters = True
    first, second = world.market.days[0], world.market.days[1]
    trainees = [create_trainee() for _ in range(4)]
    for trainee in trainees:
        create_application(world.market, trainee=trainee, category=world.category,
                           days=[first, second])
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market)
    db.session.commit()
    placed = {(p["trainee_id"], p["day_id"]): p["booth_id"]
              for p in json.loads(run.result_json)["placements"]}
    assert len(placed) == 8

    # Meanwhile: staff give one previewed booth of the first day to an outsider by hand…
    outsider = create_trainee()
    booth_taken = next(b for b in world.booths if b.id == placed[(trainees[0].id, first.id)])
    assignments.assign_booth(world.staff, first, booth_taken, outsider)
    # …another market gives trainee 1 a booth on the first day's date…
    other_venue = create_venue(municipality=world.municipality)
    other_market = create_market(venue=other_venue)
    assignments.assign_booth(world.staff, other_market.days[0], create_booth(venue=other_venue),
                          trainees[1])
    # …and the second day is closed.
    markets.close_market_day(world.staff, second, "باران شدید")
    db.session.commit()

    created = allocation_runs.confirm_run(world.staff, run)
    db.session.commit()
    accept_offers(db)
    reasons = {(x["trainee_id"], x["day_id"]): x["reason"] for x in allocation_runs.dropped_of(run)}
    assert reasons == {(trainees[0].id, first.id): "booth_taken",
                       (trainees[1].id, first.id): "trainee_already_placed",
                       **{(t.id, second.id): "day_closed" for t in trainees}}
    assert sorted(x.trainee_id for x in created) == sorted([trainees[2].id, trainees[3].id])
    assert not live(db, market_day_id=second.id)
    # Trainee 1's booth-day was left free: the waitlist gave it to trainee 0, whose booth was
    # taken; trainee 1 waits (busy elsewhere), and the closed day is decided.
    assert {x.trainee_id for x in live(db, market_day_id=first.id)} == {
        outsider.id, trainees[0].id, trainees[2].id, trainees[3].id}
    entries = {(e.application.trainee_id, e.market_day_id): e
               for e in db.session.scalars(select(ApplicationDay))}
    assert entries[(trainees[0].id, first.id)].status == ApplicationDayStatus.ACCEPTED
    assert (entries[(trainees[1].id, first.id)].status,
            entries[(trainees[1].id, first.id)].reason_code) == (
        ApplicationDayStatus.WAITLISTED, "busy_elsewhere")
    assert {(entries[(t.id, second.id)].status, entries[(t.id, second.id)].reason_code)
            for t in trainees} == {(ApplicationDayStatus.REJECTED, "day_not_open")}


def test_a_preview_overtaken_by_another_confirmed_run_is_a_409(db, world, create_trainee,
                                                                create_application):
    for _ in range(3):
        create_application(world.market, category=world.category)
    db.session.commit()
    older = allocation_runs.preview_allocation(world.staff, world.market)
    newer = allocation_runs.preview_allocation(world.staff, world.market)
    db.session.commit()
    allocation_runs.confirm_run(world.staff, older)
    db.session.commit()
    with pytest.raises(Conflict) as error:
        allocation_runs.confirm_run(world.staff, newer)
    assert error.value.code == "run_stale"
    db.session.rollback()
    assert db.session.get(AllocationRun, newer.id).status == RunStatus.PREVIEW


def test_the_api_and_the_page_say_what_confirming_does_and_what_was_left_out(
        db, client, login, api_token, world, previewed):
    run, _day, (a, *_rest), _waiting = previewed
    a.status = TraineeStatus.SUSPENDED
    db.session.commit()
    headers = api_token(world.staff)
    preview = client.get(f"/api/v1/booths/allocation-runs/{run.id}?lang=en", headers=headers)
    assert "left out" in preview.json["confirm_policy"] and preview.json["dropped"] == []
    response = client.post(f"/api/v1/booths/allocation-runs/{run.id}/confirm?lang=en",
                           headers=headers)
    assert response.status_code == 200
    assert [(x["trainee_id"], x["reason"]) for x in response.json["dropped"]] == [
        (a.id, "not_active_vendor")]
    assert "no longer an active vendor" in response.json["dropped"][0]["reason_text"]
    again = client.post(f"/api/v1/booths/allocation-runs/{run.id}/confirm", headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "run_already_confirmed"

    login(world.staff)
    english = client.get(f"/booths/runs/{run.id}?lang=en").get_data(as_text=True)
    assert 'id="confirm-policy"' in english and 'id="dropped"' in english
    assert "Left out at confirmation" in english and a.store_name in english
    persian = client.get(f"/booths/runs/{run.id}?lang=fa").get_data(as_text=True)
    assert "کنار گذاشته" in persian and "Left out at confirmation" not in persian
    assert "no longer an active vendor" not in persian
