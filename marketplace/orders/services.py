"""Orders use cases: the cart, vendor-order transitions, payment outcomes, expiry and refunds.

Functions flush and never commit; the caller (a view, an API method, a command) commits once.
Status changes of orders and vendor orders are conditional UPDATEs (`... WHERE status = :from`),
so a webhook, the expiry command and a trainee acting at the same moment can never both win.
Placing an order lives in `checkout.services.place_order` (it orchestrates catalogue and orders).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, inspect, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import Trainee
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.catalogue.services import return_stock, take_stock
from marketplace.core.db import insert_now, update_now, utcnow
from marketplace.core.errors import BadRequest, Conflict, NotFound, RuleViolation
from marketplace.core.i18n import format_number, locale_for
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.money import Money
from marketplace.core.urls import external_url
from marketplace.extensions import db
from marketplace.orders import policies
from marketplace.orders.models import (
    ACTION_FULFILMENT,
    VENDOR_ACTIONS,
    Cart,
    CartLine,
    Fulfilment,
    Order,
    OrderStatus,
    ShippingRate,
    VendorOrder,
    VendorOrderStatus,
    next_vendor_status,
)

log = logging.getLogger(__name__)

MAX_LINE_QUANTITY = 100
MAX_CART_LINES = 50
GUEST_CART_MAX_AGE_DAYS = 30
MAX_SHIPPING_FEE = 10**9
PAY_AT_PICKUP = "pay_at_pickup"

# Mail subjects: English msgids that core.mail translates into the recipient's language.
SUBJECT_CONFIRMATION = "Your Bazaarche order"
SUBJECT_NEW_ORDER = "You have a new order"
SUBJECT_STATUS = "Your order has changed"
SUBJECT_EXPIRED = "Your order was not paid in time"


# --- cart ------------------------------------------------------------------------------------

def new_cart_token() -> str:
    return secrets.token_urlsafe(24)


def _cart_with_lines(*where):
    """One statement: the cart joined to its lines, their products, trainees and centres."""
    return select(Cart).where(*where).options(
        joinedload(Cart.lines).joinedload(CartLine.product).joinedload(Product.trainee)
        .joinedload(Trainee.centre))


# Built once (every add, every checkout reads the cart): a reused statement keeps its SQL-cache
# key instead of building the joins, loader options and their key on every call.
_USERS_CART = _cart_with_lines(Cart.user_id == bindparam("user_id"))
_GUEST_CART = _cart_with_lines(Cart.token == bindparam("token"), Cart.user_id.is_(None))


def find_cart(user, token: str | None) -> Cart | None:
    """The signed-in user's cart, or the guest cart behind `token`; None if there is none."""
    if user is not None and user.is_authenticated:
        found = db.session.scalars(_USERS_CART, {"user_id": user.id})
    elif token:
        found = db.session.scalars(_GUEST_CART, {"token": token})
    else:
        return None
    return found.unique().first()


def get_or_create_cart(user, token: str | None) -> Cart:
    cart = _found_or_new_cart(user, token)
    if inspect(cart).transient:
        db.session.add(cart)
        db.session.flush()
    return cart


def _found_or_new_cart(user, token: str | None) -> Cart:
    """The cart, or a new one not written yet (and not in the session): adding its first line
    writes both (see _insert_line)."""
    cart = find_cart(user, token)
    if cart is not None:
        return cart
    # A new cart has no lines: saying so spares the SELECT that would load them.
    if user is not None and user.is_authenticated:
        return Cart(user_id=user.id, lines=[])
    return Cart(token=new_cart_token(), lines=[])


def parse_quantity(value) -> int:
    """A whole number ≥ 1 (Persian digits accepted); anything else is a 400."""
    from marketplace.core.digits import parse_int

    if isinstance(value, bool):
        raise BadRequest(_("Quantity must be a whole number."), code="bad_quantity",
                         fields={"quantity": [_("Quantity must be a whole number.")]})
    try:
        quantity = parse_int(value)
    except (TypeError, ValueError):
        raise BadRequest(_("Quantity must be a whole number."), code="bad_quantity",
                         fields={"quantity": [_("Quantity must be a whole number.")]}) from None
    if quantity < 1:
        raise BadRequest(_("Quantity must be at least 1."), code="bad_quantity",
                         fields={"quantity": [_("Quantity must be at least 1.")]})
    return quantity


