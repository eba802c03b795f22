"""The cart: a signed-in user's or a guest's (behind a random token), its lines within the stock
there is, merging a guest cart at login, and emptying it when an order is placed.

Functions flush and never commit; the caller commits once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import Trainee
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import BadRequest, NotFound, RuleViolation
from marketplace.core.fast_writes import insert_now
from marketplace.core.i18n import format_number
from marketplace.extensions import db
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.models import Cart, CartLine

MAX_LINE_QUANTITY = 100
MAX_CART_LINES = 50
GUEST_CART_MAX_AGE_DAYS = 30


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



def current_cart(user, guest_token: str | None, create: bool = False) -> Cart | None:
    """The cart of whoever is browsing: a signed-in `user`'s, or the guest's behind
    `guest_token`. A user who still carries a guest cart (signed in some other way than the
    login form: remember-me) has it merged into theirs first. With `create`, a cart is made when
    there is none; a new guest cart has a new token, which the caller hands to the browser."""
    if user is not None and not user.is_authenticated:
        user = None
    if user is not None and guest_token:
        merge_guest_cart(user, guest_token)
    if not create:
        return find_cart(user, guest_token)
    return get_or_create_cart(user, guest_token)


def quantity_problem(quantity: int) -> str | None:
    """What is wrong with a line's quantity before any stock is looked at (the one copy of the
    rule, which `orders.forms.CartLineForm` and the API's schemas apply), or None."""
    if quantity < 1:
        return _("Quantity must be at least 1.")
    if quantity > MAX_LINE_QUANTITY:
        return _("Quantity must be at most %(n)s.", n=format_number(MAX_LINE_QUANTITY))
    return None


def bad_quantity(message: str) -> BadRequest:
    return BadRequest(message, code=OrderErrorCode.BAD_QUANTITY, fields={"quantity": [message]})


def _check_quantity_for(product: Product, quantity: int) -> None:
    limit = min(product.stock, MAX_LINE_QUANTITY)
    if product.kind == ProductKind.ONE_OF_A_KIND:
        limit = min(limit, 1)
    if quantity > limit:
        if limit <= 0:
            raise RuleViolation(_("This item is sold out."), code=OrderErrorCode.OUT_OF_STOCK)
        raise RuleViolation(
            _("Only %(n)s of this item can be ordered.", n=format_number(limit)),
            code=OrderErrorCode.NOT_ENOUGH_STOCK,
            fields={"quantity": [_("At most %(n)s.", n=format_number(limit))]})


# The product with its trainee, by id. Built once: every add to a cart reads it (refused adds
# too, 4 in 10 of a sale's requests), and a reused statement keeps its SQL-cache key instead
# of building the expression, its loader options and their key on every call (~0.1 ms).
_PRODUCT_WITH_TRAINEE = (select(Product).where(Product.id == bindparam("product_id"))
                         .options(joinedload(Product.trainee)))


def _purchasable_product(product_id: int, actor) -> Product:
    product = db.session.scalar(_PRODUCT_WITH_TRAINEE, {"product_id": product_id})
    if product is None:
        raise NotFound(_("We could not find that product."))
    _check_purchasable(product, actor)
    return product


def _check_purchasable(product: Product, actor) -> None:
    if product.status != ProductStatus.ACTIVE or not product.trainee.is_verified:
        raise RuleViolation(_("This item is not for sale right now."),
                            code=OrderErrorCode.PRODUCT_UNAVAILABLE)
    if product.currency != current_app.config["MARKETPLACE_CURRENCY"]:
        raise RuleViolation(_("This item is not for sale right now."),
                            code=OrderErrorCode.PRODUCT_UNAVAILABLE)
    if actor is not None and actor.is_authenticated and \
            product.trainee.user_id == actor.id:
        raise RuleViolation(_("You cannot buy your own item."), code=OrderErrorCode.OWN_PRODUCT)


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


def add_to_cart(actor, cart: Cart, product_id: int, quantity: int) -> CartLine:
    """Put a product in the cart (or add to its line), within the stock there is. The
    quantity is 1 … MAX_LINE_QUANTITY, checked by `orders.forms.CartLineForm` or the API's
    schemas; the stock is checked here."""
    product = _purchasable_product(product_id, actor)
    return _add_line(cart, product, quantity)


def add_to_users_cart(user, product_id: int, quantity: int) -> Cart:
    """Put a product in a signed-in user's cart, made on first use. The product is checked
    first, so an add that is refused (sold out, say) writes nothing at all."""
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
            raise RuleViolation(_("Your cart is full."), code=OrderErrorCode.CART_FULL)
        return _insert_line(cart, product, total)
    line.quantity = total
    line.unit_price_amount = product.price_amount
    line.currency = product.currency
    db.session.flush()
    return line


def _insert_line(cart: Cart, product: Product, quantity: int) -> CartLine:
    """Write a new line, and the cart first when it is new: one INSERT each, no unit-of-work
    flush (every add to a cart comes here; see core.fast_writes)."""
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


def update_cart_line(actor, cart: Cart, line_id, quantity: int) -> CartLine:
    """Set a line's quantity (1 … MAX_LINE_QUANTITY, checked like `add_to_cart`'s); the price
    seen is refreshed, since the buyer looked again."""
    line = _line_of(cart, line_id)
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
    """Delete the cart's lines with one DELETE (placing an order ends with it), and forget
    them in memory."""
    db.session.execute(delete(CartLine).where(CartLine.cart_id == cart.id)
                       .execution_options(synchronize_session=False))
    for line in cart.lines:
        db.session.expunge(line)
    set_committed_value(cart, "lines", [])


def delete_stale_guest_carts(now=None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=GUEST_CART_MAX_AGE_DAYS)
    result = db.session.execute(
        delete(Cart).where(Cart.user_id.is_(None), Cart.updated_at < cutoff)
        .execution_options(synchronize_session=False))
    return rows_changed(result)
