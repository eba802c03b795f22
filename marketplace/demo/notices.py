"""A few notices on the demo buyer's and the verified demo trainee's bell (besides those the
seeded orders and allocation sent), and a market's notice that reached its trainees by SMS in
the development outbox. Idempotent: each notice has a key and goes once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.booths.models import Market
from marketplace.core.db import utcnow
from marketplace.core.i18n import today_here
from marketplace.demo.people import demo_email
from marketplace.extensions import db
from marketplace.notifications.models import EventKind, Notification
from marketplace.notifications.service import notify, site_path
from marketplace.orders.models import Order

SEEDING_KINDS = (EventKind.LISTING_SUBMITTED, EventKind.LISTING_APPROVED)


def _user(local: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == demo_email(local)))


def _sent(user: User, key: str) -> bool:
    return db.session.scalar(select(Notification.id).where(
        Notification.recipient_id == user.id, Notification.dedupe_key == key)) is not None


def seed(echo) -> None:
    buyer, trainee = _user("buyer"), _user("trainee1")
    market = db.session.scalar(select(Market).order_by(Market.id))
    sent = 0
    if buyer is not None and not _sent(buyer, "demo:pickup-reminder"):
        order = db.session.scalar(select(Order).where(Order.buyer_id == buyer.id)
                                  .order_by(Order.id.desc()))
        number = order.number if order is not None else "BZ-DEMO"
        tomorrow = today_here() + timedelta(days=1)
        notify(buyer, EventKind.PICKUP_REMINDER, {
            "number": number, "day": tomorrow,
            "market_name_fa": market.name_fa if market else "بازارچه",
            "market_name_en": market.name("en") if market else "Bazaar",
            "booth_code": "A3", "opens_at": utcnow().replace(hour=6, minute=30)},
            link=site_path("orders.my_orders"), dedupe_key="demo:pickup-reminder")
        sent += 1
    if trainee is not None and market is not None and \
            not _sent(trainee, "demo:market-notice"):
        notify(trainee, EventKind.STAFF_BROADCAST, {
            "message": "به دلیل پیش‌بینی باران، بازارچه‌ی جمعه یک ساعت دیرتر باز می‌شود.",
            "sender_fa": market.name_fa, "sender_en": market.name("en")},
            link=site_path("booths.mine"), dedupe_key="demo:market-notice")
        sent += 1
    if sent:
        # The listings the catalogue step submitted and approved told their centres and
        # trainees by the dozen: read already, so the bell shows the notices above.
        db.session.execute(
            update(Notification).where(Notification.kind.in_(SEEDING_KINDS),
                                       Notification.read_at.is_(None))
            .values(read_at=utcnow()))
        echo(f"Notices: {sent} more on the demo bell (SMS in the development outbox)")
