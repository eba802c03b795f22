"""Zarinpal's return to our site and its reconciliation. Functions flush and never commit.

Debt payments (payments.services.debts) and shipping fees (.shipping_payments) come back the
same way, each to its own callback (handle_side_callback).

The callback URL carries the order number, Zarinpal adds `Authority` and `Status`. Anyone can
call it with anything, as often as they like (ten deliveries, a reload, the back button), so:
- the authority must be one of our Zarinpal payments, of that order (else 404, nothing written);
- the payment row is locked before Zarinpal is asked, so concurrent deliveries queue up and
  only the first one changes anything; the others find it settled and return it;
- only Zarinpal's verify, called with the amount of our payment row, makes it paid — `Status`
  only tells an unpaid authority's story apart (NOK: cancelled, OK: the bank refused);
- a verify that gets no answer raises `PaymentUnavailable` and nothing is written: the payment
  stays pending and `flask reconcile-payments` settles it later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.errors import BadRequest, NotFound
from marketplace.extensions import db
from marketplace.payments import zarinpal
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayError, GatewayUnavailable
from marketplace.payments.models import DebtPayment, Payment, PaymentStatus, ShippingPayment
from marketplace.payments.providers import (
    ZARINPAL,
    ProviderPayment,
    ZarinpalProvider,
    get_provider,
    is_enabled,
)
from marketplace.payments.services import side_payments
from marketplace.payments.services.debts import settle_debt_payment
from marketplace.payments.services.errors import PaymentUnavailable
from marketplace.payments.services.payments import settle_payment
from marketplace.payments.services.shipping_payments import settle_shipping_payment

log = logging.getLogger(__name__)

# Zarinpal's authorities are "A" and 35 digits today; accept a little more, refuse junk early.
_AUTHORITY = re.compile(r"[A-Za-z0-9]{8,64}")

_LOCK_BY_AUTHORITY = (
    select(Payment).where(Payment.provider == ZARINPAL)
    .with_for_update().execution_options(populate_existing=True))
# How a side payment of each kind settles once Zarinpal verified it.
_SETTLE: dict[type, Callable] = {DebtPayment: settle_debt_payment,
                                 ShippingPayment: settle_shipping_payment}
SidePayment = TypeVar("SidePayment", DebtPayment, ShippingPayment)


def _provider() -> ZarinpalProvider:
    provider = get_provider(ZARINPAL)
    assert isinstance(provider, ZarinpalProvider)
    return provider


def _unavailable() -> PaymentUnavailable:
    return PaymentUnavailable(_("Zarinpal did not answer, so your payment is not confirmed "
                                "yet. If you paid, your order will be confirmed shortly; "
                                "nothing is charged twice."))


def _checked_authority(authority: str | None) -> str:
    if not is_enabled(ZARINPAL):
        raise NotFound(_("We could not find that page."))
    authority = (authority or "").strip()
    if not _AUTHORITY.fullmatch(authority):
        raise BadRequest(_("This payment link is not valid."),
                         code=PaymentErrorCode.INVALID_AUTHORITY)
    return authority


def _foreign(what: str, authority: str) -> NotFound:
    log.warning("zarinpal callback for %s with a foreign authority %s", what, authority)
    return NotFound(_("We could not find that payment."), code=PaymentErrorCode.UNKNOWN_AUTHORITY)


def _verified(payment, status: str | None) -> ProviderPayment:
    """Zarinpal's verify of a payment (an order's or a debt's) whose payer is back."""
    try:
        return _provider().verify_return(payment, buyer_says_paid=status == "OK")
    except GatewayUnavailable as error:
        log.warning("zarinpal verify of payment %s: %s", payment.id, error)
        raise _unavailable() from error
    except GatewayError as error:
        # -50 (amount), -53 (another merchant), -54 (unknown): not ours to settle.
        log.error("zarinpal refused to verify payment %s: %s", payment.id, error)
        raise BadRequest(_("Zarinpal could not confirm this payment. Nothing was recorded; "
                           "if money was taken, Zarinpal gives it back."),
                         code=_refusal_code(error)) from error


def handle_callback(number: str, authority: str | None, status: str | None) -> Payment:
    """The buyer is back from Zarinpal: settle their payment once, whatever the repeats."""
    authority = _checked_authority(authority)
    payment = db.session.scalar(
        _LOCK_BY_AUTHORITY.where(Payment.provider_reference == authority))
    if payment is None or payment.order.number != number:
        raise _foreign(f"order {number}", authority)
    if payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None:
        return payment  # a repeat: already settled by an earlier delivery
    return settle_payment(payment, _verified(payment, status))


def handle_side_callback(model: type[SidePayment], payment_id: int, authority: str | None,
                         status: str | None) -> SidePayment:
    """The payer is back from paying a debt or a shipping fee on Zarinpal (payments that are
    not an order's own; side_payments): settled once, as an order's."""
    authority = _checked_authority(authority)
    payment = db.session.scalar(
        select(model).where(model.provider == ZARINPAL, model.provider_reference == authority)
        .with_for_update().execution_options(populate_existing=True))
    if payment is None or payment.id != payment_id:
        raise _foreign(f"{side_payments.kind_name(model)} {payment_id}", authority)
    if payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None:
        return payment
    return _SETTLE[model](payment, _verified(payment, status))


def _refusal_code(error: GatewayError) -> PaymentErrorCode:
    if getattr(error, "gateway_code", None) == zarinpal.AMOUNT_MISMATCH:
        return PaymentErrorCode.AMOUNT_MISMATCH
    return PaymentErrorCode.PAYMENT_PROVIDER_REJECTED


def unverified_payment_ids() -> list[int]:
    """Our Zarinpal payments that Zarinpal lists as paid but not verified — also those we
    closed as cancelled or failed (the buyer paid in a forgotten tab, or the verify never got
    through) — for `flask reconcile-payments` to settle one by one (paid, or refunded when
    their stock went elsewhere). No answer → GatewayUnavailable."""
    authorities = _provider().unverified_authorities()
    if not authorities:
        return []
    return list(db.session.scalars(
        select(Payment.id).where(Payment.provider == ZARINPAL,
                                 Payment.provider_reference.in_(sorted(authorities)),
                                 Payment.settled_at.is_(None))
        .order_by(Payment.id)))
