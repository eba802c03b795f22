"""Validating listing data: the limits, field errors, attribute values and their bounds."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext as _

from marketplace.catalogue.models import (
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
    ProductKind,
    ProductStatus,
)
from marketplace.catalogue.queries.categories import category_definitions
from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.errors import CoreErrorCode, RuleViolation
from marketplace.core.i18n import format_number
from marketplace.core.input import text_problem
from marketplace.core.money import Money
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
            raise RuleViolation(_("Some fields are not valid."),
                                code=CoreErrorCode.VALIDATION_ERROR,
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
            decimal = Decimal(to_ascii_digits(str(raw)).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            errors.add_attribute(key, _("Must be a number."))
            return None
        if not decimal.is_finite() or abs(decimal) > MAX_ATTRIBUTE_NUMBER:
            errors.add_attribute(key, _("That number is too large."))
            return None
        if not _within_bounds(definition, decimal, errors):
            return None
        text = format(decimal.normalize(), "f")
        return (text, float(decimal), None)
    if kind == AttributeType.CHOICE:
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            errors.add_attribute(key, _("Choose one of the listed values."))
            return None
        value = to_ascii_digits(str(raw)).strip()
        if value not in definition.choice_values:
            errors.add_attribute(key, _("Choose one of: %(values)s.",
                                        values=", ".join(definition.choice_values)))
            return None
        return (value, float(value) if definition.is_numeric else None, None)
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
    definitions = {d.key: d for d in category_definitions(category)}
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