def _check_quantity_for(product: Product, quantity: int) -> None:
    limit = min(product.stock, MAX_LINE_QUANTITY)
    if product.kind == ProductKind.ONE_OF_A_KIND:
        limit = min(limit, 1)
    if quantity > limit:
        if limit <= 0:
            raise RuleViolation(_("This item is sold out."), code="out_of_stock")
        raise RuleViolation(
            _("Only %(n)s of this item can be ordered.", n=format_number(limit)),
            code="not_enough_stock",
            fields={"quantity": [_("At most %(n)s.", n=format_number(limit))]})


# The product with its trainee, by id. Built once: every add to a cart reads it (refused adds
# too, 4 in 10 of a sale's requests), and a reused statement keeps its SQL-cache key instead
# of building the expression, its loader options and their key on every call (~0.1 ms).
_PRODUCT_WITH_TRAINEE = (select(Product).where(Product.id == bindparam("product_id"))
                         .options(joinedload(Product.trainee)))


def _purchasable_product(product_id, actor) -> Product:
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        raise BadRequest(_("Choose a product."), code="bad_product") from None
    product = db.session.scalar(_PRODUCT_WITH_TRAINEE, {"product_id": product_id})
    if product is None:
        raise NotFound(_("We could not find that product."))
    _check_purchasable(product, actor)
    return product


def _check_purchasable(product: Product, actor) -> None:
    if product.status != ProductStatus.ACTIVE or not product.trainee.is_verified:
        raise RuleViolation(_("This item is not for sale right now."),
                            code="product_unavailable")
    if product.currency != current_app.config["MARKETPLACE_CURRENCY"]:
        raise RuleViolation(_("This item is not for sale right now."),
                            code="product_unavailable")
    if actor is not None and actor.is_authenticated and \
            product.trainee.user_id == actor.id:
        raise RuleViolation(_("You cannot buy your own item."), code="own_product")


def _line_of(cart: Cart, line_id) -> CartLine:
    """A line of this cart; another cart's line (someone else's) is reported as missing."""
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        raise NotFound(_("That item is not in your cart.")) from None
    line = db.session.get(CartLine, line_id)
    if line is None or line.cart_id != cart.id:
        raise NotFound(_("That item is not in your cart."))
    return line


def add_to_cart(actor, cart: Cart, product_id, quantity) -> CartLine:
    """Put a product in the cart (or add to its line), within the stock there is."""
    quantity = parse_quantity(quantity)
    product = _purchasable_product(product_id, actor)
    return _add_line(cart, product, quantity)


def add_to_users_cart(user, product_id, quantity) -> Cart:
    """Put a product in a signed-in user's cart, made on first use. The product is checked
    first, so an add that is refused (sold out, say) writes nothing at all."""
    quantity = parse_quantity(quantity)
    product = _purchasable_product(product_id, user)
    cart = _found_or_new_cart(user, None)
    _add_line(cart, product, quantity)  # writes the cart too when it is new
    return cart


def _add_line(cart: Cart, product: Product, quantity: int) -> CartLine:
    line = next((ln for ln in cart.lines if ln.product_id == product.id), None)
    total = quantity + (line.quantity if line else 0)
    _check_quantity_for(product, total)
    _touch(cart)
    if line is None:
        if len(cart.lines) >= MAX_CART_LINES:
            raise RuleViolation(_("Your cart is full."), code="cart_full")
        return _insert_line(cart, product, total)
    line.quantity = total
    line.unit_price_amount = product.price_amount
    line.currency = product.currency
    db.session.flush()
    return line


def _insert_line(cart: Cart, product: Product, quantity: int) -> CartLine:
    """Write a new line, and the cart first when it is new: one INSERT each, no unit-of-work
    flush (every add to a cart comes here; see core.db.insert_now)."""
    if inspect(cart).transient:
        insert_now(db.session, cart)
    line = CartLine(cart_id=cart.id, product=product, quantity=quantity,
                    unit_price_amount=product.price_amount, currency=product.currency)
    insert_now(db.session, line)
    set_committed_value(line, "cart", cart)
    set_committed_value(cart, "lines", [*cart.lines, line])
    db.session.add(cart)  # a new cart joins the session with its line, an old one gets it
    return line


def _touch(cart: Cart) -> None:
    """Guest carts are deleted after a month untouched; a user's cart is kept as it is."""
    if cart.user_id is None:
        cart.updated_at = utcnow()


