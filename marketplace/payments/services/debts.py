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
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import Trainee
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, NotFound, RuleViolation
from marketplace.core.i18n import format_money
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.payments import policies, queries
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.models import DebtPayment, LedgerKind, PaymentStatus
from marketplace.payments.providers import (
    PaymentProvider,
    ProviderPayment,
    enabled_providers,
)
from marketplace.payments.services import side_payments
from marketplace.payments.services.ledger import post_entry
from marketplace.payments.services.payments import apply_state

log = logging.getLogger(__name__)


def tell_debt_due(user, debt: Money) -> None:
    """The debt-due notice: what the trainee owes, whatever put them in debt (booth fees,
    the commission on a booth sale), with a link to their statement."""
    notify(user, EventKind.DEBT_DUE, {"amount": debt.format(user.locale)},
           link=site_path("payments.ledger"))


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
    # The account's sign-up moment, to the microsecond, keeps the key this account's own where
    # its id comes round again (a new database before a stand-in that remembers old keys:
    # two trainees 1 signed up within one second shared keys, and the stand-in answered the
    # second with the first one's payment).
    stamp = int(trainee.created_at.timestamp() * 1_000_000)
    payment = DebtPayment(trainee_id=trainee.id, provider=provider.name,
                          amount=debt.amount.amount, currency=currency,
                          status=PaymentStatus.PENDING,
                          idempotency_key=f"debt-{trainee.id}-{stamp}-payment-{attempts + 1}")
    db.session.add(payment)
    db.session.flush()
    result = side_payments.ask(provider, "start", payment, lambda: provider.start_payment(payment))
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


def _close_stale(payment: DebtPayment) -> DebtPayment:
    """Close an open payment the trainee left; one paid meanwhile settles the debt instead."""
    return side_payments.close_stale(payment, settle_debt_payment, _in_progress)


def settle_debt_payment(payment: DebtPayment,
                        result: ProviderPayment | None = None) -> DebtPayment:
    """Settle from the provider's view (side_payments.settle): succeeded → one ledger credit
    of its amount settles the debt."""
    return side_payments.settle(payment, result, _credit_the_trainee)


def _credit_the_trainee(payment: DebtPayment, paid_at: datetime) -> None:
    # The trainee paid in: a positive payout row (see LedgerKind.PAYOUT), payable at once.
    post_entry(payment.trainee_id, LedgerKind.PAYOUT, payment.amount, payment.currency,
               debt_payment_id=payment.id, available_at=paid_at,
               memo=f"debt paid online, payment {payment.id}")


def refresh_debt_payment(actor, payment: DebtPayment) -> DebtPayment:
    """The payer is back from the provider's page (Stripe's return): settle from its view."""
    if not policies.can_pay_debt_of(actor, payment.trainee):
        raise NotFound(_("We could not find that payment."))
    return side_payments.refresh(payment, settle_debt_payment)


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
    return side_payments.confirm_with_test_card(payment, card, settle_debt_payment)


def authenticate_test_debt_payment(actor, payment: DebtPayment, approve: bool) -> DebtPayment:
    """Development only (Stripe stand-in): the trainee answers the bank's step of the "needs
    authentication" test card; approved, the debt is settled."""
    if not policies.can_pay_debt_of(actor, payment.trainee):
        raise NotFound(_("We could not find that payment."))
    return side_payments.authenticate_test_payment(payment, approve, settle_debt_payment)


def debt_payment_ids_to_reconcile() -> list[int]:
    """Debt payments a lost webhook or callback could have left open."""
    return side_payments.ids_to_reconcile(DebtPayment)
