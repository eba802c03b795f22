"""Orders (carts, orders, fulfilment, refunds): the error codes its refusals carry.

Each code is stable for API clients (`{"error": {"code": …}}`); the app factory registers this
enum so the OpenAPI document lists its codes. A code used by several packages lives in the lowest
of them (core.errors.CoreErrorCode for the generic HTTP ones)."""

from marketplace.core.errors import ErrorCode


class OrderErrorCode(ErrorCode):
    BAD_AMOUNT = "bad_amount"
    BAD_PRODUCT = "bad_product"
    BAD_QUANTITY = "bad_quantity"
    BAD_STATUS = "bad_status"
    CART_FULL = "cart_full"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    NOT_PENDING = "not_pending"
    OUT_OF_STOCK = "out_of_stock"
    OWN_PRODUCT = "own_product"
    PICKUP_ONLY = "pickup_only"
    PRODUCT_UNAVAILABLE = "product_unavailable"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    UNKNOWN_ACTION = "unknown_action"
