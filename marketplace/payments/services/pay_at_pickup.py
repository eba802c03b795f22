"""Paying at pickup: the trainee confirms the money they took at the booth or centre. Payments
books it and has orders record the part as completed; payments alone decides when the order is
paid — once no part of it waits for payment, whether the last part was paid or cancelled.
Functions flush and never commit."""

from __future__ import annotations

from marketplace.core.db import utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order, VendorOrder, VendorOrderStatus
from marketplace.orders.services import orders as order_outcomes
from marketplace.payments import queries
from marketplace.payments.models import PaymentStatus
from marketplace.payments.providers import PAY_AT_PICKUP
from marketplace.payments.services.access import check_vendor_access
from marketplace.payments.services.ledger import book_vendor_orders


def confirm_paid_at_pickup(actor, vendor_order: VendorOrder) -> VendorOrder:
    """The trainee got the money at the booth or centre: the vendor order is completed and
    booked — the sale, shipping and commission, and the cash as already paid out to them."""
    check_vendor_access(actor, vendor_order)
    order_outcomes.mark_paid_at_pickup(vendor_order)
    book_vendor_orders([vendor_order], collected_in_cash=True)
    settle_pickup_order(vendor_order.order)
    db.session.flush()
    return vendor_order


def on_vendor_order_cancelled(vendor_order: VendorOrder, **_kwargs) -> None:
    """orders' `vendor_order_cancelled` (connected by the app factory): a cancelled part may
    have been the last one of a pay-at-pickup order waiting for the buyer's money."""
    if vendor_order.order.pays_at_pickup:
        settle_pickup_order(vendor_order.order)


def settle_pickup_order(order: Order) -> None:
    """A pay-at-pickup order is paid once no part of it waits for payment (every part is paid
    at pickup or cancelled, and not all are cancelled); its pay-at-pickup payment succeeded."""
    statuses = [vo.status for vo in order.vendor_orders]
    if any(s == VendorOrderStatus.PENDING_PAYMENT for s in statuses) or \
            all(s == VendorOrderStatus.CANCELLED for s in statuses):
        return
    if not order_outcomes.mark_pickup_order_paid(order):
        return
    for payment in queries.payments_of_order(order.id):
        if payment.provider == PAY_AT_PICKUP and payment.is_open:
            payment.status = PaymentStatus.SUCCEEDED
            payment.settled_at = utcnow()
    db.session.flush()