def update_cart_line(actor, cart: Cart, line_id, quantity) -> CartLine:
    """Set a line's quantity; the price seen is refreshed, since the buyer looked again."""
    line = _line_of(cart, line_id)
    quantity = parse_quantity(quantity)
    product = line.product  # loaded with the cart (find_cart)
    _check_purchasable(product, actor)
    _check_quantity_for(product, quantity)
    line.quantity = quantity
    line.unit_price_amount = product.price_amount
    _touch(cart)
    db.session.flush()
    return line


def remove_cart_line(actor, cart: Cart, line_id) -> None:
    line = _line_of(cart, line_id)
    cart.lines.remove(line)
    db.session.delete(line)
    _touch(cart)
    db.session.flush()


def accept_cart_changes(cart: Cart) -> None:
    """The buyer has seen the new prices: remember them as seen."""
    for line in cart.lines:
        line.unit_price_amount = line.product.price_amount
    db.session.flush()


def merge_guest_cart(user, token: str | None) -> Cart | None:
    """At login: move the guest cart's lines into the user's cart, within stock; drop it."""
    if not token or user is None:
        return None
    guest = db.session.scalar(select(Cart).where(Cart.token == token, Cart.user_id.is_(None)))
    if guest is None:
        return None
    cart = get_or_create_cart(user, None)
    existing = {line.product_id: line for line in cart.lines}
    for line in list(guest.lines):
        product = line.product
        if product.trainee.user_id == user.id:
            continue  # their own item, added while signed out
        limit = min(product.stock, MAX_LINE_QUANTITY,
                    1 if product.kind == ProductKind.ONE_OF_A_KIND else MAX_LINE_QUANTITY)
        mine = existing.get(line.product_id)
        if mine is not None:
            mine.quantity = max(1, min(mine.quantity + line.quantity, max(limit, 1)))
        else:
            cart.lines.append(CartLine(product_id=line.product_id,
                                       quantity=max(1, min(line.quantity, max(limit, 1))),
                                       unit_price_amount=line.unit_price_amount,
                                       currency=line.currency))
    db.session.delete(guest)
    db.session.flush()
    return cart


def empty_cart(cart: Cart) -> None:
    """Delete the cart's lines with one DELETE, no unit-of-work flush (placing an order ends
    with it; see core.db.insert_now)."""
    lines = CartLine.__table__
    db.session.execute(delete(lines).where(lines.c.cart_id == cart.id))
    for line in cart.lines:
        db.session.expunge(line)
    set_committed_value(cart, "lines", [])


def delete_stale_guest_carts(now=None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=GUEST_CART_MAX_AGE_DAYS)
    result = db.session.execute(
        delete(Cart).where(Cart.user_id.is_(None), Cart.updated_at < cutoff)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


# --- shipping fees ---------------------------------------------------------------------------

def set_shipping_rate(actor, amount: int | None) -> ShippingRate | None:
    """A trainee's flat shipping fee; None stops offering shipping (pickup only)."""
    trainee = actor.trainee if actor is not None and actor.is_authenticated else None
    if trainee is None:
        raise NotFound(_("Only trainees set a shipping fee."))
    rate = db.session.scalar(select(ShippingRate).where(ShippingRate.trainee_id == trainee.id))
    if amount is None:
        if rate is not None:
            db.session.delete(rate)
            db.session.flush()
        return None
    if not isinstance(amount, int) or isinstance(amount, bool) or \
            not 0 <= amount <= MAX_SHIPPING_FEE:
        raise BadRequest(_("Enter a shipping fee of zero or more."), code="bad_amount",
                         fields={"amount": [_("Enter a shipping fee of zero or more.")]})
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    if rate is None:
        rate = ShippingRate(trainee_id=trainee.id, amount=amount, currency=currency)
        db.session.add(rate)
    else:
        rate.amount, rate.currency = amount, currency
    db.session.flush()
    return rate


# --- status changes --------------------------------------------------------------------------

def _claim_order(order: Order, from_statuses, to_status: OrderStatus, *conditions,
                 **values) -> bool:
    """Move the order's status only if it still is one of `from_statuses` in the database
    (and meets `conditions`)."""
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_([s.value for s in from_statuses]),
               *conditions)
        .values(status=to_status.value, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    db.session.expire(order, ["status", "updated_at", *values])
    return result.rowcount == 1


def _move_vendor_order(vendor_order: VendorOrder, action: str, **values) -> VendorOrderStatus:
    """Apply `action` per VENDOR_ORDER_TRANSITIONS, or raise 409 invalid_transition."""
    current = vendor_order.status
    target = next_vendor_status(current, action)
    if target is None:
        raise Conflict(_("This order cannot go from “%(status)s” that way.",
                         status=status_label(current)), code="invalid_transition")
    now = utcnow()
    result = db.session.execute(
        update(VendorOrder)
        .where(VendorOrder.id == vendor_order.id, VendorOrder.status == current.value)
        .values(status=target.value, status_changed_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False))
    db.session.expire(vendor_order, ["status", "status_changed_at", "updated_at", *values])
    if result.rowcount != 1:
        raise Conflict(_("This order changed meanwhile; reload and try again."),
                       code="invalid_transition")
    return target


def _return_line_stock(vendor_order: VendorOrder) -> None:
    for line in vendor_order.lines:
        left = line.quantity - line.restocked_quantity
        if left > 0:
            return_stock(line.product_id, left)
            line.restocked_quantity = line.quantity


def mark_order_paid(order: Order) -> bool:
    """The payment for `order` succeeded. False when its stock went to someone else meanwhile.

    Pending → paid. Expired or cancelled → stock taken again for every line; paid if all of it
    could be, else everything re-taken is given back and False (the payments side refunds).
    Already paid → True, nothing changes.
    """
    now = utcnow()
    if _claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.PAID, paid_at=now):
        for vendor_order in order.vendor_orders:
            if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
                _move_vendor_order(vendor_order, "pay", paid_at=now)
        _mail_order_placed(order)
        return True
    if order.status == OrderStatus.PAID:
        return True
    if order.status not in (OrderStatus.EXPIRED, OrderStatus.CANCELLED):
        return False
    return _revive_order(order, now)


