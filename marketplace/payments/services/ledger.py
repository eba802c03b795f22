"""The ledger: every money movement per trainee as an immutable row (sale, shipping,
commission, refund and the commission it returns, cash collected at pickup, sales made at the
booth); balances are sums
(payments.queries). Functions flush and never commit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from marketplace.booths.models import BoothSale
from marketplace.core.db import utcnow
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import Order, VendorOrder, VendorOrderStatus
from marketplace.payments import queries
from marketplace.payments.models import LedgerEntry, LedgerKind, Refund

# Vendor-order statuses whose sale is booked in the ledger.
BOOKED_STATUSES = (VendorOrderStatus.PAID, VendorOrderStatus.READY_FOR_PICKUP,
                   VendorOrderStatus.SHIPPED, VendorOrderStatus.COMPLETED,
                   VendorOrderStatus.PARTLY_REFUNDED, VendorOrderStatus.REFUNDED)


def post_entry(trainee_id: int, kind: LedgerKind, amount: int, currency: str,
               **values) -> LedgerEntry:
    entry = LedgerEntry(trainee_id=trainee_id, kind=kind, amount=amount, currency=currency,
                        **values)
    db.session.add(entry)
    return entry


def book_order_sales(order: Order, collected_in_cash: bool = False) -> list[LedgerEntry]:
    """Post sale, shipping and commission rows for every paid vendor order not booked yet."""
    candidates = [vo for vo in order.vendor_orders if vo.status in BOOKED_STATUSES]
    return book_vendor_orders(candidates, collected_in_cash=collected_in_cash)


def book_vendor_orders(vendor_orders: list[VendorOrder],
                       collected_in_cash: bool = False) -> list[LedgerEntry]:
    if not vendor_orders:
        return []
    booked = set(db.session.scalars(
        select(LedgerEntry.vendor_order_id).where(
            LedgerEntry.vendor_order_id.in_([vo.id for vo in vendor_orders]),
            LedgerEntry.kind == LedgerKind.SALE, LedgerEntry.refund_id.is_(None))))
    percent = current_app.config.get("COMMISSION_PERCENT", 10)
    hold = timedelta(days=current_app.config.get("PAYOUT_HOLD_DAYS", 14))
    now = utcnow()
    entries = []
    for vo in vendor_orders:
        if vo.id in booked:
            continue
        paid_at = vo.paid_at or now
        # Cash already in the trainee's hand needs no holding period.
        available_at = now if collected_in_cash else paid_at + hold
        common = {"vendor_order_id": vo.id, "available_at": available_at}
        entries.append(post_entry(vo.trainee_id, LedgerKind.SALE, vo.subtotal_amount, vo.currency,
                                  memo=f"order {vo.order.number}", **common))
        if vo.shipping_amount:
            entries.append(post_entry(vo.trainee_id, LedgerKind.SHIPPING, vo.shipping_amount,
                                      vo.currency, memo=f"order {vo.order.number}", **common))
        commission = queries.commission_on(vo.subtotal, percent)
        if commission.amount:
            entries.append(post_entry(vo.trainee_id, LedgerKind.COMMISSION, -commission.amount,
                                      vo.currency, memo=f"{percent}% of order {vo.order.number}",
                                      **common))
        if collected_in_cash:
            entries.append(post_entry(vo.trainee_id, LedgerKind.PAYOUT, -vo.total_amount,
                                      vo.currency, memo=f"paid in cash at pickup, order "
                                                        f"{vo.order.number}", **common))
    db.session.flush()
    return entries


def book_booth_sale(sale: BoothSale) -> list[LedgerEntry]:
    """A face-to-face sale, booked like cash collected at pickup: the sale, the commission, and
    the money as already paid out — the buyer paid the trainee in cash or on the trainee's own
    card reader. There is no booth-sale kind (a new kind would change the CHECK constraint,
    which SQLite can only rebuild); the memo names the booth sale."""
    percent = current_app.config.get("COMMISSION_PERCENT", 10)
    now = utcnow()
    total = sale.total
    common = {"available_at": now, "created_at": now}
    memo = f"booth sale #{sale.id}"
    entries = [post_entry(sale.trainee_id, LedgerKind.SALE, total.amount, total.currency,
                          memo=memo, **common)]
    commission = queries.commission_on(total, percent)
    if commission.amount:
        entries.append(post_entry(sale.trainee_id, LedgerKind.COMMISSION, -commission.amount,
                                  total.currency, memo=f"{percent}% of {memo}", **common))
    market_fee = _market_fee(sale)
    if market_fee is not None:
        fee_percent, fee = market_fee
        # The market's own fee is a booth cost, as its booth-day fees are.
        entries.append(post_entry(sale.trainee_id, LedgerKind.BOOTH_FEE, -fee.amount,
                                  fee.currency, memo=f"market fee {fee_percent}% on {memo}",
                                  **common))
    if total.amount:
        entries.append(post_entry(sale.trainee_id, LedgerKind.PAYOUT, -total.amount,
                                  total.currency,
                                  memo=f"paid by {sale.payment_kind.value} at the booth, {memo}",
                                  **common))
    db.session.flush()
    return entries


def _market_fee(sale: BoothSale) -> tuple[int, Money] | None:
    """The fee the market of the sale's booth-day takes on it, when it takes one."""
    if sale.assignment is None:
        return None
    percent = sale.assignment.market_day.market.sales_fee_percent
    fee = sale.total.percent(percent) if percent else None
    return (percent, fee) if fee is not None and fee.amount else None


def book_refund(vendor_order: VendorOrder, refund: Refund, refunded_before: int,
                in_cash: bool = False) -> None:
    commission = -int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.vendor_order_id == vendor_order.id,
            LedgerEntry.kind == LedgerKind.COMMISSION)) or 0)
    back = queries.commission_returned(commission, vendor_order.total_amount, refunded_before,
                                       refunded_before + refund.amount)
    number = vendor_order.order.number
    post_entry(vendor_order.trainee_id, LedgerKind.REFUND, -refund.amount, refund.currency,
               vendor_order_id=vendor_order.id, refund_id=refund.id, memo=f"refund, order {number}")
    if back:
        post_entry(vendor_order.trainee_id, LedgerKind.REFUND_COMMISSION, back, refund.currency,
                   vendor_order_id=vendor_order.id, refund_id=refund.id,
                   memo=f"commission returned, order {number}")
    if in_cash:
        # The trainee handed the cash back from what they collected at pickup.
        post_entry(vendor_order.trainee_id, LedgerKind.PAYOUT, refund.amount, refund.currency,
                   vendor_order_id=vendor_order.id, refund_id=refund.id,
                   memo=f"returned in cash at pickup, order {number}")
    db.session.flush()
