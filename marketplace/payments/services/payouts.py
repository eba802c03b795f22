"""Payouts: where a trainee is paid (their payout account), batches that pay every available
balance above the minimum (bank-transfer CSV or a Stripe Connect transfer), and marking a bank
batch paid. Functions flush and never commit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Trainee
from marketplace.core.db import utcnow
from marketplace.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
)
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.payments import queries
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import (
    LedgerEntry,
    LedgerKind,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutItem,
    PayoutMethod,
    PayoutStatus,
)
from marketplace.payments.providers import (
    StripeProvider,
    get_provider,
)
from marketplace.payments.services.booth_fees import charge_booth_fees
from marketplace.payments.services.errors import PaymentUnavailable
from marketplace.payments.services.ledger import post_entry

HOLDER_MAX = 200
STRIPE_ACCOUNT_MAX = 64


@dataclass(frozen=True)
class PayoutAccountData:
    """Where payouts go, checked for shape by `payments.forms.PayoutAccountForm`: `iban` is a
    Sheba whose check digits match (`IR` and 24 digits) or None, `stripe_account_id` an
    `acct_…` id or None."""

    account_holder: str
    iban: str | None
    bank_name: str
    stripe_account_id: str | None


def save_payout_account(actor, trainee, data: PayoutAccountData) -> PayoutAccount:
    """The trainee (or an admin) says where payouts go."""
    if actor is None or not (actor.is_admin or (actor.trainee and actor.trainee.id == trainee.id)):
        raise NotFound(_("We could not find that page."))
    account = queries.payout_account(trainee.id)
    if account is None:
        account = PayoutAccount(trainee_id=trainee.id)
        db.session.add(account)
    account.account_holder = data.account_holder
    account.iban = data.iban
    account.bank_name = data.bank_name
    account.stripe_account_id = data.stripe_account_id
    db.session.flush()
    return account


def create_payout_batch(actor, method: PayoutMethod | str, now=None) -> PayoutBatch:
    """Pay every trainee whose available balance exceeds PAYOUT_MINIMUM and who has an account
    for `method`. Each ledger row is linked to the payout that covers it (unique), so no row is
    paid twice — not by a later batch, nor by a concurrent one."""
    if actor is None or not actor.is_admin:
        raise Forbidden(_("Only administrators can pay out."))
    try:
        method = PayoutMethod(method)
    except ValueError:
        raise BadRequest(_("Choose how to pay."), code=PaymentErrorCode.BAD_METHOD,
                         fields={"method": [_("Choose how to pay.")]}) from None
    now = now or utcnow()
    config = current_app.config
    currency = config["MARKETPLACE_CURRENCY"]
    minimum = int(config.get("PAYOUT_MINIMUM", 0))
    charge_booth_fees(now)

    rows = list(db.session.execute(
        queries.available_entries_query(now, currency)
        .with_only_columns(LedgerEntry.id, LedgerEntry.trainee_id, LedgerEntry.amount,
                           LedgerEntry.created_at)
        .order_by(LedgerEntry.trainee_id, LedgerEntry.id)))
    by_trainee: dict[int, list] = {}
    for row in rows:
        by_trainee.setdefault(row.trainee_id, []).append(row)
    accounts = {a.trainee_id: a for a in db.session.scalars(
        select(PayoutAccount).where(PayoutAccount.trainee_id.in_(list(by_trainee))))}

    batch = PayoutBatch(method=method, currency=currency, created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    failures: list[str] = []
    conflicts = 0
    for trainee_id, entries in by_trainee.items():
        amount = sum(e.amount for e in entries)
        account = accounts.get(trainee_id)
        if amount <= minimum or account is None:
            continue
        if method == PayoutMethod.BANK_TRANSFER and not account.iban:
            continue
        if method == PayoutMethod.STRIPE_CONNECT and not account.stripe_account_id:
            continue
        try:
            with db.session.begin_nested():
                _pay_trainee(batch, account, entries, amount, currency, now)
        except GatewayError as error:
            failures.append(f"{account.account_holder or trainee_id}: {error}")
        except IntegrityError:
            # A concurrent batch paid these rows first (PayoutItem.ledger_entry_id is unique).
            conflicts += 1
    db.session.flush()
    db.session.refresh(batch)
    if not batch.payouts:
        if failures:
            raise PaymentUnavailable(_("No payout could be made: %(problems)s",
                                       problems="; ".join(failures)))
        if conflicts:
            raise Conflict(_("Another payout batch paid these balances a moment ago."),
                           code=PaymentErrorCode.PAID_BY_ANOTHER_BATCH)
        raise RuleViolation(_("Nobody has an available balance above the minimum to pay."),
                            code=PaymentErrorCode.NOTHING_TO_PAY)
    batch.total_amount = sum(p.amount for p in batch.payouts)
    batch.failures = tuple(failures)
    db.session.flush()
    return batch


def _pay_trainee(batch: PayoutBatch, account: PayoutAccount, entries, amount: int,
                 currency: str, now) -> Payout:
    payout = Payout(batch=batch, trainee_id=account.trainee_id, amount=amount,
                    currency=currency, account_holder=account.account_holder,
                    iban=account.iban, stripe_account_id=account.stripe_account_id)
    db.session.add(payout)
    db.session.flush()
    db.session.add_all(PayoutItem(payout_id=payout.id, ledger_entry_id=e.id) for e in entries)
    row = post_entry(account.trainee_id, LedgerKind.PAYOUT, -amount, currency, payout_id=payout.id,
                     memo=f"payout batch {batch.id}", available_at=now)
    db.session.flush()
    db.session.add(PayoutItem(payout_id=payout.id, ledger_entry_id=row.id))
    db.session.flush()
    if batch.method == PayoutMethod.STRIPE_CONNECT:
        digest = hashlib.sha256(",".join(f"{e.id}@{e.created_at.isoformat()}"
                                         for e in entries).encode()).hexdigest()[:24]
        provider = cast(StripeProvider, get_provider("stripe"))  # pays connected accounts
        payout.stripe_transfer_id = provider.transfer(
            Money(amount, currency), cast(str, account.stripe_account_id),  # checked above
            f"payout-{account.trainee_id}-{digest}",
            {"payout": payout.id, "batch": batch.id})
        payout.status = PayoutStatus.PAID
        payout.paid_at = now
        db.session.flush()
        _tell_paid([payout])
    return payout


def mark_batch_paid(actor, batch: PayoutBatch) -> PayoutBatch:
    """The bank transfers of a batch went out: its pending payouts are paid."""
    if actor is None or not actor.is_admin:
        raise Forbidden(_("Only administrators can pay out."))
    now = utcnow()
    paid = []
    for payout in batch.payouts:
        if payout.status == PayoutStatus.PENDING:
            payout.status = PayoutStatus.PAID
            payout.paid_at = now
            paid.append(payout)
    db.session.flush()
    _tell_paid(paid)
    return batch


def _tell_paid(payouts: list[Payout]) -> None:
    """Each trainee paid hears of it (their users read in one query)."""
    if not payouts:
        return
    trainees = {t.id: t for t in db.session.scalars(
        select(Trainee).where(Trainee.id.in_({p.trainee_id for p in payouts}))
        .options(joinedload(Trainee.user)))}
    for payout in payouts:
        user = trainees[payout.trainee_id].user
        notify(user, EventKind.PAYOUT_SENT, {"amount": payout.money.format(user.locale)},
               link=site_path("payments.ledger"), dedupe_key=f"payout:{payout.id}")
