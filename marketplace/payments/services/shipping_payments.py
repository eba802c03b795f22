"""Shipping that costs more: a buyer whose pickup booth-day went away chooses shipping, and the
trainee's shipping fee is paid first, online, through the order's own provider (Zarinpal in
rials, Stripe) — the same start / settle / callback / webhook machinery as an order's payment
and a trainee's debt payment (payments.services.payments, .debts). A part that was to be paid
in cash at the booth pays its goods with the fee (ShippingDue): nobody meets the trainee any
more. Only the settlement of a succeeded payment switches the part to shipping
(orders.services.pickups.ship_instead), makes such a part paid and books it, and books the fee
to its trainee, so "paid" has one owner here. A payment below the gateway's minimum is
explained, never sent (online_refusal). Refunds of a part paid this way go back through its
shipping payment (payments.services.refunds). Functions flush and never commit.

Paying twice is impossible by construction:
- starting locks the vendor order's row and reads its open shipping payment: one still open
  (a double submit, a second tab) is answered again, with the address given last; a partial
  unique index keeps one open payment per vendor order even so. One left open longer than
  ORDER_HOLD_MINUTES is closed with its provider first (or settled, if it was paid);
- while a payment is open and fresh, the buyer's other choices (another day, a refund) are a
  409 `shipping_payment_in_progress` (check_no_open_shipping_payment);
- settling locks the payment's row and does nothing once it is settled, so replayed callbacks
  and webhooks change nothing; the fee's ledger row is the vendor order's one shipping row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, DomainError, NotFound, RuleViolation
from marketplace.core.i18n import format_money
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import VendorOrder
from marketplace.orders.services import pickups
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.models import (
    OPEN_PAYMENT_STATUSES,
    LedgerKind,
    PaymentStatus,
    ShippingPayment,
)
from marketplace.payments.providers import (
    PaymentProvider,
    ProviderPayment,
    enabled_providers,
    get_provider,
)
from marketplace.payments.services import side_payments
from marketplace.payments.services.ledger import book_vendor_orders, post_entry
from marketplace.payments.services.locking import lock
from marketplace.payments.services.pay_at_pickup import settle_pickup_order
from marketplace.payments.services.payments import apply_state

log = logging.getLogger(__name__)
ONLINE_PROVIDERS = ("stripe", "zarinpal")


def _hold() -> timedelta:
    return timedelta(minutes=current_app.config.get("ORDER_HOLD_MINUTES", 30))


def provider_for(vendor_order: VendorOrder) -> PaymentProvider | None:
    """The order's own online provider when it is still enabled, else the enabled online
    provider that takes the order's currency."""
    currency = vendor_order.order.currency
    online = [p for p in enabled_providers()
              if p.name in ONLINE_PROVIDERS and p.accepts(currency)]
    return next((p for p in online if p.name == vendor_order.order.payment_provider),
                online[0] if online else None)


@dataclass(frozen=True)
class ShippingDue:
    """What a buyer pays online before their part ships instead of being collected: the
    trainee's shipping fee, and the goods of a part that was to be paid in cash at the booth."""

    goods: int
    fee: int
    currency: str

    @property
    def total(self) -> int:
        return self.goods + self.fee

    @property
    def money(self) -> Money:
        return Money(self.total, self.currency)


def shipping_due(vendor_order: VendorOrder) -> ShippingDue:
    return ShippingDue(goods=pickups.unpaid_goods(vendor_order),
                       fee=pickups.shipping_difference(vendor_order) or 0,
                       currency=vendor_order.currency)


def online_refusal(vendor_order: VendorOrder, due: ShippingDue) -> DomainError | None:
    """Why `due` cannot be paid online here (the page says it; starting raises it), or None.
    Nothing to pay is no refusal."""
    if due.total <= 0:
        return None
    if due.goods and not vendor_order.awaits_pickup_payment:
        # The order's own online payment is not through yet: its parts may still expire.
        return Conflict(_("Finish paying your order first; then you can have this part "
                          "shipped."), code=PaymentErrorCode.PAYMENT_IN_PROGRESS)
    provider = provider_for(vendor_order)
    if provider is None:
        return BadRequest(_("Paying online is not available here; choose another day or a "
                            "refund."), code=PaymentErrorCode.UNKNOWN_PROVIDER)
    minimum = Money(provider.minimum_amount(), due.currency)
    if due.total < minimum.amount:
        # The gateway would refuse it with a bare validation error; say why instead.
        return RuleViolation(
            _("Shipping this part costs %(amount)s more, less than the smallest online "
              "payment (%(minimum)s), so it cannot be paid here; choose another day or a "
              "refund.", amount=format_money(due.money), minimum=format_money(minimum)),
            code=PaymentErrorCode.SHIPPING_BELOW_GATEWAY_MINIMUM)
    return None


