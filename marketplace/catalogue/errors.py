"""Catalogue (categories, attributes, products, images, search): the error codes its refusals carry.

Each code is stable for API clients (`{"error": {"code": …}}`); the app factory registers this
enum so the OpenAPI document lists its codes. A code used by several packages lives in the lowest
of them (core.errors.CoreErrorCode for the generic HTTP ones)."""

from marketplace.core.errors import ErrorCode


class CatalogueErrorCode(ErrorCode):
    ALREADY_REQUESTED = "already_requested"
    ATTRIBUTE_CLASH = "attribute_clash"
    ATTRIBUTE_IN_USE = "attribute_in_use"
    BAD_FILTER = "bad_filter"
    BAD_IMAGE_ORDER = "bad_image_order"
    CATEGORY_IN_USE = "category_in_use"
    CATEGORY_NOT_EMPTY = "category_not_empty"
    IMAGE_EMPTY = "image_empty"
    IMAGE_NOT_FOUND = "image_not_found"
    IMAGE_PIXELS = "image_pixels"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TYPE = "image_type"
    NOT_REQUESTABLE = "not_requestable"
    NOT_A_TRAINEE = "not_a_trainee"
    PRODUCT_ARCHIVED = "product_archived"
    PRODUCT_NOT_FOUND = "product_not_found"
    QUERY_TOO_LONG = "query_too_long"
    TOO_MANY_IMAGES = "too_many_images"
    VENDOR_NOT_VERIFIED = "vendor_not_verified"
    VENDOR_SUSPENDED = "vendor_suspended"
