"""Notices about orders: the confirmation to the buyer and the new-order notice to each
trainee, a status change, an expired order. Through notifications.notify (after the commit, by
each person's channels); today's mail templates are the email channel."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Trainee
from marketplace.core.urls import external_url
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.orders.models import Order, VendorOrder, VendorOrderStatus

# Mail subjects: English msgids that core.mail translates into the recipient's language.
SUBJECT_CONFIRMATION = "Your Bazaarche order"
SUBJECT_NEW_ORDER = "You have a new order"
SUBJECT_STATUS = "Your order has changed"
SUBJECT_EXPIRED = "Your order was not paid in time"


def _lines_for_mail(vendor_order: VendorOrder, locale: str) -> list[dict]:
    return [{"title": line.title, "quantity": line.quantity,
             "total": line.line_total.format(locale)} for line in vendor_order.lines]


def _vendor_orders_for_mail(order: Order) -> list[VendorOrder]:
    """Every part of the order with its lines and trainee's user: none when the caller loaded
    them already (starting a payment does), else three statements in all."""
    if _parts_loaded(order):
        return list(order.vendor_orders)
    return list(db.session.scalars(
        select(VendorOrder).where(VendorOrder.order_id == order.id)
        .options(selectinload(VendorOrder.lines),
                 joinedload(VendorOrder.trainee).joinedload(Trainee.user))
        .order_by(VendorOrder.id)))


def _parts_loaded(order: Order) -> bool:
    """Are the order's vendor orders, their lines, trainees and trainees' users in memory?"""
    if "vendor_orders" in inspect(order).unloaded:
        return False
    for vendor_order in order.vendor_orders:
        if inspect(vendor_order).unloaded & {"lines", "trainee"} or \
                "user" in inspect(vendor_order.trainee).unloaded:
            return False
    return True


def mail_order_placed(order: Order) -> None:
    """Placed to be paid at pickup, or paid: the buyer's confirmation, each trainee's order."""
    buyer = order.buyer
    locale = buyer.locale
    parts = []
    vendor_orders = _vendor_orders_for_mail(order)
    for vo in vendor_orders:
        parts.append({"store": vo.trainee.store_name, "lines": _lines_for_mail(vo, locale),
                      "fulfilment": vo.fulfilment.value, "pickup_place": vo.pickup_place or "",
                      "pickup_day": vo.pickup_day,  # a date: the mail shows it Jalali in fa
                      "shipping_address": vo.shipping_address or "",
                      "total": vo.total.format(locale), "pay_at_pickup": vo.pays_at_pickup})
    kind = EventKind.ORDER_PLACED if order.pays_at_pickup else EventKind.ORDER_PAID
    notify(buyer, kind, {
        "name": buyer.display_name, "number": order.number, "total": order.total.format(locale),
        "parts": parts, "pay_at_pickup": order.pays_at_pickup,
        "link": external_url("orders.order_detail", number=order.number)},
        mail=(SUBJECT_CONFIRMATION, "order_confirmation"), email=order.contact_email,
        link=site_path("orders.order_detail", number=order.number))
    for vo in vendor_orders:
        seller = vo.trainee.user
        notify(seller, EventKind.ORDER_RECEIVED, {
            "name": seller.display_name,
            "number": order.number, "buyer_name": order.contact_name,
            "lines": _lines_for_mail(vo, seller.locale), "fulfilment": vo.fulfilment.value,
            "pickup_place": vo.pickup_place or "", "shipping_address": vo.shipping_address or "",
            "total": vo.total.format(seller.locale), "pay_at_pickup": vo.pays_at_pickup,
            "link": external_url("orders.sale_detail", vendor_order_id=vo.id)},
            mail=(SUBJECT_NEW_ORDER, "order_new_vendor"),
            link=site_path("orders.sale_detail", vendor_order_id=vo.id))


# A vendor order's new status → the kind of notice the buyer gets. A refund is told by
# payments, which moved the money (payments.services.refunds), so it is not told twice.
STATUS_KINDS = {
    VendorOrderStatus.SHIPPED: EventKind.ORDER_SHIPPED,
    VendorOrderStatus.READY_FOR_PICKUP: EventKind.ORDER_READY_FOR_PICKUP,
    VendorOrderStatus.COMPLETED: EventKind.ORDER_COMPLETED,
    VendorOrderStatus.CANCELLED: EventKind.ORDER_CANCELLED,
}


def mail_status_changed(vendor_order: VendorOrder, status: VendorOrderStatus) -> None:
    kind = STATUS_KINDS.get(status)
    if kind is None:
        return
    order = vendor_order.order
    buyer = order.buyer
    notify(buyer, kind, {
        "name": buyer.display_name, "number": order.number, "status": status.value,
        "store": vendor_order.trainee.store_name,
        "pickup_place": vendor_order.pickup_place or "",
        "tracking": vendor_order.tracking_code or "",
        "link": external_url("orders.order_detail", number=order.number)},
        mail=(SUBJECT_STATUS, "order_status"), email=order.contact_email,
        link=site_path("orders.order_detail", number=order.number))


def mail_order_expired(order: Order) -> None:
    buyer = order.buyer
    notify(buyer, EventKind.ORDER_EXPIRED, {"name": buyer.display_name, "number": order.number},
           mail=(SUBJECT_EXPIRED, "order_expired"), email=order.contact_email,
           link=site_path("orders.order_detail", number=order.number))
