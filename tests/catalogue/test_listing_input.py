"""The listing's two entrances — the editor's form and the API's schema — check the shape of
each field and give the same `ListingData`; the attribute values are checked against the
category's definitions by one function (listing_data.attribute_values) for both."""

import io

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace.catalogue.forms import listing_form
from marketplace.catalogue.models import Product, ProductImage, ProductKind, ProductStatus
from marketplace.catalogue.queries.categories import category_definitions
from marketplace.catalogue.schemas import ProductInputSchema, ProductPatchSchema
from marketplace.catalogue.services.listing_data import ListingData
from tests.factories.catalogue import png_bytes


def _form(app, category, data: dict, lang="en"):
    with app.test_request_context(f"/my/products/new?lang={lang}", method="POST",
                                  data=MultiDict(data)):
        form = listing_form(category_definitions(category))
        valid = form.validate()
        return form, valid, form.field_errors()


def _form_body(category, **extra) -> dict:
    return {"category_id": str(category.id), "title_fa": " تابلو فرش ", "price": "۱۲۵۰٫۵۰",
            "kind": "one_of_a_kind", "stock": "", "shipping_weight_g": "۹۰۰",
            "attr.width_cm": "۴۰", "attr.knot_density": "70", "attr.material": "silk",
            "attr.framed": "true", **extra}


def test_the_form_and_the_schema_give_the_same_listing(app, carpet_category):
    form, valid, errors = _form(app, carpet_category, _form_body(carpet_category))
    assert valid, errors
    with app.test_request_context():
        loaded = ProductInputSchema().load({
            "category_id": carpet_category.id, "title_fa": "تابلو فرش",
            "price_amount": 125050, "kind": "one_of_a_kind", "shipping_weight_g": 900,
            "attributes": {"width_cm": "۴۰", "knot_density": "70", "material": "silk",
                           "framed": True}})
    from_form = form.listing_data()
    assert from_form == loaded == ListingData(
        title_fa="تابلو فرش", category_id=carpet_category.id, price_amount=125050,
        kind=ProductKind.ONE_OF_A_KIND, shipping_weight_g=900,
        attributes={"width_cm": "۴۰", "knot_density": "70", "material": "silk",
                    "framed": True})
    assert from_form.columns()["stock"] == 1  # one of a kind, left empty


@pytest.mark.parametrize(("change", "field"), [
    ({"title_fa": "  "}, "title_fa"),
    ({"title_fa": "ب" * 201}, "title_fa"),
    ({"title_en": "b" * 201}, "title_en"),
    ({"description_fa": "ب" * 5001}, "description_fa"),
    ({"price": ""}, "price"),
    ({"price": "0"}, "price"),
    ({"price": "-5"}, "price"),
    ({"price": "1.234"}, "price"),
    ({"price": "۱۰۰۰۰۰۰۰۰۰۰۰۰"}, "price"),
    ({"category_id": ""}, "category_id"),
    ({"kind": "rented"}, "kind"),
    ({"kind": "regular", "stock": "-1"}, "stock"),
    ({"kind": "regular", "stock": "۱۰۰۰۰۰۱"}, "stock"),
    ({"stock": "3"}, "stock"),  # one of a kind
    ({"kind": "made_to_order"}, "lead_time_days"),
    ({"kind": "made_to_order", "lead_time_days": "۳۶۶"}, "lead_time_days"),
    ({"shipping_weight_g": "0"}, "shipping_weight_g"),
    ({"attr.width_cm": "wide"}, "attributes"),
    ({"attr.width_cm": ""}, "attributes"),
    ({"attr.material": "gold"}, "attributes"),
])
def test_the_form_refuses_each_bad_field(app, carpet_category, change, field):
    _form_obj, valid, errors = _form(app, carpet_category,
                                     _form_body(carpet_category, **change))
    assert not valid
    assert field in errors, errors


