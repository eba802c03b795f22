"""What a payment that is not an order's own does with its provider: a trainee's debt payment
(.debts) and a buyer's shipping fee (.shipping_payments). Both are rows with `provider`,
`provider_reference`, `amount`, `currency`, `status`, `settled_at` and `confirm_attempts`;
each module says what its settled payment does (`on_paid`) and who may touch it. One home for
the provider's errors, closing a stale payment, settling once, the test card and the
reconciliation list. Functions flush and never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, NotFound
from marketplace.extensions import db
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayDeclined, GatewayError, GatewayUnavailable
from marketplace.payments.models import OPEN_PAYMENT_STATUSES, PaymentStatus
from marketplace.payments.providers import (
    TEST_CARDS,
    PaymentProvider,
    ProviderPayment,
    StripeProvider,
    get_provider,
)
from marketplace.payments.services.errors import (
    PaymentDeclined,
    PaymentRejected,
    PaymentUnavailable,
    declined_message,
    rejected_message,
    unavailable_message,
)
from marketplace.payments.services.locking import lock
from marketplace.payments.services.payments import apply_state, check_awaiting_authentication

log = logging.getLogger(__name__)
Payment = TypeVar("Payment", bound=Any)


def ask(provider: PaymentProvider, what: str, payment, call: Callable[[], ProviderPayment]
        ) -> ProviderPayment:
    """Call the provider; its errors become the answers payers see (nothing is written)."""
    try:
        return call()
    except GatewayUnavailable as error:
        log.warning("%s %s %s: provider unavailable (%s)", what, _name(payment), payment.id,
                    error)
        raise PaymentUnavailable(unavailable_message()) from error
    except GatewayDeclined as error:
        raise PaymentDeclined(declined_message()) from error
    except GatewayError as error:
        log.error("%s %s %s refused: %s", what, _name(payment), payment.id, error)
        raise PaymentRejected(rejected_message()) from error


def kind_name(model) -> str:
    """"debt payment", "shipping payment": for the logs."""
    return model.__tablename__.removesuffix("s").replace("_", " ")


def _name(payment) -> str:
    return kind_name(type(payment))


def close_stale(payment: Payment, settle: Callable[[Payment, ProviderPayment], Payment],
                still_processing: Callable[[], Exception]) -> Payment:
    """Close an open payment its payer left (a closed gateway tab) with its provider first, so
    it cannot be paid later; if it was paid meanwhile, it settles instead."""
    provider = get_provider(payment.provider)
    result = ask(provider, "close", payment, lambda: provider.cancel_payment(payment))
    if result.status == PaymentStatus.SUCCEEDED:
        return settle(payment, result)
    if result.status not in (PaymentStatus.CANCELLED, PaymentStatus.FAILED):
        raise still_processing()
    apply_state(payment, result)
    db.session.flush()
    return payment


def settle(payment: Payment, result: ProviderPayment | None,
           on_paid: Callable[[Payment, datetime], None]) -> Payment:
    """Bring `payment` in line with its provider's view (asked again unless `result` was just
    obtained from it). Succeeded → `on_paid` once; repeats, late or concurrent deliveries find
    it settled and change nothing."""
    payment = lock(type(payment), payment.id)
    if payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None:
        return payment
    if result is None:  # the gateway's errors go up as they are (webhooks answer on them)
        if not payment.provider_reference:
            return payment
        result = get_provider(payment.provider).fetch_payment(payment)
    if result.amount is not None and (result.amount != payment.amount or
                                      (result.currency or payment.currency) != payment.currency):
        log.error("%s %s: provider holds %s %s, we expected %s %s", _name(payment), payment.id,
                  result.amount, result.currency, payment.amount, payment.currency)
        raise Conflict(_("The amount paid does not match this payment."),
                       code=PaymentErrorCode.AMOUNT_MISMATCH)
    apply_state(payment, result)
    if result.status == PaymentStatus.SUCCEEDED:
        payment.status = PaymentStatus.SUCCEEDED
        payment.settled_at = now = utcnow()
        on_paid(payment, now)
    db.session.flush()
    return payment


def refresh(payment: Payment, settle_with: Callable[[Payment, ProviderPayment], Payment]
            ) -> Payment:
    """The payer is back from the provider's page (Stripe's return): settle from its view."""
    if not payment.provider_reference or payment.settled_at is not None:
        return payment
    provider = get_provider(payment.provider)
    return settle_with(payment, ask(provider, "read", payment,
                                    lambda: provider.fetch_payment(payment)))


def _standin_provider(payment) -> StripeProvider:
    """The Stripe stand-in behind `payment`; a 404 when the test cards are not there."""
    provider = get_provider(payment.provider)
    if not isinstance(provider, StripeProvider) or not StripeProvider.is_standin():
        raise NotFound(_("Test cards are only available with the local Stripe stand-in."))
    return provider


def confirm_with_test_card(payment: Payment, card: str,
                           settle_with: Callable[[Payment, ProviderPayment], Payment]
                           ) -> Payment:
    """Development only (Stripe stand-in): confirm with a test card, then settle. The "needs
    authentication" card leaves it waiting on the bank's step (authenticate_test_payment)."""
    provider = _standin_provider(payment)
    if card not in TEST_CARDS:
        raise BadRequest(_("That test card cannot be used."), code=PaymentErrorCode.UNKNOWN_CARD)
    payment = lock(type(payment), payment.id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if not payment.is_open or not payment.provider_reference:
        raise Conflict(_("Start the payment first."), code=PaymentErrorCode.PAYMENT_NOT_STARTED)
    payment.confirm_attempts += 1
    db.session.flush()
    result = ask(provider, "confirm", payment,
                 lambda: provider.confirm_with_test_card(payment, card))
    return settle_with(payment, result)


def awaiting_test_authentication(payment: Payment) -> Payment:
    """A stand-in payment whose test card asked for authentication; a 409 once answered."""
    _standin_provider(payment)
    check_awaiting_authentication(payment)
    return payment


def authenticate_test_payment(payment: Payment, approve: bool,
                              settle_with: Callable[[Payment, ProviderPayment], Payment]
                              ) -> Payment:
    """Development only (Stripe stand-in): the payer answers the bank's confirmation step of
    the "needs authentication" test card, as for an order's payment
    (payments.authenticate_test_payment). Approved, it settles as paid; failed, it fails and
    the payer starts another."""
    provider = _standin_provider(payment)
    payment = awaiting_test_authentication(lock(type(payment), payment.id))
    result = ask(provider, "authenticate", payment,
                 lambda: provider.authenticate_test_payment(payment, approve))
    return settle_with(payment, result)


def ids_to_reconcile(model) -> list[int]:
    """Payments of `model` a lost webhook or callback could have left open."""
    return list(db.session.scalars(
        select(model.id).where(model.status.in_(OPEN_PAYMENT_STATUSES),
                               model.provider_reference.is_not(None))
        .order_by(model.id)))
