"""IRR is kept in whole rials; pages show it, and forms take it, in toman (or rial, as
IRR_DISPLAY_UNIT says); the API speaks rials and says so. Other currencies are unchanged."""

import pytest
from flask import g
from werkzeug.datastructures import MultiDict

from marketplace.core.forms import AmountField, Bounds, Form
from marketplace.core.money import Money, check_display_unit, minor_units, parse_amount

NBSP = "\u00a0"


def _has_latin_digit(text: str) -> bool:
    return any(c.isascii() and c.isdigit() for c in text)


def test_irr_is_kept_in_whole_rials_whatever_iso_or_cldr_say():
    # ISO 4217 lists 2 places (the long-gone dinar), CLDR 0; a stored integer is whole rials.
    assert minor_units("IRR") == 0
    assert Money.from_decimal_string("12500000", "IRR") == Money(12_500_000, "IRR")
    with pytest.raises(ValueError):
        Money.from_decimal_string("1.5", "IRR")
    assert Money(12_500_000, "IRR").to_decimal_string() == "12500000"  # files and API: rials


@pytest.mark.parametrize(("rials", "unit", "fa", "en"), [
    (12_500_000, "toman", f"۱٬۲۵۰٬۰۰۰{NBSP}تومان", f"1,250,000{NBSP}toman"),
    (12_500_000, "rial", f"۱۲٬۵۰۰٬۰۰۰{NBSP}ریال", f"IRR{NBSP}12,500,000"),
    # A rial remainder is shown as a decimal toman, never rounded away.
    (1_250_005, "toman", f"۱۲۵٬۰۰۰٫۵{NBSP}تومان", f"125,000.5{NBSP}toman"),
    (5, "toman", f"۰٫۵{NBSP}تومان", f"0.5{NBSP}toman"),
    (0, "toman", f"۰{NBSP}تومان", f"0{NBSP}toman"),
    (-12_500, "toman", f"-۱٬۲۵۰{NBSP}تومان", f"-1,250{NBSP}toman"),
    (-12_500, "rial", f"-۱۲٬۵۰۰{NBSP}ریال", f"-IRR{NBSP}12,500"),
])
def test_irr_is_formatted_in_the_unit_asked(rials, unit, fa, en):
    money = Money(rials, "IRR")
    assert money.format("fa", unit) == fa
    assert money.format("en", unit) == en
    assert not _has_latin_digit(money.format("fa", unit))


def test_the_unit_is_part_of_the_formatting_cache_key():
    money = Money(12_500_000, "IRR")
    assert money.format("fa", "toman") != money.format("fa", "rial")
    assert money.format("fa", "toman") == f"۱٬۲۵۰٬۰۰۰{NBSP}تومان"  # not the rial one cached


def test_other_currencies_are_unchanged_by_the_irr_unit():
    for unit in ("toman", "rial"):
        assert Money(123456, "USD").format("en", unit) == "$1,234.56"
        assert "۱٬۲۳۴٫۵۶" in Money(123456, "USD").format("fa", unit)
        assert Money(1000, "JPY").format("en", unit) == "¥1,000"


@pytest.mark.parametrize(("unit", "rials"), [("toman", 12_500_000), ("rial", 1_250_000)])
def test_parse_amount_reads_the_unit_shown(unit, rials):
    assert parse_amount("1,250,000", "IRR", unit) == Money(rials, "IRR")


@pytest.mark.parametrize(("text", "rials"), [
    ("۱۲٬۵۰۰", 125_000), ("12,500", 125_000), ("12500", 125_000), ("١٢٬٥٠٠", 125_000),
    ("۱۲ ۵۰۰", 125_000), ("12.5", 125), ("۱۲٫۵", 125), ("١٢٫٥", 125), ("0.5", 5),
    ("۱۲٬۵۰۰ تومان", 125_000), ("12,500 toman", 125_000), ("\u200e۱۲۵۰۰\u200f", 125_000),
])
def test_toman_is_typed_with_any_digits_and_kept_as_rials(text, rials):
    assert parse_amount(text, "IRR", "toman") == Money(rials, "IRR")


@pytest.mark.parametrize("text", [
    "", "  ", "abc", "-5", "12.55", "1.2.3", "۱۲/۵", "12500 ریال", "²", "1e3", "۱۲٫۵٫۰",
    "9" * 5000,
])
def test_parse_amount_refuses_what_is_not_an_amount_in_toman(text):
    with pytest.raises(ValueError):
        parse_amount(text, "IRR", "toman")


def test_rial_mode_takes_whole_rials_and_usd_takes_cents():
    assert parse_amount("۱۲٬۵۰۰", "IRR", "rial") == Money(12_500, "IRR")
    with pytest.raises(ValueError):
        parse_amount("12.5", "IRR", "rial")
    assert parse_amount("۱۲٫۵۰", "USD", "toman") == Money(1250, "USD")
    assert parse_amount("1,234.5", "USD") == Money(123450, "USD")


