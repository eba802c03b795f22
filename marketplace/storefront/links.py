"""Where storefront pages, the API and QR codes point: the catalogue's product page, product
covers and trainee photos."""

from __future__ import annotations

from flask import url_for

from marketplace.catalogue.storage import get_storage

# The catalogue's public product page; QR codes, tags and store cards point at it.
PRODUCT_ENDPOINT = "catalogue.product"
COVER_SIZE = "medium"


def product_path(product_id: int) -> str:
    return url_for(PRODUCT_ENDPOINT, product_id=product_id)


def product_cover(product) -> dict | None:
    """The product's first image as {"url", "alt"}, or None (load the images first)."""
    image = product.cover
    if image is None:
        return None
    return {"url": get_storage().url(image.rendition_key(COVER_SIZE)),
            "alt": image.alt_text or product.title_fa}


def avatar_url(trainee) -> str | None:
    """Where the trainee's photo is served (a storage key), if they have one."""
    return _stored_url(trainee.avatar_path)


def banner_url(trainee) -> str | None:
    """Where the store's uploaded banner is served, if it has one."""
    return _stored_url(trainee.banner_path)


def _stored_url(key: str | None) -> str | None:
    if not key:
        return None
    try:
        return get_storage().url(key)
    except ValueError:  # not a storage key we would have written: show nothing
        return None
