"""Fulfilment: a trainee (or an admin) moves their part of an order along — ready for pickup,
shipped, handed over, or cancelled while unpaid. Functions flush and never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, CoreErrorCode, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.orders import policies
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.labels import status_label
from marketplace.orders.models import (
    ACTION_FULFILMENT,
    FULFILMENT_ACTIONS,
    Order,
    OrderStatus,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.orders.services.mail import mail_status_changed
from marketplace.orders.services.transitions import (
    claim_order,
    move_vendor_order,
    return_line_stock,
)
from marketplace.orders.signals import vendor_order_cancelled

TRACKING_CODE_MAX = 64


def mark_vendor_order(actor, vendor_order: VendorOrder, action: str,
                      tracking_code: str | None = None) -> VendorOrder:
    """A trainee (their own) or an admin moves a vendor order: ready, shipped (with the
    carrier's tracking code, if any), completed, or cancelled (unpaid pay-at-pickup orders).
    Paid at pickup is a payment: payments records it (see orders.mark_paid_at_pickup)."""
    if not policies.can_view_vendor_order(actor, vendor_order):
        raise NotFound(_("We could not find that order."))
    if not policies.can_manage_vendor_order(actor, vendor_order):
        raise Forbidden(_("Only the trainee who sells this can change it."))
    if action not in FULFILMENT_ACTIONS:
        raise BadRequest(_("Unknown action."), code=OrderErrorCode.UNKNOWN_ACTION)
    if action not in vendor_order.allowed_actions():
        raise Conflict(_("This order cannot go from “%(status)s” that way.",
                         status=status_label(vendor_order.status)),
                       code=CoreErrorCode.INVALID_TRANSITION)
    needed = ACTION_FULFILMENT.get(action)
    if needed is not None and vendor_order.fulfilment != needed:
        raise Conflict(_("That does not fit how this order is delivered."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    now = utcnow()
    stamp = {"mark_ready": "ready_at", "mark_shipped": "shipped_at",
             "complete": "completed_at", "cancel": "cancelled_at"}[action]
    stamps: dict[str, object] = {stamp: now}
    tracking = (tracking_code or "").strip()[:TRACKING_CODE_MAX]
    if action == "mark_shipped" and tracking:
        stamps["tracking_code"] = tracking
    target = move_vendor_order(vendor_order, action, **stamps)
    order = vendor_order.order
    if action == "cancel":
        return_line_stock(vendor_order)
        _after_vendor_order_dropped(order, vendor_order, now)
    db.session.flush()
    if action == "cancel":
        # Payments may find the order paid now (the part cancelled was the last one waiting).
        vendor_order_cancelled.send(vendor_order)
    mail_status_changed(vendor_order, target)
    return vendor_order


def _after_vendor_order_dropped(order: Order, vendor_order: VendorOrder, now) -> None:
    remaining = [vo for vo in order.vendor_orders if vo.status != VendorOrderStatus.CANCELLED]
    if not remaining:
        claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.CANCELLED,
                    cancelled_at=now)
        return
    db.session.execute(
        update(Order).where(Order.id == order.id)
        .values(total_amount=Order.total_amount - vendor_order.total_amount)
        .execution_options(synchronize_session=False))
    db.session.expire(order, ["total_amount"])
