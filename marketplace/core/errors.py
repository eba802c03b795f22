"""Domain errors and the one place that turns any error into a JSON body or an HTML page."""

from __future__ import annotations

import logging
from enum import StrEnum

from flask import current_app, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from marketplace.core.redirects import referrer_target
from marketplace.core.schema_messages import translate_all

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """The base of every package's error codes (`<package>/errors.py`, as saleor's
    `error_codes.py`): a code is a member of one of them, never a free string, so the
    OpenAPI document can list every code a client may see. Members compare and serialise as
    their string value."""


class CoreErrorCode(ErrorCode):
    """Generic codes: HTTP errors, input refused before any package sees it, and refusals
    every package shares."""

    BAD_PAGE = "bad_page"
    BAD_REQUEST = "bad_request"
    CONFLICT = "conflict"
    DATABASE_UNAVAILABLE = "database_unavailable"
    ERROR = "error"
    FORBIDDEN = "forbidden"
    INVALID_TRANSITION = "invalid_transition"
    JSON_TOO_DEEP = "json_too_deep"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_FOUND = "not_found"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    RULE_VIOLATION = "rule_violation"
    SERVER_ERROR = "server_error"
    UNAUTHORIZED = "unauthorized"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_ERROR = "validation_error"
    VALUE_OUT_OF_RANGE = "value_out_of_range"


def error_code_values(*enums: type[ErrorCode]) -> list[str]:
    """Every code of `enums`, once each, sorted (what the OpenAPI document lists)."""
    return sorted({member.value for enum in enums for member in enum})


class DomainError(Exception):
    """A use case refused: `code` is stable for clients, `message` is for people."""

    status = 400
    code: ErrorCode = CoreErrorCode.BAD_REQUEST

    def __init__(self, message, code: ErrorCode | None = None, fields: dict | None = None,
                 status: int | None = None):
        super().__init__(str(message))
        self.message = message
        if code is not None:
            if not isinstance(code, ErrorCode):
                # A free string would reach clients without being in the documented list.
                raise TypeError(f"an error code must be an ErrorCode member, not {code!r}")
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}


class BadRequest(DomainError):
    status = 400
    code = CoreErrorCode.BAD_REQUEST


class Forbidden(DomainError):
    status = 403
    code = CoreErrorCode.FORBIDDEN


class NotFound(DomainError):
    status = 404
    code = CoreErrorCode.NOT_FOUND


class Conflict(DomainError):
    status = 409
    code = CoreErrorCode.CONFLICT


class RuleViolation(DomainError):
    status = 422
    code = CoreErrorCode.RULE_VIOLATION


