"""A pickup whose booth-day went away: the buyer's full refund of that vendor order (another day
lives in orders.services.pickups, shipping in payments.services.shipping_payments; both other
choices wait while a shipping fee is being paid), and the
handover at the booth — the trainee takes the buyer's code to complete the pickup, which is
also the payment for a part paid at the booth. Functions flush and never commit."""

from __future__ import annotations

from marketplace.orders.models import VendorOrder, VendorOrderStatus
from marketplace.orders.services import pickups
from marketplace.payments.services import pay_at_pickup, refunds, shipping_payments
from marketplace.payments.services.access import check_vendor_access

REFUND_REASON = "pickup booth-day went away"


def refund_lost_pickup(actor, vendor_order_id: int) -> VendorOrder:
    """Give the buyer everything back for a part they can no longer collect as planned: a
    paid part is refunded in full (stock back on sale); an unpaid part paid at the booth is
    cancelled, which is its full refund."""
    vendor_order = pickups.disrupted_pickup_for(actor, vendor_order_id)
    shipping_payments.check_no_open_shipping_payment(vendor_order)
    if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
        pickups.cancel_unpaid_pickup(vendor_order)
        return vendor_order
    refunds.issue_refund(actor, vendor_order, vendor_order.refundable.amount, restock=True,
                         reason=REFUND_REASON)
    return vendor_order


def rebook_lost_pickup(actor, vendor_order_id: int, assignment_id: int,
                       locale: str) -> VendorOrder:
    """Another of the trainee's booth-days (orders.services.pickups) — not while the buyer is
    paying to have the part shipped instead."""
    shipping_payments.check_no_open_shipping_payment(
        pickups.disrupted_pickup_for(actor, vendor_order_id))
    return pickups.rebook_pickup(actor, vendor_order_id, assignment_id, locale)


def hand_over(actor, vendor_order: VendorOrder, code: str) -> VendorOrder:
    """The trainee (or an admin) enters the buyer's code: the pickup is completed, and a part
    paid at the booth is booked as paid. A wrong code is counted (orders.services.pickups)."""
    check_vendor_access(actor, vendor_order)
    pickups.check_ready_for_handover(vendor_order)
    pickups.check_handover_code(vendor_order, code)
    if vendor_order.awaits_pickup_payment:
        return pay_at_pickup.confirm_paid_at_pickup(actor, vendor_order)
    return pickups.complete_handover(vendor_order)
