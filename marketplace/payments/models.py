"""Payments, refunds, received webhooks, the trainees' ledger and payouts.

The ledger is append-only: a `LedgerEntry` is never updated or deleted (the mapper refuses it),
a trainee's balance is the sum of their rows, and a correction is a new row. Unique constraints
make double postings impossible rather than merely unlikely: one sale/shipping/commission row per
vendor order, one booth-fee row per fee, and one payout per ledger row (`PayoutItem`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from marketplace.accounts.models import Trainee, User
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model
from marketplace.orders.models import Order, VendorOrder
from marketplace.payments.statuses import OPEN_PAYMENT_STATUSES, PaymentStatus

__all__ = ["OPEN_PAYMENT_STATUSES", "PaymentStatus"]  # re-exported: defined without tables

# SQL for "an open payment" (OPEN_PAYMENT_STATUSES), for partial indexes.
_OPEN_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_PAYMENT_STATUSES) + ")"


class RefundStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LedgerKind(enum.StrEnum):
    SALE = "sale"                            # + goods sold (vendor order subtotal)
    COMMISSION = "commission"                # − platform commission on the goods
    REFUND = "refund"                        # − money given back to the buyer
    REFUND_COMMISSION = "refund_commission"  # + commission returned with a refund
    SHIPPING = "shipping"                    # + shipping fee charged to the buyer
    BOOTH_FEE = "booth_fee"                  # − a booth-day's fee
    SUBSIDY = "subsidy"                      # + a subsidy paid to the trainee
    # − money paid out (or collected in cash); + money the trainee paid in: cash handed back
    # with a refund, or a debt paid online (`debt_payment_id`; payments.services.debts).
    PAYOUT = "payout"


class PayoutMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    STRIPE_CONNECT = "stripe_connect"


class PayoutStatus(enum.StrEnum):
    PENDING = "pending"   # bank transfer exported, not yet confirmed
    PAID = "paid"


class Payment(TimestampMixin, Model):
    """One attempt to pay an order through one provider."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount",
                        name="refund_within_amount"),
        Index("ix_payments_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    provider: Mapped[str] = mapped_column(String(32))
    status: Mapped[PaymentStatus] = mapped_column(
        enum_column(PaymentStatus, name="payment_status"), default=PaymentStatus.PENDING)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    money: Mapped[Money] = money_composite("amount")
    refunded: Mapped[Money] = money_composite("refunded_amount")
    # The provider's id (Stripe PaymentIntent pi_…); NULL until the provider answered.
    provider_reference: Mapped[str | None] = mapped_column(String(255), unique=True)
    # Built from the order and attempt number, so a retried request re-uses it.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    # Server-side confirmations made so far (each one gets its own idempotency key).
    confirm_attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    settled_at: Mapped[datetime | None] = mapped_column()
    # The shares the gateway settles straight to trainees' Sheba accounts at payment (Zarinpal's
    # split settlement, payments.services.split_settlement), as sent with the payment request:
    # [{"vendor_order_id", "trainee_id", "amount", "iban"}]; NULL when it settles none.
    gateway_shares: Mapped[list | None] = mapped_column(JSON)

    # Not stored: Stripe's client secret, set by services.start_payment for the checkout page.
    client_secret = None  # type: str | None

    order: Mapped[Order] = relationship()
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment",
                                                 order_by="Refund.id")

    @property
    def refundable(self) -> Money:
        return self.money - self.refunded

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PAYMENT_STATUSES

    def gateway_label(self) -> tuple[str, dict[str, str | int]]:
        """What the gateway shows and keeps: a description and metadata."""
        return f"Bazaarche order {self.order.number}", {"order": self.order.number,
                                                          "payment": self.id}

    def return_route(self) -> tuple[str, dict[str, str | int]]:
        """The endpoint a gateway sends the buyer back to (Zarinpal's callback)."""
        return "payments.zarinpal_callback", {"number": self.order.number}


