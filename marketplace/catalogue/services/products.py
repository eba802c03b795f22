"""Creating, changing and deleting a listing."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import EDITABLE_STATUSES, Product, ProductStatus
from marketplace.catalogue.search_index import refresh_search_key
from marketplace.catalogue.services.access import _not_found
from marketplace.catalogue.services.images import _delete_files, _sizes
from marketplace.catalogue.services.listing_data import (
    ListingData,
    check_listing,
    settle_stock_status,
    stored_attributes,
    write_attributes,
)
from marketplace.catalogue.services.workflow import _transition, send_back_to_review
from marketplace.core.errors import Conflict, Forbidden
from marketplace.core.jobs import after_commit
from marketplace.extensions import db


def _require_trainee(actor: User | None):
    trainee = getattr(actor, "trainee", None) if actor is not None else None
    if trainee is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Only trainees can list products."),
                        code=CatalogueErrorCode.NOT_A_TRAINEE)
    return trainee


def create_product(actor: User, data: ListingData) -> Product:
    """A new listing, in draft, owned by the acting trainee."""
    trainee = _require_trainee(actor)
    category, attributes = check_listing(data)
    product = Product(trainee=trainee, currency=current_app.config["MARKETPLACE_CURRENCY"],
                      status=ProductStatus.DRAFT, category=category, **data.columns())
    db.session.add(product)
    write_attributes(product, attributes)
    db.session.flush()
    refresh_search_key(product)
    return product


def update_product(actor: User, product: Product, data: ListingData) -> Product:
    """The listing becomes `data`. Attribute values left as they were in the same category are
    not checked again (a definition tightened since must not block changing the stock)."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    if product.status not in EDITABLE_STATUSES:
        raise Conflict(_("An archived listing cannot be changed."),
                       code=CatalogueErrorCode.PRODUCT_ARCHIVED)
    unchanged = (data.category_id == product.category_id
                 and dict(data.attributes) == stored_attributes(product))
    if unchanged:
        category, attributes = product.category, None
    else:
        category, attributes = check_listing(data)
    reviewed_changed = _reviewed_content_changed(product, data, category, attributes)
    for name, value in data.columns().items():
        setattr(product, name, value)
    product.category = category
    if attributes is not None:
        write_attributes(product, attributes)
    settle_stock_status(product)
    if reviewed_changed:
        send_back_to_review(actor, product)
    db.session.flush()
    refresh_search_key(product)
    return product


# What the centre reviews of a listing's own fields; price, stock, kind, lead time and
# shipping weight change without a new review.
REVIEWED_FIELDS = ("title_fa", "title_en", "description_fa", "description_en")


def _reviewed_content_changed(product: Product, data: ListingData, category,
                              attributes: dict | None) -> bool:
    """The text, category or attribute values differ from what is stored (values compared as
    stored, so «۴۰» for 40 is no change)."""
    columns = data.columns()
    if any((columns[name] or "") != (getattr(product, name) or "") for name in REVIEWED_FIELDS):
        return True
    if category.id != product.category_id:
        return True
    return attributes is not None and {d.key: text for d, (text, _n, _b) in attributes.items()} \
        != stored_attributes(product)


def delete_product(actor: User, product: Product) -> bool:
    """Delete a listing that was never published; archive one that was (orders refer to it).
    Returns True when the row was deleted."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    if product.published_at is not None:
        if product.status != ProductStatus.ARCHIVED:
            _transition(actor, product, "archive")
        return False
    keys = [image.rendition_key(size) for image in product.images for size in _sizes()]
    db.session.delete(product)
    db.session.flush()
    after_commit(_delete_files, keys)
    return True

