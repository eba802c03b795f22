"""Checkout (cart → order → pay): the error codes its refusals carry.

Each code is stable for API clients (`{"error": {"code": …}}`); the app factory registers this
enum so the OpenAPI document lists its codes. A code used by several packages lives in the lowest
of them (core.errors.CoreErrorCode for the generic HTTP ones)."""

from marketplace.core.errors import ErrorCode


class CheckoutErrorCode(ErrorCode):
    BAD_CARD = "bad_card"
    EMPTY_CART = "empty_cart"
    INVALID_CHECKOUT = "invalid_checkout"
    NO_PICKUP_PARTS = "no_pickup_parts"
    PAY_AT_PICKUP_UNAVAILABLE = "pay_at_pickup_unavailable"
    PRICES_CHANGED = "prices_changed"