class Refund(Model):
    """Money given back to the buyer: for one vendor order, or the whole payment (automatic
    refund of a payment that arrived after the stock went elsewhere; vendor_order_id NULL).
    Through the order's payment (`payment_id`), or through a shipping payment
    (`shipping_payment_id`) for what a buyer paid to have a pickup part shipped instead."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    # Or given back through the shipping payment of a pickup part switched to shipping.
    shipping_payment_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_payments.id"),
                                                            index=True)
    vendor_order_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_orders.id"),
                                                        index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    money: Mapped[Money] = money_composite("amount")
    status: Mapped[RefundStatus] = mapped_column(
        enum_column(RefundStatus, name="refund_status"), default=RefundStatus.PENDING)
    provider_reference: Mapped[str | None] = mapped_column(String(255), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    restock: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    payment: Mapped[Payment | None] = relationship(back_populates="refunds")
    shipping_payment: Mapped[ShippingPayment | None] = relationship()
    vendor_order: Mapped[VendorOrder | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def paid_through(self) -> Payment | ShippingPayment | None:
        """The payment the money goes back through (None: cash handed back at the booth)."""
        return self.payment if self.payment is not None else self.shipping_payment

    @property
    def order(self) -> Order | None:
        if self.payment is not None:
            return self.payment.order
        if self.shipping_payment is not None:
            return self.shipping_payment.vendor_order.order
        return self.vendor_order.order if self.vendor_order is not None else None



class SidePaymentMixin(TimestampMixin):
    """The columns and behaviour of a payment that is not an order's own (a trainee's debt, a
    buyer's shipping fee; payments.services.side_payments): one attempt through one online
    provider. Each table names its own status enum `<table singular>_status`."""

    if TYPE_CHECKING:
        __tablename__: str  # each model's own

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    provider_reference: Mapped[str | None] = mapped_column(String(255), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    confirm_attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    settled_at: Mapped[datetime | None] = mapped_column()

    # Not stored: Stripe's client secret, set when the payment is started.
    client_secret = None  # type: str | None

    @declared_attr
    def status(cls) -> Mapped[PaymentStatus]:
        name = cls.__tablename__.removesuffix("s") + "_status"
        return mapped_column(enum_column(PaymentStatus, name=name),
                             default=PaymentStatus.PENDING)

    @declared_attr
    def money(cls) -> Mapped[Money]:
        return money_composite("amount")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PAYMENT_STATUSES


class DebtPayment(SidePaymentMixin, Model):
    """A trainee paying online what they owe the marketplace (commission on cash sales, booth
    fees): one attempt through one online provider. Once it succeeds one ledger row credits it
    (`LedgerEntry.debt_payment_id` is unique). A partial unique index keeps one open attempt
    per trainee, so a double submit can never start two."""

    __tablename__ = "debt_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("uq_debt_payments_trainee_open", "trainee_id", unique=True,
              sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL)),
    )

    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)

    trainee: Mapped[Trainee] = relationship()

    def gateway_label(self) -> tuple[str, dict[str, str | int]]:
        """What the gateway shows and keeps: a description and metadata."""
        return (f"Bazaarche debt payment {self.id}",
                {"debt_payment": self.id, "trainee": self.trainee_id})

    def return_route(self) -> tuple[str, dict[str, str | int]]:
        """The endpoint a gateway sends the payer back to (Zarinpal's callback)."""
        return "debts.zarinpal_callback", {"payment_id": self.id}


class ShippingPayment(SidePaymentMixin, Model):
    """A buyer paying the difference to have a pickup part shipped instead, after its booth-day
    went away (payments.services.shipping_payments): one attempt through one online provider,
    for the shipping fee — and, for a part that was to be paid in cash at the booth, its goods
    too (`goods_amount`). Only once it succeeds does the part switch to shipping, to the address
    kept here, and the fee is booked to its trainee (the ledger's one shipping row per vendor
    order). A partial unique index keeps one open attempt per vendor order. Refunds of the part
    given back through this payment (its goods, and the fee once the part is refunded in
    full) name it (`Refund.shipping_payment_id`) and add up in `refunded_amount`."""

    __tablename__ = "shipping_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("uq_shipping_payments_vendor_order_open", "vendor_order_id", unique=True,
              sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL)),
    )

    vendor_order_id: Mapped[int] = mapped_column(ForeignKey("vendor_orders.id"), index=True)
    shipping_address: Mapped[str] = mapped_column(Text)
    # What of `amount` pays for the part's goods (a part to be paid at the booth); the rest
    # is the shipping fee.
    goods_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    @property
    def fee_amount(self) -> int:
        return self.amount - self.goods_amount

    vendor_order: Mapped[VendorOrder] = relationship()

    def gateway_label(self) -> tuple[str, dict[str, str | int]]:
        """What the gateway shows and keeps: a description and metadata."""
        number = self.vendor_order.order.number
        return (f"Bazaarche order {number}, shipping instead of pickup",
                {"order": number, "shipping_payment": self.id})

    def return_route(self) -> tuple[str, dict[str, str | int]]:
        """The endpoint a gateway sends the payer back to (Zarinpal's callback)."""
        return "pickups.zarinpal_shipping_callback", {"payment_id": self.id}


