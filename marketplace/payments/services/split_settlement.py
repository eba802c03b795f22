"""Split settlement: the gateway pays each trainee's share straight to their Sheba at payment.

Where Zarinpal's split ("wages", تسهیم) is switched on (`ZARINPAL_SPLIT_SETTLEMENT`), a payment
request carries, for every vendor order of a trainee with a Sheba on file, the trainee's share:
what they sold plus shipping, less the platform's commission — the same figures the ledger posts.
The platform keeps the rest. When the payment succeeds, the ledger records each share as paid
out by the gateway, so the trainee's balance for that sale is zero and no payout batch pays it
again. A trainee without a Sheba is paid by the payout batches, as without the split.
Functions flush and never commit."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payments import queries
from marketplace.payments.models import LedgerEntry, LedgerKind, Payment, PayoutAccount
from marketplace.payments.providers import ZARINPAL
from marketplace.payments.services.ledger import post_entry


def applies_to(provider_name: str) -> bool:
    """Payments through `provider_name` carry the trainees' shares."""
    return provider_name == ZARINPAL and bool(current_app.config.get("ZARINPAL_SPLIT_SETTLEMENT"))


def shares_for(payment: Payment) -> list[dict]:
    """Each trainee's share of `payment`, for those with a Sheba on file: the parts it pays
    (a mixed order's parts paid at the booth are the trainee's cash already)."""
    vendor_orders = [vo for vo in payment.order.vendor_orders if not vo.pays_at_pickup]
    shebas = dict(db.session.execute(
        select(PayoutAccount.trainee_id, PayoutAccount.iban).where(
            PayoutAccount.trainee_id.in_({vo.trainee_id for vo in vendor_orders}),
            PayoutAccount.iban.is_not(None))).all())
    percent = current_app.config.get("COMMISSION_PERCENT", 10)
    shares = []
    for vo in vendor_orders:
        iban = shebas.get(vo.trainee_id)
        share = vo.total_amount - queries.commission_on(vo.subtotal, percent).amount
        if iban and share > 0:
            shares.append({"vendor_order_id": vo.id, "trainee_id": vo.trainee_id,
                           "amount": share, "iban": iban})
    return shares


def book_gateway_shares(payment: Payment) -> None:
    """The payment succeeded: each share it carried was paid out by the gateway. The payout
    row becomes available with the sale it pays, so the two net to nothing on every date."""
    shares = payment.gateway_shares or ()
    if not shares:
        return
    sales_available_at = dict(db.session.execute(
        select(LedgerEntry.vendor_order_id, LedgerEntry.available_at).where(
            LedgerEntry.vendor_order_id.in_([s["vendor_order_id"] for s in shares]),
            LedgerEntry.kind == LedgerKind.SALE, LedgerEntry.refund_id.is_(None))).all())
    number = payment.order.number
    for share in shares:
        available_at = sales_available_at.get(share["vendor_order_id"])
        post_entry(share["trainee_id"], LedgerKind.PAYOUT, -share["amount"], payment.currency,
                   vendor_order_id=share["vendor_order_id"],
                   **({"available_at": available_at} if available_at else {}),
                   memo=f"settled by {payment.provider} to {share['iban']} at payment, "
                        f"order {number}")
    db.session.flush()
