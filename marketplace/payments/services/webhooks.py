"""Provider webhooks and reconciliation: verify, record each event once, re-read the payment
from its provider and settle it; `flask reconcile-payments` settles every payment still open.
Functions flush and never commit."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, NotFound
from marketplace.extensions import db
from marketplace.orders.models import OrderStatus
from marketplace.payments import queries
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayError, GatewayUnavailable, InvalidSignature
from marketplace.payments.models import Payment, PaymentStatus, WebhookEvent
from marketplace.payments.providers import (
    get_provider,
    is_enabled,
)
from marketplace.payments.services.debts import settle_debt_payment
from marketplace.payments.services.errors import PaymentUnavailable
from marketplace.payments.services.payments import apply_state, settle_payment
from marketplace.payments.services.shipping_payments import settle_shipping_payment

log = logging.getLogger(__name__)


def handle_webhook(provider_name: str, raw_body: bytes, headers) -> str:
    """Verify, record once, and act on a provider event. Returns "processed", "duplicate" or
    "ignored". A bad signature → 400 and nothing written; a replay → nothing done."""
    if not is_enabled(provider_name):
        raise NotFound(_("We could not find that page."))
    provider = get_provider(provider_name)
    try:
        event = provider.parse_webhook(raw_body, headers)
    except InvalidSignature as error:
        if error.code == "timestamp_in_future":
            log.warning("webhook %s refused: %s", provider_name, error)
            raise BadRequest(_("The webhook is signed with a time too far in the future. "
                               "Check that the clock of this server is right."),
                             code=PaymentErrorCode.TIMESTAMP_IN_FUTURE) from error
        raise BadRequest(str(error), code=PaymentErrorCode.INVALID_SIGNATURE) from error
    row = WebhookEvent(provider=provider_name, event_id=event.id, type=event.type,
                       object_id=event.object_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        log.info("webhook %s %s already received", provider_name, event.id)
        return "duplicate"
    outcome = "ignored"
    if event.object_id and event.type.startswith(("payment_intent.", "charge.")):
        payment = queries.payment_by_reference(provider_name, event.object_id)
        debt_payment = None if payment is not None else \
            queries.debt_payment_by_reference(provider_name, event.object_id)
        shipping_payment = None if payment is not None or debt_payment is not None else \
            queries.shipping_payment_by_reference(provider_name, event.object_id)
        if payment is not None or debt_payment is not None or shipping_payment is not None:
            try:
                if payment is not None:
                    settle_payment(payment)
                elif debt_payment is not None:
                    settle_debt_payment(debt_payment)
                elif shipping_payment is not None:
                    settle_shipping_payment(shipping_payment)
            except GatewayUnavailable as error:
                # Answer 503 so the provider delivers again; the event row is rolled back too.
                raise PaymentUnavailable(str(error)) from error
            except GatewayError as error:
                # Re-delivering would not help; `flask reconcile-payments` retries later.
                log.error("webhook %s: provider refused to show %s: %s", event.id,
                          event.object_id, error)
                outcome = "unreadable"
            else:
                outcome = "processed"
    row.processed_at = utcnow()
    db.session.flush()
    return outcome


def reconcile_payment(payment_id: int) -> PaymentStatus:
    """Settle one payment by asking its provider (`flask reconcile-payments` loops over them)."""
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("no such payment")
    payment = settle_payment(payment)
    order = payment.order
    if payment.is_open and (order.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED)
                            or order.payment_provider != payment.provider):
        # The order gave its stock back, or the buyer chose another way to pay: close the
        # intent so it cannot be paid any more (one that still slips through is refunded by
        # settle_payment).
        result = get_provider(payment.provider).cancel_payment(payment)
        if result.status == PaymentStatus.SUCCEEDED:
            return settle_payment(payment, result).status
        apply_state(payment, result)
        db.session.flush()
    return payment.status
