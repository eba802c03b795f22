"""Storefront (stores, centres): the error codes its refusals carry.

Each code is stable for API clients (`{"error": {"code": …}}`); the app factory registers this
enum so the OpenAPI document lists its codes. A code used by several packages lives in the lowest
of them (core.errors.CoreErrorCode for the generic HTTP ones)."""

from marketplace.core.errors import ErrorCode


class StorefrontErrorCode(ErrorCode):
    CENTRE_NOT_FOUND = "centre_not_found"
    STORE_NOT_FOUND = "store_not_found"
