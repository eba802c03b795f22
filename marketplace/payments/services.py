"""Payments use cases: start and settle payments, webhooks, reconciliation, refunds, the ledger
and payouts. Functions flush and never commit; the caller commits once.

Idempotency keys come from our own ids and are stable across a rolled-back request, so a retry
of a request that failed half-way (Stripe answered 500, timed out, or the process died after
Stripe charged) reaches Stripe with the same key and gets the same PaymentIntent, refund or
transfer back instead of a second one:
- a payment: `order-<order number>-payment-<n>` (n-th payment row of the order);
- a server-side confirmation: `<payment key>-confirm-<attempt>`;
- a refund: `refund-<order number>-vo<vendor order id>-<n>`, or `refund-<payment key>` for the
  automatic refund of a whole payment;
- a Connect transfer: `payout-<trainee id>-<digest of the ledger rows it pays>`.
Order numbers are random and unique, so keys never collide with those of an earlier database
(Stripe remembers keys for 24 hours; a development database is reset more often than that).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Trainee
from marketplace.core.db import insert_now, utcnow
from marketplace.core.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    RuleViolation,
)
from marketplace.core.i18n import locale_for
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders import policies as order_policies
from marketplace.orders.models import Order, OrderStatus, VendorOrder, VendorOrderStatus
from marketplace.orders.services import orders as order_outcomes
from marketplace.orders.services.refunds import apply_vendor_refund
from marketplace.payments import queries
from marketplace.payments.models import (
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutItem,
    PayoutMethod,
    PayoutStatus,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from marketplace.payments.providers import (
    PAY_AT_PICKUP,
    InvalidWebhook,
    PaymentProvider,
    ProviderPayment,
    ProviderRejected,
    ProviderUnavailable,
    StripeProvider,
    get_provider,
    is_enabled,
)

log = logging.getLogger(__name__)

SUBJECT_AUTO_REFUND = "Your payment was refunded"
SUBJECT_REFUND = "You have been refunded"
# Vendor-order statuses whose sale is booked in the ledger.
BOOKED_STATUSES = (VendorOrderStatus.PAID, VendorOrderStatus.READY_FOR_PICKUP,
                   VendorOrderStatus.SHIPPED, VendorOrderStatus.COMPLETED,
                   VendorOrderStatus.PARTLY_REFUNDED, VendorOrderStatus.REFUNDED)


class PaymentUnavailable(DomainError):
    """The provider did not answer; nothing was recorded and the buyer may simply retry."""

    status = 503
    code = "payment_provider_unavailable"


class PaymentRejected(DomainError):
    status = 502
    code = "payment_provider_rejected"


def _unavailable_message() -> str:
    return _("The card service did not answer. Nothing was charged and your order is still "
             "reserved; please try again in a moment.")


# --- helpers ----------------------------------------------------------------------------------

def _enabled_provider(name: str) -> PaymentProvider:
    if not name or not is_enabled(name):
        raise BadRequest(_("That payment method is not available."), code="unknown_provider",
                         fields={"provider": [_("Choose a payment method.")]})
    return get_provider(name)


def _lock(model, row_id: int):
    """Re-read a row with FOR UPDATE (PostgreSQL); SQLite writers already hold the write lock."""
    return db.session.scalars(select(model).where(model.id == row_id).with_for_update()
                              .execution_options(populate_existing=True)).one()


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


def _apply_state(payment: Payment, result: ProviderPayment) -> None:
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
            return _("Your card was declined. Nothing was charged; please try another card.")
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
                            code="currency_not_supported")
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
        raise Conflict(_("This order is already paid."), code="already_paid")
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is not waiting for payment."), code="not_pending")
    if order.expires_at is not None and order.expires_at <= utcnow():
        # Its stock goes back at the next expiry pass; a payment now could sell it twice.
        raise Conflict(_("The time to pay for this order has run out. Please order again."),
                       code="order_expired")
    if any(p.status == PaymentStatus.SUCCEEDED for p in payments):
        raise Conflict(_("This order is already paid."), code="already_paid")
    payment = next((p for p in reversed(payments)
                    if p.provider == provider.name and p.is_open
                    and p.amount == order.total_amount), None)
    if provider.name == PAY_AT_PICKUP:
        order_outcomes.hold_order_for_pickup(order, PAY_AT_PICKUP)
        for other in payments:
            if other.is_open and other.provider != PAY_AT_PICKUP:
                _cancel_superseded(other)
        if payment is None:
            payment = _new_payment(order, provider, len(payments))
            insert_now(db.session, payment)  # no flush: the order is held the same way
            db.session.add(payment)
        payment.client_secret = None
        return payment

    if order.payment_provider == PAY_AT_PICKUP:
        raise Conflict(_("You chose to pay for this order at pickup: pay each trainee when you "
                         "collect your items. To pay by card instead, cancel the order and "
                         "order again."), code="pay_at_pickup_chosen")
    if payment is None:
        payment = _new_payment(order, provider, len(payments))
        db.session.add(payment)
    db.session.flush()
    order.payment_provider = provider.name
    try:
        result = provider.start_payment(payment)
    except ProviderUnavailable as error:
        log.warning("start_payment for order %s: provider unavailable (%s)", order.number,
                    error)
        raise PaymentUnavailable(_unavailable_message()) from error
    except ProviderRejected as error:
        log.error("start_payment for order %s rejected: %s", order.number, error)
        raise PaymentRejected(_("The card service refused this payment. Nothing was charged; "
                                "please try again or choose another way to pay.")) from error
    _apply_state(payment, result)
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
        except ProviderUnavailable as error:
            log.warning("order %s: could not cancel payment %s (%s)", payment.order.number,
                        payment.id, error)
            raise PaymentUnavailable(_("The card service did not answer, so your earlier card "
                                       "payment could not be closed. Nothing was changed; "
                                       "please try again in a moment.")) from error
        except ProviderRejected as error:
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
                         "there is nothing to pay at pickup."), code="already_paid")
    if result.status != PaymentStatus.CANCELLED:
        # Processing, or still payable (Stripe refused the cancel): not closed, so not replaced.
        raise Conflict(_("Your card payment is still being processed. Please wait a moment, "
                         "then reload your order before choosing another way to pay."),
                       code="payment_in_progress")
    _apply_state(payment, result)
    log.info("order %s: payment %s cancelled, the buyer pays at pickup instead",
             payment.order.number, payment.id)


def _new_payment(order: Order, provider: PaymentProvider, earlier_attempts: int) -> Payment:
    return Payment(order=order, provider=provider.name, amount=order.total_amount,
                   currency=order.currency, status=PaymentStatus.PENDING,
                   idempotency_key=f"order-{order.number}-payment-{earlier_attempts + 1}")


def confirm_test_payment(actor, payment: Payment, card: str) -> Payment:
    """Development only (Stripe stand-in): confirm server-side with a test card, then settle."""
    if actor is None or not getattr(actor, "is_authenticated", False) or \
            actor.id != payment.order.buyer_id:
        raise NotFound(_("We could not find that payment."))
    provider = get_provider(payment.provider)
    if not isinstance(provider, StripeProvider) or not StripeProvider.is_standin():
        raise NotFound(_("Test cards are only available with the local Stripe stand-in."))
    payment = _lock(Payment, payment.id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if payment.order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is not waiting for payment."), code="not_pending")
    if not payment.provider_reference:
        raise Conflict(_("Start the payment first."), code="payment_not_started")
    payment.confirm_attempts += 1
    db.session.flush()
    try:
        result = provider.confirm_with_test_card(payment, card)
    except ProviderUnavailable as error:
        raise PaymentUnavailable(_unavailable_message()) from error
    except ProviderRejected as error:
        raise BadRequest(_("That test card cannot be used."), code=error.code) from error
    return settle_payment(payment, result)


def payment_client_secret(actor, payment: Payment) -> str | None:
    """The secret Stripe's Payment Element needs, fetched again (we do not store it)."""
    if actor is None or actor.id != payment.order.buyer_id:
        raise NotFound(_("We could not find that payment."))
    if not payment.provider_reference:
        return None
    try:
        return get_provider(payment.provider).fetch_payment(payment).client_secret
    except ProviderUnavailable as error:
        raise PaymentUnavailable(_unavailable_message()) from error


