"""A listing's photos: add, describe, reorder, delete, and their stored files. A new, removed
or redescribed photo of an approved listing sends it back to review (the order does not: the
centre saw every photo)."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.images import SIZES, process_image
from marketplace.catalogue.models import (
    EDITABLE_STATUSES,
    MAX_IMAGES_PER_PRODUCT,
    Product,
    ProductImage,
)
from marketplace.catalogue.services.access import _not_found
from marketplace.catalogue.services.workflow import send_back_to_review
from marketplace.catalogue.storage import get_storage
from marketplace.core.errors import Conflict, NotFound, RuleViolation
from marketplace.core.jobs import after_commit
from marketplace.extensions import db


def _sizes():
    return SIZES


def _delete_files(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)


def add_product_image(actor: User, product: Product, data: bytes,
                      alt_text: str = "") -> ProductImage:
    """Check, re-encode and store a photo; at most MAX_IMAGES_PER_PRODUCT per listing. The
    description's length is checked by the form or the schema (ALT_TEXT_MAX)."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    if product.status not in EDITABLE_STATUSES:
        raise Conflict(_("An archived listing cannot be changed."),
                       code=CatalogueErrorCode.PRODUCT_ARCHIVED)
    if len(product.images) >= MAX_IMAGES_PER_PRODUCT:
        message = _("A listing can have at most %(n)d photos.", n=MAX_IMAGES_PER_PRODUCT)
        raise RuleViolation(message, code=CatalogueErrorCode.TOO_MANY_IMAGES,
                            fields={"image": [message]})
    processed = process_image(data)
    key = f"products/{product.id}/{secrets.token_hex(8)}"
    image = ProductImage(key=key, extension="webp", width=processed.width,
                         height=processed.height, byte_size=processed.byte_size, alt_text=alt_text,
                         position=max((i.position for i in product.images), default=-1) + 1)
    product.images.append(image)
    send_back_to_review(actor, product)
    db.session.flush()
    storage = get_storage()
    for size, blob in processed.renditions.items():
        storage.save(image.rendition_key(size), blob)
    return image


def get_image_for_owner(actor: User, product: Product, image_id: int) -> ProductImage:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    for image in product.images:
        if image.id == image_id:
            return image
    raise NotFound(_("We could not find that photo."), code=CatalogueErrorCode.IMAGE_NOT_FOUND)


def update_image_alt(actor: User, image: ProductImage, alt_text: str) -> ProductImage:
    if not policies.can_edit_product(actor, image.product):
        raise _not_found()
    if alt_text != (image.alt_text or ""):
        image.alt_text = alt_text
        send_back_to_review(actor, image.product)
    db.session.flush()
    return image


def delete_product_image(actor: User, image: ProductImage) -> None:
    product = image.product
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    keys = [image.rendition_key(size) for size in _sizes()]
    product.images.remove(image)
    for position, remaining in enumerate(product.images):
        remaining.position = position
    send_back_to_review(actor, product)
    db.session.flush()
    after_commit(_delete_files, keys)


def reorder_product_images(actor: User, product: Product, image_ids: list[int]) -> None:
    """Put the photos in the given order (the first is the cover)."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    current = {image.id: image for image in product.images}
    if sorted(image_ids) != sorted(current):
        message = _("Give every photo of this listing exactly once.")
        raise RuleViolation(message,
                            code=CatalogueErrorCode.BAD_IMAGE_ORDER, fields={"order": [message]})
    for position, image_id in enumerate(image_ids):
        current[image_id].position = position
    db.session.flush()
    db.session.expire(product, ["images"])

