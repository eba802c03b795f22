"""Catalogue use cases: listings and their workflow, attributes, photos, stock, categories.

Functions take the acting user first, check the policy, change rows and flush; the caller
commits. Someone else's listing is reported as missing (404), never as forbidden.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm.util import identity_key

from marketplace.accounts.models import TraineeStatus, User
from marketplace.accounts.policies import is_active_vendor
from marketplace.catalogue import policies, queries
from marketplace.catalogue.images import process_image
from marketplace.catalogue.models import (
    EDITABLE_STATUSES,
    MAX_IMAGES_PER_PRODUCT,
    NUMERIC_TYPES,
    PRODUCT_TRANSITIONS,
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductKind,
    ProductStatus,
    ProductStatusChange,
)
from marketplace.catalogue.search_index import refresh_search_key
from marketplace.catalogue.storage import get_storage
from marketplace.core.db import utcnow
from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from marketplace.core.i18n import format_number
from marketplace.core.input import text_problem
from marketplace.core.jobs import after_commit
from marketplace.core.money import Money
from marketplace.core.text import slugify
from marketplace.extensions import db

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
TEXT_ATTRIBUTE_MAX = 500
ALT_TEXT_MAX = 300
REASON_MAX = 1000
# Anything above these is a typo or an attack, not a real listing.
MAX_PRICE_AMOUNT = 10**12
MAX_STOCK = 100_000
MAX_LEAD_TIME_DAYS = 365
MAX_SHIPPING_WEIGHT_G = 1_000_000
MAX_ATTRIBUTE_NUMBER = 10**9


# --- stock (used by orders) --------------------------------------------------------------------

def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValueError("quantity must be a positive int")


def _forget_cached(product_id: int) -> None:
    """The UPDATE bypassed the ORM; make a loaded Product re-read stock and status."""
    product = db.session.identity_map.get(identity_key(Product, product_id))
    if product is not None:
        db.session.expire(product, ["stock", "status", "updated_at"])


def take_stock(product_id: int, quantity: int) -> bool:
    """Take `quantity` of an active product; False (and nothing changed) if there is not enough.

    One statement — `UPDATE products SET stock = stock - :n WHERE id = :id AND stock >= :n AND
    status = 'active'` — so two buyers of the last item can never both succeed, on SQLite or
    PostgreSQL. A product whose stock reaches zero becomes sold out in the same statement.
    """
    _check_quantity(quantity)
    changed = db.session.execute(_TAKE_STOCK, {
        "product_id": product_id, "quantity": quantity, "now": utcnow()}).rowcount == 1
    _forget_cached(product_id)
    return changed


# Built once: every order placed runs it per line, and a statement object that is reused keeps
# its SQL-cache key (as accounts.services' token lookup does).
_TAKE_STOCK = (
    update(Product)
    .where(Product.id == bindparam("product_id"), Product.stock >= bindparam("quantity"),
           Product.status == ProductStatus.ACTIVE)
    .values(stock=Product.stock - bindparam("quantity"),
            status=case((Product.stock == bindparam("quantity"), ProductStatus.SOLD_OUT.value),
                        else_=Product.status),
            updated_at=bindparam("now", type_=Product.__table__.c.updated_at.type))
    .execution_options(synchronize_session=False)
)


def return_stock(product_id: int, quantity: int) -> None:
    """Give stock back (an order expired unpaid, was cancelled, its payment failed); a sold-out
    product is for sale again."""
    _check_quantity(quantity)
    statement = (
        update(Product)
        .where(Product.id == product_id)
        .values(stock=Product.stock + quantity,
                status=case((Product.status == ProductStatus.SOLD_OUT.value,
                             ProductStatus.ACTIVE.value), else_=Product.status),
                updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(statement)
    _forget_cached(product_id)


# --- looking up a listing for an actor ---------------------------------------------------------

def _not_found() -> NotFound:
    return NotFound(_("We could not find that product."), code="product_not_found")


def _get_product(product_id: int) -> Product | None:
    return db.session.get(Product, product_id) if 0 < product_id <= queries.MAX_ID else None


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


# --- validating listing data -------------------------------------------------------------------

PRODUCT_FIELDS = ("title_fa", "title_en", "description_fa", "description_en", "category_id",
                  "price_amount", "price", "stock", "kind", "lead_time_days", "shipping_weight_g",
                  "attributes")
_TRUE = {"1", "true", "yes", "on", "y", "بله"}
_FALSE = {"0", "false", "no", "off", "n", "خیر"}


class FieldErrors:
    def __init__(self):
        self.fields: dict = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def add_attribute(self, key: str, message: str) -> None:
        self.fields.setdefault("attributes", {}).setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise RuleViolation(_("Some fields are not valid."), code="validation_error",
                                fields=self.fields)


def _clean_text(value, name: str, errors: FieldErrors, *, maximum: int,
                required: bool = False, single_line: bool = False) -> str | None:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        errors.add(name, _("Must be text."))
        return None
    problem = text_problem(text, single_line=single_line)
    if problem:
        errors.add(name, str(problem))
        return None
    if required and not text:
        errors.add(name, _("This field is required."))
    if len(text) > maximum:
        errors.add(name, _("At most %(n)d characters.", n=maximum))
    return text or None


def _clean_int(value, name: str, errors: FieldErrors, *, minimum: int, maximum: int,
               required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(name, _("This field is required."))
        return None
    if isinstance(value, bool | float):
        errors.add(name, _("Must be a whole number."))
        return None
    try:
        number = parse_int(value)
    except (ValueError, TypeError):
        errors.add(name, _("Must be a whole number."))
        return None
    if number < minimum:
        errors.add(name, _("Must be at least %(n)s.", n=minimum))
    elif number > maximum:
        errors.add(name, _("Must be at most %(n)s.", n=maximum))
    return number


def _attribute_value(definition: AttributeDefinition, raw, errors: FieldErrors):
    """(value_text, value_number, value_bool) for a raw input, or None after adding an error."""
    key = definition.key
    kind = definition.type
    if kind == AttributeType.BOOLEAN:
        if isinstance(raw, bool):
            flag = raw
        elif isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            flag = raw.strip().lower() in _TRUE
        else:
            errors.add_attribute(key, _("Must be yes or no."))
            return None
        return ("true" if flag else "false", None, flag)
    if kind == AttributeType.INTEGER:
        if isinstance(raw, bool | float):
            errors.add_attribute(key, _("Must be a whole number."))
            return None
        try:
            number = parse_int(raw)
        except (ValueError, TypeError):
            errors.add_attribute(key, _("Must be a whole number."))
            return None
        if abs(number) > MAX_ATTRIBUTE_NUMBER:
            errors.add_attribute(key, _("That number is too large."))
            return None
        if not _within_bounds(definition, number, errors):
            return None
        return (str(number), float(number), None)
    if kind == AttributeType.DECIMAL:
        if isinstance(raw, bool):
            errors.add_attribute(key, _("Must be a number."))
            return None
        try:
            number = Decimal(to_ascii_digits(str(raw)).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            errors.add_attribute(key, _("Must be a number."))
            return None
        if not number.is_finite() or abs(number) > MAX_ATTRIBUTE_NUMBER:
            errors.add_attribute(key, _("That number is too large."))
            return None
        if not _within_bounds(definition, number, errors):
            return None
        text = format(number.normalize(), "f")
        return (text, float(number), None)
    if kind == AttributeType.CHOICE:
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            errors.add_attribute(key, _("Choose one of the listed values."))
            return None
        value = to_ascii_digits(str(raw)).strip()
        if value not in definition.choice_values:
            errors.add_attribute(key, _("Choose one of: %(values)s.",
                                        values=", ".join(definition.choice_values)))
            return None
        number = float(value) if definition.is_numeric else None
        return (value, number, None)
    if not isinstance(raw, str):
        errors.add_attribute(key, _("Must be text."))
        return None
    text = raw.strip()
    if len(text) > TEXT_ATTRIBUTE_MAX:
        errors.add_attribute(key, _("At most %(n)d characters.", n=TEXT_ATTRIBUTE_MAX))
        return None
    return (text, None, None)


def _bound_text(bound: float) -> str:
    return format_number(int(bound) if bound == int(bound) else bound)


def _within_bounds(definition: AttributeDefinition, number, errors: FieldErrors) -> bool:
    """The definition's minimum and maximum (numbers only), with a message naming the bound."""
    if definition.minimum is not None and number < Decimal(repr(definition.minimum)):
        errors.add_attribute(definition.key, _("Must be at least %(n)s.",
                                               n=_bound_text(definition.minimum)))
        return False
    if definition.maximum is not None and number > Decimal(repr(definition.maximum)):
        errors.add_attribute(definition.key, _("Must be at most %(n)s.",
                                               n=_bound_text(definition.maximum)))
        return False
    return True


