"""Words for order and vendor-order statuses, in the reader's language (pages, mail, errors)."""

from flask_babel import lazy_gettext as _l

from marketplace.orders.models import OrderStatus, VendorOrderStatus

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
