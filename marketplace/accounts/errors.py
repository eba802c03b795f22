"""Accounts (sign-up, log-in, tokens, staff, trainees): the error codes its refusals carry.

Each code is stable for API clients (`{"error": {"code": …}}`); the app factory registers this
enum so the OpenAPI document lists its codes. A code used by several packages lives in the lowest
of them (core.errors.CoreErrorCode for the generic HTTP ones)."""

from marketplace.core.errors import ErrorCode


class AccountErrorCode(ErrorCode):
    # Codes, not secrets: ruff's S105 reads *_TOKEN and *_PASSWORD names as passwords.
    ALREADY_INVITED = "already_invited"
    ALREADY_STAFF = "already_staff"
    ALREADY_TRAINEE = "already_trainee"
    EMAIL_TAKEN = "email_taken"
    EXPIRED_TOKEN = "expired_token"  # noqa: S105
    CODE_ATTEMPTS_EXHAUSTED = "code_attempts_exhausted"
    CODE_EXPIRED = "code_expired"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_KIND = "invalid_kind"
    INVALID_LOCALE = "invalid_locale"
    INVALID_PHONE = "invalid_phone"
    INVALID_TOKEN = "invalid_token"  # noqa: S105
    INVALID_TRADE = "invalid_trade"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_NOT_YOURS = "invitation_not_yours"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_USED = "invitation_used"
    INVITEE_REQUIRED = "invitee_required"
    NAME_REQUIRED = "name_required"
    PHONE_NOT_VERIFIED = "phone_not_verified"
    PHONE_TAKEN = "phone_taken"
    TOO_MANY_CODES = "too_many_codes"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_CENTRE = "unknown_centre"
    UNKNOWN_INVITATION = "unknown_invitation"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    UNKNOWN_TOKEN = "unknown_token"  # noqa: S105
    UNKNOWN_TRAINEE = "unknown_trainee"
    UNKNOWN_USER = "unknown_user"
    USED_TOKEN = "used_token"  # noqa: S105
    WEAK_PASSWORD = "weak_password"  # noqa: S105
    WRONG_CODE = "wrong_code"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105
