"""Read-only queries and pure ledger arithmetic for payments, refunds, ledger and payouts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Trainee
from marketplace.booths.models import BoothSale
from marketplace.catalogue.models import Product, ProductStatus
from marketplace.core.i18n import marketplace_zone
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderStatus, VendorOrder
from marketplace.payments.models import (
    OPEN_PAYMENT_STATUSES,
    DebtPayment,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutItem,
    Refund,
    RefundStatus,
    ShippingPayment,
)
from marketplace.payments.providers import PAY_AT_PICKUP, PROVIDERS

# --- pure arithmetic --------------------------------------------------------------------------


def commission_on(subtotal: Money, percent: int | float) -> Money:
    """The platform's commission on a vendor order's goods (not on shipping), half up.

    The same integer is posted as −commission to the trainee and kept by the platform, so the
    two sides always add up: no unit is lost or invented."""
    return subtotal.percent(percent)


def commission_returned(commission: int, total: int, refunded_before: int,
                        refunded_after: int) -> int:
    """Commission given back with a refund, proportional to the refunded share of the total.

    Computed on cumulative amounts (what should have been returned after this refund minus what
    was returned before), so a sequence of partial refunds adding up to the total returns
    exactly the whole commission, whatever the rounding of each step."""
    if total <= 0:
        return 0

    def cumulative(refunded: int) -> int:
        numerator = commission * refunded
        quotient, remainder = divmod(numerator, total)
        return quotient + (1 if remainder * 2 >= total else 0)

    return cumulative(refunded_after) - cumulative(refunded_before)


# --- payments ---------------------------------------------------------------------------------

def payment_by_reference(provider: str, reference: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.provider == provider,
                                                   Payment.provider_reference == reference))


def payments_of_order(order_id: int) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.order_id == order_id)
                                   .order_by(Payment.id)))


def latest_payment(order_id: int) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.order_id == order_id)
                             .order_by(Payment.id.desc()).limit(1))


def payment_ids_to_reconcile() -> list[int]:
    """Payments a lost webhook could have left behind: still open, or failed while their order
    still waits (the buyer may have paid the same intent again with another card)."""
    query = (select(Payment.id).join(Order, Order.id == Payment.order_id)
             .where(Payment.provider != PAY_AT_PICKUP,
                    Payment.provider_reference.is_not(None),
                    (Payment.status.in_(OPEN_PAYMENT_STATUSES))
                    | ((Payment.status == PaymentStatus.FAILED)
                       & (Order.status == OrderStatus.PENDING_PAYMENT)))
             .order_by(Payment.id))
    return list(db.session.scalars(query))


# --- ledger -------------------------------------------------------------------------------------

def balance(trainee_id: int, currency: str, until: datetime | None = None) -> Money:
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.trainee_id == trainee_id, LedgerEntry.currency == currency)
    if until is not None:
        query = query.where(LedgerEntry.created_at < until)
    return Money(int(db.session.scalar(query) or 0), currency)


def available_entries_query(now: datetime, currency: str):
    """Ledger rows no payout has covered yet and whose holding period is over."""
    return (select(LedgerEntry)
            .outerjoin(PayoutItem, PayoutItem.ledger_entry_id == LedgerEntry.id)
            .where(PayoutItem.id.is_(None), LedgerEntry.available_at <= now,
                   LedgerEntry.currency == currency))


def available_balance(trainee_id: int, currency: str, now: datetime) -> Money:
    rows = available_entries_query(now, currency).where(LedgerEntry.trainee_id == trainee_id)
    total = db.session.scalar(select(func.coalesce(func.sum(rows.subquery().c.amount), 0)))
    return Money(int(total), currency)


@dataclass(frozen=True)
class Statement:
    trainee_id: int
    currency: str
    start: datetime
    end: datetime
    opening: Money
    entries: list[LedgerEntry]
    closing: Money
    totals: dict[LedgerKind, Money]


def statement(trainee_id: int, currency: str, start: datetime, end: datetime) -> Statement:
    """Rows created in [start, end), with the balance before and after (three queries)."""
    opening = balance(trainee_id, currency, until=start)
    entries = list(db.session.scalars(
        select(LedgerEntry)
        .options(selectinload(LedgerEntry.vendor_order).selectinload(VendorOrder.order))
        .where(LedgerEntry.trainee_id == trainee_id, LedgerEntry.currency == currency,
               LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)))
    totals: dict[LedgerKind, Money] = {}
    running = opening
    for entry in entries:
        totals[entry.kind] = totals.get(entry.kind, Money.zero(currency)) + entry.money
        running = running + entry.money
    return Statement(trainee_id, currency, start, end, opening, entries, running, totals)


def payout_account(trainee_id: int) -> PayoutAccount | None:
    return db.session.scalar(select(PayoutAccount).where(PayoutAccount.trainee_id == trainee_id))


def payout_batches(limit: int = 50) -> list[PayoutBatch]:
    return list(db.session.scalars(
        select(PayoutBatch).options(selectinload(PayoutBatch.payouts))
        .order_by(PayoutBatch.id.desc()).limit(limit)))


@dataclass(frozen=True)
class AvailableBalance:
    trainee_id: int
    store_name: str
    amount: Money
    has_bank_account: bool
    has_stripe_account: bool


def available_by_trainee(now: datetime, currency: str) -> list[AvailableBalance]:
    """Every trainee with rows waiting for a payout, and what is available now (one query)."""
    rows = available_entries_query(now, currency).subquery()
    query = (select(rows.c.trainee_id, func.sum(rows.c.amount), Trainee.store_name,
                    PayoutAccount.iban, PayoutAccount.stripe_account_id)
             .join(Trainee, Trainee.id == rows.c.trainee_id)
             .outerjoin(PayoutAccount, PayoutAccount.trainee_id == rows.c.trainee_id)
             .group_by(rows.c.trainee_id, Trainee.store_name, PayoutAccount.iban,
                       PayoutAccount.stripe_account_id)
             .order_by(rows.c.trainee_id))
    return [AvailableBalance(trainee_id, store_name or "", Money(int(total), currency),
                             bool(iban), bool(account))
            for trainee_id, total, store_name, iban, account in db.session.execute(query)]


def payout_batch(batch_id: int) -> PayoutBatch | None:
    return db.session.scalar(
        select(PayoutBatch).where(PayoutBatch.id == batch_id)
        .options(selectinload(PayoutBatch.payouts).selectinload(Payout.trainee)))


# --- debts --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Debt:
    """What a trainee owes: their balance is negative. `since` is when the oldest debit not yet
    covered by later credits was posted — credits settle the oldest debits first, so what is
    still owed is the newest debits that add up to the debt."""

    trainee_id: int
    store_name: str
    amount: Money       # positive: what they owe
    since: datetime

    def age_days(self, now: datetime) -> int:
        """Whole days since the oldest unsettled debit."""
        return max(0, (now - self.since).days)


def debts(currency: str, trainee_ids: list[int] | None = None) -> list[Debt]:
    """Every trainee in debt (or those of `trainee_ids`), oldest debt first — one query.

    Each debit is numbered by what the trainee owes through it and every newer debit (a
    running sum, newest first); the debits whose newer ones alone fall short of the debt are
    the unsettled ones, and the oldest of them dates the debt."""
    mine = LedgerEntry.currency == currency
    if trainee_ids is not None:
        mine = mine & LedgerEntry.trainee_id.in_(trainee_ids)
    balances = (select(LedgerEntry.trainee_id, func.sum(LedgerEntry.amount).label("balance"))
                .where(mine).group_by(LedgerEntry.trainee_id)
                .having(func.sum(LedgerEntry.amount) < 0).subquery())
    debits = (select(LedgerEntry.trainee_id, LedgerEntry.created_at, LedgerEntry.amount,
                     func.sum(-LedgerEntry.amount).over(
                         partition_by=LedgerEntry.trainee_id,
                         order_by=(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()),
                         rows=(None, 0)).label("owed_from_here"))
              .where(mine, LedgerEntry.amount < 0).subquery())
    since = func.min(debits.c.created_at).label("since")
    query = (select(balances.c.trainee_id, balances.c.balance, Trainee.store_name, since)
             .join(debits, debits.c.trainee_id == balances.c.trainee_id)
             .join(Trainee, Trainee.id == balances.c.trainee_id)
             # newer debits alone (this one left out) do not reach the debt
             .where(debits.c.owed_from_here + debits.c.amount < -balances.c.balance)
             .group_by(balances.c.trainee_id, balances.c.balance, Trainee.store_name)
             .order_by(since, balances.c.trainee_id))
    return [Debt(trainee_id, store_name or "", Money(-int(balance), currency), when)
            for trainee_id, balance, store_name, when in db.session.execute(query)]


def debt_of(trainee_id: int, currency: str) -> Debt | None:
    """The trainee's debt, or None when their balance is not negative (one query)."""
    found = debts(currency, [trainee_id])
    return found[0] if found else None


