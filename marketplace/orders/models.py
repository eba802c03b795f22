"""Carts, orders, per-trainee vendor orders and their lines, and trainees' shipping fees.

A buyer's `Order` holds one `VendorOrder` per trainee; each vendor order has its own fulfilment,
status and refunds. Vendor-order status moves only along `VENDOR_ORDER_TRANSITIONS`.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Trainee, User
from marketplace.booths.models import Assignment, MarketDay
from marketplace.catalogue.models import Product
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class VendorOrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    READY_FOR_PICKUP = "ready_for_pickup"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTLY_REFUNDED = "partly_refunded"


class Fulfilment(enum.StrEnum):
    SHIPPING = "shipping"
    PICKUP = "pickup"


class PaymentMethod(enum.StrEnum):
    """How one vendor order is paid: within the order's online payment, or to its trainee at
    the booth (a pickup part only). Orders knows no provider names, only these two."""

    ONLINE = "online"
    AT_PICKUP = "at_pickup"


S = VendorOrderStatus
# A pickup part not collected, cancelled or refunded yet: the buyer still comes to the booth.
OPEN_PICKUP_STATUSES = (S.PENDING_PAYMENT, S.PAID, S.READY_FOR_PICKUP)
_REFUNDABLE = (S.PAID, S.READY_FOR_PICKUP, S.SHIPPED, S.COMPLETED, S.PARTLY_REFUNDED)

# Every allowed move of a vendor order: (from, action) -> to. Anything else is a 409.
# "pay", "expire", "refund_part" and "refund_full" are system actions (payments, expiry);
# the rest are what a trainee (or an admin) does on the sales page.
VENDOR_ORDER_TRANSITIONS: dict[tuple[VendorOrderStatus, str], VendorOrderStatus] = {
    (S.PENDING_PAYMENT, "pay"): S.PAID,
    # A payment that lands after expiry revives the order when its stock can be taken again.
    (S.CANCELLED, "pay"): S.PAID,
    (S.PENDING_PAYMENT, "expire"): S.CANCELLED,
    (S.PENDING_PAYMENT, "cancel"): S.CANCELLED,
    # A part paid at pickup of an order revived by a late online payment waits for its cash again.
    (S.CANCELLED, "revive_for_pickup"): S.PENDING_PAYMENT,
    # Pay at pickup: the buyer pays the trainee at the booth or centre and takes the goods.
    (S.PENDING_PAYMENT, "confirm_paid_at_pickup"): S.COMPLETED,
    (S.PAID, "mark_ready"): S.READY_FOR_PICKUP,
    (S.PAID, "mark_shipped"): S.SHIPPED,
    (S.READY_FOR_PICKUP, "complete"): S.COMPLETED,
    (S.SHIPPED, "complete"): S.COMPLETED,
    **{(status, "refund_part"): S.PARTLY_REFUNDED for status in _REFUNDABLE},
    **{(status, "refund_full"): S.REFUNDED for status in _REFUNDABLE},
}

# Actions that only make sense for one kind of fulfilment.
ACTION_FULFILMENT = {
    "mark_ready": Fulfilment.PICKUP,
    "mark_shipped": Fulfilment.SHIPPING,
    "confirm_paid_at_pickup": Fulfilment.PICKUP,
}
# What a trainee may ask for on their sales page or through the API.
VENDOR_ACTIONS = ("mark_ready", "mark_shipped", "complete", "cancel", "confirm_paid_at_pickup")
# Those orders carries out itself; "confirm_paid_at_pickup" is a payment, which payments records
# (it books the cash) before it calls orders.services.orders.mark_paid_at_pickup.
FULFILMENT_ACTIONS = ("mark_ready", "mark_shipped", "complete", "cancel")


# The trainee took the handover code at the booth (orders.services.pickups): a paid part is
# handed over whether or not it was marked ready first. A system action, like "pay".
VENDOR_ORDER_TRANSITIONS[(S.PAID, "hand_over")] = S.COMPLETED
VENDOR_ORDER_TRANSITIONS[(S.READY_FOR_PICKUP, "hand_over")] = S.COMPLETED

# Digits of the code a buyer shows at the booth to collect a pickup part.
HANDOVER_CODE_DIGITS = 6


def new_handover_code(_context=None) -> str:
    """A random code of HANDOVER_CODE_DIGITS digits (a column default: insert_now passes None)."""
    return f"{secrets.randbelow(10**HANDOVER_CODE_DIGITS):0{HANDOVER_CODE_DIGITS}d}"


def next_vendor_status(current: VendorOrderStatus, action: str) -> VendorOrderStatus | None:
    return VENDOR_ORDER_TRANSITIONS.get((current, action))


class Cart(TimestampMixin, Model):
    """A signed-in buyer's cart (user_id), or a guest's behind a cookie token."""

    __tablename__ = "carts"
    __table_args__ = (
        Index("uq_carts_user_id", "user_id", unique=True,
              sqlite_where=text("user_id IS NOT NULL"),
              postgresql_where=text("user_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str | None] = mapped_column(String(64), unique=True)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id")


class CartLine(TimestampMixin, Model):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    quantity: Mapped[int] = mapped_column()
    # The price the buyer saw when adding the line, to show them when it changed since.
    unit_price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    seen_price: Mapped[Money] = money_composite("unit_price_amount")

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()

    @property
    def price_changed(self) -> bool:
        return self.product.price_amount != self.unit_price_amount

    @property
    def stock_short(self) -> bool:
        return self.product.stock < self.quantity

    @property
    def line_total(self) -> Money:
        return self.product.price * self.quantity


class ShippingRate(TimestampMixin, Model):
    """A trainee's flat shipping fee per vendor order; no row means the trainee does not ship."""

    __tablename__ = "shipping_rates"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"),
                                            unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    fee: Mapped[Money] = money_composite("amount")

    trainee: Mapped[Trainee] = relationship()


