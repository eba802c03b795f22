"""What trainees owe the marketplace (the commission on cash sales, booth fees and any other
debit that leaves their balance below zero; payments.queries.debts), paid online through the
configured provider. Functions flush and never commit.

Paying twice is impossible by construction:
- starting locks the trainee's row, then reads their open debt payment: one still open (a
  double submit, a second tab) is a 409 `debt_payment_in_progress` and nothing is written —
  a partial unique index keeps one open payment per trainee even so; one left open longer
  than ORDER_HOLD_MINUTES is closed with its provider first (or settled, if it was paid);
- settling locks the debt payment's row and does nothing once it is settled, so replayed
  callbacks and webhooks change nothing; the one ledger credit is unique per debt payment;
- nothing owed (the debt was paid meanwhile) is a 409 `no_debt`.

Idempotency key: `debt-<trainee id>-<trainee created, epoch seconds>-payment-<n>` (n-th debt
payment of the trainee): stable across a rolled-back request, and not the same in a database
made again from scratch (its trainees are made at other times).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import Trainee
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, NotFound, RuleViolation
from marketplace.core.i18n import format_money
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.payments import policies, queries
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayDeclined, GatewayError, GatewayUnavailable
from marketplace.payments.models import DebtPayment, LedgerKind, PaymentStatus
from marketplace.payments.providers import (
    TEST_CARDS,
    PaymentProvider,
    ProviderPayment,
    StripeProvider,
    enabled_providers,
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
from marketplace.payments.services.ledger import post_entry
from marketplace.payments.services.locking import lock
from marketplace.payments.services.payments import apply_state

log = logging.getLogger(__name__)


def online_provider(currency: str) -> PaymentProvider | None:
    """The enabled provider that takes money online in `currency` (Stripe or Zarinpal)."""
    return next((p for p in enabled_providers()
                 if p.name in ("stripe", "zarinpal") and p.accepts(currency)), None)


def _payer(actor) -> Trainee:
    trainee = getattr(actor, "trainee", None) if actor is not None else None
    if trainee is None or not policies.can_pay_debt_of(actor, trainee):
        raise NotFound(_("We could not find that page."))
    return trainee


def _in_progress() -> Conflict:
    return Conflict(_("A payment of your debt is already in progress. Finish it, or wait a few "
                      "minutes and try again; nothing is charged twice."),
                    code=PaymentErrorCode.DEBT_PAYMENT_IN_PROGRESS)


def start_debt_payment(actor) -> DebtPayment:
    """The trainee starts paying all they owe through the configured online provider."""
    trainee = _payer(actor)
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    provider = online_provider(currency)
    if provider is None:
        raise BadRequest(_("Paying online is not available here. Please pay the marketplace "
                           "office directly."), code=PaymentErrorCode.UNKNOWN_PROVIDER)
    # Starters of one trainee queue here; each then reads what the one before it committed.
    db.session.execute(select(Trainee.id).where(Trainee.id == trainee.id).with_for_update())
    earlier = db.session.scalar(select(DebtPayment).where(
        DebtPayment.trainee_id == trainee.id, DebtPayment.status.in_(
            (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)))
        .execution_options(populate_existing=True))
    if earlier is not None:
        hold = timedelta(minutes=current_app.config.get("ORDER_HOLD_MINUTES", 30))
        if earlier.created_at > utcnow() - hold:
            raise _in_progress()
        if _close_stale(earlier).status == PaymentStatus.SUCCEEDED:
            return earlier  # it was paid after all: that payment settled the debt
    debt = queries.debt_of(trainee.id, currency)
    if debt is None:
        raise Conflict(_("You owe the marketplace nothing."), code=PaymentErrorCode.NO_DEBT)
    _check_gateway_minimum(provider, debt.amount)
    attempts = db.session.scalar(select(func.count(DebtPayment.id))
                                 .where(DebtPayment.trainee_id == trainee.id)) or 0
    stamp = int(trainee.created_at.timestamp())
    payment = DebtPayment(trainee_id=trainee.id, provider=provider.name,
                          amount=debt.amount.amount, currency=currency,
                          status=PaymentStatus.PENDING,
                          idempotency_key=f"debt-{trainee.id}-{stamp}-payment-{attempts + 1}")
    db.session.add(payment)
    db.session.flush()
    result = _ask(provider, "start", payment, lambda: provider.start_payment(payment))
    apply_state(payment, result)
    db.session.flush()
    if payment.status == PaymentStatus.SUCCEEDED:
        settle_debt_payment(payment, result)
    return payment


def online_minimum(provider: PaymentProvider, currency: str) -> Money:
    """The smallest debt payment `provider` takes."""
    return Money(provider.minimum_amount(), currency)


def _check_gateway_minimum(provider: PaymentProvider, debt: Money) -> None:
    """A debt smaller than the gateway's smallest payment cannot be paid online: say so
    (and how to pay it) instead of passing on the gateway's bare validation error."""
    minimum = online_minimum(provider, debt.currency)
    if debt.amount < minimum.amount:
        raise RuleViolation(
            _("What you owe (%(debt)s) is less than the smallest online payment (%(minimum)s). "
              "Please pay it at the marketplace office; otherwise it is taken from your next "
              "sale.", debt=format_money(debt), minimum=format_money(minimum)),
            code=PaymentErrorCode.DEBT_BELOW_GATEWAY_MINIMUM)


