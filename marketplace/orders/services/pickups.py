"""Pickups that follow their booth: a pickup part refers to its trainee's booth-day
(`VendorOrder.pickup_assignment`). When that booth-day goes away booths sends `booth_day_lost`,
and every open pickup there is marked disrupted and its buyer told, once. The buyer then
rebooks another of the trainee's booth-days or switches to shipping (here), or is refunded
(payments.services.pickup_changes, which owns money). And the handover code: the trainee takes
it from the buyer to complete the pickup. Functions flush and never commit.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace.core.db import rows_changed, utcnow
from marketplace.core.digits import to_ascii_digits
from marketplace.core.errors import (
    Conflict,
    CoreErrorCode,
    NotFound,
    RuleViolation,
    TooManyRequests,
)
from marketplace.core.i18n import format_number
from marketplace.extensions import db
from marketplace.orders import policies, queries
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import (
    OPEN_PICKUP_STATUSES,
    Fulfilment,
    ShippingRate,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.orders.services import pickup_notices
from marketplace.orders.services.fulfilment import _after_vendor_order_dropped
from marketplace.orders.services.mail import mail_status_changed
from marketplace.orders.services.transitions import move_vendor_order, return_line_stock
from marketplace.orders.signals import vendor_order_cancelled

# Wrong handover codes before the part is locked, and for how long.
HANDOVER_MAX_FAILURES = 5
HANDOVER_LOCK = timedelta(minutes=15)
_OPEN = [s.value for s in OPEN_PICKUP_STATUSES]


# --- booths' signals -----------------------------------------------------------------------

def on_booth_day_lost(assignment, *, reason: str = "", **_kwargs) -> None:
    """booths' `booth_day_lost` (connected by the app factory): mark every open pickup at that
    booth-day disrupted and tell its buyer — once, however often the signal comes."""
    now = utcnow()
    parts = db.session.scalars(select(VendorOrder).where(
        VendorOrder.pickup_assignment_id == assignment.id,
        VendorOrder.fulfilment == Fulfilment.PICKUP.value,
        VendorOrder.status.in_(_OPEN), VendorOrder.pickup_disrupted_at.is_(None))).all()
    for vendor_order in parts:
        claimed = rows_changed(db.session.execute(
            update(VendorOrder).where(VendorOrder.id == vendor_order.id,
                                      VendorOrder.pickup_disrupted_at.is_(None))
            .values(pickup_disrupted_at=now, pickup_disruption=(reason or "cancelled")[:40])
            .execution_options(synchronize_session=False)))
        db.session.expire(vendor_order, ["pickup_disrupted_at", "pickup_disruption"])
        if claimed:
            pickup_notices.pickup_lost(vendor_order)


def on_pickups_counted(assignment_ids, **_kwargs) -> int:
    """booths' `pickups_counted`: open pickups at these booth-days (the withdraw warning)."""
    return db.session.scalar(select(func.count(VendorOrder.id)).where(
        VendorOrder.pickup_assignment_id.in_(list(assignment_ids)),
        VendorOrder.status.in_(_OPEN), VendorOrder.pickup_disrupted_at.is_(None))) or 0


# --- the buyer's choice --------------------------------------------------------------------

def disrupted_pickup_for(user, vendor_order_id: int) -> VendorOrder:
    """The buyer's own pickup part (404 for anyone else); 409 when it needs no choice."""
    vendor_order = queries.vendor_order(vendor_order_id)
    if vendor_order is None or not policies.can_choose_pickup(user, vendor_order):
        raise NotFound(_("We could not find that order."))
    if not vendor_order.pickup_needs_choice:
        raise Conflict(_("This pickup needs no new choice."),
                       code=OrderErrorCode.PICKUP_NOT_DISRUPTED)
    return vendor_order


def rebook_options(vendor_order: VendorOrder, locale: str) -> list[queries.PickupOption]:
    """The trainee's other booth-days to come where the buyer may collect instead."""
    options = queries.pickup_options([vendor_order.trainee], locale)[vendor_order.trainee_id]
    return [o for o in options if o.assignment_id is not None
            and o.assignment_id != vendor_order.pickup_assignment_id]


