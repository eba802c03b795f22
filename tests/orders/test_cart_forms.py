"""A cart line's quantity is checked for shape before the cart services see it: on the pages by
`AddToCartForm`/`CartLineForm` (Latin or Persian digits), in the API by the schemas' range.
A whole number outside 1 … 100 is a 400 `bad_quantity` on both, and nothing is written."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace.orders.forms import AddToCartForm, CartLineForm
from marketplace.orders.models import CartLine


def line_count(db) -> int:
    return db.session.scalar(select(func.count(CartLine.id)))


@pytest.mark.parametrize(("typed", "quantity"), [("۳", 3), ("٤", 4), (" 12 ", 12), ("100", 100)])
def test_the_form_reads_persian_digits(app, typed, quantity):
    with app.test_request_context("/", method="POST"):
        form = AddToCartForm(formdata=MultiDict({"product_id": "۷", "quantity": typed}),
                             meta={"csrf": False})
        assert form.validate(), form.errors
        assert (form.product_id.data, form.quantity.data) == (7, quantity)


def test_adding_without_a_quantity_adds_one(app):
    with app.test_request_context("/", method="POST"):
        form = AddToCartForm(formdata=MultiDict({"product_id": "7"}), meta={"csrf": False})
        assert form.validate() and form.quantity.data == 1
        line = CartLineForm(formdata=MultiDict({}), meta={"csrf": False})
        assert not line.validate() and set(line.errors) == {"quantity"}


@pytest.mark.parametrize(("typed", "message"), [
    ("0", "Quantity must be at least 1."),
    ("-1", "Quantity must be at least 1."),
    ("101", "Quantity must be at most 100."),
    ("abc", "Quantity must be a whole number."),
    ("1.5", "Quantity must be a whole number."),
    ("", "Quantity must be a whole number."),
])
def test_a_bad_quantity_is_one_field_error(app, typed, message):
    with app.test_request_context("/?lang=en", method="POST"):
        form = CartLineForm(formdata=MultiDict({"quantity": typed}), meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"quantity": [message]}
        assert form.refusal().code == "bad_quantity"


def test_the_message_is_persian(app):
    with app.test_request_context("/?lang=fa", method="POST"):
        form = CartLineForm(formdata=MultiDict({"quantity": "۱۰۱"}), meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"quantity": ["تعداد باید حداکثر ۱۰۰ باشد."]}


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "", "1.5", "101", "۰"])
def test_bad_quantities_on_the_page_are_400_and_write_nothing(client, db, login, shop,
                                                              quantity):
    login(shop.buyer)
    response = client.post("/cart/add", data={"product_id": shop.cushion.id,
                                              "quantity": quantity})
    assert response.status_code == 400
    assert line_count(db) == 0


def test_a_bad_product_id_is_400_bad_product(client, db, login, shop):
    login(shop.buyer)
    for product_id in ("", "x", "0"):
        response = client.post("/cart/add", data={"product_id": product_id, "quantity": "1"})
        assert response.status_code == 400
    assert line_count(db) == 0


def test_a_line_takes_persian_digits_on_the_page(client, db, login, shop, fill_cart):
    cart = fill_cart(shop.buyer, shop.cushion)
    line_id = cart.lines[0].id
    login(shop.buyer)
    assert client.post(f"/cart/lines/{line_id}", data={"quantity": "۲"}).status_code == 302
    assert client.post(f"/cart/lines/{line_id}", data={"quantity": "۰"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(CartLine, line_id).quantity == 2


@pytest.mark.parametrize(("quantity", "status", "code"), [
    (0, 400, "bad_quantity"),
    (101, 400, "bad_quantity"),
    ("2", 422, "validation_error"),     # JSON numbers only
    (1.5, 422, "validation_error"),
])
def test_the_api_checks_the_range(client, db, shop, api_token, quantity, status, code):
    response = client.post("/api/v1/cart/lines", headers=api_token(shop.buyer),
                           json={"product_id": shop.cushion.id, "quantity": quantity})
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and "quantity" in error["fields"]
    assert line_count(db) == 0


def test_the_openapi_document_states_the_range(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    quantity = schemas["CartLineCreate"]["properties"]["quantity"]
    assert (quantity["minimum"], quantity["maximum"]) == (1, 100)
