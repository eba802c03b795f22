"""Status changes of orders and vendor orders as conditional UPDATEs (`... WHERE status =
:from`), so a webhook, the expiry command and a trainee acting at the same moment can never both
win; and giving a vendor order's stock back. The building blocks of orders, fulfilment and
refunds."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from marketplace.catalogue.services.stock import return_stock
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import Conflict, CoreErrorCode
from marketplace.extensions import db
from marketplace.orders.labels import status_label
from marketplace.orders.models import (
    Order,
    OrderStatus,
    VendorOrder,
    VendorOrderStatus,
    next_vendor_status,
)


def claim_order(order: Order, from_statuses, to_status: OrderStatus, *conditions,
                **values) -> bool:
    """Move the order's status only if it still is one of `from_statuses` in the database
    (and meets `conditions`)."""
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_([s.value for s in from_statuses]),
               *conditions)
        .values(status=to_status.value, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    db.session.expire(order, ["status", "updated_at", *values])
    return rows_changed(result) == 1


def move_vendor_order(vendor_order: VendorOrder, action: str, **values) -> VendorOrderStatus:
    """Apply `action` per VENDOR_ORDER_TRANSITIONS, or raise 409 invalid_transition."""
    current = vendor_order.status
    target = next_vendor_status(current, action)
    if target is None:
        raise Conflict(_("This order cannot go from “%(status)s” that way.",
                         status=status_label(current)), code=CoreErrorCode.INVALID_TRANSITION)
    now = utcnow()
    result = db.session.execute(
        update(VendorOrder)
        .where(VendorOrder.id == vendor_order.id, VendorOrder.status == current.value)
        .values(status=target.value, status_changed_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False))
    db.session.expire(vendor_order, ["status", "status_changed_at", "updated_at", *values])
    if rows_changed(result) != 1:
        raise Conflict(_("This order changed meanwhile; reload and try again."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    return target


def return_line_stock(vendor_order: VendorOrder) -> None:
    for line in vendor_order.lines:
        left = line.quantity - line.restocked_quantity
        if left > 0:
            return_stock(line.product_id, left)
            line.restocked_quantity = line.quantity
