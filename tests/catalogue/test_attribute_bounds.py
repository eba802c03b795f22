"""Number attributes may carry a minimum and a maximum (issue 13, part 7): a product's value
outside them is a 422 naming the attribute and writes nothing; the categories' API and its
OpenAPI description show them; the demo's dimensions are bounded."""

from dataclasses import replace

import pytest
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace.catalogue.forms import AttributeDefinitionForm
from marketplace.catalogue.models import (
    NUMERIC_TYPES,
    AttributeDefinition,
    AttributeType,
    Product,
    ProductAttributeValue,
)
from marketplace.catalogue.services.listing_data import ListingData
from marketplace.catalogue.services.products import update_product
from marketplace.core.errors import RuleViolation
from marketplace.demo import catalogue as demo


@pytest.fixture
def bounded(db, carpet_category):
    """Width 10–400 cm and weight 0.5–80 kg on carpet tableaux."""
    for definition in carpet_category.attributes:
        if definition.key == "width_cm":
            definition.minimum, definition.maximum = 10, 400
        if definition.key == "weight_kg":
            definition.minimum, definition.maximum = 0.5, 80
    db.session.commit()
    return carpet_category


def _payload(category, **attributes):
    return {"title_fa": "تابلو فرش", "category_id": category.id, "price_amount": 50000,
            "stock": 1, "attributes": {"width_cm": 40, "knot_density": "60",
                                       "material": "silk", **attributes}}


def _rows(db) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Product, ProductAttributeValue))


@pytest.mark.parametrize(("attributes", "key"), [
    ({"width_cm": -40}, "width_cm"), ({"width_cm": 0}, "width_cm"),
    ({"width_cm": "۴۰۱"}, "width_cm"), ({"weight_kg": "0.4"}, "weight_kg"),
    ({"weight_kg": 80.01}, "weight_kg"),
])
def test_a_value_out_of_bounds_is_422_and_writes_nothing(db, client, api_token,
                                                         create_trainee, bounded,
                                                         attributes, key):
    owner = create_trainee()
    before = _rows(db)
    response = client.post("/api/v1/products", json=_payload(bounded, **attributes),
                           headers=api_token(owner.user))
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert list(response.json["error"]["fields"]["attributes"]) == [key]
    assert _rows(db) == before


@pytest.mark.parametrize("attributes", [{"width_cm": 10}, {"width_cm": "۴۰۰"},
                                        {"weight_kg": "0.5"}, {"weight_kg": 80}])
def test_a_value_on_a_bound_is_accepted(client, api_token, create_trainee, bounded,
                                        attributes):
    owner = create_trainee()
    response = client.post("/api/v1/products", json=_payload(bounded, **attributes),
                           headers=api_token(owner.user))
    assert response.status_code == 201, response.json


def test_an_update_out_of_bounds_changes_nothing(db, app, create_product, bounded):
    product = create_product(category=bounded, attributes={"width_cm": 40})
    with app.test_request_context("/?lang=en"), pytest.raises(RuleViolation) as caught:
        update_product(product.trainee.user, product,
                       replace(ListingData.of(product), attributes={"width_cm": -5}))
    db.session.rollback()
    assert caught.value.fields == {"attributes": {"width_cm": ["Must be at least 10."]}}
    assert {v.definition.key: v.value_text for v in product.attribute_values}["width_cm"] == "40"


def test_the_message_names_the_bound_in_persian_digits(app, create_product, bounded):
    product = create_product(category=bounded, attributes={"width_cm": 40})
    with app.test_request_context("/?lang=fa"), pytest.raises(RuleViolation) as caught:
        update_product(product.trainee.user, product,
                       replace(ListingData.of(product), attributes={"width_cm": 900}))
    assert caught.value.fields["attributes"]["width_cm"] == [
        gettext("Must be at most %(n)s.", n="۴۰۰")]


@pytest.mark.parametrize(("data", "field"), [
    ({"type": "text", "minimum": "1"}, "minimum"),
    ({"type": "choice", "choices": "a|a|a", "maximum": "3"}, "maximum"),
    ({"type": "integer", "minimum": "10", "maximum": "5"}, "maximum"),
    ({"type": "integer", "minimum": "1.5"}, "minimum"),
    ({"type": "decimal", "minimum": "wide"}, "minimum"),
])
def test_bad_bounds_of_a_definition_are_refused(db, client, login, create_admin,
                                                create_category, data, field):
    category = create_category()
    given = {"key": "size_cm", "name_fa": "اندازه", "name_en": "Size", **data}
    with client.application.test_request_context("/", method="POST"):
        form = AttributeDefinitionForm(formdata=MultiDict(given), meta={"csrf": False})
        assert not form.validate()
        assert field in form.errors
    login(create_admin())
    response = client.post(f"/admin/categories/{category.id}",
                           data={"action": "add_attribute", **given})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(AttributeDefinition)) == 0


def test_the_admin_form_sets_bounds(db, client, login, create_admin, create_category):
    category = create_category()
    login(create_admin())
    response = client.post(f"/admin/categories/{category.id}", data={
        "action": "add_attribute", "key": "width_cm", "name_fa": "عرض", "name_en": "Width",
        "type": "integer", "minimum": "۱۰", "maximum": "400", "is_filterable": "1"})
    assert response.status_code == 302
    definition = db.session.scalar(select(AttributeDefinition))
    assert (definition.minimum, definition.maximum) == (10, 400)
    page = client.get(f"/admin/attributes/{definition.id}")
    assert 'name="minimum" value="10"' in page.text


def test_the_api_and_its_openapi_show_the_bounds(client, bounded):
    categories = client.get("/api/v1/categories").json
    width = next(a for a in categories[0]["attributes"] if a["key"] == "width_cm")
    assert (width["minimum"], width["maximum"]) == (10, 400)
    colours = next(a for a in categories[0]["attributes"] if a["key"] == "colour_count")
    assert (colours["minimum"], colours["maximum"]) == (None, None)
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    properties = schemas["AttributeDefinition"]["properties"]
    for name in ("minimum", "maximum"):
        assert "number" in str(properties[name]["type"]) and properties[name]["description"]


def test_the_demo_bounds_its_numbers():
    specs = {(slug, spec[0]): spec[3] for slug, _p, _fa, _en, specs in demo.CATEGORIES
             for spec in specs}
    for place, (minimum, maximum) in demo.BOUNDS.items():
        assert specs[place] in NUMERIC_TYPES and 0 < minimum < maximum, place
    numbers = {place for place, kind in specs.items() if kind == AttributeType.INTEGER}
    assert numbers == set(demo.BOUNDS)
