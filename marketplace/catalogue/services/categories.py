"""Categories and attribute definitions (admins). The admin pages' forms
(`catalogue.forms.CategoryForm`, `AttributeDefinitionForm`) check each field's shape and give a
`CategoryData` or an `AttributeDefinitionData`; these services keep the rules that need the
database: a slug no other category uses, an existing parent that is not the category itself
or below it, a key no related category defines, and what products already use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import (
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductAttributeValue,
)
from marketplace.catalogue.queries.categories import category_definitions, category_tree
from marketplace.core.errors import Conflict, CoreErrorCode, Forbidden, RuleViolation
from marketplace.extensions import db

NAME_MAX = 120
UNIT_MAX = 40
POSITION_MAX = 10_000


@dataclass(frozen=True)
class CategoryData:
    """A category as the admin gives it, checked for shape; `slug` is already made from the
    names when none was typed."""

    name_fa: str
    name_en: str
    slug: str
    position: int = 0
    parent_id: int | None = None


@dataclass(frozen=True)
class AttributeDefinitionData:
    """An attribute definition as the admin gives it, checked for shape: `choices` (value, fa,
    en) only for the choice type, bounds only for numbers and whole for integers."""

    key: str
    name_fa: str
    name_en: str
    type: AttributeType
    unit_fa: str | None = None
    unit_en: str | None = None
    choices: tuple[dict[str, str], ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    is_required: bool = False
    is_filterable: bool = False
    position: int = 0

    def columns(self) -> dict[str, Any]:
        return {"key": self.key, "name_fa": self.name_fa, "name_en": self.name_en,
                "type": self.type, "unit_fa": self.unit_fa, "unit_en": self.unit_en,
                "choices": [dict(c) for c in self.choices] if self.choices is not None
                else None,
                "minimum": self.minimum, "maximum": self.maximum,
                "is_required": self.is_required, "is_filterable": self.is_filterable,
                "position": self.position}


def _invalid(fields: dict[str, list[str]]) -> RuleViolation:
    return RuleViolation(_("Some fields are not valid."), code=CoreErrorCode.VALIDATION_ERROR,
                         fields=fields)


def _require_admin(actor: User | None) -> None:
    if not policies.can_manage_categories(actor):
        raise Forbidden(_("Only platform administrators can do that."))


def _category_columns(data: CategoryData, category: Category | None) -> dict[str, Any]:
    """The columns to write, after the rules that need the database."""
    errors: dict[str, list[str]] = {}
    if db.session.scalar(select(Category.id).where(
            Category.slug == data.slug, Category.id != (category.id if category else -1))):
        errors["slug"] = [_("Another category already uses this slug.")]
    parent = None
    if data.parent_id is not None:
        parent = db.session.get(Category, data.parent_id)
        if parent is None:
            errors["parent_id"] = [_("Choose an existing category.")]
        elif category is not None:
            walker: Category | None = parent
            while walker is not None:
                if walker.id == category.id:
                    errors["parent_id"] = [_("A category cannot sit inside itself.")]
                    break
                walker = walker.parent
    if errors:
        raise _invalid(errors)
    return {"name_fa": data.name_fa, "name_en": data.name_en, "slug": data.slug,
            "position": data.position, "parent": parent}


def create_category(actor: User, data: CategoryData) -> Category:
    _require_admin(actor)
    category = Category(**_category_columns(data, None))
    db.session.add(category)
    db.session.flush()
    return category


def update_category(actor: User, category: Category, data: CategoryData) -> Category:
    _require_admin(actor)
    clean = _category_columns(data, category)
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


def _check_key(category: Category, key: str, definition: AttributeDefinition | None) -> None:
    """A key is defined once along a branch: not by the category, its ancestors or its
    descendants (a definition keeps its own key)."""
    taken = {d.key for d in category_definitions(category)} | {
        d.key for d in _subtree_definitions(category)}
    if definition is not None:
        taken.discard(definition.key)
    if key in taken:
        raise _invalid({"key": [_("This category or a related one already has that attribute.")]})


def create_attribute_definition(actor: User, category: Category,
                                data: AttributeDefinitionData) -> AttributeDefinition:
    _require_admin(actor)
    _check_key(category, data.key, None)
    definition = AttributeDefinition(category=category, **data.columns())
    db.session.add(definition)
    db.session.flush()
    return definition


def update_attribute_definition(actor: User, definition: AttributeDefinition,
                                data: AttributeDefinitionData) -> AttributeDefinition:
    _require_admin(actor)
    _check_key(definition.category, data.key, definition)
    in_use = db.session.scalar(select(func.count()).select_from(ProductAttributeValue).where(
        ProductAttributeValue.definition_id == definition.id))
    if in_use and (data.type != definition.type or data.key != definition.key):
        raise Conflict(_("Products already use this attribute; its key and type stay."),
                       code=CatalogueErrorCode.ATTRIBUTE_IN_USE)
    for name, value in data.columns().items():
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

