"""Waitlist offers (issue 17): a freed booth-day is offered to the next applicant in lottery
order, who accepts or declines before the market's deadline; silence passes it on (`flask
expire-booth-offers`, part of `flask maintenance`); declining or letting it pass is never a
strike. A booth is never given twice for one day, however the answers interleave."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    AllocationRun,
    ApplicationDayStatus,
    ApplicationStatus,
    Assignment,
    AssignmentSource,
    BoothOffer,
    NoShowStrike,
    OfferStatus,
)
from marketplace.booths.services import allocation_runs, allocation_snapshots, offers
from marketplace.booths.services import assignments as assignment_services
from marketplace.core.db import utcnow


@pytest.fixture
def full_day(db, world, create_trainee, create_application, create_assignment):
    """Day 0 of the world's festival with all four booths given, and two applicants waiting
    for it: (holders' assignments, waiting applications)."""
    world.market.allow_clusters = True  # one craft in every booth, side by side
    day = world.market.days[0]
    held = []
    for booth in world.booths:
        trainee = create_trainee()
        application = create_application(world.market, trainee=trainee,
                                          category=world.category, days=[day])
        application.days[0].status = ApplicationDayStatus.ACCEPTED
        held.append(create_assignment(booth, day, trainee, application=application))
    waiting = []
    for _ in range(2):
        application = create_application(world.market, category=world.category, days=[day],
                                          status=ApplicationStatus.WAITLISTED)
        application.days[0].status = ApplicationDayStatus.WAITLISTED
        waiting.append(application)
    db.session.commit()
    return held, waiting


def _pending(db):
    db.session.expire_all()
    return db.session.scalars(select(BoothOffer).where(
        BoothOffer.status == OfferStatus.PENDING)).all()


def _free_booth_zero(db, world, held):
    assignment_services.cancel_assignment(world.staff, held[0])
    db.session.commit()
    (offer,) = _pending(db)
    return offer


def test_a_freed_booth_day_is_offered_not_given(db, world, full_day, outbox):
    held, waiting = full_day
    offer = _free_booth_zero(db, world, held)
    assert offer.booth_id == world.booths[0].id and offer.market_day_id == held[0].market_day_id
    assert offer.application_id in {a.id for a in waiting}
    hours = world.market.offer_hours
    assert hours == 24
    assert abs((offer.expires_at - offer.offered_at) - timedelta(hours=hours)) < timedelta(
        seconds=5)
    # Nothing is given until the trainee answers.
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.booth_id == world.booths[0].id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))) == 0
    assert [m["Subject"] for m in outbox() if m["To"] == offer.trainee.user.email] == [
        "A booth is offered to you"]


def test_accepting_makes_the_assignment(db, world, full_day, client, login):
    held, _waiting = full_day
    offer = _free_booth_zero(db, world, held)
    login(offer.trainee.user)
    page = client.get(f"/booths/offers/{offer.id}?lang=fa")
    assert page.status_code == 200 and "پذیرفتن غرفه" in page.get_data(as_text=True)
    assert client.post(f"/booths/offers/{offer.id}/accept").status_code == 303
    db.session.expire_all()
    offer = db.session.get(BoothOffer, offer.id)
    assignment = db.session.get(Assignment, offer.assignment_id)
    assert offer.status == OfferStatus.ACCEPTED and assignment.is_live
    assert assignment.source == AssignmentSource.WAITLIST
    assert assignment.booth_id == world.booths[0].id
    assert offer.application.days[0].status == ApplicationDayStatus.ACCEPTED
    again = client.post(f"/booths/offers/{offer.id}/accept")
    assert again.status_code == 409


def test_declining_passes_it_on_and_is_no_strike(db, world, full_day, client, api_token):
    held, _waiting = full_day
    offer = _free_booth_zero(db, world, held)
    declined = client.post(f"/api/v1/booths/offers/{offer.id}/decline",
                           headers=api_token(offer.trainee.user))
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    (passed_on,) = _pending(db)
    assert passed_on.booth_id == offer.booth_id and passed_on.trainee_id != offer.trainee_id
    assert db.session.scalar(select(func.count()).select_from(NoShowStrike)) == 0


def test_passing_on_follows_the_lottery_of_the_run_that_offered(
        db, world, full_day, create_application):
    """Each refusal passes the booth-day to the next applicant of the first waitlist run's
    lottery, not to the winner of a new draw; every run stays replayable."""
    held, _waiting = full_day
    day = held[0].market_day
    for _ in range(4):
        application = create_application(world.market, category=world.category, days=[day],
                                          status=ApplicationStatus.WAITLISTED)
        application.days[0].status = ApplicationDayStatus.WAITLISTED
    db.session.commit()
    offer = _free_booth_zero(db, world, held)
    expected = allocation_snapshots.lottery_order(db.session.get(AllocationRun, offer.run_id),
                                             day.id)
    assert len(expected) == 6
    offered = [offer.application_id]
    for _ in range(5):
        offers.decline_offer(offer.trainee.user, offer)
        db.session.commit()
        (offer,) = _pending(db)
        offered.append(offer.application_id)
    assert offered == list(expected)
    for run in db.session.scalars(select(AllocationRun)):
        assert allocation_runs.replay_run(run)[0], run.id


