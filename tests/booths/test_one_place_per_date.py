"""One person cannot stand in two places: one live booth per trainee per calendar date, across
markets — in the services, the allocator's snapshot and the database."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.booths.models import ApplicationDayStatus, Assignment, AssignmentStatus
from marketplace.booths.services import allocation_runs, assignments
from marketplace.core.errors import Conflict


@pytest.fixture
def other_market(world, create_venue, create_booth, create_market):
    """A second market at another venue of the same municipality, on the same dates."""
    venue = create_venue(municipality=world.municipality)
    booths = [create_booth(venue=venue) for _ in range(2)]
    market = create_market(venue=venue, categories=[(world.category, None)])
    assert [d.day for d in market.days] == [d.day for d in world.market.days]
    return market, booths


def test_manual_assignment_refuses_a_trainee_placed_at_another_market_that_date(
        db, world, other_market, create_trainee):
    market, booths = other_market
    trainee = create_trainee()
    assignments.assign_booth(world.staff, world.market.days[0], world.booths[0], trainee)
    db.session.commit()
    with pytest.raises(Conflict) as error:
        assignments.assign_booth(world.staff, market.days[0], booths[0], trainee)
    assert error.value.code == "trainee_already_placed"
    db.session.rollback()
    # Another date is fine.
    assignments.assign_booth(world.staff, market.days[1], booths[0], trainee)
    db.session.commit()
    days = sorted(a.day for a in db.session.scalars(
        select(Assignment).where(Assignment.trainee_id == trainee.id)))
    assert days == [world.market.days[0].day, market.days[1].day]


def test_manual_assignment_over_the_api_is_a_409(db, client, api_token, world, other_market,
                                                create_trainee):
    market, booths = other_market
    trainee = create_trainee()
    assignments.assign_booth(world.staff, world.market.days[0], world.booths[0], trainee)
    db.session.commit()
    response = client.post(f"/api/v1/booths/markets/{market.id}/assignments",
                           json={"day_id": market.days[0].id, "booth_id": booths[0].id,
                                 "trainee_id": trainee.id}, headers=api_token(world.staff))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "trainee_already_placed"


def test_the_database_refuses_two_live_booths_on_one_date(db, world, other_market,
                                                          create_trainee, create_assignment):
    """Even a write that skips the services: the (trainee, date) index decides."""
    market, booths = other_market
    trainee = create_trainee()
    first = create_assignment(world.booths[0], world.market.days[0], trainee)
    assert first.day == world.market.days[0].day
    with pytest.raises(IntegrityError):
        create_assignment(booths[0], market.days[0], trainee)
    db.session.rollback()
    first.status = AssignmentStatus.CANCELLED
    db.session.commit()
    assert create_assignment(booths[0], market.days[0], trainee).is_live


def test_the_allocator_skips_a_trainee_busy_at_another_market_that_date(
        db, world, other_market, create_trainee, create_application):
    market, booths = other_market
    trainee = create_trainee()
    assignments.assign_booth(world.staff, market.days[0], booths[0], trainee)
    application = create_application(world.market, trainee=trainee, category=world.category)
    db.session.commit()

    run = allocation_runs.preview_allocation(world.staff, world.market)
    allocation_runs.confirm_run(world.staff, run)
    db.session.commit()

    held = db.session.scalars(select(Assignment).where(
        Assignment.trainee_id == trainee.id,
        Assignment.status == AssignmentStatus.ACTIVE).order_by(Assignment.day)).all()
    assert [(a.market_day_id, a.day) for a in held] == [
        (market.days[0].id, market.days[0].day), (world.market.days[1].id,
                                                  world.market.days[1].day),
        (world.market.days[2].id, world.market.days[2].day)]
    first = next(e for e in application.days if e.market_day_id == world.market.days[0].id)
    assert first.status == ApplicationDayStatus.WAITLISTED
    assert first.reason_code == "busy_elsewhere"
