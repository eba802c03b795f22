"""The day before a pickup, its buyer is reminded where and when (`flask remind-pickups`, part
of `flask maintenance`): the market, the booth, the opening time, and the handover code when
the order has one. Each pickup is reminded once (the notice's dedupe key)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from marketplace.booths.models import MarketDay
from marketplace.core.db import utcnow
from marketplace.core.i18n import local_day
from marketplace.extensions import db
from marketplace.notifications.models import EventKind, Notification
from marketplace.notifications.service import notify, site_path
from marketplace.orders.models import (
    Fulfilment,
    Order,
    OrderStatus,
    PaymentMethod,
    VendorOrder,
    VendorOrderStatus,
)


def reminder_key(vendor_order: VendorOrder) -> str:
    return f"pickup-reminder:{vendor_order.id}:{vendor_order.pickup_day}"


def pickups_on(day: date) -> list[VendorOrder]:
    """Parts of orders still to be picked up on `day`, with their order, buyer and market."""
    waiting = or_(
        VendorOrder.status.in_([VendorOrderStatus.PAID, VendorOrderStatus.READY_FOR_PICKUP]),
        # Paid at the booth: the order is held for pickup (or its online part is paid).
        and_(VendorOrder.status == VendorOrderStatus.PENDING_PAYMENT,
             VendorOrder.payment_method == PaymentMethod.AT_PICKUP,
             or_(Order.status == OrderStatus.PAID, Order.pays_at_pickup.is_(True))))
    return list(db.session.scalars(
        select(VendorOrder).join(Order, Order.id == VendorOrder.order_id)
        .where(VendorOrder.fulfilment == Fulfilment.PICKUP, VendorOrder.pickup_day == day,
               waiting)
        .options(contains_eager(VendorOrder.order).joinedload(Order.buyer),
                 joinedload(VendorOrder.pickup_market_day).joinedload(MarketDay.market))
        .order_by(VendorOrder.id)))


def remind_pickups(now=None) -> int:
    """Queue tomorrow's reminders not sent yet; how many."""
    now = now or utcnow()
    tomorrow = local_day(now) + timedelta(days=1)
    parts = pickups_on(tomorrow)
    if not parts:
        return 0
    sent = set(db.session.scalars(select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_([reminder_key(vo) for vo in parts]))))
    count = 0
    for vendor_order in parts:
        key = reminder_key(vendor_order)
        if key in sent:
            continue
        order = vendor_order.order
        day = vendor_order.pickup_market_day
        market = day.market if day is not None else None
        notify(order.buyer, EventKind.PICKUP_REMINDER, {
            "number": order.number, "day": vendor_order.pickup_day,
            "market_name_fa": market.name_fa if market else vendor_order.pickup_place or "",
            "market_name_en": market.name("en") if market else "",
            "booth_code": vendor_order.pickup_booth_code or "",
            "opens_at": day.opens_at if day is not None else None,
            # Set by the pickups work (a code the buyer shows at the booth), when there is one.
            "handover_code": getattr(vendor_order, "handover_code", None) or ""},
            link=site_path("orders.order_detail", number=order.number), dedupe_key=key)
        count += 1
    return count
