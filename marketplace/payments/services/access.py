"""Who may move money on a vendor order: its trainee or an administrator."""

from flask_babel import gettext as _

from marketplace.core.errors import Forbidden, NotFound
from marketplace.orders import policies as order_policies
from marketplace.orders.models import VendorOrder


def check_vendor_access(actor, vendor_order: VendorOrder) -> None:
    if actor is None or not order_policies.can_view_vendor_order(actor, vendor_order):
        raise NotFound(_("We could not find that order."))
    if not order_policies.can_manage_vendor_order(actor, vendor_order):
        raise Forbidden(_("Only the trainee who sells this, or an administrator, can do that."))