class Order(TimestampMixin, Model):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_expires", "status", "expires_at"),
        Index("ix_orders_paid_at", "paid_at"),  # the platform report's orders per period
        CheckConstraint("total_amount >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, name="order_status"), default=OrderStatus.PENDING_PAYMENT)
    total_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Money] = money_composite("total_amount")
    # Stock is held until then; None while the buyer pays at pickup (held until the trainee
    # confirms or cancels).
    expires_at: Mapped[datetime | None] = mapped_column()
    # The way the buyer chose to pay, named and written by payments; orders only asks whether
    # one was chosen (an online payment started) and whether it is at pickup.
    payment_provider: Mapped[str | None] = mapped_column(String(32))
    # The buyer pays each trainee at pickup (set by payments through hold_order_for_pickup): the
    # trainee confirms the money, or cancels their part.
    pays_at_pickup: Mapped[bool] = mapped_column(default=False)
    paid_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text, default="")

    buyer: Mapped[User] = relationship()
    vendor_orders: Mapped[list[VendorOrder]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="VendorOrder.id")

    @property
    def is_pending(self) -> bool:
        return self.status == OrderStatus.PENDING_PAYMENT

    @property
    def online_amount(self) -> int:
        """What the order's online payment takes: its parts paid online (the parts paid at
        pickup are paid to their trainees at the booth). A part its trainee cancelled is left
        out, as it is of `total_amount`; an expired or cancelled order's parts were all
        cancelled with it, and a late payment pays them all."""
        live = self.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)
        return sum(vo.total_amount for vo in self.vendor_orders
                   if vo.payment_method == PaymentMethod.ONLINE
                   and not (live and vo.status == VendorOrderStatus.CANCELLED))

    @property
    def online_total(self) -> Money:
        return Money(self.online_amount, self.currency)

    @property
    def has_pickup_payments(self) -> bool:
        """Is some part paid to its trainee at the booth?"""
        return any(vo.payment_method == PaymentMethod.AT_PICKUP for vo in self.vendor_orders)


