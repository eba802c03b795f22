"""The demo's pickups that follow their booth and its waitlist offers: the handover codes of the
demo buyer's pickup parts (printed); booth-days offered to waitlisted demo trainees by the
waitlist run, as when a booth-day comes free — one still open, one accepted; and a closed
market day whose pickup buyers were told, one of whom rebooked to another of the trainee's
booth-days. Everything goes through the services a person would use, and each step is made
once: a second run finds it done and changes nothing a person did since."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Application,
    ApplicationDay,
    ApplicationDayStatus,
    Assignment,
    BoothOffer,
    Market,
    MarketDay,
    MarketDayStatus,
)
from marketplace.booths.services.allocation_runs import fill_from_waitlist
from marketplace.booths.services.markets import close_market_day
from marketplace.booths.services.offers import accept_offer
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.core.db import utcnow
from marketplace.demo.markets import SAHAND_MARKET
from marketplace.demo.orders import place_pickup_order
from marketplace.demo.people import BUYER, SECOND_BUYER, demo_email
from marketplace.extensions import db
from marketplace.orders.models import Fulfilment, Order, VendorOrder
from marketplace.orders.services.pickups import rebook_options, rebook_pickup
from marketplace.payments.providers import StripeProvider
from marketplace.payments.services.payments import record_paid_order

# The demo login offered a freed booth-day from the waitlist (left open for the visitor),
# and a trainee who was offered another and accepted it.
OFFEREE = "trainee1"
ACCEPTER = "trainee9"
# The closed day: the demo trainee's pickups there, and the reason its trainees and buyers read
# (which also marks the step done).
PICKUP_TRAINEE = "trainee1"
CLOSED_REASON = "به دلیل برف سنگین، بازارچه‌ی این جمعه برگزار نمی‌شود."


def seed_pickup_codes(echo) -> None:
    buyer = _user(BUYER[0])
    if buyer is None:
        return
    parts = db.session.scalars(
        select(VendorOrder).join(Order, VendorOrder.order_id == Order.id)
        .where(Order.buyer_id == buyer.id, VendorOrder.fulfilment == Fulfilment.PICKUP)
        .order_by(VendorOrder.id)).all()
    for part in parts:
        echo(f"pickups: order {part.order.number}, part {part.id} — handover code "
             f"{part.handover_code} (the buyer's order page shows it with its QR code)")


def _user(local: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == demo_email(local)))


def _sahand() -> Market | None:
    return db.session.scalar(select(Market).where(Market.name_fa == SAHAND_MARKET))


def seed_waitlist_offer(echo) -> None:
    """trainee1 (a demo login) and trainee9 have applied for the first Fridays of the Sahand
    bazaar; each is put on the waitlist for a later Friday nobody waits for yet, and its free
    booth is offered to them by the waitlist run, exactly as when a booth-day comes free.
    trainee1's offer stays open; trainee9 accepts theirs, so it is their booth-day."""
    market = _sahand()
    if market is None:
        return
    _offer_from_waitlist(market, OFFEREE, echo)
    offer = _offer_from_waitlist(market, ACCEPTER, echo)
    if offer is not None:
        assignment = accept_offer(offer.trainee.user, offer)
        echo(f"booths: {offer.trainee.user.email} accepted booth {offer.booth.code} on "
             f"{offer.market_day.day} (assignment {assignment.id})")


def _offer_from_waitlist(market: Market, local: str, echo) -> BoothOffer | None:
    """The offer the waitlist run makes to this demo trainee; None when they already had one
    (an earlier run) or cannot be offered anything."""
    user = _user(local)
    if user is None or user.trainee is None:
        return None
    trainee_id = user.trainee.id
    if db.session.scalar(select(BoothOffer.id).where(BoothOffer.trainee_id == trainee_id)
                         .limit(1)) is not None:
        echo(f"booths: a waitlist offer to {user.email} is already there")
        return None
    application = db.session.scalar(select(Application).where(
        Application.market_id == market.id, Application.trainee_id == trainee_id))
    if application is None:
        echo(f"booths: {user.email} has no application to wait with; no offer made")
        return None
    # A day they did not ask for and nobody has been offered yet: the run offers it to them.
    taken = set(db.session.scalars(select(BoothOffer.market_day_id)))
    asked = {entry.market_day_id for entry in application.days}
    now = utcnow()
    day = next((d for d in market.days if d.id not in asked | taken and d.status ==
                MarketDayStatus.OPEN and d.opens_at > now), None)
    if day is None:
        return None
    application.days.append(ApplicationDay(market_day_id=day.id,
                                           status=ApplicationDayStatus.WAITLISTED))
    db.session.flush()
    fill_from_waitlist(day, actor=None, now=now)
    offer = db.session.scalar(select(BoothOffer).where(BoothOffer.market_day_id == day.id,
                                                       BoothOffer.trainee_id == trainee_id))
    if offer is None:
        echo("booths: the waitlist run found no booth to offer")
        return None
    echo(f"booths: booth {offer.booth.code} on {day.day} offered to {user.email} "
         f"(answer at /booths/offers/{offer.id})")
    return offer