# --- settling -----------------------------------------------------------------------------------

def settle_payment(payment: Payment, result: ProviderPayment | None = None) -> Payment:
    """Bring `payment` and its order in line with the provider's view of it.

    The provider is asked again unless `result` was just obtained from it, so webhooks that
    arrive late, twice or out of order change nothing. Succeeded → the order is paid and the
    sale booked; if the order expired and its stock was sold meanwhile (or another payment
    already paid it), the money is refunded at once and the buyer told. Failed or cancelled →
    the order stays pending for another try."""
    payment = _lock(Payment, payment.id)
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
        raise Conflict("provider amount does not match the payment", code="amount_mismatch")
    _apply_state(payment, result)
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
            _refund_whole_payment(payment, reason="duplicate")
        elif order_outcomes.mark_order_paid(order):
            db.session.refresh(order)
            book_order_sales(order)
        else:
            _refund_whole_payment(payment, reason="stock_gone")
    elif result.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        order_outcomes.fail_order_payment(order)
    db.session.flush()
    return payment


def _refund_whole_payment(payment: Payment, reason: str) -> Refund:
    """Give a payment back in full (it arrived after its stock went elsewhere, or twice)."""
    key = f"refund-{payment.idempotency_key}"
    refund = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if refund is not None:
        return refund
    refund = Refund(payment=payment, amount=payment.amount - payment.refunded_amount,
                    currency=payment.currency, reason=reason,
                    idempotency_key=key)
    db.session.add(refund)
    db.session.flush()
    result = get_provider(payment.provider).refund(payment, refund)  # unavailable → rollback
    refund.status = RefundStatus(result.status)
    refund.provider_reference = result.reference
    payment.refunded_amount += refund.amount
    db.session.flush()
    order = payment.order
    buyer = order.buyer
    locale = locale_for(buyer)
    send_mail_after_commit(order.contact_email or buyer.email, SUBJECT_AUTO_REFUND,
                           "payment_refunded_automatically", locale=locale,
                           name=buyer.display_name, number=order.number,
                           amount=refund.money.format(locale), reason=reason)
    log.info("payment %s of order %s refunded automatically (%s)", payment.id, order.number,
             reason)
    return refund