class VendorOrder(TimestampMixin, Model):
    """The part of an order one trainee fulfils."""

    __tablename__ = "vendor_orders"
    __table_args__ = (
        UniqueConstraint("order_id", "trainee_id"),
        # With paid_at: the employment report's first and last sale per trainee from the
        # index alone (reports.employment).
        Index("ix_vendor_orders_trainee_status_paid", "trainee_id", "status", "paid_at"),
        # The sales report reads the days not yet summarised by payment time (reports.summary).
        Index("ix_vendor_orders_paid_at", "paid_at"),
        CheckConstraint("total_amount = subtotal_amount + shipping_amount",
                        name="total_is_subtotal_plus_shipping"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= total_amount",
                        name="refund_within_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    status: Mapped[VendorOrderStatus] = mapped_column(
        enum_column(VendorOrderStatus, name="vendor_order_status"),
        default=VendorOrderStatus.PENDING_PAYMENT)
    fulfilment: Mapped[Fulfilment] = mapped_column(enum_column(Fulfilment, name="fulfilment"))
    # Chosen at checkout (or for every part when the buyer pays the whole order at pickup):
    # an online part is paid with the order, a part at pickup when its trainee confirms the cash.
    payment_method: Mapped[PaymentMethod] = mapped_column(
        enum_column(PaymentMethod, name="payment_method"), default=PaymentMethod.ONLINE)
    pickup_place: Mapped[str | None] = mapped_column(Text)
    # The market day of the trainee's booth assignment chosen for pickup (booths.market_days).
    pickup_market_day_id: Mapped[int | None] = mapped_column(ForeignKey("market_days.id"))
    pickup_day: Mapped[date | None] = mapped_column()
    # The booth's code on that day; with pickup_market_day the place is worded at display time
    # in the reader's language (pickup_place keeps the text as shown at checkout). Kept as
    # written at checkout or rebooking: the code shown comes from pickup_assignment when set.
    pickup_booth_code: Mapped[str | None] = mapped_column(String(20))
    # The trainee's booth-day the buyer collects at (booths.booth_assignments): when it goes
    # away (day closed, booth taken back or blocked, day withdrawn, no-show) booths' signal
    # `booth_day_lost` reaches orders.services.pickups, which marks the part disrupted.
    pickup_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("booth_assignments.id"), index=True)
    # Set when that booth-day went away and until the buyer rebooks, switches to shipping or is
    # refunded; `pickup_disruption` says why (the booth's cancel reason, or "no_show").
    pickup_disrupted_at: Mapped[datetime | None] = mapped_column()
    pickup_disruption: Mapped[str | None] = mapped_column(String(40))
    # The code the buyer shows at the booth (pickup parts); kept plain because the buyer's page
    # and reminders show it again, compared in constant time, refused after a few wrong tries.
    handover_code: Mapped[str | None] = mapped_column(String(8), default=new_handover_code)
    handover_failures: Mapped[int] = mapped_column(default=0)
    handover_failed_at: Mapped[datetime | None] = mapped_column()
    shipping_address: Mapped[str | None] = mapped_column(Text)
    # The carrier's tracking code the trainee gave when shipping (told to the buyer).
    tracking_code: Mapped[str | None] = mapped_column(String(64))
    subtotal_amount: Mapped[int] = mapped_column(BigInteger)
    shipping_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    total_amount: Mapped[int] = mapped_column(BigInteger)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Money] = money_composite("subtotal_amount")
    shipping: Mapped[Money] = money_composite("shipping_amount")
    total: Mapped[Money] = money_composite("total_amount")
    refunded: Mapped[Money] = money_composite("refunded_amount")
    paid_at: Mapped[datetime | None] = mapped_column()
    shipped_at: Mapped[datetime | None] = mapped_column()
    ready_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="vendor_orders")
    trainee: Mapped[Trainee] = relationship()
    pickup_market_day: Mapped[MarketDay | None] = relationship()
    pickup_assignment: Mapped[Assignment | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="vendor_order", cascade="all, delete-orphan", order_by="OrderLine.id")

    @property
    def refundable(self) -> Money:
        return self.total - self.refunded

    @property
    def pays_at_pickup(self) -> bool:
        return self.payment_method == PaymentMethod.AT_PICKUP

    @property
    def pickup_needs_choice(self) -> bool:
        """Its booth-day went away and the buyer has not chosen what happens yet."""
        return self.fulfilment == Fulfilment.PICKUP and self.pickup_disrupted_at is not None \
            and self.status in OPEN_PICKUP_STATUSES

    @property
    def awaits_handover(self) -> bool:
        """A pickup part the buyer may collect now with their code."""
        return self.fulfilment == Fulfilment.PICKUP and self.pickup_disrupted_at is None and (
            self.status in (VendorOrderStatus.PAID, VendorOrderStatus.READY_FOR_PICKUP)
            or self.awaits_pickup_payment)

    @property
    def awaits_pickup_payment(self) -> bool:
        """The buyer pays this part at the booth and the trainee may take the money now: the
        whole order is held for pickup, or its online part is paid (before that the order may
        still expire, and the goods must not be handed over)."""
        return self.pays_at_pickup and self.status == VendorOrderStatus.PENDING_PAYMENT and \
            (self.order.pays_at_pickup or self.order.status == OrderStatus.PAID)

    @property
    def goods_handed_over(self) -> bool:
        """Shipped or collected: refunded goods are no longer on the trainee's shelf."""
        return self.shipped_at is not None or self.completed_at is not None

    def allowed_actions(self) -> list[str]:
        return [action for action in VENDOR_ACTIONS
                if (self.status, action) in VENDOR_ORDER_TRANSITIONS
                and ACTION_FULFILMENT.get(action, self.fulfilment) == self.fulfilment
                and not (action == "confirm_paid_at_pickup" and not self.awaits_pickup_payment)
                # Once an online payment is under way, only a refund undoes a part it covers.
                and not (action == "cancel" and self.order.payment_provider is not None
                         and not self.pays_at_pickup)]


class OrderLine(Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("restocked_quantity >= 0 AND restocked_quantity <= quantity",
                        name="restock_within_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_order_id: Mapped[int] = mapped_column(
        ForeignKey("vendor_orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column()
    unit_price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price: Mapped[Money] = money_composite("unit_price_amount")
    # Units given back to stock (expiry, cancellation, refund before shipping).
    restocked_quantity: Mapped[int] = mapped_column(default=0)

    vendor_order: Mapped[VendorOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()

    @property
    def line_total(self) -> Money:
        return self.unit_price * self.quantity
