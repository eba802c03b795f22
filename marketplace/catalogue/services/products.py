"""Creating, changing and deleting a listing."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import EDITABLE_STATUSES, Category, Product, ProductStatus
from marketplace.catalogue.search_index import refresh_search_key
from marketplace.catalogue.services.access import _not_found
from marketplace.catalogue.services.images import _delete_files, _sizes
from marketplace.catalogue.services.listing_data import (
    _clean_product,
    _settle_stock_status,
    _write_attributes,
)
from marketplace.catalogue.services.workflow import _transition
from marketplace.core.errors import Conflict, Forbidden
from marketplace.core.jobs import after_commit
from marketplace.extensions import db


def _require_trainee(actor: User | None):
    trainee = getattr(actor, "trainee", None) if actor is not None else None
    if trainee is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Only trainees can list products."),
                        code=CatalogueErrorCode.NOT_A_TRAINEE)
    return trainee


def create_product(actor: User, data: dict) -> Product:
    """A new listing, in draft, owned by the acting trainee."""
    trainee = _require_trainee(actor)
    clean, attributes = _clean_product(data, None)
    product = Product(trainee=trainee, currency=current_app.config["MARKETPLACE_CURRENCY"],
                      status=ProductStatus.DRAFT, **clean)
    product.description_fa = product.description_fa or ""
    db.session.add(product)
    _write_attributes(product, attributes or {})
    db.session.flush()
    refresh_search_key(product)
    return product


def update_product(actor: User, product: Product, data: dict) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    if product.status not in EDITABLE_STATUSES:
        raise Conflict(_("An archived listing cannot be changed."),
                       code=CatalogueErrorCode.PRODUCT_ARCHIVED)
    clean, attributes = _clean_product(data, product)
    for name, value in clean.items():
        setattr(product, name, value)
    if "category_id" in clean:
        product.category = db.session.get_one(Category, clean["category_id"])
    if attributes is not None:
        _write_attributes(product, attributes)
    _settle_stock_status(product)
    db.session.flush()
    refresh_search_key(product)
    return product


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

