"""The demo's pickups that follow their booth and its waitlist offer: the handover codes of the
demo buyer's pickup parts (printed), and one booth-day offered to a waitlisted demo trainee
by the waitlist run, as when a booth-day comes free. Idempotent: the offer is made once, when
the world has none."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.booths.models import (
    Application,
    ApplicationDay,
    ApplicationDayStatus,
    BoothOffer,
    Market,
    MarketDayStatus,
)
from marketplace.booths.services.allocation_runs import fill_from_waitlist
from marketplace.core.db import utcnow
from marketplace.demo.markets import SAHAND_MARKET
from marketplace.demo.people import BUYER, demo_email
from marketplace.extensions import db
from marketplace.orders.models import Fulfilment, Order, VendorOrder

# The demo login offered a freed booth-day from the waitlist.
OFFEREE = "trainee1"


def seed_pickup_codes(echo) -> None:
    buyer = db.session.scalar(select(User).where(User.email == demo_email(BUYER[0])))
    if buyer is None:
        return
    parts = db.session.scalars(
        select(VendorOrder).join(Order, VendorOrder.order_id == Order.id)
        .where(Order.buyer_id == buyer.id, VendorOrder.fulfilment == Fulfilment.PICKUP)
        .order_by(VendorOrder.id)).all()
    for part in parts:
        echo(f"pickups: order {part.order.number}, part {part.id} — handover code "
             f"{part.handover_code} (the buyer's order page shows it with its QR code)")


def seed_waitlist_offer(echo) -> None:
    """trainee1 (a demo login) has applied for the first Fridays of the Sahand bazaar; they
    are put on the waitlist for the next Friday too, and its free booth is offered to them by
    the waitlist run, exactly as when a booth-day comes free."""
    if db.session.scalar(select(BoothOffer.id).limit(1)) is not None:
        echo("booths: a waitlist offer is already there")
        return
    user = db.session.scalar(select(User).where(User.email == demo_email(OFFEREE)))
    market = db.session.scalar(select(Market).where(Market.name_fa == SAHAND_MARKET))
    if user is None or user.trainee is None or market is None:
        return
    application = db.session.scalar(select(Application).where(
        Application.market_id == market.id, Application.trainee_id == user.trainee.id))
    if application is None:
        echo("booths: the demo trainee has no application to wait with; no offer made")
        return
    asked = {entry.market_day_id for entry in application.days}
    now = utcnow()
    day = next((d for d in market.days if d.id not in asked and d.status ==
                MarketDayStatus.OPEN and d.opens_at > now), None)
    if day is None:
        return
    application.days.append(ApplicationDay(market_day_id=day.id,
                                           status=ApplicationDayStatus.WAITLISTED))
    db.session.flush()
    fill_from_waitlist(day, actor=None, now=now)
    offer = db.session.scalar(select(BoothOffer).where(BoothOffer.market_day_id == day.id,
                                                       BoothOffer.trainee_id == user.trainee.id))
    if offer is None:
        echo("booths: the waitlist run found no booth to offer")
        return
    echo(f"booths: booth {offer.booth.code} on {day.day} offered to {user.email} "
         f"(answer at /booths/offers/{offer.id})")