# --- webhooks and reconciliation --------------------------------------------------------------

def handle_webhook(provider_name: str, raw_body: bytes, headers) -> str:
    """Verify, record once, and act on a provider event. Returns "processed", "duplicate" or
    "ignored". A bad signature → 400 and nothing written; a replay → nothing done."""
    if not is_enabled(provider_name):
        raise NotFound(_("We could not find that page."))
    provider = get_provider(provider_name)
    try:
        event = provider.parse_webhook(raw_body, headers)
    except InvalidWebhook as error:
        if error.code == "timestamp_in_future":
            log.warning("webhook %s refused: %s", provider_name, error)
            raise BadRequest(_("The webhook is signed with a time too far in the future. "
                               "Check that the clock of this server is right."),
                             code=error.code) from error
        raise BadRequest(str(error), code="invalid_signature") from error
    row = WebhookEvent(provider=provider_name, event_id=event.id, type=event.type,
                       object_id=event.object_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        log.info("webhook %s %s already received", provider_name, event.id)
        return "duplicate"
    outcome = "ignored"
    if event.object_id and event.type.startswith(("payment_intent.", "charge.")):
        payment = queries.payment_by_reference(provider_name, event.object_id)
        if payment is not None:
            try:
                settle_payment(payment)
            except ProviderUnavailable as error:
                # Answer 503 so the provider delivers again; the event row is rolled back too.
                raise PaymentUnavailable(str(error)) from error
            except ProviderRejected as error:
                # Re-delivering would not help; `flask reconcile-payments` retries later.
                log.error("webhook %s: provider refused to show %s: %s", event.id,
                          event.object_id, error)
                outcome = "unreadable"
            else:
                outcome = "processed"
    row.processed_at = utcnow()
    db.session.flush()
    return outcome


def reconcile_payment(payment_id: int) -> PaymentStatus:
    """Settle one payment by asking its provider (`flask reconcile-payments` loops over them)."""
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("no such payment")
    payment = settle_payment(payment)
    order = payment.order
    if payment.is_open and (order.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED)
                            or order.payment_provider != payment.provider):
        # The order gave its stock back, or the buyer chose another way to pay: close the
        # intent so it cannot be paid any more (one that still slips through is refunded by
        # settle_payment).
        result = get_provider(payment.provider).cancel_payment(payment)
        if result.status == PaymentStatus.SUCCEEDED:
            return settle_payment(payment, result).status
        _apply_state(payment, result)
        db.session.flush()
    return payment.status


