"""Factory fixtures for the catalogue domain: categories, attributes, products, images.

`create_product(trainee=None, **overrides)` makes an ACTIVE listing (for sale) unless `status`
says otherwise; pass `attributes={"key": value}` to set attribute values (checked like the
service checks them). Each factory commits and returns the object.
"""

import io
import itertools

import pytest
from PIL import Image

from marketplace.catalogue.models import (
    AttributeDefinition,
    AttributeType,
    Category,
    Product,
    ProductKind,
    ProductStatus,
)
from marketplace.core.db import utcnow

_seq = itertools.count(1)


@pytest.fixture
def create_category(db):
    def make(parent=None, **overrides) -> Category:
        n = next(_seq)
        values = {"slug": f"category-{n}", "name_fa": f"دسته {n}", "name_en": f"Category {n}",
                  "position": n, **overrides}
        category = Category(parent=parent, **values)
        db.session.add(category)
        db.session.commit()
        return category

    return make


@pytest.fixture
def create_attribute(db, create_category):
    """create_attribute(category=, key=, type=AttributeType.INTEGER, **overrides)."""

    def make(category=None, key=None, type=AttributeType.INTEGER, **overrides):
        n = next(_seq)
        values = {"key": key or f"attr_{n}", "name_fa": f"ویژگی {n}",
                  "name_en": f"Attribute {n}", "type": type, "is_filterable": True,
                  "position": n, **overrides}
        definition = AttributeDefinition(category=category or create_category(), **values)
        db.session.add(definition)
        db.session.commit()
        return definition

    return make


@pytest.fixture
def carpet_category(db, create_category, create_attribute):
    """The carpet-tableau category with the attributes of the demo tree."""
    category = create_category(slug="carpet-tableaux", name_fa="تابلو فرش",
                               name_en="Carpet tableaux")
    create_attribute(category, "width_cm", AttributeType.INTEGER, name_fa="عرض",
                     name_en="Width", unit_fa="سانتی‌متر", unit_en="cm", is_required=True)
    create_attribute(category, "height_cm", AttributeType.INTEGER, name_fa="ارتفاع",
                     name_en="Height", unit_fa="سانتی‌متر", unit_en="cm")
    create_attribute(category, "knot_density", AttributeType.CHOICE, name_fa="رج شمار",
                     name_en="Knot density", unit_fa="رج", unit_en="raj",
                     choices=[{"value": str(v), "fa": str(v), "en": str(v)}
                              for v in (40, 50, 60, 70, 80)])
    create_attribute(category, "material", AttributeType.CHOICE, name_fa="جنس",
                     name_en="Material",
                     choices=[{"value": "wool", "fa": "پشم", "en": "Wool"},
                              {"value": "silk", "fa": "ابریشم", "en": "Silk"},
                              {"value": "wool_silk", "fa": "پشم و ابریشم",
                               "en": "Wool and silk"}])
    create_attribute(category, "colour_count", AttributeType.INTEGER, name_fa="تعداد رنگ",
                     name_en="Colour count")
    create_attribute(category, "framed", AttributeType.BOOLEAN, name_fa="قاب‌دار",
                     name_en="Framed")
    create_attribute(category, "weight_kg", AttributeType.DECIMAL, name_fa="وزن",
                     name_en="Weight", unit_fa="کیلوگرم", unit_en="kg", is_filterable=False)
    db.session.refresh(category)
    return category


@pytest.fixture
def create_product(db, app, create_trainee, create_category):
    """create_product(trainee=None, **overrides) -> an active Product (status overridable)."""
    from marketplace.catalogue.queries.categories import category_definitions
    from marketplace.catalogue.search_index import refresh_search_key
    from marketplace.catalogue.services.listing_data import attribute_values, write_attributes

    def make(trainee=None, attributes=None, **overrides) -> Product:
        n = next(_seq)
        status = overrides.pop("status", ProductStatus.ACTIVE)
        values = {"title_fa": f"محصول {n}", "title_en": f"Product {n}",
                  "description_fa": "", "price_amount": 2500,
                  "currency": app.config["MARKETPLACE_CURRENCY"], "stock": 5,
                  "kind": ProductKind.REGULAR, **overrides}
        if "category" not in values and "category_id" not in values:
            values["category"] = create_category()
        if values["kind"] == ProductKind.ONE_OF_A_KIND and "stock" not in overrides:
            values["stock"] = 1
        if values["kind"] == ProductKind.MADE_TO_ORDER:
            values.setdefault("lead_time_days", 14)
        product = Product(trainee=trainee or create_trainee(), status=status, **values)
        if status in (ProductStatus.ACTIVE, ProductStatus.SOLD_OUT, ProductStatus.PAUSED):
            product.published_at = values.get("published_at") or utcnow()
        db.session.add(product)
        db.session.flush()
        if attributes:
            clean, problems = attribute_values(category_definitions(product.category),
                                               attributes)
            assert not problems, problems
            write_attributes(product, clean)
            db.session.flush()
        refresh_search_key(product)
        db.session.commit()
        return product

    return make


def png_bytes(width=40, height=30, colour=(180, 40, 40), fmt="PNG", **save_args) -> bytes:
    """A small real image, for upload tests."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format=fmt, **save_args)
    return buffer.getvalue()


@pytest.fixture
def image_bytes():
    return png_bytes
