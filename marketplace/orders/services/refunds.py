"""Refunds as orders records them: the amount on the vendor order, its status, stock back.
Payments moves the money and calls `apply_vendor_refund`. Functions flush and never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from marketplace.core.db import rows_changed
from marketplace.core.errors import BadRequest, Conflict, CoreErrorCode, RuleViolation
from marketplace.core.i18n import locale_for
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import VendorOrder, next_vendor_status
from marketplace.orders.services.mail import mail_status_changed
from marketplace.orders.services.transitions import move_vendor_order, return_line_stock


def apply_vendor_refund(vendor_order: VendorOrder, amount_minor: int,
                        restock: bool) -> VendorOrder:
    """Record a refund of `amount_minor` on a paid vendor order (the payments side moved the
    money). Stock comes back for goods not yet shipped or collected when `restock`.

    The amount is checked again here although the refund form checks it: not as input but as
    the ledger's invariant (a refund of zero or less would grow what is left to refund)."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor < 1:
        raise BadRequest(_("Enter an amount above zero."), code=OrderErrorCode.BAD_AMOUNT,
                         fields={"amount": [_("Enter an amount above zero.")]})
    refundable = vendor_order.total_amount - vendor_order.refunded_amount
    if next_vendor_status(vendor_order.status, "refund_part") is None:
        raise Conflict(_("Only a paid order can be refunded."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    if amount_minor > refundable:
        raise RuleViolation(
            _("You can refund at most %(amount)s.",
              amount=Money(refundable, vendor_order.currency).format(locale_for())),
            code=OrderErrorCode.REFUND_EXCEEDS_PAID, fields={"amount": [_("Too much.")]})
    action = "refund_full" if amount_minor == refundable else "refund_part"
    refunded = vendor_order.refunded_amount + amount_minor
    handed_over = vendor_order.goods_handed_over
    result = db.session.execute(
        update(VendorOrder)
        .where(VendorOrder.id == vendor_order.id,
               VendorOrder.refunded_amount == vendor_order.refunded_amount)
        .values(refunded_amount=refunded)
        .execution_options(synchronize_session=False))
    if rows_changed(result) != 1:
        db.session.expire(vendor_order)
        raise Conflict(_("This order changed meanwhile; reload and try again."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    db.session.expire(vendor_order, ["refunded_amount"])
    target = move_vendor_order(vendor_order, action)
    if restock and not handed_over:
        return_line_stock(vendor_order)
    db.session.flush()
    mail_status_changed(vendor_order, target)
    return vendor_order
