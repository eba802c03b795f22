"""The category admin's forms check each field's shape and give the typed data the services
take (CategoryData, AttributeDefinitionData); the services keep the rules that need the
database — a slug used once, an existing parent, a key defined once along a branch."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace.catalogue.forms import AttributeDefinitionForm, CategoryForm
from marketplace.catalogue.models import AttributeType, Category
from marketplace.catalogue.services import categories
from marketplace.catalogue.services.categories import AttributeDefinitionData, CategoryData
from marketplace.core.errors import RuleViolation


def _valid(app, form_class, data):
    with app.test_request_context("/", method="POST"):
        form = form_class(formdata=MultiDict(data), meta={"csrf": False})
        return form.validate(), form


def test_a_category_form_gives_category_data(app):
    valid, form = _valid(app, CategoryForm, {"name_fa": " گلیم ", "name_en": "Kilims",
                                             "slug": "", "position": "۱۲", "parent_id": "۳"})
    assert valid, form.errors
    assert form.category_data() == CategoryData(name_fa="گلیم", name_en="Kilims",
                                                slug="kilims", position=12, parent_id=3)


@pytest.mark.parametrize(("data", "field"), [
    ({"name_fa": ""}, "name_fa"),
    ({"name_en": "x" * 121}, "name_en"),
    ({"name_en": "Ki\nlims"}, "name_en"),
    ({"position": "-1"}, "position"),
    ({"position": "ten"}, "position"),
    ({"position": "10001"}, "position"),
    ({"parent_id": "one"}, "parent_id"),
])
def test_a_bad_category_field_is_a_field_error(app, data, field):
    valid, form = _valid(app, CategoryForm, {"name_fa": "گلیم", "name_en": "Kilims", **data})
    assert not valid and field in form.errors


def test_an_attribute_form_gives_definition_data(app):
    valid, form = _valid(app, AttributeDefinitionForm, {
        "key": "knots", "name_fa": "گره", "name_en": "Knots", "type": "choice",
        "choices": "40|۴۰|40\n۵۰|۵۰", "is_filterable": "1", "minimum": "", "position": ""})
    assert valid, form.errors
    assert form.definition_data() == AttributeDefinitionData(
        key="knots", name_fa="گره", name_en="Knots", type=AttributeType.CHOICE,
        choices=({"value": "40", "fa": "۴۰", "en": "40"}, {"value": "50", "fa": "۵۰", "en": "50"}),
        is_filterable=True)


@pytest.mark.parametrize(("data", "field"), [
    ({"key": "Knots"}, "key"),
    ({"key": ""}, "key"),
    ({"type": "colour"}, "type"),
    ({"type": "choice", "choices": ""}, "choices"),
    ({"type": "choice", "choices": "a\na"}, "choices"),
    ({"unit_fa": "x" * 41}, "unit_fa"),
    ({"minimum": "1e400"}, "minimum"),
])
def test_a_bad_attribute_field_is_a_field_error(app, data, field):
    valid, form = _valid(app, AttributeDefinitionForm, {
        "key": "knots", "name_fa": "گره", "name_en": "Knots", "type": "integer", **data})
    assert not valid and field in form.errors


def test_the_services_keep_the_database_rules(db, create_admin, create_category):
    admin = create_admin()
    kilims = create_category(slug="kilims")
    with pytest.raises(RuleViolation) as taken:
        categories.create_category(admin, CategoryData("گلیم", "Kilims", slug="kilims"))
    with pytest.raises(RuleViolation) as missing:
        categories.create_category(admin, CategoryData("x", "x", slug="x", parent_id=10**6))
    with pytest.raises(RuleViolation) as inside:
        categories.update_category(admin, kilims, CategoryData("x", "x", "kilims",
                                                               parent_id=kilims.id))
    assert [set(e.value.fields) for e in (taken, missing, inside)] == [
        {"slug"}, {"parent_id"}, {"parent_id"}]
    assert {e.value.code for e in (taken, missing, inside)} == {"validation_error"}
    knots = AttributeDefinitionData("knots", "گره", "Knots", AttributeType.INTEGER)
    categories.create_attribute_definition(admin, kilims, knots)
    with pytest.raises(RuleViolation) as twice:
        categories.create_attribute_definition(admin, kilims, knots)
    assert set(twice.value.fields) == {"key"}


def test_the_page_shows_a_taken_slug_and_writes_nothing(db, client, login, create_admin,
                                                       create_category):
    create_category(slug="kilims")
    login(create_admin())
    response = client.post("/admin/categories?lang=fa", data={
        "name_fa": "گلیم", "name_en": "Kilims", "slug": "kilims", "position": "۱"})
    assert response.status_code == 422
    assert "دسته‌ی دیگری همین نشانی را دارد." in response.text
    assert db.session.scalar(select(func.count(Category.id))) == 1