def open_debt_payment(trainee_id: int) -> DebtPayment | None:
    return db.session.scalar(select(DebtPayment).where(
        DebtPayment.trainee_id == trainee_id,
        DebtPayment.status.in_(OPEN_PAYMENT_STATUSES)))


def debt_payment_by_reference(provider: str, reference: str) -> DebtPayment | None:
    return db.session.scalar(select(DebtPayment).where(DebtPayment.provider == provider,
                                                       DebtPayment.provider_reference == reference))


def shipping_payment_by_reference(provider: str, reference: str) -> ShippingPayment | None:
    return db.session.scalar(select(ShippingPayment).where(
        ShippingPayment.provider == provider, ShippingPayment.provider_reference == reference))


def paid_shipping_payment(vendor_order_id: int) -> ShippingPayment | None:
    """The part's settled shipping payment (payments.services.shipping_payments; at most one
    settles, since settling switches the part to shipping)."""
    return db.session.scalar(select(ShippingPayment).where(
        ShippingPayment.vendor_order_id == vendor_order_id,
        ShippingPayment.status == PaymentStatus.SUCCEEDED,
        ShippingPayment.settled_at.is_not(None)).order_by(ShippingPayment.id).limit(1))


def owed_refund_providers() -> list[str]:
    """Providers whose refunds someone pays by hand (bank transfer): no refund API."""
    return [name for name, provider in PROVIDERS.items()
            if not provider.refunds_online and name != PAY_AT_PICKUP]


