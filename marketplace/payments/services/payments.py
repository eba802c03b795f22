"""Paying an order: start a payment (or pay at pickup), confirm one with a development test card,
and settle it from the provider's view — the one place that makes an order paid.
Functions flush and never commit."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Trainee
from marketplace.core.db import utcnow
from marketplace.core.errors import BadRequest, Conflict, NotFound, RuleViolation
from marketplace.core.fast_writes import insert_now
from marketplace.extensions import db
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import Order, OrderStatus, VendorOrder
from marketplace.orders.services import orders as order_outcomes
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.gateway import GatewayDeclined, GatewayError, GatewayUnavailable
from marketplace.payments.models import DebtPayment, Payment, PaymentStatus, ShippingPayment
from marketplace.payments.providers import (
    PAY_AT_PICKUP,
    TEST_CARDS,
    PaymentProvider,
    ProviderPayment,
    StripeProvider,
    get_provider,
    is_enabled,
)
from marketplace.payments.services import split_settlement
from marketplace.payments.services.errors import (
    PaymentDeclined,
    PaymentRejected,
    PaymentUnavailable,
    declined_message,
    rejected_message,
    unavailable_message,
)
from marketplace.payments.services.ledger import book_order_sales
from marketplace.payments.services.locking import lock
from marketplace.payments.services.pay_at_pickup import check_pickup_allowed
from marketplace.payments.services.refunds import refund_whole_payment

log = logging.getLogger(__name__)


def _enabled_provider(name: str) -> PaymentProvider:
    if not name or not is_enabled(name):
        raise BadRequest(_("That payment method is not available."),
                         code=PaymentErrorCode.UNKNOWN_PROVIDER,
                         fields={"provider": [_("Choose a payment method.")]})
    return get_provider(name)


# Starting a payment locks the order row first and only then reads the order's parts and its
# payments so far, in a statement of its own. Under READ COMMITTED a statement sees the rows
# committed when it began: a single SELECT … JOIN payments … FOR UPDATE that waited for another
# starter's lock got the order row as that starter left it (PostgreSQL re-reads the locked row)
# but the payments as they were before it, missed the payment just made, and tried to insert
# the same idempotency key again (a 500 on a double-click). Each statement is built once: a
# reused statement keeps its SQL-cache key instead of building joins and loader options again.
_LOCK_ORDER = select(Order.id).where(Order.id == bindparam("order_id")).with_for_update()
_LOCK_BUYERS_ORDER = select(Order.id).where(
    Order.number == bindparam("number"), Order.buyer_id == bindparam("buyer_id")
).with_for_update()
_parts = joinedload(Order.vendor_orders)
# The locked order with its vendor orders, their lines, their trainees' users (starting a
# payment holds every part and mails every trainee) and its payments oldest first.
_ORDER_WITH_PARTS = (
    select(Order, Payment).outerjoin(Payment, Payment.order_id == Order.id)
    .where(Order.id == bindparam("order_id"))
    .options(_parts.joinedload(VendorOrder.lines),
             _parts.joinedload(VendorOrder.trainee).joinedload(Trainee.user))
    .order_by(Payment.id)
    .execution_options(populate_existing=True))


def _lock_order_with_parts(lock_statement, **params) -> tuple[Order | None, list[Payment]]:
    """Lock the order `lock_statement` finds, then read it afresh with its parts and payments:
    (order, payments) or (None, []) when there is no such order."""
    order_id = db.session.scalar(lock_statement, params)
    if order_id is None:
        return None, []
    rows = db.session.execute(_ORDER_WITH_PARTS, {"order_id": order_id}).unique().all()
    return rows[0][0], [payment for _order, payment in rows if payment is not None]


def apply_state(payment: Payment | DebtPayment | ShippingPayment,
                result: ProviderPayment) -> None:
    """Copy the provider's view onto an order's, a debt's or a shipping fee's payment (never
    un-paid)."""
    if result.reference and not payment.provider_reference:
        payment.provider_reference = result.reference
    if payment.status != PaymentStatus.SUCCEEDED:
        payment.status = result.status
    if result.status == PaymentStatus.FAILED:
        payment.error_code = result.error_code or "declined"
        payment.error_message = result.error_message
    elif result.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REQUIRES_ACTION):
        payment.error_code = None
        payment.error_message = None
    payment.client_secret = result.client_secret


def payment_message(payment: Payment) -> str:
    """What to tell the buyer about a payment attempt, in their language."""
    if payment.status == PaymentStatus.SUCCEEDED:
        return _("Thank you, your payment went through.")
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        return _("Your bank asks you to confirm this payment. Please complete the check, or "
                 "use another card.")
    if payment.status == PaymentStatus.FAILED:
        if payment.error_code in ("card_declined", "generic_decline", "insufficient_funds",
                                  "do_not_honor", "declined"):
            return declined_message()
        return _("The payment did not go through. Nothing was charged; please try again.")
    if payment.status == PaymentStatus.CANCELLED:
        return _("This payment was cancelled. Nothing was charged.")
    return _("We are waiting for the payment to be confirmed.")


# --- starting and confirming a payment ----------------------------------------------------------

def start_payment(actor, order: Order, provider_name: str) -> Payment:
    """Open (or re-open) a payment of `order` by its buyer through `provider_name`.

    A retry of the same request re-uses the open payment and its idempotency key; a provider
    that does not answer raises `PaymentUnavailable` (503) and nothing is written, so the order
    stays pending and the buyer can try again without being charged twice."""
    if actor is None or not getattr(actor, "is_authenticated", False) or \
            actor.id != order.buyer_id:
        raise NotFound(_("We could not find that order."))
    provider = _payment_provider_for(order, provider_name)
    return _start_locked_payment(*_lock_order_with_parts(_LOCK_ORDER, order_id=order.id),
                                 provider)


def start_payment_of(actor, number: str, provider_name: str) -> Payment:
    """`start_payment` for the actor's own order with this `number`, found and locked in one
    statement (the API's way in: no separate look-up before the lock). Anyone else's order
    is missing (404)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound(_("We could not find that order."))
    order, payments = _lock_order_with_parts(_LOCK_BUYERS_ORDER, number=number,
                                             buyer_id=actor.id)
    if order is None:
        raise NotFound(_("We could not find that order."))
    return _start_locked_payment(order, payments, _payment_provider_for(order, provider_name))


def _payment_provider_for(order: Order, provider_name: str) -> PaymentProvider:
    provider = _enabled_provider(provider_name)
    if not provider.accepts(order.currency):
        raise RuleViolation(_("That payment method cannot take this currency."),
                            code=PaymentErrorCode.CURRENCY_NOT_SUPPORTED)
    return provider


def _start_locked_payment(order: Order | None, payments: list[Payment],
                          provider: PaymentProvider) -> Payment:
    """Start paying `order`, which this transaction has locked before reading its `payments`
    (see start_payment), so everything decided here holds until the commit.

    - The same way again (a double-click, a retried request, a second tab): the open payment
      is answered again, with its PaymentIntent's secret, and nothing new is made.
    - Pay at pickup while a card payment is open: the buyer gave up on the card form. The card
      payment is cancelled with Stripe first, so it cannot be paid later in a forgotten tab,
      and the order is held for pickup. If the card went through meanwhile the answer is 409
      `already_paid`; if Stripe is still processing it, 409 `payment_in_progress`.
    - A card after choosing to pay at pickup: 409 `pay_at_pickup_chosen`. The trainees have
      been told to set the goods aside for cash at the booth and may already have taken cash
      for their part; a card payment of the whole order could take that part twice.
    """
    if order is None:
        raise NotFound(_("We could not find that order."))
    if order.status == OrderStatus.PAID:
        raise Conflict(_("This order is already paid."), code=PaymentErrorCode.ALREADY_PAID)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is not waiting for payment."), code=OrderErrorCode.NOT_PENDING)
    if order.expires_at is not None and order.expires_at <= utcnow():
        # Its stock goes back at the next expiry pass; a payment now could sell it twice.
        raise Conflict(_("The time to pay for this order has run out. Please order again."),
                       code=PaymentErrorCode.ORDER_EXPIRED)
    if any(p.status == PaymentStatus.SUCCEEDED for p in payments):
        raise Conflict(_("This order is already paid."), code=PaymentErrorCode.ALREADY_PAID)
    amount = _amount_through(order, provider.name)
    payment = next((p for p in reversed(payments)
                    if p.provider == provider.name and p.is_open and p.amount == amount), None)
    if provider.name == PAY_AT_PICKUP:
        if payment is None:  # a repeat of a choice already made is not refused
            check_pickup_allowed(vo.trainee_id for vo in order.vendor_orders)
        order_outcomes.hold_order_for_pickup(order, PAY_AT_PICKUP)
        for other in payments:
            if other.is_open and other.provider != PAY_AT_PICKUP:
                _cancel_superseded(other)
        if payment is None:
            payment = _new_payment(order, provider.name, len(payments), amount)
            insert_now(db.session, payment)  # no flush: the order is held the same way
            db.session.add(payment)
        payment.client_secret = None
        return payment

    if order.payment_provider == PAY_AT_PICKUP:
        raise Conflict(_("You chose to pay for this order at pickup: pay each trainee when you "
                         "collect your items. To pay by card instead, cancel the order and "
                         "order again."), code=PaymentErrorCode.PAY_AT_PICKUP_CHOSEN)
    if amount <= 0:
        # Every part paid online was cancelled by its trainee; the rest is paid at the booth.
        raise Conflict(_("Nothing of this order is paid online: pay each trainee when you "
                         "pick up your items."), code=PaymentErrorCode.NOTHING_TO_PAY)
    if payment is None:
        payment = _new_payment(order, provider.name, len(payments), amount)
        if split_settlement.applies_to(provider.name):
            payment.gateway_shares = split_settlement.shares_for(payment) or None
        db.session.add(payment)
    db.session.flush()
    order.payment_provider = provider.name
    try:
        result = provider.start_payment(payment)
    except GatewayUnavailable as error:
        log.warning("start_payment for order %s: provider unavailable (%s)", order.number,
                    error)
        raise PaymentUnavailable(unavailable_message()) from error
    except GatewayDeclined as error:
        log.info("start_payment for order %s: card declined (%s)", order.number,
                 error.decline_code)
        raise PaymentDeclined(declined_message()) from error
    except GatewayError as error:
        log.error("start_payment for order %s rejected: %s", order.number, error)
        raise PaymentRejected(rejected_message()) from error
    apply_state(payment, result)
    db.session.flush()
    if payment.status == PaymentStatus.SUCCEEDED:
        settle_payment(payment, result)
    return payment


def _cancel_superseded(payment: Payment) -> None:
    """Close an open card payment that the buyer replaced by paying at pickup — with the
    provider first (Stripe's cancel carries its own idempotency key), then here."""
    if payment.provider_reference:
        try:
            result = get_provider(payment.provider).cancel_payment(payment)
        except GatewayUnavailable as error:
            log.warning("order %s: could not cancel payment %s (%s)", payment.order.number,
                        payment.id, error)
            raise PaymentUnavailable(_("The card service did not answer, so your earlier card "
                                       "payment could not be closed. Nothing was changed; "
                                       "please try again in a moment.")) from error
        except GatewayError as error:
            log.error("order %s: cancelling payment %s refused: %s", payment.order.number,
                      payment.id, error)
            raise PaymentRejected(_("The card service refused to close your earlier card "
                                    "payment. Nothing was changed; please try again later."))\
                from error
    else:  # the provider never heard of it
        result = ProviderPayment(status=PaymentStatus.CANCELLED)
    if result.status == PaymentStatus.SUCCEEDED:
        # Settled by the provider's webhook (or `flask reconcile-payments`): this transaction
        # is rolled back by the 409.
        raise Conflict(_("Your card payment has just gone through, so this order is paid and "
                         "there is nothing to pay at pickup."), code=PaymentErrorCode.ALREADY_PAID)
    if result.status != PaymentStatus.CANCELLED:
        # Processing, or still payable (Stripe refused the cancel): not closed, so not replaced.
        raise Conflict(_("Your card payment is still being processed. Please wait a moment, "
                         "then reload your order before choosing another way to pay."),
                       code=PaymentErrorCode.PAYMENT_IN_PROGRESS)
    apply_state(payment, result)
    log.info("order %s: payment %s cancelled, the buyer pays at pickup instead",
             payment.order.number, payment.id)


def _amount_through(order: Order, provider: str) -> int:
    """What a payment through `provider` takes: the whole order at pickup, or online the parts
    paid online — the parts paid at pickup are paid to their trainees at the booth."""
    return order.total_amount if provider == PAY_AT_PICKUP else order.online_amount


def _new_payment(order: Order, provider: str, earlier_attempts: int, amount: int) -> Payment:
    return Payment(order=order, provider=provider, amount=amount,
                   currency=order.currency, status=PaymentStatus.PENDING,
                   idempotency_key=f"order-{order.number}-payment-{earlier_attempts + 1}")


def _standin_provider(actor, payment: Payment) -> PaymentProvider:
    """The Stripe stand-in behind the buyer's own payment; a 404 for anyone else's payment, or
    when the test cards are not there (production)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or \
            actor.id != payment.order.buyer_id:
        raise NotFound(_("We could not find that payment."))
    provider = get_provider(payment.provider)
    if not isinstance(provider, StripeProvider) or not StripeProvider.is_standin():
        raise NotFound(_("Test cards are only available with the local Stripe stand-in."))
    return provider


def confirm_test_payment(actor, payment: Payment, card: str) -> Payment:
    """Development only (Stripe stand-in): confirm server-side with a test card, then settle."""
    provider = _standin_provider(actor, payment)
    if card not in TEST_CARDS:
        raise BadRequest(_("That test card cannot be used."), code=PaymentErrorCode.UNKNOWN_CARD)
    payment = lock(Payment, payment.id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if payment.order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is not waiting for payment."), code=OrderErrorCode.NOT_PENDING)
    if not payment.provider_reference:
        raise Conflict(_("Start the payment first."), code=PaymentErrorCode.PAYMENT_NOT_STARTED)
    payment.confirm_attempts += 1
    db.session.flush()
    try:
        result = provider.confirm_with_test_card(payment, card)
    except GatewayUnavailable as error:
        raise PaymentUnavailable(unavailable_message()) from error
    except GatewayError as error:
        log.error("payment %s: confirming with a test card refused: %s", payment.id, error)
        raise PaymentRejected(rejected_message()) from error
    return settle_payment(payment, result)


def check_awaiting_authentication(payment) -> None:
    """A 409 unless `payment` — an order's, a debt's or a shipping fee's — waits on the bank's
    confirmation step of its test card: once approved, failed or otherwise over, it is
    answered."""
    if payment.status != PaymentStatus.REQUIRES_ACTION:
        raise Conflict(_("This payment is not waiting for authentication."),
                       code=PaymentErrorCode.NOT_AWAITING_AUTHENTICATION)


def awaiting_test_authentication(actor, payment: Payment) -> Payment:
    """The buyer's own stand-in payment whose test card asked for authentication; a 409 once
    it is approved, failed or otherwise over."""
    _standin_provider(actor, payment)
    check_awaiting_authentication(payment)
    return payment


def authenticate_test_payment(actor, payment: Payment, approve: bool) -> Payment:
    """Development only (Stripe stand-in): the bank's confirmation step of the "needs
    authentication" test card, answered by the buyer. Approved, the payment completes and the
    order is paid; failed, the payment fails and the order waits for another try."""
    provider = _standin_provider(actor, payment)
    payment = awaiting_test_authentication(actor, lock(Payment, payment.id))
    try:
        result = provider.authenticate_test_payment(payment, approve)
    except GatewayUnavailable as error:
        raise PaymentUnavailable(unavailable_message()) from error
    except GatewayError as error:
        log.error("payment %s: the stand-in refused the authentication: %s", payment.id, error)
        raise PaymentRejected(rejected_message()) from error
    return settle_payment(payment, result)


def payment_client_secret(actor, payment: Payment) -> str | None:
    """The secret Stripe's Payment Element needs, fetched again (we do not store it)."""
    if actor is None or actor.id != payment.order.buyer_id:
        raise NotFound(_("We could not find that payment."))
    if not payment.provider_reference:
        return None
    try:
        return get_provider(payment.provider).fetch_payment(payment).client_secret
    except GatewayUnavailable as error:
        raise PaymentUnavailable(unavailable_message()) from error


# --- settling -----------------------------------------------------------------------------------

def settle_payment(payment: Payment, result: ProviderPayment | None = None) -> Payment:
    """Bring `payment` and its order in line with the provider's view of it.

    The provider is asked again unless `result` was just obtained from it, so webhooks that
    arrive late, twice or out of order change nothing. Succeeded → the order is paid and the
    sale booked; if the order expired and its stock was sold meanwhile (or another payment
    already paid it), the money is refunded at once and the buyer told. Failed or cancelled →
    the order stays pending for another try."""
    payment = lock(Payment, payment.id)
    if payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None:
        return payment
    provider = get_provider(payment.provider)
    if result is None:
        if not payment.provider_reference:
            return payment
        result = provider.fetch_payment(payment)
    if result.amount is not None and (result.amount != payment.amount or
                                      (result.currency or payment.currency) != payment.currency):
        log.error("payment %s: provider holds %s %s, we expected %s %s", payment.id,
                  result.amount, result.currency, payment.amount, payment.currency)
        raise Conflict("provider amount does not match the payment",
                       code=PaymentErrorCode.AMOUNT_MISMATCH)
    apply_state(payment, result)
    order = payment.order
    if result.status == PaymentStatus.SUCCEEDED:
        payment.status = PaymentStatus.SUCCEEDED
        payment.settled_at = utcnow()
        db.session.flush()
        duplicate = db.session.scalar(
            select(func.count(Payment.id)).where(Payment.order_id == order.id,
                                                 Payment.id != payment.id,
                                                 Payment.status == PaymentStatus.SUCCEEDED))
        if duplicate:
            refund_whole_payment(payment, reason="duplicate")
        elif order.pays_at_pickup and payment.provider != PAY_AT_PICKUP:
            # Paid online after the buyer chose to pay at pickup (a gateway without a cancel,
            # such as Zarinpal, keeps the old page payable): the trainees expect cash.
            refund_whole_payment(payment, reason="pay_at_pickup_chosen")
        elif not _pay_order(order, payment):
            refund_whole_payment(payment, reason="stock_gone")
    elif result.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        order_outcomes.fail_order_payment(order)
    db.session.flush()
    return payment


def _pay_order(order: Order, payment: Payment) -> bool:
    """`payment` of `order` succeeded: the order is paid and its sales booked, with the shares
    the gateway settled to trainees at payment. False when its stock went elsewhere meanwhile
    (orders.mark_order_paid)."""
    if not order_outcomes.mark_order_paid(order):
        return False
    db.session.refresh(order)
    book_order_sales(order)
    split_settlement.book_gateway_shares(payment)
    return True


def record_paid_order(order: Order, provider: str, reference: str) -> Payment:
    """An order paid outside these pages — the demo world's paid orders and the tests': a
    succeeded payment of its online parts through `provider` (the provider's id `reference`),
    then the order paid and its sales booked, as `settle_payment` does for a payment that
    succeeded. 409 `not_pending` when the order cannot be paid any more."""
    earlier = db.session.scalar(select(func.count(Payment.id)).where(Payment.order_id == order.id))
    payment = _new_payment(order, provider, earlier or 0, _amount_through(order, provider))
    payment.status = PaymentStatus.SUCCEEDED
    payment.provider_reference = reference
    payment.settled_at = utcnow()
    order.payment_provider = provider
    db.session.add(payment)
    db.session.flush()
    if not _pay_order(order, payment):
        raise Conflict(_("This order is not waiting for payment."), code=OrderErrorCode.NOT_PENDING)
    return payment