# --- ledger -------------------------------------------------------------------------------------

def _post(trainee_id: int, kind: LedgerKind, amount: int, currency: str, **values) -> LedgerEntry:
    entry = LedgerEntry(trainee_id=trainee_id, kind=kind, amount=amount, currency=currency,
                        **values)
    db.session.add(entry)
    return entry


def book_order_sales(order: Order, collected_in_cash: bool = False) -> list[LedgerEntry]:
    """Post sale, shipping and commission rows for every paid vendor order not booked yet."""
    candidates = [vo for vo in order.vendor_orders if vo.status in BOOKED_STATUSES]
    return _book_vendor_orders(candidates, collected_in_cash=collected_in_cash)


def _book_vendor_orders(vendor_orders: list[VendorOrder],
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
        entries.append(_post(vo.trainee_id, LedgerKind.SALE, vo.subtotal_amount, vo.currency,
                             memo=f"order {vo.order.number}", **common))
        if vo.shipping_amount:
            entries.append(_post(vo.trainee_id, LedgerKind.SHIPPING, vo.shipping_amount,
                                 vo.currency, memo=f"order {vo.order.number}", **common))
        commission = queries.commission_on(vo.subtotal, percent)
        if commission.amount:
            entries.append(_post(vo.trainee_id, LedgerKind.COMMISSION, -commission.amount,
                                 vo.currency, memo=f"{percent}% of order {vo.order.number}",
                                 **common))
        if collected_in_cash:
            entries.append(_post(vo.trainee_id, LedgerKind.PAYOUT, -vo.total_amount,
                                 vo.currency, memo=f"paid in cash at pickup, order "
                                                   f"{vo.order.number}", **common))
    db.session.flush()
    return entries


def _book_refund(vendor_order: VendorOrder, refund: Refund, refunded_before: int,
                 in_cash: bool = False) -> None:
    commission = -int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.vendor_order_id == vendor_order.id,
            LedgerEntry.kind == LedgerKind.COMMISSION)))
    back = queries.commission_returned(commission, vendor_order.total_amount, refunded_before,
                                       refunded_before + refund.amount)
    number = vendor_order.order.number
    _post(vendor_order.trainee_id, LedgerKind.REFUND, -refund.amount, refund.currency,
          vendor_order_id=vendor_order.id, refund_id=refund.id, memo=f"refund, order {number}")
    if back:
        _post(vendor_order.trainee_id, LedgerKind.REFUND_COMMISSION, back, refund.currency,
              vendor_order_id=vendor_order.id, refund_id=refund.id,
              memo=f"commission returned, order {number}")
    if in_cash:
        # The trainee handed the cash back from what they collected at pickup.
        _post(vendor_order.trainee_id, LedgerKind.PAYOUT, refund.amount, refund.currency,
              vendor_order_id=vendor_order.id, refund_id=refund.id,
              memo=f"returned in cash at pickup, order {number}")
    db.session.flush()


# --- refunds and pay-at-pickup ----------------------------------------------------------------

def _check_vendor_access(actor, vendor_order: VendorOrder) -> None:
    if actor is None or not order_policies.can_view_vendor_order(actor, vendor_order):
        raise NotFound(_("We could not find that order."))
    if not order_policies.can_manage_vendor_order(actor, vendor_order):
        raise Forbidden(_("Only the trainee who sells this, or an administrator, can do that."))


