"""Refunds: a trainee or an admin gives part of a vendor order back to the buyer, and a whole
payment is given back when it arrived after its stock was sold or paid an order twice. A part
shipped instead of collected gives back what its buyer paid for that through its shipping
payment: its goods when they were paid there, and the fee once the part is refunded in full.
Functions flush and never commit."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.core.errors import Conflict, CoreErrorCode, Forbidden, NotFound, RuleViolation
from marketplace.core.i18n import locale_for
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import VendorOrder, VendorOrderStatus
from marketplace.orders.services.refunds import apply_vendor_refund
from marketplace.payments import queries
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayError, GatewayUnavailable
from marketplace.payments.models import (
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    ShippingPayment,
)
from marketplace.payments.providers import (
    PAY_AT_PICKUP,
    get_provider,
)
from marketplace.payments.services.access import check_vendor_access
from marketplace.payments.services.errors import PaymentRejected, PaymentUnavailable
from marketplace.payments.services.ledger import book_refund, post_entry
from marketplace.payments.services.locking import lock

log = logging.getLogger(__name__)

SUBJECT_AUTO_REFUND = "Your payment was refunded"
SUBJECT_REFUND = "You have been refunded"


def refund_vendor_order(actor, vendor_order: VendorOrder, amount: int, restock: bool,
                        reason: str = "") -> Refund:
    """Refund `amount` (minor units, at least 1; payments.forms.RefundForm checks the shape of
    the amount and the reason) of one vendor order to the buyer — by its trainee or an admin,
    never more than was paid and not yet refunded; stock returns for goods not shipped when
    `restock`."""
    check_vendor_access(actor, vendor_order)
    return issue_refund(actor, vendor_order, amount, restock, reason)


def issue_refund(actor, vendor_order: VendorOrder, amount: int, restock: bool,
                 reason: str = "") -> Refund:
    """The refund itself, once the caller has checked who may ask for it (the trainee or an
    admin above; the buyer of a pickup whose booth-day went away, in pickup_changes)."""
    vendor_order = lock(VendorOrder, vendor_order.id)
    refundable = vendor_order.total_amount - vendor_order.refunded_amount
    if amount > refundable:
        raise RuleViolation(
            _("You can refund at most %(amount)s.",
              amount=Money(max(refundable, 0), vendor_order.currency).format(
                  locale_for(actor))),
            code=OrderErrorCode.REFUND_EXCEEDS_PAID, fields={"amount": [_("More than was paid.")]})
    order = vendor_order.order
    # A part switched from pickup to shipping after its booth-day went away may have paid its
    # goods through its shipping payment: refunded through that payment, never the order's.
    shipping_payment = queries.paid_shipping_payment(vendor_order.id)
    if shipping_payment is not None and not shipping_payment.goods_amount:
        shipping_payment = None
    # A part paid at pickup is refunded in cash by its trainee, never from the order's online
    # payment (which did not take it); its pay-at-pickup payment, if the whole order had one.
    in_cash = vendor_order.pays_at_pickup and shipping_payment is None
    payment = None if shipping_payment is not None else _order_payment(order, in_cash)
    if payment is None and shipping_payment is None and not in_cash:
        raise Conflict(_("Only a paid order can be refunded."),
                       code=CoreErrorCode.INVALID_TRANSITION)
    paid_through = shipping_payment or payment
    if paid_through is not None and amount > paid_through.amount - paid_through.refunded_amount:
        raise RuleViolation(_("That is more than is left of the payment."),
                            code=OrderErrorCode.REFUND_EXCEEDS_PAID,
                            fields={"amount": [_("Too much.")]})
    refunded_before = vendor_order.refunded_amount
    count = db.session.scalar(select(func.count(Refund.id)).where(
        Refund.vendor_order_id == vendor_order.id))
    apply_vendor_refund(vendor_order, amount, restock)
    refund = Refund(payment=payment, shipping_payment=shipping_payment,
                    vendor_order_id=vendor_order.id, amount=amount,
                    currency=vendor_order.currency, reason=reason,
                    restock=restock, created_by_id=actor.id,
                    idempotency_key=f"refund-{order.number}-vo{vendor_order.id}-{(count or 0) + 1}")
    db.session.add(refund)
    db.session.flush()
    provider = get_provider(PAY_AT_PICKUP if paid_through is None or in_cash
                            else paid_through.provider)
    _give_back(provider, paid_through, refund)
    book_refund(vendor_order, refund, refunded_before, in_cash=provider.name == PAY_AT_PICKUP)
    shipping = None
    if vendor_order.status == VendorOrderStatus.REFUNDED:
        shipping = refund_paid_shipping(actor, vendor_order, reason)
    _tell_buyer_of_refund(vendor_order, refund, shipping)
    return refund


def _tell_buyer_of_refund(vendor_order: VendorOrder, refund: Refund,
                          shipping: Refund | None) -> None:
    """One notice for what this refund gives back: the goods, and the shipping fee when the
    part's full refund gave that back too (the buyer gets the sum, so the notice states it)."""
    order = vendor_order.order
    buyer = order.buyer
    locale = locale_for(buyer)
    total = Money(refund.amount + (shipping.amount if shipping else 0), refund.currency)
    notify(buyer, EventKind.ORDER_REFUNDED, {
        "name": buyer.display_name, "number": order.number,
        "amount": total.format(locale), "refunded": total.format(locale),
        "shipping": shipping.money.format(locale) if shipping else None,
        "store": vendor_order.trainee.store_name},
        mail=(SUBJECT_REFUND, "payment_refunded"), email=order.contact_email,
        link=site_path("orders.order_detail", number=order.number))