def ship_or_pay(actor, vendor_order_id: int, address: str | None) -> ShippingPayment | None:
    """The buyer chose shipping: switched at once when it costs nothing more (None), else the
    payment of what is due, started (the part switches when it succeeds)."""
    vendor_order, address, due = _checked_choice(actor, vendor_order_id, address)
    if due.total <= 0:
        pickups.switch_to_shipping(actor, vendor_order.id, address)
        return None
    return _start(vendor_order, due, address)


def start_shipping_payment(actor, vendor_order_id: int, address: str | None) -> ShippingPayment:
    """The API's way to ship instead: start paying what is due (409 `nothing_to_pay` when
    shipping costs nothing more: that is the pickup choice `shipping`)."""
    vendor_order, address, due = _checked_choice(actor, vendor_order_id, address)
    if due.total <= 0:
        raise Conflict(_("Shipping this part costs nothing more: choose shipping directly."),
                       code=PaymentErrorCode.NOTHING_TO_PAY)
    return _start(vendor_order, due, address)


def _checked_choice(actor, vendor_order_id: int, address: str | None
                    ) -> tuple[VendorOrder, str, ShippingDue]:
    """Every check before anything is written: the buyer's disrupted part, the address, a
    trainee who ships, and what is due payable online here."""
    vendor_order = pickups.disrupted_pickup_for(actor, vendor_order_id)
    address = pickups.checked_shipping_address(address)
    pickups.check_can_ship(vendor_order)
    due = shipping_due(vendor_order)
    refusal = online_refusal(vendor_order, due)
    if refusal is not None:
        raise refusal
    return vendor_order, address, due


def _start(vendor_order: VendorOrder, due: ShippingDue, address: str) -> ShippingPayment:
    provider = provider_for(vendor_order)
    assert provider is not None  # online_refusal said so
    lock(VendorOrder, vendor_order.id)  # starters for one part queue here
    earlier = _open_payment_of(vendor_order.id)
    if earlier is not None:
        if earlier.created_at > utcnow() - _hold() and earlier.provider == provider.name \
                and earlier.amount == due.total:
            earlier.shipping_address = address
            db.session.flush()
            return _with_client_secret(earlier)
        if _close(earlier).status == PaymentStatus.SUCCEEDED:
            return earlier  # paid after all: its settlement switched the part
    attempts = db.session.scalar(select(func.count(ShippingPayment.id)).where(
        ShippingPayment.vendor_order_id == vendor_order.id)) or 0
    payment = ShippingPayment(
        vendor_order=vendor_order, provider=provider.name, amount=due.total,
        goods_amount=due.goods, currency=vendor_order.order.currency,
        status=PaymentStatus.PENDING, shipping_address=address,
        idempotency_key=f"order-{vendor_order.order.number}-part-{vendor_order.id}"
                        f"-shipping-{attempts + 1}")
    db.session.add(payment)
    db.session.flush()
    result = side_payments.ask(provider, "start", payment, lambda: provider.start_payment(payment))
    apply_state(payment, result)
    db.session.flush()
    if payment.status == PaymentStatus.SUCCEEDED:
        settle_shipping_payment(payment, result)
    return payment


def _open_payment_of(vendor_order_id: int) -> ShippingPayment | None:
    return db.session.scalar(select(ShippingPayment).where(
        ShippingPayment.vendor_order_id == vendor_order_id,
        ShippingPayment.status.in_(OPEN_PAYMENT_STATUSES))
        .execution_options(populate_existing=True))


def check_no_open_shipping_payment(vendor_order: VendorOrder) -> None:
    """Another choice while the shipping fee is being paid would leave a payment with nothing
    to pay for: 409 while it is fresh; a stale one is closed with its provider first (one
    that was paid meanwhile settles, and the part ships)."""
    payment = _open_payment_of(vendor_order.id)
    if payment is None:
        return
    if payment.created_at > utcnow() - _hold() or \
            _close(payment).status == PaymentStatus.SUCCEEDED:
        raise Conflict(_("You are paying to have this part shipped. Finish that payment, or "
                         "wait a few minutes and choose again; nothing is charged twice."),
                       code=PaymentErrorCode.SHIPPING_PAYMENT_IN_PROGRESS)