def test_an_unknown_display_unit_refuses_to_start():
    check_display_unit({"IRR_DISPLAY_UNIT": "toman"})
    check_display_unit({"IRR_DISPLAY_UNIT": "rial"})
    with pytest.raises(RuntimeError, match="IRR_DISPLAY_UNIT"):
        check_display_unit({"IRR_DISPLAY_UNIT": "dinar"})


class PriceForm(Form):
    class Meta:
        csrf = False

    price = AmountField("Price", validators=[Bounds(1, 10**9)])


def _price_form(app, text: str, lang="fa", currency="IRR"):
    g.pop("_flask_babel", None)  # the locale Flask-Babel kept for the app context
    with app.test_request_context(f"/?lang={lang}", method="POST",
                                  data=MultiDict({"price": text})):
        form = PriceForm(meta={"currency": currency})
        valid = form.validate()
        return form, valid, str(form.price.label), form.price()


@pytest.mark.parametrize(("text", "rials"), [
    ("۱۲٬۵۰۰", 125_000), ("12,500", 125_000), ("٣٬٠٠٠٫٥", 30_005), ("۱۲۵۰۰۰۰ تومان", 12_500_000),
])
def test_amount_field_takes_toman_and_gives_rials(app, text, rials):
    form, valid, label, _html = _price_form(app, text)
    assert valid, form.errors
    assert form.price.data == rials
    assert "تومان" in label


@pytest.mark.parametrize("text", ["دوازده", "12.55", "-5", "۱۲/۵", "1e3", "12500 ریال"])
def test_amount_field_refuses_bad_input_with_a_field_error(app, text):
    form, valid, _label, html = _price_form(app, text)
    assert not valid
    [message] = form.errors["price"]
    assert "۱۲۵۰۰" in message and not _has_latin_digit(message)  # an example in toman
    assert text in html  # what was typed stays in the field


def test_amount_field_bounds_are_said_in_the_unit_shown(app):
    form, valid, _label, _html = _price_form(app, "۱۰۰۰۰۰۰۰۰۰")  # 10^10 rials > 10^9
    assert not valid
    assert f"۱۰۰٬۰۰۰٬۰۰۰{NBSP}تومان" in form.errors["price"][0]


def test_amount_field_in_english_and_in_dollars(app):
    form, valid, label, _html = _price_form(app, "12,500", lang="en")
    assert valid and form.price.data == 125_000 and "Price (toman)" in label
    form, valid, label, _html = _price_form(app, "12.50", lang="en", currency="USD")
    assert valid and form.price.data == 1250 and "Price (USD)" in label
    form, valid, _label, _html = _price_form(app, "12.505", lang="en", currency="USD")
    assert not valid and "12.50" in form.errors["price"][0]


def test_amount_field_shows_a_stored_amount_in_toman_with_the_readers_digits(app):
    with app.test_request_context("/?lang=fa"):
        form = PriceForm(meta={"currency": "IRR"}, price=12_500_005)
        assert 'value="۱۲۵۰۰۰۰٫۵"' in form.price()
        assert 'inputmode="decimal"' in form.price()
    g.pop("_flask_babel", None)  # the locale Flask-Babel kept for the app context
    with app.test_request_context("/?lang=en"):
        assert 'value="1250000"' in PriceForm(meta={"currency": "IRR"}, price=12_500_000).price()


class TestRialMode:
    @pytest.fixture
    def app_config(self):
        return {"MARKETPLACE_CURRENCY": "IRR", "IRR_DISPLAY_UNIT": "rial"}

    def test_the_app_setting_chooses_the_unit(self, app):
        assert Money(12_500_000, "IRR").format("fa") == f"۱۲٬۵۰۰٬۰۰۰{NBSP}ریال"
        form, valid, label, _html = _price_form(app, "۱۲٬۵۰۰")
        assert valid and form.price.data == 12_500 and "ریال" in label


def test_toman_is_the_default_outside_and_inside_an_app(app):
    assert app.config["IRR_DISPLAY_UNIT"] == "toman"
    assert Money(12_500_000, "IRR").format("fa") == f"۱٬۲۵۰٬۰۰۰{NBSP}تومان"


def test_the_api_document_says_amounts_are_rials(client):
    spec = client.get("/api/openapi.json").json
    assert "whole rials for IRR" in spec["info"]["description"]
    schemas = spec["components"]["schemas"]
    assert "whole rials" in schemas["Money"]["properties"]["amount"]["description"]
    unsaid = [f"{name}.{prop}" for name, schema in schemas.items()
              for prop, field in schema.get("properties", {}).items()
              if (prop == "amount" or prop.endswith("_amount"))
              and "rials" not in field.get("description", "")]
    assert unsaid == []