def refund_vendor_order(actor, vendor_order: VendorOrder, amount: int, restock: bool,
                        reason: str = "") -> Refund:
    """Refund `amount` (minor units) of one vendor order to the buyer — by its trainee or an
    admin, never more than was paid and not yet refunded; stock returns for goods not shipped
    when `restock`."""
    _check_vendor_access(actor, vendor_order)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise BadRequest(_("Enter an amount above zero."), code="bad_amount",
                         fields={"amount": [_("Enter an amount above zero.")]})
    vendor_order = _lock(VendorOrder, vendor_order.id)
    refundable = vendor_order.total_amount - vendor_order.refunded_amount
    if amount > refundable:
        raise RuleViolation(
            _("You can refund at most %(amount)s.",
              amount=Money(max(refundable, 0), vendor_order.currency).format(
                  locale_for(actor))),
            code="refund_exceeds_paid", fields={"amount": [_("More than was paid.")]})
    order = vendor_order.order
    payment = db.session.scalar(select(Payment).where(
        Payment.order_id == order.id, Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.id).limit(1))
    if payment is None and order.payment_provider != PAY_AT_PICKUP:
        raise Conflict(_("Only a paid order can be refunded."), code="invalid_transition")
    if payment is not None and amount > payment.amount - payment.refunded_amount:
        raise RuleViolation(_("That is more than is left of the payment."),
                            code="refund_exceeds_paid", fields={"amount": [_("Too much.")]})
    refunded_before = vendor_order.refunded_amount
    count = db.session.scalar(select(func.count(Refund.id)).where(
        Refund.vendor_order_id == vendor_order.id))
    apply_vendor_refund(vendor_order, amount, restock)
    refund = Refund(payment=payment, vendor_order_id=vendor_order.id, amount=amount,
                    currency=vendor_order.currency, reason=(reason or "")[:500],
                    restock=restock, created_by_id=actor.id,
                    idempotency_key=f"refund-{order.number}-vo{vendor_order.id}-{count + 1}")
    db.session.add(refund)
    db.session.flush()
    provider = get_provider(payment.provider if payment else PAY_AT_PICKUP)
    try:
        result = provider.refund(payment, refund)
    except ProviderUnavailable as error:
        raise PaymentUnavailable(_("The card service did not answer. Nothing was refunded; "
                                   "please try again in a moment.")) from error
    except ProviderRejected as error:
        raise PaymentRejected(_("The card service refused this refund: %(reason)s",
                                reason=str(error))) from error
    refund.status = RefundStatus(result.status)
    refund.provider_reference = result.reference
    if payment is not None:
        payment.refunded_amount += amount
    _book_refund(vendor_order, refund, refunded_before, in_cash=provider.name == PAY_AT_PICKUP)
    buyer = order.buyer
    locale = locale_for(buyer)
    send_mail_after_commit(order.contact_email or buyer.email, SUBJECT_REFUND,
                           "payment_refunded", locale=locale, name=buyer.display_name,
                           number=order.number, amount=refund.money.format(locale),
                           store=vendor_order.trainee.store_name)
    return refund


def confirm_paid_at_pickup(actor, vendor_order: VendorOrder) -> VendorOrder:
    """The trainee got the money at the booth or centre: the vendor order is completed and
    booked — the sale, shipping and commission, and the cash as already paid out to them."""
    _check_vendor_access(actor, vendor_order)
    order_outcomes.mark_paid_at_pickup(vendor_order)
    _book_vendor_orders([vendor_order], collected_in_cash=True)
    order = vendor_order.order
    db.session.refresh(order)
    if order.status == OrderStatus.PAID:
        for payment in queries.payments_of_order(order.id):
            if payment.provider == PAY_AT_PICKUP and payment.is_open:
                payment.status = PaymentStatus.SUCCEEDED
                payment.settled_at = utcnow()
    db.session.flush()
    return vendor_order


# --- booth fees (issue 5) -------------------------------------------------------------------