def _with_client_secret(payment: ShippingPayment) -> ShippingPayment:
    if payment.is_open and payment.provider == "stripe" and payment.provider_reference:
        provider = get_provider(payment.provider)
        payment.client_secret = side_payments.ask(
            provider, "read", payment, lambda: provider.fetch_payment(payment)).client_secret
    return payment


def _still_processing() -> Conflict:
    return Conflict(_("Your payment is still being processed. Please wait a moment and try "
                      "again."), code=PaymentErrorCode.SHIPPING_PAYMENT_IN_PROGRESS)


def _close(payment: ShippingPayment) -> ShippingPayment:
    """Close an open payment the buyer left; one paid meanwhile settles (the part ships)."""
    return side_payments.close_stale(payment, settle_shipping_payment, _still_processing)


def settle_shipping_payment(payment: ShippingPayment,
                            result: ProviderPayment | None = None) -> ShippingPayment:
    """Settle from the provider's view (side_payments.settle): succeeded → the part ships to
    the address given and the fee is booked to its trainee."""
    return side_payments.settle(payment, result, _ship_paid_part)


def _ship_paid_part(payment: ShippingPayment, paid_at: datetime) -> None:
    vendor_order = lock(VendorOrder, payment.vendor_order_id)
    if not vendor_order.pickup_needs_choice:
        # Cannot happen through these pages (the other choices wait for this payment); if the
        # part went another way regardless, the payment is the buyer's to get back, by hand.
        log.error("shipping payment %s paid, but vendor order %s no longer waits for a "
                  "choice: refund %s %s by hand", payment.id, vendor_order.id, payment.amount,
                  payment.currency)
        return
    if payment.goods_amount:
        _book_goods_paid_online(vendor_order)
    pickups.ship_instead(vendor_order, payment.shipping_address)
    if payment.fee_amount:
        hold = timedelta(days=current_app.config.get("PAYOUT_HOLD_DAYS", 14))
        post_entry(vendor_order.trainee_id, LedgerKind.SHIPPING, payment.fee_amount,
                   payment.currency, vendor_order_id=vendor_order.id,
                   available_at=paid_at + hold,
                   memo=f"shipping instead of pickup, order {vendor_order.order.number}")


def _book_goods_paid_online(vendor_order: VendorOrder) -> None:
    """A part that was to be paid in cash at the booth is paid online with its shipping: it is
    paid, booked as an online sale (held before payout, commission taken), and a pay-at-pickup
    order with no other part waiting for money is paid."""
    pickups.mark_paid_for_shipping(vendor_order)
    book_vendor_orders([vendor_order])
    if vendor_order.order.pays_at_pickup:
        settle_pickup_order(vendor_order.order)


def shipping_payment_for(actor, payment_id: int) -> ShippingPayment:
    """The actor's own shipping payment; anyone else's (or none) is missing."""
    payment = db.session.get(ShippingPayment, payment_id)
    if payment is None or actor is None or not getattr(actor, "is_authenticated", False) or \
            payment.vendor_order.order.buyer_id != actor.id:
        raise NotFound(_("We could not find that payment."))
    return payment


def refresh_shipping_payment(payment: ShippingPayment) -> ShippingPayment:
    """The buyer is back from the provider's page (Stripe's return): settle from its view."""
    return side_payments.refresh(payment, settle_shipping_payment)


def confirm_test_shipping_payment(payment: ShippingPayment, card: str) -> ShippingPayment:
    """Development only (Stripe stand-in): confirm with a test card, then settle."""
    return side_payments.confirm_with_test_card(payment, card, settle_shipping_payment)


def authenticate_test_shipping_payment(payment: ShippingPayment, approve: bool
                                       ) -> ShippingPayment:
    """Development only (Stripe stand-in): the buyer answers the bank's step of the "needs
    authentication" test card; approved, the part is shipped."""
    return side_payments.authenticate_test_payment(payment, approve, settle_shipping_payment)


def shipping_payment_ids_to_reconcile() -> list[int]:
    """Shipping payments a lost webhook or callback could have left open."""
    return side_payments.ids_to_reconcile(ShippingPayment)
