"""Payments (paying, webhooks, refunds, payouts): the error codes its refusals carry.

Each code is stable for API clients (`{"error": {"code": …}}`); the app factory registers this
enum so the OpenAPI document lists its codes. A code used by several packages lives in the lowest
of them (core.errors.CoreErrorCode for the generic HTTP ones)."""

from marketplace.core.errors import ErrorCode


class PaymentErrorCode(ErrorCode):
    ALREADY_PAID = "already_paid"
    AMOUNT_MISMATCH = "amount_mismatch"
    BAD_DATE = "bad_date"
    BAD_METHOD = "bad_method"
    BAD_PERIOD = "bad_period"
    CURRENCY_NOT_SUPPORTED = "currency_not_supported"
    DEBT_BELOW_GATEWAY_MINIMUM = "debt_below_gateway_minimum"
    DEBT_LIMIT_PASSED = "debt_limit_passed"
    DEBT_PAYMENT_IN_PROGRESS = "debt_payment_in_progress"
    INVALID_AUTHORITY = "invalid_authority"
    INVALID_SIGNATURE = "invalid_signature"
    NO_DEBT = "no_debt"
    NOTHING_TO_PAY = "nothing_to_pay"
    ORDER_EXPIRED = "order_expired"
    PAID_BY_ANOTHER_BATCH = "paid_by_another_batch"
    PAY_AT_PICKUP_CHOSEN = "pay_at_pickup_chosen"
    PAYMENT_DECLINED = "payment_declined"
    PAYMENT_IN_PROGRESS = "payment_in_progress"
    PAYMENT_NOT_STARTED = "payment_not_started"
    NOT_AWAITING_AUTHENTICATION = "not_awaiting_authentication"
    BAD_OUTCOME = "bad_outcome"
    PAYMENT_PROVIDER_REJECTED = "payment_provider_rejected"
    PAYMENT_PROVIDER_UNAVAILABLE = "payment_provider_unavailable"
    REFUND_NOT_OWED = "refund_not_owed"
    SHIPPING_BELOW_GATEWAY_MINIMUM = "shipping_below_gateway_minimum"
    SHIPPING_PAYMENT_IN_PROGRESS = "shipping_payment_in_progress"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    UNKNOWN_AUTHORITY = "unknown_authority"
    UNKNOWN_CARD = "unknown_card"
    UNKNOWN_PROVIDER = "unknown_provider"
