"""A listing's data as the editor form and the API give it (`ListingData`), its limits and the
rules that need the database: the category exists, and the attribute values fit the category's
definitions (`attribute_values`: the one copy, used by the editor form and by the services).

Shapes — lengths, required fields, number bounds, kinds, digits — are checked before a
`ListingData` exists, by `catalogue.forms.ListingForm` and `catalogue.schemas.ProductInputSchema`;
`kind_problems` is the one rule across fields both of them (and a PATCH) apply."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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

_TRUE = {"1", "true", "yes", "on", "y", "بله"}
_FALSE = {"0", "false", "no", "off", "n", "خیر"}

ONE_OF_A_KIND_STOCK = _l("A one-of-a-kind item has a stock of 1 (or 0 once sold).")
REQUIRED = _l("This field is required.")

# (value_text, value_number, value_bool): how a product attribute value is stored.
StoredValue = tuple[str, float | None, bool | None]


@dataclass(frozen=True)
class ListingData:
    """A listing as a trainee gives it, its fields checked for shape. `attributes` holds the
    values as given (text from the form, JSON values from the API), by attribute key: what
    they must be depends on the category's definitions, checked by `attribute_values`."""

    title_fa: str
    category_id: int
    price_amount: int
    kind: ProductKind = ProductKind.REGULAR
    stock: int | None = None  # None: 1 for a one-of-a-kind item, else 0
    lead_time_days: int | None = None  # made to order only
    title_en: str | None = None
    description_fa: str = ""
    description_en: str | None = None
    shipping_weight_g: int | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, product: Product) -> ListingData:
        """The listing as it stands, to change a few fields of (a PATCH, tests)."""
        return cls(title_fa=product.title_fa, category_id=product.category_id,
                   price_amount=product.price_amount, kind=product.kind, stock=product.stock,
                   lead_time_days=product.lead_time_days, title_en=product.title_en,
                   description_fa=product.description_fa or "",
                   description_en=product.description_en,
                   shipping_weight_g=product.shipping_weight_g,
                   attributes=stored_attributes(product))

    def columns(self) -> dict[str, Any]:
        """The product's columns (everything but the category and the attributes)."""
        one_of_a_kind = self.kind == ProductKind.ONE_OF_A_KIND
        return {"title_fa": self.title_fa, "title_en": self.title_en or None,
                "description_fa": self.description_fa or "",
                "description_en": self.description_en or None,
                "price_amount": self.price_amount, "kind": self.kind,
                "stock": self.stock if self.stock is not None else int(one_of_a_kind),
                "lead_time_days": self.lead_time_days
                if self.kind == ProductKind.MADE_TO_ORDER else None,
                "shipping_weight_g": self.shipping_weight_g}


def kind_problems(kind: ProductKind | None, stock: int | None,
                  lead_time_days: int | None) -> dict[str, list[str]]:
    """What the kind of product asks of the other fields: a one-of-a-kind item has at most one
    in stock, a made-to-order one a lead time."""
    problems: dict[str, list[str]] = {}
    if kind == ProductKind.ONE_OF_A_KIND and stock is not None and stock > 1:
        problems["stock"] = [str(ONE_OF_A_KIND_STOCK)]
    if kind == ProductKind.MADE_TO_ORDER and lead_time_days is None:
        problems["lead_time_days"] = [str(REQUIRED)]
    return problems


def stored_attributes(product: Product) -> dict[str, str]:
    return {v.definition.key: v.value_text for v in product.attribute_values}


def invalid_listing(fields: dict) -> RuleViolation:
    return RuleViolation(_("Some fields are not valid."), code=CoreErrorCode.VALIDATION_ERROR,
                         fields=fields)


def check_listing(data: ListingData) -> tuple[Category, dict[AttributeDefinition, StoredValue]]:
    """The rules that need the database: the category exists, and the attribute values fit
    its definitions. Raises a 422 naming every field that does not."""
    category = db.session.get(Category, data.category_id)
    if category is None:
        raise invalid_listing({"category_id": [_("Choose a category.")]})
    values, problems = attribute_values(category_definitions(category), data.attributes)
    if problems:
        raise invalid_listing({"attributes": problems})
    return category, values