def refunds_owed(currency: str) -> list[Refund]:
    """Refunds recorded but not yet paid by bank transfer — through an order's payment or a
    shipping payment — the oldest first, with the order and its buyer (a constant number of
    statements)."""
    owed = owed_refund_providers()
    return list(db.session.scalars(
        select(Refund).outerjoin(Payment, Refund.payment_id == Payment.id)
        .outerjoin(ShippingPayment, Refund.shipping_payment_id == ShippingPayment.id)
        .where(Refund.status == RefundStatus.PENDING, Refund.currency == currency,
               or_(Payment.provider.in_(owed), ShippingPayment.provider.in_(owed)))
        .options(selectinload(Refund.payment).selectinload(Payment.order)
                 .selectinload(Order.buyer),
                 selectinload(Refund.shipping_payment).selectinload(ShippingPayment.vendor_order)
                 .selectinload(VendorOrder.order).selectinload(Order.buyer))
        .order_by(Refund.created_at, Refund.id)))


# --- sales at the booth ----------------------------------------------------------------------

def booth_sale_products(trainee_id: int) -> list[Product]:
    """What the trainee can sell at the booth: their own active listings with stock (the same
    rule take_stock holds), by title — one query."""
    return list(db.session.scalars(
        select(Product).where(Product.trainee_id == trainee_id,
                              Product.status == ProductStatus.ACTIVE, Product.stock > 0)
        .order_by(Product.title_fa, Product.id)))


def booth_sales_since(trainee_id: int, since: datetime) -> list[BoothSale]:
    """The trainee's booth sales from `since` on, newest first, with their products (two
    queries)."""
    return list(db.session.scalars(
        select(BoothSale).where(BoothSale.trainee_id == trainee_id, BoothSale.created_at >= since)
        .options(selectinload(BoothSale.product))
        .order_by(BoothSale.created_at.desc(), BoothSale.id.desc())))


def booth_sales_today(trainee_id: int) -> list[BoothSale]:
    """The trainee's booth sales since midnight in the marketplace's zone, newest first."""
    zone = marketplace_zone()
    midnight = datetime.combine(datetime.now(zone).date(), time.min, tzinfo=zone)
    return booth_sales_since(trainee_id, midnight.astimezone(UTC))
