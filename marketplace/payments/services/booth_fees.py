"""Booth fees: a due fee is deducted from its trainee's balance once its market day begins."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Trainee
from marketplace.booths.models import Assignment, BoothFee, FeeStatus, MarketDay
from marketplace.core.db import utcnow
from marketplace.extensions import db
from marketplace.payments import queries
from marketplace.payments.models import LedgerKind
from marketplace.payments.services.debts import tell_debt_due
from marketplace.payments.services.ledger import post_entry


def charge_booth_fees(now=None) -> int:
    """Deduct every due booth fee whose market day has begun from its trainee's balance.

    Booths records fees as due (`booths.BoothFee`); charging one posts a `booth_fee` ledger row
    (unique per fee) and marks the fee paid."""
    now = now or utcnow()
    fees = list(db.session.scalars(
        select(BoothFee).join(Assignment, Assignment.id == BoothFee.assignment_id)
        .join(MarketDay, MarketDay.id == Assignment.market_day_id)
        .where(BoothFee.status == FeeStatus.DUE, MarketDay.opens_at <= now)
        .order_by(BoothFee.id).with_for_update(of=BoothFee)))
    for fee in fees:
        post_entry(fee.trainee_id, LedgerKind.BOOTH_FEE, -fee.amount, fee.currency,
                   booth_fee_id=fee.id, memo=f"booth fee #{fee.id}")
        fee.status = FeeStatus.PAID
        fee.settled_at = now
    db.session.flush()
    if fees:
        _tell_debtors({fee.trainee_id for fee in fees}, fees[0].currency)
    return len(fees)


def _tell_debtors(trainee_ids: set[int], currency: str) -> None:
    """The trainees whom the fees put (or kept) in debt are told what they owe (two queries)."""
    owing = {debt.trainee_id: debt for debt in queries.debts(currency, sorted(trainee_ids))}
    if not owing:
        return
    trainees = db.session.scalars(select(Trainee).where(Trainee.id.in_(list(owing)))
                                  .options(joinedload(Trainee.user)))
    for trainee in trainees:
        tell_debt_due(trainee.user, owing[trainee.id].amount)
