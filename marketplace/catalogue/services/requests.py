"""Asking for an item: "tell me when it is back" on a sold-out product, "make me one" on a
made-to-order one. A signed-in buyer asks, once per product, and its trainee is told (notify,
after the commit). The needs assessment counts these requests per category (reports.needs).
Functions flush and never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import (
    Product,
    ProductKind,
    ProductRequest,
    ProductStatus,
    RequestKind,
)
from marketplace.catalogue.services.access import _not_found
from marketplace.core.errors import Conflict, RuleViolation
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path


def request_kind(product: Product) -> RequestKind | None:
    """What a buyer may ask for this product: made to order, or back when sold out; None
    while it can simply be bought."""
    if product.kind == ProductKind.MADE_TO_ORDER:
        return RequestKind.MADE_TO_ORDER
    if product.status == ProductStatus.SOLD_OUT or product.stock == 0:
        return RequestKind.SOLD_OUT
    return None


def request_product(actor: User, product: Product) -> ProductRequest:
    if not policies.is_publicly_visible(product):
        raise _not_found()
    kind = request_kind(product)
    if kind is None or policies.is_owner(actor, product):
        raise RuleViolation(_("This item can be added to the cart as it is.") if kind is None
                            else _("You cannot ask for your own item."),
                            code=CatalogueErrorCode.NOT_REQUESTABLE)
    taken = Conflict(_("You have asked for this item already; its maker knows."),
                     code=CatalogueErrorCode.ALREADY_REQUESTED)
    if db.session.scalar(select(ProductRequest.id).where(
            ProductRequest.product_id == product.id,
            ProductRequest.user_id == actor.id)) is not None:
        raise taken
    asked = ProductRequest(product_id=product.id, user_id=actor.id, kind=kind)
    try:
        with db.session.begin_nested():  # a second click racing the first
            db.session.add(asked)
            db.session.flush()
    except IntegrityError:
        raise taken from None
    notify(product.trainee.user, EventKind.PRODUCT_REQUESTED,
           {"title_fa": product.title_fa, "title_en": product.title_en or "",
            "kind": kind.value},
           link=site_path("catalogue.product", product_id=product.id))
    return asked