def seed_closed_day(echo) -> None:
    """The demo buyer and a second buyer each ordered from trainee1 to collect at their booth
    on one Friday of the Sahand bazaar; the municipality closes that day (snow), which tells
    both buyers (in-app, by mail, by SMS to the development outbox) and offers each the choice
    page; the second buyer moves the pickup to the trainee's next booth-day. The demo buyer's
    choice is left to the visitor (/orders/<number>/pickups/<part>)."""
    market, staff = _sahand(), _user("municipal.sahand")
    vendor, buyer, second = _user(PICKUP_TRAINEE), _user(BUYER[0]), _user(SECOND_BUYER[0])
    if market is None or staff is None or vendor is None or vendor.trainee is None or \
            buyer is None or second is None:
        return
    if db.session.scalar(select(MarketDay.id).where(
            MarketDay.market_id == market.id, MarketDay.closed_reason == CLOSED_REASON)):
        echo("pickups: the closed market day is already there")
        return
    trainee = vendor.trainee
    booth_days = _booth_days(market, trainee.id)
    products = _pickup_products(trainee.id)
    if len(booth_days) < 2 or len(products) < 2:
        echo("pickups: the demo trainee has too few booth-days or products; no day closed")
        return
    closing = booth_days[1]  # not the first Friday: the buyer's earlier orders collect there
    parts = []
    for customer, product in zip((buyer, second), products, strict=False):
        order = place_pickup_order(customer, [product],
                                   {trainee.id: f"day-{closing.market_day_id}"})
        record_paid_order(order, StripeProvider.name, f"pi_demo_{order.number}")
        parts.append(order.vendor_orders[0])
    day = closing.market_day
    close_market_day(staff, day, CLOSED_REASON)
    moved = parts[1]
    options = rebook_options(moved, "fa")
    # The next booth-day after the closed one (every option is a booth-day with its date).
    target = next((o for o in options if o.day and o.day > day.day), options[0])
    rebook_pickup(second, moved.id, target.assignment_id or 0, "fa")
    echo(f"pickups: {day.day} closed; {len(parts)} buyers told; {second.email} moved "
         f"order {moved.order.number} to {target.day}; {buyer.email} still to choose "
         f"(/orders/{parts[0].order.number}/pickups/{parts[0].id})")


def _booth_days(market: Market, trainee_id: int) -> list[Assignment]:
    """The trainee's live booth-days at this market still to come, soonest first."""
    return list(db.session.scalars(
        select(Assignment).join(MarketDay, Assignment.market_day_id == MarketDay.id)
        .where(Assignment.trainee_id == trainee_id, MarketDay.market_id == market.id,
               MarketDay.status == MarketDayStatus.OPEN, MarketDay.opens_at > utcnow(),
               Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))
        .order_by(MarketDay.day)))


def _pickup_products(trainee_id: int) -> list[Product]:
    """Two pieces of the trainee's for sale, one for each buyer (one product twice if it has
    the stock). Never a one-of-a-kind piece: those the other demo steps sell."""
    products = db.session.scalars(select(Product).where(
        Product.trainee_id == trainee_id, Product.status == ProductStatus.ACTIVE,
        Product.kind != ProductKind.ONE_OF_A_KIND, Product.stock > 0,
        Product.currency == current_app.config["MARKETPLACE_CURRENCY"]).order_by(Product.id))
    return [p for p in products for _ in range(min(p.stock, 2))][:2]