def charge_booth_fees(now=None) -> int:
    """Deduct every due booth fee whose market day has begun from its trainee's balance.

    Booths records fees as due (`booths.BoothFee`); charging one posts a `booth_fee` ledger row
    (unique per fee) and marks the fee paid."""
    from marketplace.booths.models import Assignment, BoothFee, FeeStatus, MarketDay

    now = now or utcnow()
    fees = list(db.session.scalars(
        select(BoothFee).join(Assignment, Assignment.id == BoothFee.assignment_id)
        .join(MarketDay, MarketDay.id == Assignment.market_day_id)
        .where(BoothFee.status == FeeStatus.DUE, MarketDay.opens_at <= now)
        .order_by(BoothFee.id).with_for_update(of=BoothFee)))
    for fee in fees:
        _post(fee.trainee_id, LedgerKind.BOOTH_FEE, -fee.amount, fee.currency,
              booth_fee_id=fee.id, memo=f"booth fee #{fee.id}")
        fee.status = FeeStatus.PAID
        fee.settled_at = now
    db.session.flush()
    return len(fees)


# --- payouts ------------------------------------------------------------------------------------

def save_payout_account(actor, trainee, holder: str, iban: str | None, bank_name: str,
                        stripe_account_id: str | None) -> PayoutAccount:
    """The trainee (or an admin) says where payouts go."""
    if actor is None or not (actor.is_admin or (actor.trainee and actor.trainee.id == trainee.id)):
        raise NotFound(_("We could not find that page."))
    errors = {}
    iban = "".join((iban or "").split()).upper() or None
    if iban and not (15 <= len(iban) <= 34 and iban[:2].isalpha() and iban[2:4].isdigit()
                     and iban.isalnum()):
        errors["iban"] = [_("Enter an IBAN such as IR06 0120 0000 0000 0123 4567 89.")]
    stripe_account_id = (stripe_account_id or "").strip() or None
    if stripe_account_id and not (stripe_account_id.startswith("acct_")
                                  and stripe_account_id[5:].isalnum()
                                  and len(stripe_account_id) <= 64):
        errors["stripe_account_id"] = [_("A Stripe account id looks like acct_1A2b3C.")]
    if errors:
        raise BadRequest(_("Please correct the marked fields."), code="validation_error",
                         fields=errors)
    account = queries.payout_account(trainee.id)
    if account is None:
        account = PayoutAccount(trainee_id=trainee.id)
        db.session.add(account)
    account.account_holder = (holder or "").strip()[:200]
    account.iban = iban
    account.bank_name = (bank_name or "").strip()[:200]
    account.stripe_account_id = stripe_account_id
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
        raise BadRequest(_("Choose how to pay."), code="bad_method",
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
        except (ProviderUnavailable, ProviderRejected) as error:
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
                           code="paid_by_another_batch")
        raise RuleViolation(_("Nobody has an available balance above the minimum to pay."),
                            code="nothing_to_pay")
    batch.total_amount = sum(p.amount for p in batch.payouts)
    batch.failures = failures
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
    row = _post(account.trainee_id, LedgerKind.PAYOUT, -amount, currency, payout_id=payout.id,
                memo=f"payout batch {batch.id}", available_at=now)
    db.session.flush()
    db.session.add(PayoutItem(payout_id=payout.id, ledger_entry_id=row.id))
    db.session.flush()
    if batch.method == PayoutMethod.STRIPE_CONNECT:
        digest = hashlib.sha256(",".join(f"{e.id}@{e.created_at.isoformat()}"
                                         for e in entries).encode()).hexdigest()[:24]
        provider = get_provider("stripe")
        payout.stripe_transfer_id = provider.transfer(
            Money(amount, currency), account.stripe_account_id,
            f"payout-{account.trainee_id}-{digest}",
            {"payout": payout.id, "batch": batch.id})
        payout.status = PayoutStatus.PAID
        payout.paid_at = now
        db.session.flush()
    return payout


def mark_batch_paid(actor, batch: PayoutBatch) -> PayoutBatch:
    """The bank transfers of a batch went out: its pending payouts are paid."""
    if actor is None or not actor.is_admin:
        raise Forbidden(_("Only administrators can pay out."))
    now = utcnow()
    for payout in batch.payouts:
        if payout.status == PayoutStatus.PENDING:
            payout.status = PayoutStatus.PAID
            payout.paid_at = now
    db.session.flush()
    return batch
