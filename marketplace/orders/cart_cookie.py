"""The guest cart cookie: a signed cookie holding the random token of a guest's cart, read and
written around the cart service (orders.services.cart.current_cart) for the page that asks."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from marketplace.orders.services import cart as carts

CART_COOKIE = "bz_cart"
CART_COOKIE_MAX_AGE = 30 * 24 * 3600


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


def write_cart_cookie(response):
    """After each request: hand a new guest cart's token to the browser, or drop a merged one."""
    token = g.pop("set_cart_cookie", None)
    if token:
        response.set_cookie(CART_COOKIE, _serializer().dumps(token), max_age=CART_COOKIE_MAX_AGE,
                            httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    elif g.pop("clear_cart_cookie", False):
        response.delete_cookie(CART_COOKIE)
    return response


def browsing_cart(create: bool = False):
    """carts.current_cart for this request: the guest cart cookie read, and then written for a
    new guest cart or cleared once a signed-in user's guest cart is merged."""
    user = current_user if current_user.is_authenticated else None
    token = guest_token()
    cart = carts.current_cart(user, token, create=create)
    if user is not None and token:
        g.clear_cart_cookie = True
    elif cart is not None and cart.token and cart.token != token:
        _remember_guest_cart(cart.token)
    return cart
