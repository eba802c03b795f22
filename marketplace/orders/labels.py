"""Words for order and vendor-order statuses, in the reader's language (pages, mail, errors),
and the heading of a buyer's order page, which follows the order's parts."""

from collections import Counter
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from marketplace.core.i18n import format_number
from marketplace.orders.models import Order, OrderStatus, VendorOrder, VendorOrderStatus

STATUS_LABELS = {
    VendorOrderStatus.PENDING_PAYMENT: _l("Waiting for payment"),
    VendorOrderStatus.PAID: _l("Paid"),
    VendorOrderStatus.READY_FOR_PICKUP: _l("Ready for pickup"),
    VendorOrderStatus.SHIPPED: _l("Shipped"),
    VendorOrderStatus.COMPLETED: _l("Completed"),
    VendorOrderStatus.CANCELLED: _l("Cancelled"),
    VendorOrderStatus.REFUNDED: _l("Refunded"),
    VendorOrderStatus.PARTLY_REFUNDED: _l("Partly refunded"),
}
ORDER_STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: _l("Waiting for payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    OrderStatus.EXPIRED: _l("Expired"),
}


def status_label(status) -> str:
    label = STATUS_LABELS.get(status) or ORDER_STATUS_LABELS.get(status)
    return str(label or status)


# --- the heading of a buyer's order page ---------------------------------------------------
# The order's own status says only whether it is paid ("Paid" for an order delivered long
# ago); the buyer wants to know where their things are, which each part (vendor order) says.
# A part to pay at the booth and not paid yet is not "waiting for payment" to the buyer.
PAY_AT_PICKUP = "pay_at_pickup"
S = VendorOrderStatus
# The buyer's journey, in order: mixed parts are listed this way.
_JOURNEY: tuple[str, ...] = (
    S.PENDING_PAYMENT, PAY_AT_PICKUP, S.PAID, S.READY_FOR_PICKUP, S.SHIPPED, S.COMPLETED,
    S.PARTLY_REFUNDED, S.REFUNDED, S.CANCELLED)
_EVERY_PART = {
    S.PENDING_PAYMENT: _l("Waiting for payment"),
    PAY_AT_PICKUP: _l("To pay at pickup"),
    S.PAID: _l("Being prepared"),
    S.READY_FOR_PICKUP: _l("Ready for pickup"),
    S.SHIPPED: _l("Shipped"),
    S.COMPLETED: _l("Delivered"),
    S.PARTLY_REFUNDED: _l("Partly refunded"),
    S.REFUNDED: _l("Refunded"),
    S.CANCELLED: _l("Cancelled"),
}
_SOME_PARTS: dict[str, Callable[[int, str], str]] = {
    S.PENDING_PAYMENT: lambda n, count: ngettext(
        "%(count)s part waiting for payment", "%(count)s parts waiting for payment", n,
        count=count),
    PAY_AT_PICKUP: lambda n, count: ngettext(
        "%(count)s part to pay at pickup", "%(count)s parts to pay at pickup", n, count=count),
    S.PAID: lambda n, count: ngettext(
        "%(count)s part being prepared", "%(count)s parts being prepared", n, count=count),
    S.READY_FOR_PICKUP: lambda n, count: ngettext(
        "%(count)s part ready for pickup", "%(count)s parts ready for pickup", n, count=count),
    S.SHIPPED: lambda n, count: ngettext(
        "%(count)s part shipped", "%(count)s parts shipped", n, count=count),
    S.COMPLETED: lambda n, count: ngettext(
        "%(count)s part delivered", "%(count)s parts delivered", n, count=count),
    S.PARTLY_REFUNDED: lambda n, count: ngettext(
        "%(count)s part partly refunded", "%(count)s parts partly refunded", n, count=count),
    S.REFUNDED: lambda n, count: ngettext(
        "%(count)s part refunded", "%(count)s parts refunded", n, count=count),
    S.CANCELLED: lambda n, count: ngettext(
        "%(count)s part cancelled", "%(count)s parts cancelled", n, count=count),
}


def _stage(part: VendorOrder) -> str:
    if part.status == S.PENDING_PAYMENT and part.pays_at_pickup:
        return PAY_AT_PICKUP
    return part.status


def order_heading(order: Order) -> str:
    """Where a buyer's order stands, in words: the state of its parts when they agree
    ("Shipped"), else how many parts are at each stage ("1 part delivered · 1 part ready for
    pickup"). A cancelled part among live ones is left out; a cancelled or expired order says
    so."""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED) or not order.vendor_orders:
        return status_label(order.status)
    stages = [_stage(part) for part in order.vendor_orders]
    live = [stage for stage in stages if stage != S.CANCELLED] or stages
    counts = Counter(live)
    if len(counts) == 1:
        return str(_EVERY_PART[live[0]])
    return " · ".join(_SOME_PARTS[stage](counts[stage], format_number(counts[stage]))
                      for stage in _JOURNEY if stage in counts)