def _ask(provider: PaymentProvider, what: str, payment: DebtPayment, call) -> ProviderPayment:
    """Call the provider; its errors become the answers payers see (nothing is written)."""
    try:
        return call()
    except GatewayUnavailable as error:
        log.warning("%s debt payment %s: provider unavailable (%s)", what, payment.id, error)
        raise PaymentUnavailable(unavailable_message()) from error
    except GatewayDeclined as error:
        raise PaymentDeclined(declined_message()) from error
    except GatewayError as error:
        log.error("%s debt payment %s refused: %s", what, payment.id, error)
        raise PaymentRejected(rejected_message()) from error


def _close_stale(payment: DebtPayment) -> DebtPayment:
    """Close an open payment the trainee left (a closed gateway tab): with its provider first,
    so it cannot be paid later; if it was paid meanwhile, it settles the debt instead."""
    provider = get_provider(payment.provider)
    result = _ask(provider, "close", payment, lambda: provider.cancel_payment(payment))
    if result.status == PaymentStatus.SUCCEEDED:
        return settle_debt_payment(payment, result)
    if result.status not in (PaymentStatus.CANCELLED, PaymentStatus.FAILED):
        raise _in_progress()  # still processing with the provider
    apply_state(payment, result)
    db.session.flush()
    return payment


def settle_debt_payment(payment: DebtPayment,
                        result: ProviderPayment | None = None) -> DebtPayment:
    """Bring `payment` in line with its provider's view (asked again unless `result` was just
    obtained from it). Succeeded → one ledger credit of its amount settles the debt; repeats,
    late or concurrent deliveries find it settled and change nothing."""
    payment = lock(DebtPayment, payment.id)
    if payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None:
        return payment
    if result is None:  # the gateway's errors go up as they are (webhooks answer on them)
        if not payment.provider_reference:
            return payment
        result = get_provider(payment.provider).fetch_payment(payment)
    if result.amount is not None and (result.amount != payment.amount or
                                      (result.currency or payment.currency) != payment.currency):
        log.error("debt payment %s: provider holds %s %s, we expected %s %s", payment.id,
                  result.amount, result.currency, payment.amount, payment.currency)
        raise Conflict(_("The amount paid does not match this payment."),
                       code=PaymentErrorCode.AMOUNT_MISMATCH)
    apply_state(payment, result)
    if result.status == PaymentStatus.SUCCEEDED:
        now = utcnow()
        payment.status = PaymentStatus.SUCCEEDED
        payment.settled_at = now
        # The trainee paid in: a positive payout row (see LedgerKind.PAYOUT), payable at once.
        post_entry(payment.trainee_id, LedgerKind.PAYOUT, payment.amount, payment.currency,
                   debt_payment_id=payment.id, available_at=now,
                   memo=f"debt paid online, payment {payment.id}")
    db.session.flush()
    return payment


def refresh_debt_payment(actor, payment: DebtPayment) -> DebtPayment:
    """The payer is back from the provider's page (Stripe's return): settle from its view."""
    if not policies.can_pay_debt_of(actor, payment.trainee):
        raise NotFound(_("We could not find that payment."))
    if not payment.provider_reference or payment.settled_at is not None:
        return payment
    provider = get_provider(payment.provider)
    return settle_debt_payment(payment, _ask(provider, "read", payment,
                                             lambda: provider.fetch_payment(payment)))


def debt_payment_for(actor, payment_id: int) -> DebtPayment:
    """A debt payment of the actor's own; anyone else's (an admin's too: admins see debts on
    their list, they do not pay them) is missing."""
    payment = db.session.get(DebtPayment, payment_id)
    if payment is None or not policies.can_pay_debt_of(actor, payment.trainee):
        raise NotFound(_("We could not find that payment."))
    return payment


def confirm_test_debt_payment(actor, payment: DebtPayment, card: str) -> DebtPayment:
    """Development only (Stripe stand-in): confirm with a test card, then settle."""
    if not policies.can_pay_debt_of(actor, payment.trainee):
        raise NotFound(_("We could not find that payment."))
    provider = get_provider(payment.provider)
    if not isinstance(provider, StripeProvider) or not StripeProvider.is_standin():
        raise NotFound(_("Test cards are only available with the local Stripe stand-in."))
    if card not in TEST_CARDS:
        raise BadRequest(_("That test card cannot be used."), code=PaymentErrorCode.UNKNOWN_CARD)
    payment = lock(DebtPayment, payment.id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if not payment.is_open or not payment.provider_reference:
        raise Conflict(_("Start the payment first."), code=PaymentErrorCode.PAYMENT_NOT_STARTED)
    payment.confirm_attempts += 1
    db.session.flush()
    result = _ask(provider, "confirm", payment,
                  lambda: provider.confirm_with_test_card(payment, card))
    return settle_debt_payment(payment, result)


def debt_payment_ids_to_reconcile() -> list[int]:
    """Debt payments a lost webhook or callback could have left open."""
    return list(db.session.scalars(
        select(DebtPayment.id).where(DebtPayment.status.in_((PaymentStatus.PENDING,
                                                             PaymentStatus.REQUIRES_ACTION)),
                                     DebtPayment.provider_reference.is_not(None))
        .order_by(DebtPayment.id)))
