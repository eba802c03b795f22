"""Who may see or change carts, orders and vendor orders. Pure functions of the objects given."""

from marketplace.accounts.policies import is_staff_of_centre
from marketplace.orders.models import Cart, Order, VendorOrder


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and not user.is_disabled)


def owns_cart(user, cart: Cart, token: str | None = None) -> bool:
    """A signed-in buyer's own cart, or a guest cart whose cookie token the caller holds."""
    if cart.user_id is not None:
        return _signed_in(user) and user.id == cart.user_id
    return bool(token) and cart.token == token


def can_view_order(user, order: Order) -> bool:
    """The whole order (every trainee's part, contact details): its buyer and admins."""
    return _signed_in(user) and (user.id == order.buyer_id or user.is_admin)


def is_vendor_of(user, vendor_order: VendorOrder) -> bool:
    return _signed_in(user) and user.trainee is not None and \
        user.trainee.id == vendor_order.trainee_id


def can_view_vendor_order(user, vendor_order: VendorOrder) -> bool:
    """The buyer, the trainee fulfilling it, staff of that trainee's centre, and admins."""
    if not _signed_in(user):
        return False
    return (user.is_admin or user.id == vendor_order.order.buyer_id
            or is_vendor_of(user, vendor_order)
            or is_staff_of_centre(user, vendor_order.trainee.centre_id))


def can_manage_vendor_order(user, vendor_order: VendorOrder) -> bool:
    """Mark ready / shipped / completed, cancel, confirm payment at pickup, refund."""
    return _signed_in(user) and (user.is_admin or is_vendor_of(user, vendor_order))


def can_cancel_order(user, order: Order) -> bool:
    return _signed_in(user) and (user.id == order.buyer_id or user.is_admin)


def can_choose_pickup(user, vendor_order: VendorOrder) -> bool:
    """Rebook, ship or refund a pickup whose booth-day went away: the order's buyer alone."""
    return _signed_in(user) and user.id == vendor_order.order.buyer_id