def rebook_pickup(user, vendor_order_id: int, assignment_id: int, locale: str) -> VendorOrder:
    """Collect at another of the trainee's booth-days; the handover code stays the same."""
    vendor_order = disrupted_pickup_for(user, vendor_order_id)
    option = next((o for o in rebook_options(vendor_order, locale)
                   if o.assignment_id == assignment_id), None)
    if option is None:
        raise RuleViolation(_("Choose one of the days offered."),
                            code=OrderErrorCode.UNKNOWN_PICKUP_DAY,
                            fields={"assignment_id": [_("Not one of the days offered.")]})
    vendor_order.pickup_assignment_id = option.assignment_id
    vendor_order.pickup_market_day_id = option.market_day_id
    vendor_order.pickup_day = option.day
    vendor_order.pickup_booth_code = option.booth_code
    vendor_order.pickup_place = option.place
    vendor_order.pickup_disrupted_at = None
    vendor_order.pickup_disruption = None
    db.session.flush()
    db.session.expire(vendor_order, ["pickup_assignment", "pickup_market_day"])
    pickup_notices.pickup_rebooked(vendor_order)
    return vendor_order


def shipping_difference(vendor_order: VendorOrder) -> int | None:
    """What shipping would add (the trainee's fee), or None when the trainee does not ship."""
    rate = db.session.scalar(select(ShippingRate.amount).where(
        ShippingRate.trainee_id == vendor_order.trainee_id))
    return None if rate is None else int(rate)


def shipping_refusal(vendor_order: VendorOrder) -> tuple[OrderErrorCode, str] | None:
    """Why this part cannot switch to shipping at all, or None when it can (a fee to pay, or
    the goods of a part that was to be paid in cash at the booth, is no refusal:
    payments.services.shipping_payments takes them first)."""
    if shipping_difference(vendor_order) is None:
        return OrderErrorCode.SHIPPING_NOT_OFFERED, _("This trainee does not ship.")
    return None


def unpaid_goods(vendor_order: VendorOrder) -> int:
    """What of the part's goods is still to pay before it can ship: all of it for a part that
    was to be paid in cash at the booth (nobody meets the trainee any more), else nothing."""
    if vendor_order.pays_at_pickup and vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
        return vendor_order.total_amount
    return 0


def checked_shipping_address(address: str | None) -> str:
    address = (address or "").strip()
    if not address:
        raise RuleViolation(_("Enter the address to ship to."),
                            code=CoreErrorCode.VALIDATION_ERROR,
                            fields={"shipping_address": [_("Required.")]})
    return address


def check_can_ship(vendor_order: VendorOrder) -> None:
    refusal = shipping_refusal(vendor_order)
    if refusal is not None:
        raise RuleViolation(refusal[1], code=refusal[0])


def switch_to_shipping(user, vendor_order_id: int, address: str) -> VendorOrder:
    """Ship the part instead when that costs nothing more; a fee is paid first
    (payments.services.shipping_payments), whose settlement calls ship_instead."""
    vendor_order = disrupted_pickup_for(user, vendor_order_id)
    address = checked_shipping_address(address)
    check_can_ship(vendor_order)
    if shipping_difference(vendor_order) or unpaid_goods(vendor_order):
        raise RuleViolation(_("Shipping this part needs a payment first: start the payment, "
                              "and the part is shipped once it is paid."),
                            code=OrderErrorCode.SHIPPING_NEEDS_PAYMENT)
    return ship_instead(vendor_order, address)


def mark_paid_for_shipping(vendor_order: VendorOrder) -> VendorOrder:
    """A part that was to be paid in cash at the booth was paid online instead, with its
    shipping (payments took the money and decides whether the order is paid now): the part is
    paid, from where ship_instead switches it."""
    move_vendor_order(vendor_order, "pay", paid_at=utcnow())
    db.session.flush()
    return vendor_order