def _order_payment(order, in_cash: bool) -> Payment | None:
    """The order's succeeded payment a part's refund comes from: its pay-at-pickup payment for
    a part paid in cash, else its online one."""
    by_provider = (Payment.provider == PAY_AT_PICKUP) if in_cash else \
        (Payment.provider != PAY_AT_PICKUP)
    return db.session.scalar(select(Payment).where(
        Payment.order_id == order.id, Payment.status == PaymentStatus.SUCCEEDED, by_provider)
        .order_by(Payment.id).limit(1))


def _give_back(provider, paid_through: Payment | ShippingPayment | None,
               refund: Refund) -> None:
    """Ask `provider` to give `refund` back from `paid_through`; its errors become the
    answers people read (and the request's transaction, rolled back, wrote nothing)."""
    try:
        result = provider.refund(paid_through, refund)
    except GatewayUnavailable as error:
        raise PaymentUnavailable(_("The card service did not answer. Nothing was refunded; "
                                   "please try again in a moment.")) from error
    except GatewayError as error:
        raise PaymentRejected(_("The card service refused this refund: %(reason)s",
                                reason=str(error))) from error
    refund.status = RefundStatus(result.status)
    refund.provider_reference = result.reference
    if paid_through is not None:
        paid_through.refunded_amount += refund.amount


def refund_paid_shipping(actor, vendor_order: VendorOrder, reason: str = "") -> Refund | None:
    """A part refunded in full gives back the shipping its buyer paid to have it shipped
    instead of collected (payments.services.shipping_payments), through the same provider, and
    the trainee's ledger takes the fee back. Once: the refund's key is the payment's, so a
    repeat finds it (None); nothing paid, nothing to do (None)."""
    payment = queries.paid_shipping_payment(vendor_order.id)
    if payment is None or payment.fee_amount <= 0:
        return None
    payment = lock(ShippingPayment, payment.id)
    key = f"refund-{payment.idempotency_key}-fee"
    if db.session.scalar(select(Refund.id).where(Refund.idempotency_key == key)) is not None:
        return None
    refund = Refund(shipping_payment=payment, vendor_order_id=vendor_order.id,
                    amount=payment.fee_amount, currency=payment.currency, reason=reason,
                    created_by_id=getattr(actor, "id", None), idempotency_key=key)
    db.session.add(refund)
    db.session.flush()
    _give_back(get_provider(payment.provider), payment, refund)
    post_entry(vendor_order.trainee_id, LedgerKind.REFUND, -refund.amount, refund.currency,
               vendor_order_id=vendor_order.id, refund_id=refund.id,
               memo=f"shipping refunded, order {vendor_order.order.number}")
    db.session.flush()
    return refund


def refund_whole_payment(payment: Payment, reason: str) -> Refund:
    """Give a payment back in full (it arrived after its stock went elsewhere, or twice)."""
    key = f"refund-{payment.idempotency_key}"
    refund = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if refund is not None:
        return refund
    refund = Refund(payment=payment, amount=payment.amount - payment.refunded_amount,
                    currency=payment.currency, reason=reason,
                    idempotency_key=key)
    db.session.add(refund)
    db.session.flush()
    provider = get_provider(payment.provider)
    result = provider.refund(payment, refund)  # unavailable → rollback
    refund.status = RefundStatus(result.status)
    refund.provider_reference = result.reference
    payment.refunded_amount += refund.amount
    db.session.flush()
    order = payment.order
    buyer = order.buyer
    locale = locale_for(buyer)
    notify(buyer, EventKind.PAYMENT_REFUNDED, {
        "name": buyer.display_name, "number": order.number,
        "amount": refund.money.format(locale), "reason": reason,
        "by_transfer": not provider.refunds_online},
        mail=(SUBJECT_AUTO_REFUND, "payment_refunded_automatically"), email=order.contact_email,
        link=site_path("orders.order_detail", number=order.number))
    log.info("payment %s of order %s refunded automatically (%s)", payment.id, order.number,
             reason)
    return refund


def mark_refund_paid(actor, refund_id: int) -> Refund:
    """An administrator paid an owed refund by bank transfer (a provider with no refund API,
    such as Zarinpal's): it is succeeded. 409 `refund_not_owed` when it is not owed (paid
    already, by this request's twin or another administrator)."""
    if actor is None or not getattr(actor, "is_admin", False):
        raise Forbidden(_("Only administrators can do that."))
    refund = db.session.scalars(select(Refund).where(Refund.id == refund_id).with_for_update()
                                .execution_options(populate_existing=True)).one_or_none()
    if refund is None:
        raise NotFound(_("We could not find that refund."))
    if refund.status != RefundStatus.PENDING or refund.paid_through is None or \
            refund.paid_through.provider not in queries.owed_refund_providers():
        raise Conflict(_("This refund is not waiting to be paid by hand."),
                       code=PaymentErrorCode.REFUND_NOT_OWED)
    refund.status = RefundStatus.SUCCEEDED
    db.session.flush()
    return refund