def test_staff_confirming_a_run_while_an_offer_waits_leave_it_to_the_answer(
        db, world, full_day, create_trainee, create_application):
    """An allocation confirmed while a booth-day's offer waits for its answer neither gives
    that booth away nor marks the offeree accepted for the day; declining still passes it
    on, and the offeree is left waiting, not accepted without a booth."""
    held, _waiting = full_day
    day = held[0].market_day
    offer = _free_booth_zero(db, world, held)
    newcomer = create_trainee()
    create_application(world.market, trainee=newcomer, category=world.category, days=[day])
    db.session.commit()
    run = allocation_runs.preview_allocation(world.staff, world.market)
    allocation_runs.confirm_run(world.staff, run)
    db.session.commit()

    db.session.expire_all()
    offer = db.session.get(BoothOffer, offer.id)
    assert offer.status == OfferStatus.PENDING
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.booth_id == offer.booth_id, Assignment.market_day_id == day.id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))) == 0
    assert offer.application.days[0].status == ApplicationDayStatus.WAITLISTED
    assert offer.application.status != ApplicationStatus.ACCEPTED

    offers.decline_offer(offer.trainee.user, offer)
    db.session.commit()
    (passed_on,) = _pending(db)
    assert passed_on.booth_id == offer.booth_id and passed_on.trainee_id != offer.trainee_id
    offer = db.session.get(BoothOffer, offer.id)
    assert offer.application.days[0].status == ApplicationDayStatus.WAITLISTED


def test_silence_passes_it_on_through_maintenance(db, world, full_day, runner, outbox):
    held, _waiting = full_day
    offer = _free_booth_zero(db, world, held)
    db.session.execute(update(BoothOffer).where(BoothOffer.id == offer.id).values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    result = runner.invoke(args=["maintenance"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(BoothOffer, offer.id).status == OfferStatus.EXPIRED
    (passed_on,) = _pending(db)
    assert passed_on.trainee_id != offer.trainee_id
    assert db.session.scalar(select(func.count()).select_from(NoShowStrike)) == 0
    assert any("not answered in time" in m.get_content() for m in outbox()
               if m["To"] == offer.trainee.user.email)
    # Nobody is left to offer it to once the second applicant lets it pass too.
    db.session.execute(update(BoothOffer).where(BoothOffer.id == passed_on.id).values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert runner.invoke(args=["expire-booth-offers"]).exit_code == 0
    assert _pending(db) == []


def test_an_expired_offer_cannot_be_accepted(db, world, full_day, client, api_token):
    held, _waiting = full_day
    offer = _free_booth_zero(db, world, held)
    db.session.execute(update(BoothOffer).where(BoothOffer.id == offer.id).values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    late = client.post(f"/api/v1/booths/offers/{offer.id}/accept",
                       headers=api_token(offer.trainee.user))
    assert late.status_code == 409 and late.json["error"]["code"] == "offer_expired"


def test_staff_cannot_give_an_offered_booth_by_hand(db, world, full_day, client, api_token,
                                                     create_trainee):
    held, _waiting = full_day
    offer = _free_booth_zero(db, world, held)
    answer = client.post(f"/api/v1/booths/markets/{world.market.id}/assignments",
                         json={"day_id": offer.market_day_id, "booth_id": offer.booth_id,
                               "trainee_id": create_trainee().id},
                         headers=api_token(world.staff))
    assert answer.status_code == 409 and answer.json["error"]["code"] == "booth_offered"


def test_role_matrix_of_an_offer(db, world, full_day, client, api_token, create_trainee,
                                 create_user):
    held, waiting = full_day
    offer = _free_booth_zero(db, world, held)
    other_waiting = next(a for a in waiting if a.id != offer.application_id)
    for outsider in (other_waiting.trainee.user, create_trainee().user, world.staff,
                     create_user()):
        headers = api_token(outsider)
        for action in ("accept", "decline"):
            answer = client.post(f"/api/v1/booths/offers/{offer.id}/{action}", headers=headers)
            assert answer.status_code == 404, (outsider, action)
    assert _pending(db)[0].id == offer.id


def test_an_offered_booth_is_given_once_whatever_happens_at_once(app, db, world, full_day,
                                                                 api_token, create_trainee):
    """The offeree accepts, staff try to give the booth by hand and the expiry runs, all at
    the same moment: one live assignment for the booth-day at most, never two."""
    held, _waiting = full_day
    offer = _free_booth_zero(db, world, held)
    offer_id, booth_id, day_id = offer.id, offer.booth_id, offer.market_day_id
    accept_headers = api_token(offer.trainee.user)
    staff_headers = api_token(world.staff)
    others = [create_trainee().id for _ in range(4)]
    market_id = world.market.id
    db.session.rollback()
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    lock = threading.Lock()

    def call(method, url, **kwargs):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = getattr(client, method)(url, **kwargs)
            db.session.remove()
        with lock:
            statuses.append(response.status_code)

    def expire():
        from marketplace.booths.services.offers import expire_offers

        with app.app_context():
            barrier.wait()
            expire_offers(now=utcnow() + timedelta(days=2))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=call, args=(
        "post", f"/api/v1/booths/offers/{offer_id}/accept"), kwargs={"headers": accept_headers})]
    threads += [threading.Thread(target=call, args=(
        "post", f"/api/v1/booths/markets/{market_id}/assignments"),
        kwargs={"headers": staff_headers,
                "json": {"day_id": day_id, "booth_id": booth_id, "trainee_id": trainee_id}})
        for trainee_id in others]
    threads.append(threading.Thread(target=expire))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    live = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.booth_id == booth_id, Assignment.market_day_id == day_id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)))
    assert live <= 1
    pending = db.session.scalar(select(func.count()).select_from(BoothOffer).where(
        BoothOffer.booth_id == booth_id, BoothOffer.market_day_id == day_id,
        BoothOffer.status == OfferStatus.PENDING))
    assert live + pending <= 1
    assert all(s in (200, 201, 409) for s in statuses), statuses
