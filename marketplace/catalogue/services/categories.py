"""Categories and attribute definitions (admins)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import (
    NUMERIC_TYPES,
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
)
from marketplace.catalogue.queries.categories import category_definitions, category_tree
from marketplace.catalogue.services.listing_data import MAX_ATTRIBUTE_NUMBER, bound_text
from marketplace.core.digits import parse_int, to_ascii_digits
from marketplace.core.errors import Conflict, CoreErrorCode, Forbidden, RuleViolation
from marketplace.core.input import text_problem
from marketplace.core.text import slugify
from marketplace.extensions import db

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# --- the admin pages' field checks ------------------------------------------------------------
# The category and attribute-definition pages are not yet Flask-WTF forms (they have no API):
# their fields are still checked here, with the rules that need the database.

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


def _require_admin(actor: User | None) -> None:
    if not policies.can_manage_categories(actor):
        raise Forbidden(_("Only platform administrators can do that."))


def _clean_category(data: dict, category: Category | None) -> dict:
    errors = FieldErrors()
    clean: dict[str, object] = {}
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
            walker: Category | None = parent
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
    inherited = {d.key for d in (category_definitions(clean["parent"])
                                 if clean["parent"] else [])}
    clash = inherited & {d.key for d in _subtree_definitions(category)}
    if clash:
        raise RuleViolation(_("Attribute %(key)s would be defined twice.", key=sorted(clash)[0]),
                            code=CatalogueErrorCode.ATTRIBUTE_CLASH,
                            fields={"parent_id": [sorted(clash)[0]]})
    for name, value in clean.items():
        setattr(category, name, value)
    db.session.flush()
    return category


def _subtree_definitions(category: Category) -> list[AttributeDefinition]:
    tree = category_tree()
    return [d for cid in tree.descendant_ids(category) for d in tree.by_id[cid].attributes]


def delete_category(actor: User, category: Category) -> None:
    _require_admin(actor)
    if category.children:
        raise Conflict(_("Move or delete its subcategories first."),
                       code=CatalogueErrorCode.CATEGORY_NOT_EMPTY)
    if db.session.scalar(select(func.count()).select_from(Product).where(
            Product.category_id == category.id)):
        raise Conflict(_("Products are listed in this category."),
                       code=CatalogueErrorCode.CATEGORY_IN_USE)
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
        taken = {d.key for d in category_definitions(category)} | {
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
        clean["type"] = AttributeType(data.get("type") or "")
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
        errors.add("maximum", _("Must be at least %(n)s.", n=bound_text(clean["minimum"])))
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
                       code=CatalogueErrorCode.ATTRIBUTE_IN_USE)
    for name, value in clean.items():
        setattr(definition, name, value)
    db.session.flush()
    return definition


def delete_attribute_definition(actor: User, definition: AttributeDefinition) -> None:
    _require_admin(actor)
    if db.session.scalar(select(func.count()).select_from(ProductAttributeValue).where(
            ProductAttributeValue.definition_id == definition.id)):
        raise Conflict(_("Products already use this attribute."),
                       code=CatalogueErrorCode.ATTRIBUTE_IN_USE)
    db.session.delete(definition)
    db.session.flush()

