"""Password hashing, bearer tokens and view decorators shared by every blueprint."""

import hashlib
import secrets
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core.errors import CoreErrorCode, DomainError, Forbidden

TOKEN_PREFIX = "bzc_"  # noqa: S105 - a public marker at the start of our tokens, no secret


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    # Tokens are long random strings, so a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


class Unauthorized(DomainError):
    status = 401
    code = CoreErrorCode.UNAUTHORIZED


def require_login():
    """Raise 401 unless someone is signed in (session for pages, bearer token for the API)."""
    if not current_user.is_authenticated:
        raise Unauthorized(_("Please log in first."))
    return current_user


def login_required_api(view):
    """API views: 401 with our JSON envelope instead of a redirect to the login page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require_login()
        return view(*args, **kwargs)

    # core.api.Blueprint.arguments runs this before parsing the body.
    wrapper.access_guard = require_login
    return wrapper


def require_admin():
    user = require_login()
    if not user.is_admin:
        raise Forbidden(_("Only platform administrators can do that."))
    return user


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        require_admin()
        return view(*args, **kwargs)

    # core.api.Blueprint.arguments runs this before parsing the body.
    wrapper.access_guard = require_admin
    return wrapper
