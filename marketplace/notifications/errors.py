"""Notifications: the error codes its refusals carry (stable for API clients)."""

from marketplace.core.errors import ErrorCode


class NotificationErrorCode(ErrorCode):
    UNKNOWN_NOTICE = "unknown_notice"
    MESSAGE_REQUIRED = "message_required"
    MESSAGE_TOO_LONG = "message_too_long"
