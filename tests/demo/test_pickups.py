"""The demo's pickups and waitlist (issue 17's done-when): a closed market day told its pickup
buyers (in-app and by SMS in the development outbox) and one of them rebooked to another of
the trainee's booth-days; one waitlist offer still open, one accepted. And the demo shows
everything (issue 18): a market day today (Tehran's) with booths to check in, and balances past
the holding period to pay out. A second run of seed-demo changes nothing."""

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    BoothOffer,
    MarketDay,
    MarketDayStatus,
    OfferStatus,
)
from marketplace.booths.services.attendance import check_in
from marketplace.core.db import utcnow
from marketplace.core.i18n import today_here
from marketplace.core.sms.outbox import outbox_messages
from marketplace.demo import people, pickups
from marketplace.notifications.models import EventKind, Notification
from marketplace.orders.models import Order, VendorOrder
from marketplace.payments.models import PayoutAccount, PayoutMethod
from marketplace.payments.queries import available_balance
from marketplace.payments.services.payouts import create_payout_batch


def _counts(db):
    return [db.session.scalar(select(func.count()).select_from(model))
            for model in (Order, VendorOrder, Notification, BoothOffer, Assignment)]


def test_the_demo_closes_a_day_and_its_buyers_rebook_once(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    day = db.session.scalar(select(MarketDay).where(
        MarketDay.closed_reason == pickups.CLOSED_REASON))
    assert day is not None and day.status == MarketDayStatus.CLOSED

    # The demo buyer's part still waits for a choice; the second buyer's pickup (their only
    # one: their other parts, from weeks ago, were shipped) moved.
    waiting = db.session.scalar(select(VendorOrder).where(
        VendorOrder.pickup_disrupted_at.is_not(None)))
    moved = db.session.scalar(select(VendorOrder).join(Order).join(User, Order.buyer_id
                                                                   == User.id)
                              .where(User.email == people.demo_email("buyer2"),
                                     VendorOrder.pickup_market_day_id.is_not(None)))
    buyer, second = waiting.order.buyer, moved.order.buyer
    assert (buyer.email, second.email) == (people.demo_email("buyer"),
                                           people.demo_email("buyer2"))
    assert waiting.pickup_needs_choice and waiting.pickup_market_day_id == day.id
    assert not moved.pickup_needs_choice and moved.pickup_market_day_id != day.id
    assert moved.pickup_assignment.status in LIVE_ASSIGNMENT_STATUSES
    assert moved.pickup_assignment.trainee_id == moved.trainee_id
    assert moved.pickup_market_day.day > day.day

    told = db.session.execute(select(Notification.recipient_id, Notification.kind)).all()
    assert {(buyer.id, EventKind.PICKUP_LOST), (second.id, EventKind.PICKUP_LOST),
            (moved.trainee.user_id, EventKind.PICKUP_REBOOKED)} <= set(told)
    texted = {m["to"] for m in outbox_messages() if waiting.order.number in m["text"]
              or moved.order.number in m["text"]}
    assert texted == {buyer.phone, second.phone} and None not in texted

    offers = {o.trainee.user.email: o for o in db.session.scalars(select(BoothOffer))}
    assert offers[people.demo_email(pickups.OFFEREE)].status == OfferStatus.PENDING
    accepted = offers[people.demo_email(pickups.ACCEPTER)]
    assert accepted.status == OfferStatus.ACCEPTED
    assert db.session.get(Assignment, accepted.assignment_id).trainee_id == accepted.trainee_id

    today = db.session.scalars(select(Assignment).join(MarketDay).where(
        MarketDay.day == today_here(), MarketDay.status == MarketDayStatus.OPEN,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))).all()
    assert len(today) >= 3
    currency = runner.app.config["MARKETPLACE_CURRENCY"]
    payable = [a.trainee_id for a in db.session.scalars(select(PayoutAccount))
               if available_balance(a.trainee_id, currency, utcnow()).amount > 0]
    assert len(payable) >= 2

    before = _counts(db)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert _counts(db) == before
    assert waiting.pickup_needs_choice

    # The municipal staff check a trainee in at today's bazaar once it opens; the admin pays out.
    day = today[0].market_day
    staff = db.session.scalar(select(User).where(User.email == people.demo_email(
        "municipal.sahand")))
    assert check_in(staff, today[0], now=day.opens_at).checked_in_at == day.opens_at
    admin = db.session.scalar(select(User).where(User.email == people.demo_email("admin")))
    assert set(payable) <= {p.trainee_id for p in create_payout_batch(
        admin, PayoutMethod.BANK_TRANSFER).payouts}