def _clean_bound(value, name: str, errors: FieldErrors) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.add(name, _("Must be a number."))
        return None
    try:
        number = Decimal(to_ascii_digits(str(value)).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        errors.add(name, _("Must be a number."))
        return None
    if not number.is_finite() or abs(number) > MAX_ATTRIBUTE_NUMBER:
        errors.add(name, _("That number is too large."))
        return None
    return float(number)


def _clean_attributes(category: Category, raw: dict | None, errors: FieldErrors) -> dict:
    """{definition: (text, number, bool)} checked against the category's inherited attributes."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors.add("attributes", _("Must be an object of attribute values."))
        return {}
    definitions = {d.key: d for d in queries.category_definitions(category)}
    for key in raw:
        if key not in definitions:
            errors.add_attribute(str(key), _("This category has no such attribute."))
    clean = {}
    for key, definition in definitions.items():
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if definition.is_required:
                errors.add_attribute(key, _("This field is required."))
            continue
        parsed = _attribute_value(definition, value, errors)
        if parsed is not None:
            clean[definition] = parsed
    return clean


def _clean_product(data: dict, product: Product | None) -> tuple[dict, dict | None]:
    """Validate a full (create) or partial (update) input before anything is written."""
    errors = FieldErrors()
    unknown = set(data) - set(PRODUCT_FIELDS)
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))

    def current(name):
        return data[name] if name in data else getattr(product, name, None)

    clean: dict = {}
    if product is None or "title_fa" in data:
        clean["title_fa"] = _clean_text(data.get("title_fa"), "title_fa", errors,
                                        maximum=TITLE_MAX, required=True, single_line=True)
    for name, maximum in (("title_en", TITLE_MAX), ("description_fa", DESCRIPTION_MAX),
                          ("description_en", DESCRIPTION_MAX)):
        if name in data:
            clean[name] = _clean_text(data[name], name, errors, maximum=maximum,
                                      single_line=name.startswith("title"))
    if "description_fa" in clean:
        clean["description_fa"] = clean["description_fa"] or ""

    category = product.category if product else None
    if product is None or "category_id" in data:
        raw_id = data.get("category_id")
        try:
            category = db.session.get(Category, parse_int(raw_id)) if raw_id not in (
                None, "") and not isinstance(raw_id, bool) else None
        except (ValueError, TypeError):
            category = None
        if category is None:
            errors.add("category_id", _("Choose a category."))
        else:
            clean["category_id"] = category.id

    if "price" in data and "price_amount" not in data:
        # Forms give the price in the currency's main unit ("12.50", Persian digits welcome).
        currency = product.currency if product else current_app.config["MARKETPLACE_CURRENCY"]
        text = to_ascii_digits(str(data["price"] or "")).replace(" ", "").strip()
        data = {**data, "price_amount": None}
        if text:
            try:
                data["price_amount"] = Money.from_decimal_string(text, currency).amount
            except ValueError:
                data["price_amount"] = "not a number"
    if product is None or "price_amount" in data:
        clean["price_amount"] = _clean_int(data.get("price_amount"), "price_amount", errors,
                                           minimum=1, maximum=MAX_PRICE_AMOUNT)
    kind_raw = current("kind") or ProductKind.REGULAR
    try:
        kind = ProductKind(kind_raw)
    except ValueError:
        errors.add("kind", _("Unknown kind of product."))
        kind = ProductKind.REGULAR
    if product is None or "kind" in data:
        clean["kind"] = kind
    if product is None or "stock" in data or "kind" in data:
        default_stock = 1 if kind == ProductKind.ONE_OF_A_KIND else 0
        stock_raw = current("stock")
        stock = _clean_int(default_stock if stock_raw in (None, "") else stock_raw, "stock",
                           errors, minimum=0, maximum=MAX_STOCK)
        if kind == ProductKind.ONE_OF_A_KIND and stock is not None and stock > 1:
            errors.add("stock", _("A one-of-a-kind item has a stock of 1 (or 0 once sold)."))
        clean["stock"] = stock
    if product is None or "lead_time_days" in data or "kind" in data:
        lead = current("lead_time_days")
        if kind == ProductKind.MADE_TO_ORDER:
            clean["lead_time_days"] = _clean_int(lead, "lead_time_days", errors, minimum=1,
                                                 maximum=MAX_LEAD_TIME_DAYS)
        else:
            clean["lead_time_days"] = None
    if "shipping_weight_g" in data:
        clean["shipping_weight_g"] = _clean_int(data["shipping_weight_g"], "shipping_weight_g",
                                                errors, minimum=1,
                                                maximum=MAX_SHIPPING_WEIGHT_G, required=False)

    attributes = None
    if category is not None and (product is None or "attributes" in data
                                 or "category_id" in data):
        raw = data.get("attributes")
        if raw is None and product is not None:
            raw = {v.definition.key: v.value_text for v in product.attribute_values}
        attributes = _clean_attributes(category, raw, errors)
    errors.raise_if_any()
    return clean, attributes


def _write_attributes(product: Product, attributes: dict) -> None:
    existing = {v.definition_id: v for v in product.attribute_values}
    wanted = {d.id for d in attributes}
    for definition_id, value in existing.items():
        if definition_id not in wanted:
            product.attribute_values.remove(value)
    for definition, (text, number, flag) in attributes.items():
        row = existing.get(definition.id)
        if row is None:
            row = ProductAttributeValue(definition=definition)
            product.attribute_values.append(row)
        row.value_text, row.value_number, row.value_bool = text, number, flag


def _settle_stock_status(product: Product) -> None:
    """An approved listing is sold out at zero stock and for sale again once restocked."""
    if product.status == ProductStatus.ACTIVE and product.stock == 0:
        product.status = ProductStatus.SOLD_OUT
    elif product.status == ProductStatus.SOLD_OUT and product.stock > 0:
        product.status = ProductStatus.ACTIVE


# --- creating, changing, deleting --------------------------------------------------------------

def _require_trainee(actor: User | None):
    trainee = getattr(actor, "trainee", None) if actor is not None else None
    if trainee is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Only trainees can list products."), code="not_a_trainee")
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
        raise Conflict(_("An archived listing cannot be changed."), code="product_archived")
    clean, attributes = _clean_product(data, product)
    for name, value in clean.items():
        setattr(product, name, value)
    if "category_id" in clean:
        product.category = db.session.get(Category, clean["category_id"])
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


def _sizes():
    from marketplace.catalogue.images import SIZES

    return SIZES


def _delete_files(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)


# --- the listing workflow ----------------------------------------------------------------------

def _transition(actor: User | None, product: Product, action: str,
                reason: str | None = None) -> None:
    target = PRODUCT_TRANSITIONS.get((product.status, action))
    if target is None:
        raise Conflict(_("A listing that is %(status)s cannot be %(action)s.",
                         status=status_label(product.status), action=action_label(action)),
                       code="invalid_transition")
    db.session.add(ProductStatusChange(
        product_id=product.id, from_status=product.status.value, to_status=target.value,
        action=action, actor=actor if getattr(actor, "id", None) else None, reason=reason))
    product.status = target
    product.status_reason = reason if action == "reject" else None
    if target == ProductStatus.ACTIVE and product.published_at is None:
        product.published_at = utcnow()


def _require_active_vendor(actor: User) -> None:
    if is_active_vendor(actor):
        return
    trainee = actor.trainee
    if trainee is not None and trainee.status == TraineeStatus.SUSPENDED:
        raise Forbidden(_("Your store is suspended; your centre must reinstate it first."),
                        code="vendor_suspended")
    raise Forbidden(_("Your training centre has to verify you before you can sell."),
                    code="vendor_not_verified")


def submit_product(actor: User, product: Product) -> Product:
    """Send a draft (or a rejected listing, once fixed) for review; published at once when the
    centre auto-approves its trainees' listings."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _require_active_vendor(actor)
    _transition(actor, product, "submit")
    if product.trainee.centre.auto_approve_listings:
        _transition(None, product, "approve", reason=None)
        _settle_stock_status(product)
    db.session.flush()
    return product


def approve_product(actor: User, product: Product) -> Product:
    if not policies.can_review_product(actor, product):
        raise _not_found()
    _transition(actor, product, "approve")
    _settle_stock_status(product)
    db.session.flush()
    return product


def reject_product(actor: User, product: Product, reason: str | None) -> Product:
    if not policies.can_review_product(actor, product):
        raise _not_found()
    errors = FieldErrors()
    reason = _clean_text(reason, "reason", errors, maximum=REASON_MAX, required=True)
    errors.raise_if_any()
    _transition(actor, product, "reject", reason=reason)
    db.session.flush()
    return product


def pause_product(actor: User, product: Product) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _transition(actor, product, "pause")
    db.session.flush()
    return product


def resume_product(actor: User, product: Product) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _require_active_vendor(actor)
    _transition(actor, product, "resume")
    _settle_stock_status(product)
    db.session.flush()
    return product


def archive_product(actor: User, product: Product) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _transition(actor, product, "archive")
    db.session.flush()
    return product


def status_label(status: ProductStatus) -> str:
    return str(STATUS_LABELS.get(status, status.value))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _lazy_labels():
    from flask_babel import lazy_gettext as _l

    statuses = {
        ProductStatus.DRAFT: _l("draft"), ProductStatus.SUBMITTED: _l("waiting for review"),
        ProductStatus.ACTIVE: _l("for sale"), ProductStatus.REJECTED: _l("rejected"),
        ProductStatus.PAUSED: _l("paused"), ProductStatus.SOLD_OUT: _l("sold out"),
        ProductStatus.ARCHIVED: _l("archived"),
    }
    actions = {"submit": _l("submitted"), "approve": _l("approved"), "reject": _l("rejected"),
               "pause": _l("paused"), "resume": _l("resumed"), "archive": _l("archived"),
               "sell_out": _l("marked sold out"), "restock": _l("restocked")}
    return statuses, actions


STATUS_LABELS, ACTION_LABELS = _lazy_labels()


# --- photos ------------------------------------------------------------------------------------

def add_product_image(actor: User, product: Product, data: bytes,
                      alt_text: str | None = None) -> ProductImage:
    """Check, re-encode and store a photo; at most MAX_IMAGES_PER_PRODUCT per listing."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    if product.status not in EDITABLE_STATUSES:
        raise Conflict(_("An archived listing cannot be changed."), code="product_archived")
    if len(product.images) >= MAX_IMAGES_PER_PRODUCT:
        message = _("A listing can have at most %(n)d photos.", n=MAX_IMAGES_PER_PRODUCT)
        raise RuleViolation(message, code="too_many_images", fields={"image": [message]})
    errors = FieldErrors()
    alt = _clean_text(alt_text, "alt_text", errors, maximum=ALT_TEXT_MAX) or ""
    errors.raise_if_any()
    processed = process_image(data)
    key = f"products/{product.id}/{secrets.token_hex(8)}"
    image = ProductImage(key=key, extension="webp", width=processed.width,
                         height=processed.height, byte_size=processed.byte_size, alt_text=alt,
                         position=max((i.position for i in product.images), default=-1) + 1)
    product.images.append(image)
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
    raise NotFound(_("We could not find that photo."), code="image_not_found")


def update_image_alt(actor: User, image: ProductImage, alt_text: str | None) -> ProductImage:
    if not policies.can_edit_product(actor, image.product):
        raise _not_found()
    errors = FieldErrors()
    image.alt_text = _clean_text(alt_text, "alt_text", errors, maximum=ALT_TEXT_MAX) or ""
    errors.raise_if_any()
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
    db.session.flush()
    after_commit(_delete_files, keys)


def reorder_product_images(actor: User, product: Product, image_ids: list[int]) -> None:
    """Put the photos in the given order (the first is the cover)."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    current = {image.id: image for image in product.images}
    if sorted(image_ids) != sorted(current):
        message = _("Give every photo of this listing exactly once.")
        raise RuleViolation(message, code="bad_image_order", fields={"order": [message]})
    for position, image_id in enumerate(image_ids):
        current[image_id].position = position
    db.session.flush()
    db.session.expire(product, ["images"])


# --- categories and attribute definitions (admins) --------------------------------------------

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _require_admin(actor: User | None) -> None:
    if not policies.can_manage_categories(actor):
        raise Forbidden(_("Only platform administrators can do that."))


def _clean_category(data: dict, category: Category | None) -> dict:
    errors = FieldErrors()
    clean = {}
    for name in ("name_fa", "name_en"):
        clean[name] = _clean_text(data.get(name), name, errors, maximum=120, required=True,
                                  single_line=True)
    slug = slugify(data.get("slug") or data.get("name_en") or data.get("name_fa") or "")
    if not slug:
        errors.add("slug", _("This field is required."))
    elif db.session.scalar(select(Category.id).where(
            Category.slug == slug, Category.id != (category.id if category else -1))):
        errors.add("slug", _("Another category already uses this slug."))
    clean["slug"] = slug
    clean["position"] = _clean_int(data.get("position") or 0, "position", errors,
                                   minimum=0, maximum=10_000)
    parent_id = data.get("parent_id") or None
    parent = None
    if parent_id is not None:
        try:
            parent = db.session.get(Category, parse_int(parent_id))
        except (ValueError, TypeError):
            parent = None
        if parent is None:
            errors.add("parent_id", _("Choose an existing category."))
        elif category is not None:
            walker = parent
            while walker is not None:
                if walker.id == category.id:
                    errors.add("parent_id", _("A category cannot sit inside itself."))
                    break
                walker = walker.parent
    clean["parent"] = parent
    errors.raise_if_any()
    return clean


def create_category(actor: User, data: dict) -> Category:
    _require_admin(actor)
    category = Category(**_clean_category(data, None))
    db.session.add(category)
    db.session.flush()
    return category


def update_category(actor: User, category: Category, data: dict) -> Category:
    _require_admin(actor)
    clean = _clean_category(data, category)
    inherited = {d.key for d in (queries.category_definitions(clean["parent"])
                                 if clean["parent"] else [])}
    clash = inherited & {d.key for d in _subtree_definitions(category)}
    if clash:
        raise RuleViolation(_("Attribute %(key)s would be defined twice.", key=sorted(clash)[0]),
                            code="attribute_clash", fields={"parent_id": [sorted(clash)[0]]})
    for name, value in clean.items():
        setattr(category, name, value)
    db.session.flush()
    return category


def _subtree_definitions(category: Category) -> list[AttributeDefinition]:
    tree = queries.category_tree()
    return [d for cid in tree.descendant_ids(category) for d in tree.by_id[cid].attributes]


def delete_category(actor: User, category: Category) -> None:
    _require_admin(actor)
    if category.children:
        raise Conflict(_("Move or delete its subcategories first."), code="category_not_empty")
    if db.session.scalar(select(func.count()).select_from(Product).where(
            Product.category_id == category.id)):
        raise Conflict(_("Products are listed in this category."), code="category_in_use")
    db.session.delete(category)
    db.session.flush()


def _clean_definition(category: Category, data: dict,
                      definition: AttributeDefinition | None) -> dict:
    errors = FieldErrors()
    clean: dict = {}
    key = (data.get("key") or (definition.key if definition else "") or "").strip()
    if not _KEY.match(key):
        errors.add("key", _("Use lower-case English letters, digits and _ (start with a letter)."))
    else:
        taken = {d.key for d in queries.category_definitions(category)} | {
            d.key for d in _subtree_definitions(category)}
        if definition is not None:
            taken.discard(definition.key)
        if key in taken:
            errors.add("key", _("This category or a related one already has that attribute."))
    clean["key"] = key
    for name in ("name_fa", "name_en"):
        clean[name] = _clean_text(data.get(name), name, errors, maximum=120, required=True,
                                  single_line=True)
    for name in ("unit_fa", "unit_en"):
        clean[name] = _clean_text(data.get(name), name, errors, maximum=40, single_line=True)
    try:
        clean["type"] = AttributeType(data.get("type"))
    except ValueError:
        errors.add("type", _("Choose a type."))
    choices = data.get("choices") or []
    if clean.get("type") == AttributeType.CHOICE:
        if isinstance(choices, str):  # "value|fa|en" per line, from the admin form
            parsed = []
            for line in choices.splitlines():
                if not line.strip():
                    continue
                value, _sep, rest = line.partition("|")
                fa, _sep, en = rest.partition("|")
                parsed.append({"value": to_ascii_digits(value.strip()),
                               "fa": fa.strip() or value.strip(),
                               "en": en.strip() or value.strip()})
            choices = parsed
        values = [str(c.get("value", "")).strip() for c in choices if isinstance(c, dict)]
        if not values or len(values) != len(choices) or "" in values or len(set(values)) != len(
                values):
            errors.add("choices", _("List at least one choice, each with a distinct value."))
        clean["choices"] = [{"value": str(c["value"]).strip(), "fa": c.get("fa") or c["value"],
                             "en": c.get("en") or c["value"]} for c in choices
                            if isinstance(c, dict) and "value" in c]
    else:
        clean["choices"] = None
    for name in ("minimum", "maximum"):
        clean[name] = _clean_bound(data.get(name), name, errors)
        if clean[name] is not None and clean.get("type") not in NUMERIC_TYPES:
            errors.add(name, _("Only numbers have a minimum and a maximum."))
        elif (clean[name] is not None and clean.get("type") == AttributeType.INTEGER
              and clean[name] != int(clean[name])):
            errors.add(name, _("Must be a whole number."))
    if clean["minimum"] is not None and clean["maximum"] is not None and \
            clean["minimum"] > clean["maximum"]:
        errors.add("maximum", _("Must be at least %(n)s.", n=_bound_text(clean["minimum"])))
    clean["is_required"] = bool(data.get("is_required"))
    clean["is_filterable"] = bool(data.get("is_filterable"))
    clean["position"] = _clean_int(data.get("position") or 0, "position", errors, minimum=0,
                                   maximum=10_000)
    errors.raise_if_any()
    return clean


def create_attribute_definition(actor: User, category: Category,
                                data: dict) -> AttributeDefinition:
    _require_admin(actor)
    definition = AttributeDefinition(category=category,
                                      **_clean_definition(category, data, None))
    db.session.add(definition)
    db.session.flush()
    return definition


def update_attribute_definition(actor: User, definition: AttributeDefinition,
                                data: dict) -> AttributeDefinition:
    _require_admin(actor)
    clean = _clean_definition(definition.category, data, definition)
    in_use = db.session.scalar(select(func.count()).select_from(ProductAttributeValue).where(
        ProductAttributeValue.definition_id == definition.id))
    if in_use and (clean["type"] != definition.type or clean["key"] != definition.key):
        raise Conflict(_("Products already use this attribute; its key and type stay."),
                       code="attribute_in_use")
    for name, value in clean.items():
        setattr(definition, name, value)
    db.session.flush()
    return definition


def delete_attribute_definition(actor: User, definition: AttributeDefinition) -> None:
    _require_admin(actor)
    if db.session.scalar(select(func.count()).select_from(ProductAttributeValue).where(
            ProductAttributeValue.definition_id == definition.id)):
        raise Conflict(_("Products already use this attribute."), code="attribute_in_use")
    db.session.delete(definition)
    db.session.flush()


# --- the search log ----------------------------------------------------------------------------

@dataclass
class SearchTimer:
    started: float

    @classmethod
    def start(cls) -> SearchTimer:
        return cls(time.perf_counter())

    def elapsed_ms(self) -> int:
        return round((time.perf_counter() - self.started) * 1000)
