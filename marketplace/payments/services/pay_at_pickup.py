"""Paying at pickup: the trainee confirms the money they took at the booth or centre. Payments
books it and has orders record the part as completed; payments alone decides when the order is
paid — once no part of it waits for payment, whether the last part was paid or cancelled.
Functions flush and never commit.

A trainee who owes the marketplace more than PICKUP_DEBT_LIMIT takes no new pay-at-pickup
orders until they pay (services.debts): the cash would reach them, the commission would not.
Checkout asks `pickup_refusal` to say so on its page; starting to pay at pickup checks it
again (`check_pickup_allowed`)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from marketplace.core.db import utcnow
from marketplace.core.errors import RuleViolation
from marketplace.extensions import db
from marketplace.orders.models import Order, VendorOrder, VendorOrderStatus
from marketplace.orders.services import orders as order_outcomes
from marketplace.payments import queries
from marketplace.payments.errors import PaymentErrorCode
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


def pickup_refusal(trainee_ids) -> str | None:
    """Why the buyer cannot pay these trainees at pickup, or None when they can (one query
    when PICKUP_DEBT_LIMIT is set, none otherwise). The buyer is not told the amounts owed."""
    limit = current_app.config.get("PICKUP_DEBT_LIMIT")
    ids = sorted(set(trainee_ids))
    if limit is None or not ids:
        return None
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    over = [d.store_name for d in queries.debts(currency, ids) if d.amount.amount > int(limit)]
    if not over:
        return None
    return _("%(stores)s cannot take orders paid at pickup at the moment. Please pay online "
             "instead.", stores=_(", ").join(sorted(over)))


def check_pickup_allowed(trainee_ids) -> None:
    """422 `debt_limit_passed` when one of these trainees owes more than the limit."""
    refusal = pickup_refusal(trainee_ids)
    if refusal:
        raise RuleViolation(refusal, code=PaymentErrorCode.DEBT_LIMIT_PASSED)
