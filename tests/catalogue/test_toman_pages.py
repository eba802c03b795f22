"""An Iranian deployment (IRR, Persian): pages show toman with Persian digits only, and every
amount form (listing price, search price bounds, shipping fee, booth fees) takes toman and
stores rials."""

from html.parser import HTMLParser

import pytest
from flask import g
from sqlalchemy import select

from marketplace.booths.forms import BoothForm, VenueForm
from marketplace.catalogue.models import Product
from marketplace.orders.models import ShippingRate

NBSP = "\u00a0"


@pytest.fixture
def app_config():
    return {"MARKETPLACE_CURRENCY": "IRR", "DEFAULT_LOCALE": "fa"}


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script and style, text inputs' values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attributes = dict(attrs)
        if tag == "input" and (attributes.get("type") or "text") in ("text", "search", "number"):
            self.parts.append(attributes.get("value") or "")
        self.parts.extend(attributes[name] or "" for name in ("placeholder", "title", "alt",
                                                               "aria-label") if name in attrs)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


@pytest.fixture
def persian_product(create_user, create_centre, create_trainee, create_category,
                    create_product):
    """A listing of 12,500,000 rials whose names have no digits (the factories number them)."""
    trainee = create_trainee(
        user=create_user(display_name="مریم", locale="fa"), store_name="فروشگاه ارم",
        centre=create_centre(name_fa="مرکز آموزش اسکو"))
    return create_product(trainee=trainee, price_amount=12_500_000, title_fa="تابلو فرش",
                          title_en=None, category=create_category(name_fa="تابلو"))


def visible_latin_digits(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [part.strip() for part in parser.parts if any(c.isascii() and c.isdigit()
                                                         for c in part)]


def test_a_listing_made_through_the_form_stores_rials(db, client, login, create_user,
                                                     create_trainee, carpet_category):
    login(create_trainee(user=create_user(locale="fa")).user)
    page = client.get(f"/my/products/new?category={carpet_category.id}")
    assert "قیمت (تومان)" in page.text
    response = client.post("/my/products/new", data={
        "category_id": carpet_category.id, "title_fa": "تابلو فرش ابریشم", "price": "۱٬۲۵۰٬۰۰۰",
        "kind": "one_of_a_kind", "stock": "", "attr.width_cm": "۴۰", "attr.material": "silk"})
    assert response.status_code == 302, response.text
    product = db.session.scalar(select(Product))
    assert (product.price_amount, product.currency) == (12_500_000, "IRR")

    editor = client.get(f"/my/products/{product.id}/edit").text
    assert 'value="۱۲۵۰۰۰۰"' in editor  # shown back in toman, with Persian digits


def test_a_price_that_is_not_toman_is_a_field_error_and_writes_nothing(
        db, client, login, create_user, create_trainee, carpet_category):
    login(create_trainee(user=create_user(locale="fa")).user)
    response = client.post("/my/products/new", data={
        "category_id": carpet_category.id, "title_fa": "تابلو", "price": "۱۲۵۰٫۵۵",
        "kind": "one_of_a_kind", "attr.width_cm": "۴۰", "attr.material": "silk"})
    assert response.status_code == 422
    assert "مبلغ را مانند ۱۲۵۰۰ وارد کنید." in response.text
    assert db.session.scalar(select(Product)) is None


def test_a_persian_product_page_shows_toman_and_no_latin_digit(client, persian_product):
    html = client.get(f"/p/{persian_product.id}").text
    assert f"۱٬۲۵۰٬۰۰۰{NBSP}تومان" in html
    assert "IRR" not in html.replace('"IRR"', "")  # no currency code for the reader
    assert visible_latin_digits(html) == []


def test_the_search_page_shows_toman_and_reads_its_price_bounds_in_toman(client,
                                                                         persian_product):
    found = client.get("/products?min_price=۱٬۰۰۰٬۰۰۰").text
    assert f"۱٬۲۵۰٬۰۰۰{NBSP}تومان" in found and "قیمت از (تومان)" in found
    assert visible_latin_digits(found) == []
    none = client.get("/products?min_price=۲۰۰۰۰۰۰").text  # 2,000,000 toman = 20,000,000 rials
    assert f"۱٬۲۵۰٬۰۰۰{NBSP}تومان" not in none
    bad = client.get("/products?min_price=۱۲٫۵۵")
    assert bad.status_code == 400 and "۱۲۵۰۰" in bad.text


def test_the_search_api_reads_price_bounds_in_rials(client, create_product):
    create_product(price_amount=12_500_000, title_fa="تابلو فرش")
    items = client.get("/api/v1/products?min_price=12000000").json["items"]
    assert [item["price_amount"] for item in items] == [12_500_000]
    assert client.get("/api/v1/products?min_price=13000000").json["items"] == []


def test_the_shipping_fee_is_typed_in_toman(db, client, login, create_user, create_trainee):
    login(create_trainee(user=create_user(locale="fa")).user)
    assert "(تومان)" in client.get("/my/shipping").text
    response = client.post("/my/shipping", data={"offers_shipping": "1", "amount": "۵۰٬۰۰۰"})
    assert response.status_code == 302
    rate = db.session.scalar(select(ShippingRate))
    assert rate.amount == 500_000
    page = client.get("/my/shipping").text
    assert 'value="۵۰۰۰۰"' in page


def test_booth_fees_are_typed_in_toman(app):
    for form_class, name in ((VenueForm, "standard_fee_amount"), (BoothForm, "fee_amount")):
        g.pop("_flask_babel", None)
        with app.test_request_context("/?lang=fa", method="POST",
                                      data={name: "۲۰۰٬۰۰۰"}):
            field = form_class()[name]
            assert "(تومان)" in str(field.label)
            assert field.data == 2_000_000


def test_the_refund_form_on_a_sale_page_says_toman(client, login, create_user, persian_product,
                                                   place_test_order):
    order = place_test_order(create_user(locale="fa"), persian_product, paid=True)
    login(persian_product.trainee.user)
    html = client.get(f"/sales/{order.vendor_orders[0].id}").text
    assert f"مبلغ (حداکثر ۱٬۲۵۰٬۰۰۰{NBSP}تومان)" in html
