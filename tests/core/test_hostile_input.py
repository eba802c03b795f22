"""Never a 500 from input (issue 13, part 3): hostile bodies, numbers and text get a clear 4xx
with an error code, the same on SQLite and PostgreSQL, and nothing is written."""

import json

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import ApiToken, User
from marketplace.catalogue.models import Product
from tests.errors import assert_error
from tests.factories.accounts import PASSWORD

GOOD_SIGNUP = {"email": "new@example.org", "password": "a long enough password",
               "display_name": "Parisa"}
DEEP = "[" * 100_000 + "]" * 100_000
LONG_INTEGER = "9" * 5_000  # Python refuses int() of more than 4,300 digits
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_raw(client, path, body: str, headers=None, method="post"):
    return getattr(client, method)(path, data=body.encode("utf-8", "surrogatepass"),
                                   content_type="application/json", headers=headers or {})




# --- JSON that Python's decoder cannot take ----------------------------------------------------

def test_json_nested_100000_deep_is_refused_without_a_token(client, db):
    assert_error(post_raw(client, "/api/v1/accounts/register", DEEP), 400, "json_too_deep")
    assert count(db, User) == 0
    # An endpoint that needs a token says so before it reads the body.
    assert_error(post_raw(client, "/api/v1/products", DEEP), 401, "unauthorized")


def test_json_nested_100000_deep_is_refused_with_a_token(client, db, api_token, owner):
    headers = api_token(owner.user)
    assert_error(post_raw(client, "/api/v1/products", DEEP, headers), 400, "json_too_deep")
    nested = {"title_fa": "x", "attributes": {"a": json.loads("[" * 40 + "]" * 40)}}
    response = client.post("/api/v1/products", json=nested, headers=headers)
    assert_error(response, 400, "json_too_deep")
    assert count(db, Product) == 0


@pytest.mark.parametrize("number", [LONG_INTEGER, "-" + LONG_INTEGER, "1" + "0" * 101, "1e999"])
def test_a_number_with_too_many_digits_is_refused(client, db, api_token, owner, number):
    users = count(db, User)
    body = '{"email": "new@example.org", "password": "a long enough password", ' \
           f'"display_name": "Parisa", "phone": {number}}}'
    assert_error(post_raw(client, "/api/v1/accounts/register", body), 400,
                 "value_out_of_range")
    assert count(db, User) == users
    body = f'{{"title_fa": "x", "price_amount": {number}}}'
    assert_error(post_raw(client, "/api/v1/products", body), 401, "unauthorized")
    assert_error(post_raw(client, "/api/v1/products", body, api_token(owner.user)), 400,
                 "value_out_of_range")
    assert count(db, Product) == 0


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, db, constant):
    body = '{"email": "new@example.org", "password": "a long enough password", ' \
           f'"display_name": "Parisa", "locale": {constant}}}'
    assert_error(post_raw(client, "/api/v1/accounts/register", body), 400, "bad_request")
    assert count(db, User) == 0


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(client, db, app):
    assert app.config["MAX_JSON_BODY"] < app.config["MAX_CONTENT_LENGTH"] // 10
    padding = "x" * (app.config["MAX_JSON_BODY"] + 1)
    response = client.post("/api/v1/accounts/register", json={**GOOD_SIGNUP, "bio": padding})
    assert_error(response, 413, "payload_too_large")
    assert count(db, User) == 0


# --- lone surrogates ---------------------------------------------------------------------------

def test_a_lone_surrogate_in_registration_is_refused(client, db):
    body = json.dumps({**GOOD_SIGNUP, "display_name": "Pari\ud800sa"})
    assert_error(post_raw(client, "/api/v1/accounts/register", body), 422, "validation_error",
                 "display_name")
    body = json.dumps({**GOOD_SIGNUP, "password": "a long enough \udfff password"})
    assert_error(post_raw(client, "/api/v1/accounts/register", body), 422, "validation_error",
                 "password")
    assert count(db, User) == 0


def test_a_lone_surrogate_in_token_creation_is_refused(client, db, create_user, api_token):
    user = create_user(email="member@example.org")
    body = json.dumps({"email": user.email, "password": PASSWORD, "name": "laptop \ud83d"})
    assert_error(post_raw(client, "/api/v1/accounts/tokens", body), 422, "validation_error",
                 "name")
    headers = api_token(user)
    before = count(db, ApiToken)
    body = json.dumps({"name": "\udc00"})
    assert_error(post_raw(client, "/api/v1/accounts/me/tokens", body, headers), 422,
                 "validation_error", "name")
    assert count(db, ApiToken) == before