def test_the_form_reports_bounds_in_persian_digits(app, carpet_category):
    _f, _valid, errors = _form(app, carpet_category, _form_body(
        carpet_category, kind="regular", stock="۲۰۰۰۰۰"), lang="fa")
    assert errors["stock"] == ["باید حداکثر ۱۰۰٬۰۰۰ باشد."]


@pytest.mark.parametrize(("change", "field"), [
    ({"title_fa": "ب" * 201}, "title_fa"),
    ({"title_fa": "  "}, "title_fa"),
    ({"title_fa": "a\nb"}, "title_fa"),
    ({"price_amount": 0}, "price_amount"),
    ({"price_amount": "12"}, "price_amount"),
    ({"stock": -1}, "stock"),
    ({"kind": "one_of_a_kind", "stock": 2}, "stock"),
    ({"kind": "made_to_order"}, "lead_time_days"),
    ({"kind": "rented"}, "kind"),
    ({"shipping_weight_g": 10**7}, "shipping_weight_g"),
    ({"attributes": ["x"]}, "attributes"),
    ({"colour": "red"}, "colour"),
])
def test_the_schema_refuses_each_bad_field(app, carpet_category, change, field):
    body = {"category_id": carpet_category.id, "title_fa": "تابلو", "price_amount": 100,
            **change}
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        ProductInputSchema().load(body)
    assert field in refused.value.messages


def test_a_patch_loads_only_what_it_gives_and_is_checked_as_a_whole(
        db, client, api_token, create_product, carpet_category):
    with client.application.test_request_context():
        assert ProductPatchSchema().load({"stock": 3}) == {"stock": 3}
    product = create_product(category=carpet_category, stock=4, attributes={"width_cm": 40})
    response = client.patch(f"/api/v1/products/{product.id}",
                            headers=api_token(product.trainee.user),
                            json={"kind": "one_of_a_kind"})
    assert response.status_code == 422
    assert "stock" in response.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Product, product.id).kind == ProductKind.REGULAR


def test_the_editor_with_a_persian_price_and_an_unknown_category_writes_nothing(
        db, client, login, create_trainee, carpet_category):
    login(create_trainee().user)
    response = client.post("/my/products/new", data={
        "category_id": "۹۹۹۹۹", "title_fa": "تابلو", "price": "۱۲", "kind": "regular"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_rejection_needs_a_reason_on_the_page_and_in_the_api(
        db, client, login, api_token, create_product, create_trainee, create_centre_staff,
        reason):
    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    product = create_product(trainee=trainee, status=ProductStatus.SUBMITTED)
    login(staff)
    page = client.post(f"/centre/listings/{product.id}/reject", data={"reason": reason})
    assert page.status_code == 422
    api = client.post(f"/api/v1/products/{product.id}/reject", json={"reason": reason},
                      headers=api_token(staff))
    assert api.status_code == 422 and "reason" in api.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == ProductStatus.SUBMITTED


def test_a_photo_description_is_trimmed_and_bounded(db, client, login, api_token,
                                                    create_product, create_trainee):
    trainee = create_trainee()
    product = create_product(trainee=trainee)
    login(trainee.user)
    too_long = client.post(f"/my/products/{product.id}/images", data={
        "image": (io.BytesIO(png_bytes()), "a.png"), "alt_text": "x" * 301},
        content_type="multipart/form-data")
    assert too_long.status_code == 422
    api = client.post(f"/api/v1/products/{product.id}/images", data={
        "image": (io.BytesIO(png_bytes()), "a.png"), "alt_text": "x" * 301},
        content_type="multipart/form-data", headers=api_token(trainee.user))
    assert api.status_code == 422 and "alt_text" in api.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == 0
    client.post(f"/my/products/{product.id}/images", data={
        "image": (io.BytesIO(png_bytes()), "a.png"), "alt_text": "  نمای کامل  "},
        content_type="multipart/form-data")
    assert db.session.scalar(select(ProductImage.alt_text)) == "نمای کامل"