class _StockGone(Exception):
    pass


def _revive_order(order: Order, now) -> bool:
    try:
        with db.session.begin_nested():
            if not _claim_order(order, [OrderStatus.EXPIRED, OrderStatus.CANCELLED],
                                OrderStatus.PAID, paid_at=now, cancelled_at=None):
                raise _StockGone
            for vendor_order in order.vendor_orders:
                for line in vendor_order.lines:
                    if line.restocked_quantity and \
                            not take_stock(line.product_id, line.restocked_quantity):
                        raise _StockGone
                    line.restocked_quantity = 0
                if vendor_order.status != VendorOrderStatus.PAID:
                    _move_vendor_order(vendor_order, "pay", paid_at=now, cancelled_at=None)
            db.session.flush()
    except _StockGone:
        db.session.expire_all()
        log.info("order %s was paid after its stock went elsewhere", order.number)
        return False
    _mail_order_placed(order)
    return True


def fail_order_payment(order: Order) -> None:
    """A payment failed or was cancelled. The order stays pending so the buyer may try again
    until it expires; expiry gives the stock back."""
    if order.status == OrderStatus.PENDING_PAYMENT:
        log.info("payment for order %s failed; it stays open until %s", order.number,
                 order.expires_at)


def hold_order_for_pickup(order: Order) -> Order:
    """The buyer pays at pickup: the stock stays held until the trainee confirms or cancels."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is not waiting for payment."), code="not_pending")
    if any(vo.fulfilment != Fulfilment.PICKUP for vo in order.vendor_orders):
        raise RuleViolation(_("Paying at pickup needs every part of the order to be picked up."),
                            code="pickup_only")
    if order.payment_provider == PAY_AT_PICKUP:
        return order
    update_now(db.session, order, payment_provider=PAY_AT_PICKUP, expires_at=None)
    _mail_order_placed(order)
    return order


def expire_order(order: Order) -> bool:
    """An unpaid order past its hold: expired, every vendor order cancelled, stock returned."""
    now = utcnow()
    # Checked in the same statement: a buyer who chose pay at pickup meanwhile has no hold
    # time any more, and that order must not expire.
    if not _claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.EXPIRED,
                        Order.expires_at.is_not(None), Order.expires_at < now,
                        cancelled_at=now):
        return False
    for vendor_order in order.vendor_orders:
        if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
            _move_vendor_order(vendor_order, "expire", cancelled_at=now)
            _return_line_stock(vendor_order)
    db.session.flush()
    buyer = order.buyer
    send_mail_after_commit(
        order.contact_email or buyer.email, SUBJECT_EXPIRED, "order_expired",
        locale=buyer.locale,
        name=buyer.display_name, number=order.number)
    return True


def due_order_ids(now=None) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Order.id).where(Order.status == OrderStatus.PENDING_PAYMENT,
                               Order.expires_at.is_not(None), Order.expires_at < now)
        .order_by(Order.id)))


def cancel_order(actor, order: Order) -> Order:
    """The buyer (or an admin) drops an unpaid order; its stock is returned at once."""
    if not policies.can_view_order(actor, order):
        raise NotFound(_("We could not find that order."))
    if not policies.can_cancel_order(actor, order):
        raise NotFound(_("We could not find that order."))
    now = utcnow()
    if not _claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.CANCELLED,
                        cancelled_at=now):
        raise Conflict(_("Only an unpaid order can be cancelled."), code="invalid_transition")
    for vendor_order in order.vendor_orders:
        if vendor_order.status == VendorOrderStatus.PENDING_PAYMENT:
            _move_vendor_order(vendor_order, "cancel", cancelled_at=now)
            _return_line_stock(vendor_order)
    db.session.flush()
    return order


def mark_vendor_order(actor, vendor_order: VendorOrder, action: str) -> VendorOrder:
    """A trainee (their own) or an admin moves a vendor order: ready, shipped, completed,
    cancelled (unpaid pay-at-pickup orders), or paid at pickup."""
    if not policies.can_view_vendor_order(actor, vendor_order):
        raise NotFound(_("We could not find that order."))
    if not policies.can_manage_vendor_order(actor, vendor_order):
        from marketplace.core.errors import Forbidden

        raise Forbidden(_("Only the trainee who sells this can change it."))
    if action not in VENDOR_ACTIONS:
        raise BadRequest(_("Unknown action."), code="unknown_action")
    if action not in vendor_order.allowed_actions():
        raise Conflict(_("This order cannot go from “%(status)s” that way.",
                         status=status_label(vendor_order.status)), code="invalid_transition")
    needed = ACTION_FULFILMENT.get(action)
    if needed is not None and vendor_order.fulfilment != needed:
        raise Conflict(_("That does not fit how this order is delivered."),
                       code="invalid_transition")
    now = utcnow()
    stamps = {"mark_ready": {"ready_at": now}, "mark_shipped": {"shipped_at": now},
              "complete": {"completed_at": now}, "cancel": {"cancelled_at": now},
              "confirm_paid_at_pickup": {"paid_at": now, "completed_at": now}}[action]
    target = _move_vendor_order(vendor_order, action, **stamps)
    order = vendor_order.order
    if action == "cancel":
        _return_line_stock(vendor_order)
        _after_vendor_order_dropped(order, vendor_order, now)
    elif action == "confirm_paid_at_pickup":
        _settle_order_after_pickup(order, now)
    db.session.flush()
    _mail_status(vendor_order, target)
    return vendor_order


def _after_vendor_order_dropped(order: Order, vendor_order: VendorOrder, now) -> None:
    remaining = [vo for vo in order.vendor_orders if vo.status != VendorOrderStatus.CANCELLED]
    if not remaining:
        _claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.CANCELLED,
                     cancelled_at=now)
        return
    db.session.execute(
        update(Order).where(Order.id == order.id)
        .values(total_amount=Order.total_amount - vendor_order.total_amount)
        .execution_options(synchronize_session=False))
    db.session.expire(order, ["total_amount"])
    _settle_order_after_pickup(order, now)


def _settle_order_after_pickup(order: Order, now) -> None:
    """A pay-at-pickup order is paid once no part of it waits for payment."""
    statuses = [vo.status for vo in order.vendor_orders]
    if any(s == VendorOrderStatus.PENDING_PAYMENT for s in statuses):
        return
    if all(s == VendorOrderStatus.CANCELLED for s in statuses):
        return
    _claim_order(order, [OrderStatus.PENDING_PAYMENT], OrderStatus.PAID, paid_at=now)


def apply_vendor_refund(vendor_order: VendorOrder, amount_minor: int,
                        restock: bool) -> VendorOrder:
    """Record a refund of `amount_minor` on a paid vendor order (the payments side moved the
    money). Stock comes back for goods not yet shipped or collected when `restock`."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor < 1:
        raise BadRequest(_("Enter an amount above zero."), code="bad_amount",
                         fields={"amount": [_("Enter an amount above zero.")]})
    refundable = vendor_order.total_amount - vendor_order.refunded_amount
    if next_vendor_status(vendor_order.status, "refund_part") is None:
        raise Conflict(_("Only a paid order can be refunded."), code="invalid_transition")
    if amount_minor > refundable:
        raise RuleViolation(
            _("You can refund at most %(amount)s.",
              amount=Money(refundable, vendor_order.currency).format(locale_for())),
            code="refund_exceeds_paid", fields={"amount": [_("Too much.")]})
    action = "refund_full" if amount_minor == refundable else "refund_part"
    refunded = vendor_order.refunded_amount + amount_minor
    handed_over = vendor_order.goods_handed_over
    result = db.session.execute(
        update(VendorOrder)
        .where(VendorOrder.id == vendor_order.id,
               VendorOrder.refunded_amount == vendor_order.refunded_amount)
        .values(refunded_amount=refunded)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.expire(vendor_order)
        raise Conflict(_("This order changed meanwhile; reload and try again."),
                       code="invalid_transition")
    db.session.expire(vendor_order, ["refunded_amount"])
    target = _move_vendor_order(vendor_order, action)
    if restock and not handed_over:
        _return_line_stock(vendor_order)
    db.session.flush()
    _mail_status(vendor_order, target)
    return vendor_order


# --- mail ------------------------------------------------------------------------------------

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
    labels = {**STATUS_LABELS, **ORDER_STATUS_LABELS}
    return str(labels.get(status, status))


def _lines_for_mail(vendor_order: VendorOrder, locale: str) -> list[dict]:
    return [{"title": line.title, "quantity": line.quantity,
             "total": line.line_total.format(locale)} for line in vendor_order.lines]


def _vendor_orders_for_mail(order: Order) -> list[VendorOrder]:
    """Every part of the order with its lines and trainee's user: none when the caller loaded
    them already (starting a payment does), else three statements in all."""
    if _parts_loaded(order):
        return list(order.vendor_orders)
    return list(db.session.scalars(
        select(VendorOrder).where(VendorOrder.order_id == order.id)
        .options(selectinload(VendorOrder.lines),
                 joinedload(VendorOrder.trainee).joinedload(Trainee.user))
        .order_by(VendorOrder.id)))


def _parts_loaded(order: Order) -> bool:
    """Are the order's vendor orders, their lines, trainees and trainees' users in memory?"""
    if "vendor_orders" in inspect(order).unloaded:
        return False
    for vendor_order in order.vendor_orders:
        if inspect(vendor_order).unloaded & {"lines", "trainee"} or \
                "user" in inspect(vendor_order.trainee).unloaded:
            return False
    return True


def _mail_order_placed(order: Order) -> None:
    buyer = order.buyer
    locale = buyer.locale
    parts = []
    vendor_orders = _vendor_orders_for_mail(order)
    for vo in vendor_orders:
        parts.append({"store": vo.trainee.store_name, "lines": _lines_for_mail(vo, locale),
                      "fulfilment": vo.fulfilment.value, "pickup_place": vo.pickup_place or "",
                      "pickup_day": vo.pickup_day.isoformat() if vo.pickup_day else "",
                      "shipping_address": vo.shipping_address or "",
                      "total": vo.total.format(locale)})
    send_mail_after_commit(
        order.contact_email or buyer.email, SUBJECT_CONFIRMATION, "order_confirmation",
        locale=locale, name=buyer.display_name,
        number=order.number, total=order.total.format(locale), parts=parts,
        pay_at_pickup=order.payment_provider == PAY_AT_PICKUP,
        link=external_url("checkout.order_detail", number=order.number))
    for vo in vendor_orders:
        seller = vo.trainee.user
        send_mail_after_commit(
            seller.email, SUBJECT_NEW_ORDER, "order_new_vendor", locale=seller.locale,
            name=seller.display_name,
            number=order.number, buyer_name=order.contact_name,
            lines=_lines_for_mail(vo, seller.locale), fulfilment=vo.fulfilment.value,
            pickup_place=vo.pickup_place or "", shipping_address=vo.shipping_address or "",
            total=vo.total.format(seller.locale),
            pay_at_pickup=order.payment_provider == PAY_AT_PICKUP,
            link=external_url("checkout.sale_detail", vendor_order_id=vo.id))


def _mail_status(vendor_order: VendorOrder, status: VendorOrderStatus) -> None:
    order = vendor_order.order
    buyer = order.buyer
    send_mail_after_commit(
        order.contact_email or buyer.email, SUBJECT_STATUS, "order_status",
        locale=buyer.locale,
        name=buyer.display_name, number=order.number, status=status.value,
        store=vendor_order.trainee.store_name, pickup_place=vendor_order.pickup_place or "",
        refunded=vendor_order.refunded.format(buyer.locale),
        link=external_url("checkout.order_detail", number=order.number))
