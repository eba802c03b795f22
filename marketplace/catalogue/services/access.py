"""Looking up a listing for an actor: someone else's listing is missing (404), never forbidden."""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import Product
from marketplace.catalogue.queries.listings import MAX_ID
from marketplace.core.errors import NotFound
from marketplace.extensions import db


def _not_found() -> NotFound:
    return NotFound(_("We could not find that product."), code=CatalogueErrorCode.PRODUCT_NOT_FOUND)


def _get_product(product_id: int) -> Product | None:
    return db.session.get(Product, product_id) if 0 < product_id <= MAX_ID else None


def get_product_for_owner(actor: User | None, product_id: int) -> Product:
    product = _get_product(product_id)
    if product is None or not policies.can_edit_product(actor, product):
        raise _not_found()
    return product


def get_product_for_reviewer(actor: User | None, product_id: int) -> Product:
    product = _get_product(product_id)
    if product is None or not policies.can_review_product(actor, product):
        raise _not_found()
    return product


def get_visible_product(actor: User | None, product_id: int) -> Product:
    product = _get_product(product_id)
    if product is None or not policies.can_view_product(actor, product):
        raise _not_found()
    return product

