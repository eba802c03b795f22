"""Payment statuses, apart from the models so that providers (and the startup check in
create_app) import without pulling in every table."""

import enum


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_PAYMENT_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)
