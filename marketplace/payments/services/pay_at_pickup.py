"""Paying at pickup: the trainee confirms the money they took at the booth or centre. Payments
books it and then has orders record the part as completed (and the order paid once no part
waits). Functions flush and never commit."""

from __future__ import annotations

from marketplace.core.db import utcnow
from marketplace.extensions import db
from marketplace.orders.models import OrderStatus, VendorOrder
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
    order = vendor_order.order
    db.session.refresh(order)
    if order.status == OrderStatus.PAID:
        for payment in queries.payments_of_order(order.id):
            if payment.provider == PAY_AT_PICKUP and payment.is_open:
                payment.status = PaymentStatus.SUCCEEDED
                payment.settled_at = utcnow()
    db.session.flush()
    return vendor_order