class WebhookEvent(Model):
    """A provider event we accepted; the unique (provider, event_id) makes a replay a no-op."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column()


class PayoutAccount(TimestampMixin, Model):
    """Where a trainee's money goes: a Stripe connected account, or a bank account."""

    __tablename__ = "payout_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"),
                                            unique=True)
    stripe_account_id: Mapped[str | None] = mapped_column(String(64))
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str | None] = mapped_column(String(34))
    bank_name: Mapped[str] = mapped_column(String(200), default="")

    trainee: Mapped[Trainee] = relationship()


class PayoutBatch(Model):
    __tablename__ = "payout_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[PayoutMethod] = mapped_column(enum_column(PayoutMethod,
                                                             name="payout_method"))
    currency: Mapped[str] = mapped_column(String(3))
    total_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[Money] = money_composite("total_amount")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Not stored: trainees a new batch could not pay (set by services.create_payout_batch).
    failures = ()  # type: tuple[str, ...]

    payouts: Mapped[list[Payout]] = relationship(back_populates="batch", order_by="Payout.id")
    created_by: Mapped[User | None] = relationship()



class Payout(Model):
    """What one trainee is paid in a batch: the sum of the ledger rows it covers."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("batch_id", "trainee_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payout_batches.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    money: Mapped[Money] = money_composite("amount")
    status: Mapped[PayoutStatus] = mapped_column(
        enum_column(PayoutStatus, name="payout_status"), default=PayoutStatus.PENDING)
    stripe_transfer_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Snapshot of the destination at the time of the batch (the CSV must not change later).
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str | None] = mapped_column(String(34))
    stripe_account_id: Mapped[str | None] = mapped_column(String(64))
    paid_at: Mapped[datetime | None] = mapped_column()

    batch: Mapped[PayoutBatch] = relationship(back_populates="payouts")
    trainee: Mapped[Trainee] = relationship()



class LedgerEntry(Model):
    """One immutable money movement for one trainee; `amount` is signed minor units."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # With kind and amount, balances and the reports' sums per trainee read the index
        # alone (the platform report's debts sum every trainee's whole ledger).
        Index("ix_ledger_entries_trainee_created_kind_amount", "trainee_id", "created_at",
              "kind", "amount"),
        # The reports: a vendor order's commission and refunds, and each period's bookings
        # per day and kind (from the index alone).
        Index("ix_ledger_entries_vendor_order_id", "vendor_order_id"),
        Index("ix_ledger_entries_created_kind_amount", "created_at", "kind", "amount"),
        # A vendor order's sale, shipping and commission are posted once.
        Index("uq_ledger_entries_vendor_order_kind", "vendor_order_id", "kind", unique=True,
              sqlite_where=text("refund_id IS NULL AND vendor_order_id IS NOT NULL"),
              postgresql_where=text("refund_id IS NULL AND vendor_order_id IS NOT NULL")),
        # A refund posts one refund row and one commission row.
        Index("uq_ledger_entries_refund_kind", "refund_id", "kind", unique=True,
              sqlite_where=text("refund_id IS NOT NULL"),
              postgresql_where=text("refund_id IS NOT NULL")),
        UniqueConstraint("booth_fee_id"),
        UniqueConstraint("payout_id"),
        # A debt payment is credited once (an index: SQLite adds it without a table rebuild).
        Index("uq_ledger_entries_debt_payment_id", "debt_payment_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind, name="ledger_kind"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    money: Mapped[Money] = money_composite("amount")
    vendor_order_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_orders.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    booth_fee_id: Mapped[int | None] = mapped_column(ForeignKey("booth_fees.id"))
    debt_payment_id: Mapped[int | None] = mapped_column(ForeignKey("debt_payments.id"))
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # From when the row may be paid out (sales wait PAYOUT_HOLD_DAYS; debits count at once).
    available_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainee: Mapped[Trainee] = relationship()
    vendor_order: Mapped[VendorOrder | None] = relationship()



class PayoutItem(Model):
    """Ledger row → the payout that settled it. Unique per ledger row: never paid twice."""

    __tablename__ = "payout_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), index=True)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)


@event.listens_for(LedgerEntry, "before_update")
def _ledger_is_immutable(_mapper, _connection, target):
    raise RuntimeError(f"ledger entry {target.id} is immutable; post a correcting entry")


@event.listens_for(LedgerEntry, "before_delete")
def _ledger_is_append_only(_mapper, _connection, target):
    raise RuntimeError(f"ledger entry {target.id} cannot be deleted; post a correcting entry")