class TooManyRequests(DomainError):
    """A limit a service keeps itself (codes texted to one number): 429 with Retry-After."""

    status = 429
    code = CoreErrorCode.RATE_LIMITED

    def __init__(self, message, retry_after: int, code: ErrorCode | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


# Default codes and messages for HTTP errors raised by Flask, Werkzeug or webargs.
HTTP_CODES: dict[int, tuple[ErrorCode, str]] = {
    400: (CoreErrorCode.BAD_REQUEST, _l("The request could not be understood.")),
    401: (CoreErrorCode.UNAUTHORIZED, _l("Please log in first.")),
    403: (CoreErrorCode.FORBIDDEN, _l("You are not allowed to do that.")),
    404: (CoreErrorCode.NOT_FOUND, _l("We could not find that page.")),
    405: (CoreErrorCode.METHOD_NOT_ALLOWED, _l("That method is not allowed here.")),
    409: (CoreErrorCode.CONFLICT, _l("That conflicts with the current state.")),
    413: (CoreErrorCode.PAYLOAD_TOO_LARGE, _l("The upload is too large.")),
    415: (CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
          _l("Send the body as JSON (Content-Type: application/json).")),
    422: (CoreErrorCode.VALIDATION_ERROR, _l("Some fields are not valid.")),
    429: (CoreErrorCode.RATE_LIMITED, _l("Too many attempts. Please wait a moment and try again.")),
    500: (CoreErrorCode.SERVER_ERROR, _l("Something went wrong on our side. Please try again.")),
}
ERROR_PAGES = (400, 403, 404, 405, 409, 413, 422, 429, 500)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/payments/stripe/")


# An error reply names at most this many fields: a body with 200,000 unknown keys must not get a
# 30 MB answer that takes seconds to build. `fields_total` then says how many there were.
MAX_FIELD_ERRORS = 20
MAX_SHOWN_KEY = 100  # field names are the client's own input; a 1 MB key is not echoed


def error_body(code: ErrorCode, message: str, fields: dict | None = None) -> dict:
    shown, total = bounded_fields(fields or {})
    error: dict[str, object] = {"code": code, "message": str(message), "fields": shown}
    if total > MAX_FIELD_ERRORS:
        error["fields_total"] = total
    return {"error": error}


def bounded_fields(fields: dict, limit: int = MAX_FIELD_ERRORS) -> tuple[dict, int]:
    """The first `limit` field errors of a nested errors dict ({"attributes": {"colour":
    [...]}}), and how many fields have errors in all. A field is a leaf: a list of messages
    or a message."""
    shown: dict = {}
    total = 0
    stack = [(fields, shown)]
    while stack:
        source, target = stack.pop()
        for key, value in source.items():
            name = _shown_key(key)
            if isinstance(value, dict):
                if total < limit:
                    target[name] = {}
                    stack.append((value, target[name]))
                else:
                    stack.append((value, {}))
                continue
            total += 1
            if total <= limit:
                target[name] = [str(m) for m in value][:5] if isinstance(value, list | tuple) \
                    else str(value)
    return _drop_empty(shown), total


def _shown_key(key):
    if isinstance(key, str) and len(key) > MAX_SHOWN_KEY:
        return key[:MAX_SHOWN_KEY] + "…"
    return key


def _drop_empty(node: dict) -> dict:
    """Containers opened for fields beyond the limit may stay empty; leave them out."""
    for key in list(node):
        if isinstance(node[key], dict):
            _drop_empty(node[key])
            if not node[key]:
                del node[key]
    return node


def json_error(status: int, code: ErrorCode, message, fields: dict | None = None, headers=None):
    response = jsonify(error_body(code, message, fields))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def html_error(status: int, message, headers=None):
    template = f"errors/{status if status in ERROR_PAGES else 400}.html"
    body = render_template(template, status=status, message=message)
    return body, status, headers or {}


def http_exception_parts(error: HTTPException) -> tuple[int, ErrorCode, str, dict]:
    status = error.code or 500
    code, default_message = HTTP_CODES.get(status, (CoreErrorCode.ERROR, error.name))
    fields = {}
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs / flask-smorest validation errors, in the reader's language
        fields = translate_all(flatten_locations(data["messages"]))
    message = data.get("message") or default_message
    if status == 429:
        message = HTTP_CODES[429][1]
    return status, code, str(message), fields


def flatten_locations(messages: dict) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients want the fields."""
    flat: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
    return flat


def _rollback() -> None:
    """Nothing of a failed request may be written, even if it flushed before failing.
    (The app's Flask-SQLAlchemy, not marketplace.extensions: the kernel sits below it.)"""
    current_app.extensions["sqlalchemy"].session.rollback()


def handle_domain_error(error: DomainError):
    _rollback()
    headers = error.headers if isinstance(error, TooManyRequests) else {}
    if wants_json():
        return json_error(error.status, error.code, error.message, error.fields, headers)
    if error.status == 401:
        # A page that needs a signed-in user sends anonymous visitors to the login page.
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if request.method in {"POST", "PUT", "PATCH", "DELETE"} and request.referrer \
            and not headers:
        back = referrer_target("")
        if back:
            flash(str(error.message), "error")
            return redirect(back)
    return html_error(error.status, error.message, headers)


def handle_http_exception(error: HTTPException):
    if error.code and error.code < 400:
        return error
    _rollback()
    status, code, message, fields = http_exception_parts(error)
    headers = dict(error.get_headers()) if status in (405, 429) else {}
    headers.pop("Content-Type", None)
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = "60"
    if wants_json():
        return json_error(status, code, message, fields, headers)
    return html_error(status, message, headers)


def handle_value_out_of_range(_error: Exception):
    """An id or number too large for the database column (OverflowError from SQLite, DataError
    from PostgreSQL) is bad input, not a server fault."""
    _rollback()
    message = _("A number in the request is out of range.")
    if wants_json():
        return json_error(400, CoreErrorCode.VALUE_OUT_OF_RANGE, message)
    return html_error(400, message)


def handle_unexpected_error(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    _rollback()
    message = _("Something went wrong on our side. Please try again.")
    if wants_json():
        return json_error(500, CoreErrorCode.SERVER_ERROR, message)
    return html_error(500, message)


def register_error_handlers(app) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OverflowError, handle_value_out_of_range)
    app.register_error_handler(DataError, handle_value_out_of_range)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected_error)
