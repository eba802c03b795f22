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
    HANDOVER_LOCKED = "handover_locked"
    CART_FULL = "cart_full"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    NOT_PENDING = "not_pending"
    NOT_READY_FOR_HANDOVER = "not_ready_for_handover"
    OUT_OF_STOCK = "out_of_stock"
    OWN_PRODUCT = "own_product"
    PICKUP_NOT_DISRUPTED = "pickup_not_disrupted"
    PICKUP_ONLY = "pickup_only"
    PRODUCT_UNAVAILABLE = "product_unavailable"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    SHIPPING_NEEDS_PAYMENT = "shipping_needs_payment"
    SHIPPING_NOT_OFFERED = "shipping_not_offered"
    UNKNOWN_ACTION = "unknown_action"
    UNKNOWN_PICKUP_DAY = "unknown_pickup_day"
    WRONG_HANDOVER_CODE = "wrong_handover_code"
