"""The order's life: paid (only ever through payments), held for pay at pickup, expired unpaid,
cancelled by its buyer.

The functions under "payment outcomes" are called by payments alone: payments decides that an
order is paid, and orders records it (statuses, stock, mail). Functions flush and never commit.
Placing an order lives in `checkout.services.place_order` (it orchestrates catalogue and orders).
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.catalogue.services.stock import take_stock
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, CoreErrorCode, NotFound, RuleViolation
from marketplace.core.fast_writes import update_now
from marketplace.extensions import db
from marketplace.orders import policies
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.labels import status_label
from marketplace.orders.models import (
    Fulfilment,
    Order,
    OrderStatus,
    PaymentMethod,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.orders.services.mail import (
    mail_order_expired,
    mail_order_placed,
    mail_status_changed,
)
from marketplace.orders.services.transitions import (
    claim_order,
    move_vendor_order,
    return_line_stock,
)

log = logging.getLogger(__name__)


# --- payment outcomes (called by payments only) ----------------------------------------------

def mark_order_paid(order: Order) -> bool:
    """The payment for `order` succeeded. False when its stock went to someone else meanwhile.

    Pending → paid. Expired or cancelled → stock taken again for every line; paid if all of it
    could be, else everything re-taken is given back and False (the payments side refunds).
    Already paid → True, nothing changes.
    """
    now = utcnow()
    if claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.PAID, paid_at=now):
        for vendor_order in order.vendor_orders:
            # A part paid at pickup keeps waiting for its cash at the booth.
            if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT and \
                    not vendor_order.pays_at_pickup:
                move_vendor_order(vendor_order, "pay", paid_at=now)
        mail_order_placed(order)
        return True
    if order.status == OrderStatus.PAID:
        return True
    if order.status not in (OrderStatus.EXPIRED, OrderStatus.CANCELLED):
        return False
    return _revive_order(order, now)


class _StockGone(Exception):
    pass


def _revive_order(order: Order, now) -> bool:
    try:
        with db.session.begin_nested():
            if not claim_order(order, [OrderStatus.EXPIRED, OrderStatus.CANCELLED],
                               OrderStatus.PAID, paid_at=now, cancelled_at=None):
                raise _StockGone
            for vendor_order in order.vendor_orders:
                for line in vendor_order.lines:
                    if line.restocked_quantity and \
                            not take_stock(line.product_id, line.restocked_quantity):
                        raise _StockGone
                    line.restocked_quantity = 0
                if vendor_order.pays_at_pickup:
                    if vendor_order.status == VendorOrderStatus.CANCELLED:
                        move_vendor_order(vendor_order, "revive_for_pickup", cancelled_at=None)
                elif vendor_order.status != VendorOrderStatus.PAID:
                    move_vendor_order(vendor_order, "pay", paid_at=now, cancelled_at=None)
            db.session.flush()
    except _StockGone:
        db.session.expire_all()
        log.info("order %s was paid after its stock went elsewhere", order.number)
        return False
    mail_order_placed(order)
    return True


def fail_order_payment(order: Order) -> None:
    """A payment failed or was cancelled. The order stays pending so the buyer may try again
    until it expires; expiry gives the stock back."""
    if order.status == OrderStatus.PENDING_PAYMENT:
        log.info("payment for order %s failed; it stays open until %s", order.number,
                 order.expires_at)


def hold_order_for_pickup(order: Order, payment_provider: str) -> Order:
    """The buyer pays the whole order at pickup (through `payment_provider`, payments' name for
    it): every part is paid at pickup, and the stock stays held until each trainee confirms the
    money or cancels their part."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is not waiting for payment."), code=OrderErrorCode.NOT_PENDING)
    if any(vo.fulfilment != Fulfilment.PICKUP for vo in order.vendor_orders):
        raise RuleViolation(_("Paying at pickup needs every part of the order to be picked up."),
                            code=OrderErrorCode.PICKUP_ONLY)
    if order.pays_at_pickup:
        return order
    update_now(db.session, order, pays_at_pickup=True, payment_provider=payment_provider,
               expires_at=None)
    if not all(vo.pays_at_pickup for vo in order.vendor_orders):
        db.session.execute(
            update(VendorOrder).where(VendorOrder.order_id == order.id)
            .values(payment_method=PaymentMethod.AT_PICKUP.value, updated_at=utcnow())
            .execution_options(synchronize_session=False))
        for vendor_order in order.vendor_orders:
            set_committed_value(vendor_order, "payment_method", PaymentMethod.AT_PICKUP)
    mail_order_placed(order)
    return order


def mark_paid_at_pickup(vendor_order: VendorOrder) -> VendorOrder:
    """The trainee got the money for their part at the booth or centre (payments checked who
    asks and books the cash): the part is completed. Whether the order is now paid is payments'
    decision (payments.services.pay_at_pickup.settle_pickup_order)."""
    if "confirm_paid_at_pickup" not in vendor_order.allowed_actions():
        raise Conflict(_("This order cannot go from “%(status)s” that way.",
                         status=status_label(vendor_order.status)),
                       code=CoreErrorCode.INVALID_TRANSITION)
    now = utcnow()
    target = move_vendor_order(vendor_order, "confirm_paid_at_pickup", paid_at=now,
                               completed_at=now)
    db.session.flush()
    mail_status_changed(vendor_order, target)
    return vendor_order


def mark_pickup_order_paid(order: Order) -> bool:
    """Payments found that no part of this pay-at-pickup order waits for payment any more:
    the order is paid (its parts already are, or are cancelled). False if it was not pending."""
    return claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.PAID, paid_at=utcnow())


# --- expiry and cancellation -----------------------------------------------------------------

def expire_order(order: Order) -> bool:
    """An unpaid order past its hold: expired, every vendor order cancelled, stock returned."""
    now = utcnow()
    # Checked in the same statement: a buyer who chose pay at pickup meanwhile has no hold
    # time any more, and that order must not expire.
    if not claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.EXPIRED,
                       Order.expires_at.is_not(None), Order.expires_at < now,
                       cancelled_at=now):
        return False
    for vendor_order in order.vendor_orders:
        if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
            move_vendor_order(vendor_order, "expire", cancelled_at=now)
            return_line_stock(vendor_order)
    db.session.flush()
    mail_order_expired(order)
    return True


def due_order_ids(now=None) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Order.id).where(Order.status == OrderStatus.PENDING_PAYMENT,
                               Order.expires_at.is_not(None), Order.expires_at < now)
        .order_by(Order.id)))


def cancel_order(actor, order: Order) -> Order:
    """The buyer (or an admin) drops an unpaid order; its stock is returned at once."""
    if not policies.can_view_order(actor, order):
        raise NotFound(_("We could not find that order."))
    if not policies.can_cancel_order(actor, order):
        raise NotFound(_("We could not find that order."))
    now = utcnow()
    if not claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.CANCELLED,
                       cancelled_at=now):
        raise Conflict(_("Only an unpaid order can be cancelled."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    for vendor_order in order.vendor_orders:
        if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
            move_vendor_order(vendor_order, "cancel", cancelled_at=now)
            return_line_stock(vendor_order)
    db.session.flush()
    return order