def ship_instead(vendor_order: VendorOrder, address: str) -> VendorOrder:
    """The switch itself: the part is shipped to `address` from where the trainee marks it
    shipped. The callers checked the buyer and that any fee is paid."""
    if vendor_order.status == VendorOrderStatus.READY_FOR_PICKUP:
        # Back to paid, from where the trainee marks it shipped.
        db.session.execute(update(VendorOrder).where(VendorOrder.id == vendor_order.id)
                           .values(status=VendorOrderStatus.PAID.value, ready_at=None)
                           .execution_options(synchronize_session=False))
        db.session.expire(vendor_order, ["status", "ready_at"])
    vendor_order.fulfilment = Fulfilment.SHIPPING
    vendor_order.shipping_address = address
    vendor_order.pickup_assignment_id = None
    vendor_order.pickup_disrupted_at = None
    db.session.flush()
    mail_status_changed(vendor_order, vendor_order.status)
    return vendor_order


def cancel_unpaid_pickup(vendor_order: VendorOrder) -> VendorOrder:
    """Nothing was paid for this part (paid at the booth): dropping it is the full refund.
    Called by payments (pickup_changes), which decides whether the order is paid now."""
    now = utcnow()
    target = move_vendor_order(vendor_order, "cancel", cancelled_at=now)
    return_line_stock(vendor_order)
    _after_vendor_order_dropped(vendor_order.order, vendor_order, now)
    db.session.flush()
    vendor_order_cancelled.send(vendor_order)
    mail_status_changed(vendor_order, target)
    return vendor_order


# --- the handover code ---------------------------------------------------------------------

def check_handover_code(vendor_order: VendorOrder, code: str) -> None:
    """Refuse a wrong code, counting it first with a conditional UPDATE (so concurrent tries
    cannot pass the limit); after HANDOVER_MAX_FAILURES wrong ones the part is locked for
    HANDOVER_LOCK (429 `handover_locked`). The caller commits the count before showing a
    refusal: rolling it back would give unlimited tries."""
    now = utcnow()
    db.session.execute(  # a lock that has run out starts afresh
        update(VendorOrder).where(VendorOrder.id == vendor_order.id,
                                  VendorOrder.handover_failed_at < now - HANDOVER_LOCK)
        .values(handover_failures=0).execution_options(synchronize_session=False))
    counted = rows_changed(db.session.execute(
        update(VendorOrder).where(VendorOrder.id == vendor_order.id,
                                  VendorOrder.handover_failures < HANDOVER_MAX_FAILURES)
        .values(handover_failures=VendorOrder.handover_failures + 1, handover_failed_at=now)
        .execution_options(synchronize_session=False)))
    db.session.expire(vendor_order, ["handover_failures", "handover_failed_at"])
    if not counted:
        wait = HANDOVER_LOCK - (now - (vendor_order.handover_failed_at or now))
        raise TooManyRequests(_("Too many wrong codes for this order. Try again later."),
                              retry_after=max(int(wait.total_seconds()), 1),
                              code=OrderErrorCode.HANDOVER_LOCKED)
    typed = to_ascii_digits((code or "").strip())
    expected = vendor_order.handover_code or ""
    if not expected or not hmac.compare_digest(expected.encode(), typed.encode()):
        left = HANDOVER_MAX_FAILURES - vendor_order.handover_failures
        message = _("That is not this order's handover code. %(left)s tries left.",
                    left=format_number(left))
        raise RuleViolation(message, code=OrderErrorCode.WRONG_HANDOVER_CODE,
                            fields={"code": [message]})
    # A right code: the wrong tries before it are forgiven.
    db.session.execute(update(VendorOrder).where(VendorOrder.id == vendor_order.id)
                       .values(handover_failures=0, handover_failed_at=None)
                       .execution_options(synchronize_session=False))
    db.session.expire(vendor_order, ["handover_failures", "handover_failed_at"])


def check_ready_for_handover(vendor_order: VendorOrder) -> None:
    if not vendor_order.awaits_handover:
        raise Conflict(_("This order is not waiting to be picked up."),
                       code=OrderErrorCode.NOT_READY_FOR_HANDOVER)


def complete_handover(vendor_order: VendorOrder) -> VendorOrder:
    """A paid part handed over with its code (a part paid at the booth is completed by
    payments.services.pay_at_pickup instead, which books the cash)."""
    now = utcnow()
    target = move_vendor_order(vendor_order, "hand_over", completed_at=now)
    db.session.flush()
    mail_status_changed(vendor_order, target)
    return vendor_order