# --- attribute values against their definitions ------------------------------------------------

class _Refused(ValueError):
    """An attribute value that does not fit its definition; the message says why."""


def attribute_values(definitions: Iterable[AttributeDefinition], raw: Mapping[str, Any]
                     ) -> tuple[dict[AttributeDefinition, StoredValue], dict[str, list[str]]]:
    """The values to store for `raw` (by key) under `definitions`, and the problems by key:
    unknown keys, required values missing, values of the wrong type, choice or bounds."""
    by_key = {d.key: d for d in definitions}
    problems: dict[str, list[str]] = {
        str(key): [_("This category has no such attribute.")] for key in raw if key not in by_key}
    values: dict[AttributeDefinition, StoredValue] = {}
    for key, definition in by_key.items():
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if definition.is_required:
                problems[key] = [str(REQUIRED)]
            continue
        try:
            values[definition] = _stored_value(definition, value)
        except _Refused as refused:
            problems[key] = [str(refused)]
    return values, problems


def _stored_value(definition: AttributeDefinition, raw: Any) -> StoredValue:
    kind = definition.type
    if kind == AttributeType.BOOLEAN:
        return _boolean(raw)
    if kind == AttributeType.INTEGER:
        if isinstance(raw, bool | float):
            raise _Refused(_("Must be a whole number."))
        try:
            number = parse_int(raw)
        except (ValueError, TypeError):
            raise _Refused(_("Must be a whole number.")) from None
        _check_size_and_bounds(definition, Decimal(number))
        return (str(number), float(number), None)
    if kind == AttributeType.DECIMAL:
        decimal = _decimal(raw)
        _check_size_and_bounds(definition, decimal)
        return (format(decimal.normalize(), "f"), float(decimal), None)
    if kind == AttributeType.CHOICE:
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise _Refused(_("Choose one of the listed values."))
        value = to_ascii_digits(str(raw)).strip()
        if value not in definition.choice_values:
            raise _Refused(_("Choose one of: %(values)s.",
                             values=", ".join(definition.choice_values)))
        return (value, float(value) if definition.is_numeric else None, None)
    if not isinstance(raw, str):
        raise _Refused(_("Must be text."))
    text = raw.strip()
    if len(text) > TEXT_ATTRIBUTE_MAX:
        raise _Refused(_("At most %(n)d characters.", n=TEXT_ATTRIBUTE_MAX))
    return (text, None, None)


def _boolean(raw: Any) -> StoredValue:
    if isinstance(raw, bool):
        flag = raw
    elif isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        flag = raw.strip().lower() in _TRUE
    else:
        raise _Refused(_("Must be yes or no."))
    return ("true" if flag else "false", None, flag)


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _Refused(_("Must be a number."))
    try:
        return Decimal(to_ascii_digits(str(raw)).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise _Refused(_("Must be a number.")) from None


def _check_size_and_bounds(definition: AttributeDefinition, number: Decimal) -> None:
    """Not absurdly large, and within the definition's minimum and maximum (a message naming
    the bound)."""
    if not number.is_finite() or abs(number) > MAX_ATTRIBUTE_NUMBER:
        raise _Refused(_("That number is too large."))
    if definition.minimum is not None and number < Decimal(repr(definition.minimum)):
        raise _Refused(_("Must be at least %(n)s.", n=bound_text(definition.minimum)))
    if definition.maximum is not None and number > Decimal(repr(definition.maximum)):
        raise _Refused(_("Must be at most %(n)s.", n=bound_text(definition.maximum)))


def bound_text(bound: float) -> str:
    return format_number(int(bound) if bound == int(bound) else bound)


# --- writing -----------------------------------------------------------------------------------

def write_attributes(product: Product, attributes: dict[AttributeDefinition, StoredValue]
                     ) -> None:
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


def settle_stock_status(product: Product) -> None:
    """An approved listing is sold out at zero stock and for sale again once restocked."""
    if product.status == ProductStatus.ACTIVE and product.stock == 0:
        product.status = ProductStatus.SOLD_OUT
    elif product.status == ProductStatus.SOLD_OUT and product.stock > 0:
        product.status = ProductStatus.ACTIVE
