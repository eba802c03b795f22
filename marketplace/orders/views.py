"""Cart pages and the trainee's shipping fee. Checkout, payment and order pages are in checkout.

A guest's cart lives in the database behind a signed cookie holding its random token; at login
(Flask-Login's `user_logged_in` signal) its lines move into the user's cart.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import locale_code
from marketplace.core.money import Money
from marketplace.core.redirects import safe_redirect_target
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.models import ShippingRate
from marketplace.orders.services import cart as carts
from marketplace.orders.services.shipping_rates import set_shipping_rate

log = logging.getLogger(__name__)
bp = Blueprint("orders", __name__)

CART_COOKIE = "bz_cart"
CART_COOKIE_MAX_AGE = 30 * 24 * 3600



# --- the guest cart cookie -------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="guest-cart")


def guest_token() -> str | None:
    """The guest cart token from the signed cookie; a tampered cookie counts as none."""
    raw = request.cookies.get(CART_COOKIE)
    if not raw:
        return None
    try:
        token = _serializer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def _remember_guest_cart(token: str) -> None:
    g.set_cart_cookie = token


@bp.after_app_request
def _write_cart_cookie(response):
    token = g.pop("set_cart_cookie", None)
    if token:
        response.set_cookie(CART_COOKIE, _serializer().dumps(token), max_age=CART_COOKIE_MAX_AGE,
                            httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    elif g.pop("clear_cart_cookie", False):
        response.delete_cookie(CART_COOKIE)
    return response


@user_logged_in.connect
def merge_cart_on_login(app, user, **_extra):
    """Move the guest's lines into the user's cart as they sign in."""
    token = guest_token() if request else None
    if not token:
        return
    try:
        carts.merge_guest_cart(user, token)
        db.session.commit()
    except Exception:  # signing in must never fail because of a cart
        db.session.rollback()
        log.exception("could not merge the guest cart at login")
    g.clear_cart_cookie = True


def current_cart(create: bool = False):
    """The cart of whoever is browsing: the user's, or the guest's behind the cookie."""
    user = current_user if current_user.is_authenticated else None
    token = guest_token()
    if user is not None and token:
        # Signed in some other way than the login form (remember-me): merge now.
        carts.merge_guest_cart(user, token)
        g.clear_cart_cookie = True
    if not create:
        return carts.find_cart(user, token)
    cart = carts.get_or_create_cart(user, token)
    if user is None and cart.token != token:
        _remember_guest_cart(cart.token)
    return cart


def _back(default: str) -> str:
    return safe_redirect_target(request.form.get("next"), default)


# --- cart pages ------------------------------------------------------------------------------

@bp.app_template_global("pickup_place")
def pickup_place(vendor_order) -> str:
    """Where a part of an order is picked up, in the reader's language (checkout macros)."""
    return queries.pickup_place_text(vendor_order)


@bp.get("/cart")
def cart():
    cart = current_cart()
    if g.get("clear_cart_cookie"):
        db.session.commit()
    if cart is not None:
        cart = queries.cart_with_lines(cart.id)
    groups = queries.group_lines(cart) if cart is not None else []
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    total = Money(sum(group.subtotal_amount for group in groups), currency)
    changed = any(line.price_changed or line.stock_short
                  for group in groups for line in group.lines)
    return render_template("orders/cart.html", cart=cart, groups=groups, total=total,
                           changed=changed, locale=locale_code())


@bp.post("/cart/add")
def add_to_cart():
    cart = current_cart(create=True)
    carts.add_to_cart(current_user, cart, request.form.get("product_id"),
                         request.form.get("quantity", "1"))
    db.session.commit()
    flash(_("Added to your cart."), "success")
    return redirect(_back(url_for("orders.cart")))


@bp.post("/cart/lines/<int:line_id>")
def update_line(line_id):
    cart = current_cart()
    if cart is None:
        raise NotFound(_("That item is not in your cart."))
    carts.update_cart_line(current_user, cart, line_id, request.form.get("quantity"))
    db.session.commit()
    flash(_("Your cart is updated."), "success")
    return redirect(url_for("orders.cart"))


@bp.post("/cart/lines/<int:line_id>/remove")
def remove_line(line_id):
    cart = current_cart()
    if cart is None:
        raise NotFound(_("That item is not in your cart."))
    carts.remove_cart_line(current_user, cart, line_id)
    db.session.commit()
    flash(_("Removed from your cart."), "success")
    return redirect(url_for("orders.cart"))


@bp.post("/cart/accept-changes")
def accept_changes():
    cart = current_cart()
    if cart is not None:
        carts.accept_cart_changes(queries.cart_with_lines(cart.id))
        db.session.commit()
    return redirect(url_for("orders.cart"))


# --- the trainee's shipping fee --------------------------------------------------------------

@bp.route("/my/shipping", methods=["GET", "POST"])
@login_required
def shipping():
    if current_user.trainee is None:
        raise NotFound(_("Only trainees set a shipping fee."))
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    rate = db.session.scalar(select(ShippingRate).where(
        ShippingRate.trainee_id == current_user.trainee.id))
    error = None
    if request.method == "POST":
        offers = request.form.get("offers_shipping") == "1"
        amount = None
        if offers:
            from marketplace.core.digits import to_ascii_digits

            try:
                amount = Money.from_decimal_string(
                    to_ascii_digits(request.form.get("amount", "")), currency).amount
            except ValueError:
                error = _("Enter the fee as a number, e.g. 4.50.")
        if error is None:
            try:
                set_shipping_rate(current_user, amount)
            except DomainError as failure:
                error = str(failure.message)
            else:
                db.session.commit()
                flash(_("Your shipping fee is saved.") if offers else
                      _("You no longer offer shipping; buyers pick up."), "success")
                return redirect(url_for("orders.shipping"))
        if error is not None:
            return render_template("orders/shipping.html", rate=rate, currency=currency,
                                   error=error, value=request.form.get("amount", ""),
                                   offers=offers), 400
    value = Money(rate.amount, currency).to_decimal_string() if rate else ""
    return render_template("orders/shipping.html", rate=rate, currency=currency, error=None,
                           value=value, offers=rate is not None)