def test_a_lone_surrogate_in_a_product_is_refused(client, db, api_token, owner, product_body,
                                                  create_product, carpet_category):
    headers = api_token(owner.user)
    body = json.dumps({**product_body, "title_fa": "تابلو \ud800"})
    assert_error(post_raw(client, "/api/v1/products", body, headers), 422, "validation_error",
                 "title_fa")
    body = json.dumps({**product_body, "attributes": {"width_cm": 40, "mat\ud800": "silk"}})
    response = post_raw(client, "/api/v1/products", body, headers)
    assert_error(response, 422, "validation_error", "attributes")
    assert "\ud800" not in json.dumps(response.json, ensure_ascii=False).encode(
        "utf-8", "surrogatepass").decode("utf-8", "replace")
    assert count(db, Product) == 0

    product = create_product(trainee=owner, category=carpet_category, description_fa="قبلی",
                             attributes={"width_cm": 30})
    body = json.dumps({"description_fa": "تازه \udc00"})
    assert_error(post_raw(client, f"/api/v1/products/{product.id}", body, headers, "patch"),
                 422, "validation_error", "description_fa")
    db.session.expire_all()
    assert db.session.get(Product, product.id).description_fa == "قبلی"


# --- control characters ------------------------------------------------------------------------

@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_character_in_a_title_is_refused_through_the_api(
        client, db, api_token, owner, product_body, control):
    response = client.post("/api/v1/products", headers=api_token(owner.user),
                           json={**product_body, "title_fa": f"تابلو{control}فرش"})
    assert_error(response, 422, "validation_error", "title_fa")
    assert count(db, Product) == 0


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_title_is_refused_on_the_page(
        client, db, login, owner, carpet_category, control):
    login(owner.user)
    response = client.post("/my/products/new", data={
        "category_id": carpet_category.id, "title_fa": f"تابلو{control}فرش", "price": "1250",
        "kind": "regular", "stock": "1", "attr.width_cm": "40"})
    assert 400 <= response.status_code < 500 or response.status_code == 302
    assert count(db, Product) == 0


def test_a_control_character_in_a_signup_form_is_refused(client, db):
    response = client.post("/signup", data={**GOOD_SIGNUP, "display_name": "Pari\x00sa"})
    assert 400 <= response.status_code < 500
    assert count(db, User) == 0
    response = client.post("/api/v1/accounts/register",
                           json={**GOOD_SIGNUP, "display_name": "Pari\x00sa"})
    assert_error(response, 422, "validation_error", "display_name")
    assert count(db, User) == 0


def test_line_breaks_belong_in_descriptions_not_in_titles(client, db, api_token, owner,
                                                          product_body):
    headers = api_token(owner.user)
    response = client.post("/api/v1/products", headers=headers,
                           json={**product_body, "title_fa": "تابلو\nفرش"})
    assert_error(response, 422, "validation_error", "title_fa")
    response = client.post("/api/v1/products", headers=headers, json={
        **product_body, "description_fa": "سطر یک\r\nسطر دو\t— با جدول‌بندی"})
    assert response.status_code == 201, response.json
    assert response.json["description_fa"] == "سطر یک\r\nسطر دو\t— با جدول‌بندی"


def test_a_line_break_in_a_name_is_refused_in_forms_and_the_api(client, db):
    response = client.post("/signup", data={**GOOD_SIGNUP, "display_name": "Pari\nsa"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Line breaks and tabs are not allowed here." in response.get_data(as_text=True)
    response = client.post("/api/v1/accounts/register",
                           json={**GOOD_SIGNUP, "display_name": "Pari\tsa"})
    assert_error(response, 422, "validation_error", "display_name")
    assert count(db, User) == 0


def test_the_refusal_is_in_persian_too(client, db):
    response = client.post("/api/v1/accounts/register", headers={"Accept-Language": "fa"},
                           json={**GOOD_SIGNUP, "display_name": "Pari\x00sa"})
    assert_error(response, 422, "validation_error", "display_name")
    assert response.json["error"]["fields"]["display_name"] == [
        "این متن نویسهٔ کنترلی دارد که پذیرفته نیست."]


@pytest.mark.parametrize("path", ["/products?q=a%00b", "/api/v1/products?q=a%00b",
                                  "/products?q=%1b%5b31m"])
def test_a_control_character_in_a_query_string_is_refused(client, path):
    response = client.get(path)
    assert response.status_code == 422
    if path.startswith("/api/"):
        assert_error(response, 422, "validation_error", "q")
