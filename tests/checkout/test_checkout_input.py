"""The checkout's two entrances — the page's form and the API's schema — check each field's
shape and give the same `CheckoutChoices`; a bad field never reaches place_order."""

import pytest
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from marketplace.checkout.forms import checkout_form
from marketplace.checkout.schemas import PlaceOrderSchema
from marketplace.checkout.services import CheckoutChoices
from marketplace.orders.models import Fulfilment


def _form(app, data: dict, trainee_ids=(7, 9)):
    with app.test_request_context("/checkout?lang=en", method="POST", data=MultiDict(data)):
        form = checkout_form(trainee_ids)
        return form, form.validate()


def test_the_form_and_the_schema_give_the_same_choices(app):
    form, valid = _form(app, {
        "contact_name": " Sara ", "contact_phone": "0912", "shipping_address": "Tabriz",
        "note": "", "expected_subtotal": "۲۱۵٬۰۰۰", "fulfilment_7": "shipping",
        "fulfilment_9": "pickup", "pickup_9": "day-3"})
    assert valid, form.errors
    with app.test_request_context():
        loaded = PlaceOrderSchema().load({
            "contact_name": "Sara", "contact_phone": "0912", "shipping_address": "Tabriz",
            "expected_subtotal": 215000,
            "parts": [{"trainee_id": 7, "fulfilment": "shipping"},
                      {"trainee_id": 9, "fulfilment": "pickup", "pickup": "day-3"}]})
    expected = CheckoutChoices(contact_name="Sara", contact_phone="0912",
                               shipping_address="Tabriz", expected_subtotal=215000,
                               fulfilment={7: Fulfilment.SHIPPING, 9: Fulfilment.PICKUP},
                               pickup={9: "day-3"})
    assert form.choices() == expected
    assert loaded == expected


@pytest.mark.parametrize("data, field", [
    ({"fulfilment_7": "drone"}, "fulfilment_7"),
    ({}, "fulfilment_7"),
    ({"fulfilment_7": "pickup", "contact_name": "x" * 200}, "contact_name"),
    ({"fulfilment_7": "pickup", "contact_phone": "0" * 33}, "contact_phone"),
    ({"fulfilment_7": "pickup", "shipping_address": "x" * 1001}, "shipping_address"),
    ({"fulfilment_7": "pickup", "note": "x" * 1001}, "note"),
    ({"fulfilment_7": "pickup", "expected_subtotal": "a lot"}, "expected_subtotal"),
    ({"fulfilment_7": "pickup", "expected_subtotal": "-1"}, "expected_subtotal"),
    ({"fulfilment_7": "pickup", "pickup_7": "d" * 41}, "pickup_7"),
])
def test_the_form_refuses_bad_fields(app, data, field):
    form, valid = _form(app, data, trainee_ids=(7,))
    assert not valid
    assert field in form.errors


@pytest.mark.parametrize("change, field", [
    ({"parts": [{"trainee_id": 7, "fulfilment": "drone"}]}, "parts"),
    ({"contact_name": "x" * 200}, "contact_name"),
    ({"contact_phone": "0" * 33}, "contact_phone"),
    ({"shipping_address": "x" * 1001}, "shipping_address"),
    ({"expected_subtotal": -1}, "expected_subtotal"),
    ({"expected_subtotal": "12"}, "expected_subtotal"),
])
def test_the_schema_refuses_bad_fields(app, change, field):
    body = {"parts": [{"trainee_id": 7, "fulfilment": "pickup"}], **change}
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        PlaceOrderSchema().load(body)
    assert field in refused.value.messages


def test_a_bad_field_on_the_page_is_400_and_shown(client, login, shop, fill_cart):
    fill_cart(shop.buyer, shop.tableau_a)
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data={
        "contact_name": "x" * 200, f"fulfilment_{shop.trainee_a.id}": "drone"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please check the highlighted fields." in page
    assert page.count('class="error" role="alert"') == 2
