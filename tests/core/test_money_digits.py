"""Money (integer minor units) and digit conversion."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.core.digits import parse_int, to_ascii_digits, to_persian_digits
from marketplace.core.money import Money


@given(amount=st.integers(min_value=-10**12, max_value=10**12),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20)
       .filter(lambda w: sum(w) > 0))
def test_allocate_loses_no_unit_and_stays_proportional(amount, weights):
    parts = Money(amount, "USD").allocate(weights)
    assert sum(p.amount for p in parts) == amount
    assert {p.currency for p in parts} == {"USD"}
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = amount * weight / total
        assert abs(part.amount - exact) < 1 + 1e-9 * abs(amount)
        if weight == 0:
            assert part.amount == 0


def test_allocate_gives_leftover_units_to_the_largest_remainders_first():
    assert [m.amount for m in Money(100, "USD").allocate([1, 1, 1])] == [34, 33, 33]
    assert [m.amount for m in Money(5, "USD").allocate([3, 7])] == [2, 3]  # 1.5, 3.5
    with pytest.raises(ValueError):
        Money(100, "USD").allocate([0, 0])
    with pytest.raises(ValueError):
        Money(100, "USD").allocate([1, -1, 2])


@pytest.mark.parametrize(("amount", "percent", "expected"), [
    (1000, 10, 100),
    (5, 10, 1),        # 0.5 rounds half up
    (4, 10, 0),        # 0.4 rounds down
    (15, 10, 2),       # 1.5 → 2
    (100, 12.5, 13),   # 12.5 → 13
    (999, 0, 0),
    (250_000, 7.5, 18_750),
])
def test_percent_rounds_half_up_to_a_whole_minor_unit(amount, percent, expected):
    assert Money(amount, "USD").percent(percent) == Money(expected, "USD")


def test_money_arithmetic_stays_within_a_currency():
    assert Money(150, "USD") + Money(50, "USD") == Money(200, "USD")
    assert Money(150, "USD") - Money(200, "USD") == Money(-50, "USD")
    assert Money(150, "USD") * 3 == Money(450, "USD")
    assert Money(1, "USD") < Money(2, "USD")
    with pytest.raises(ValueError):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(TypeError):
        Money(1.5, "USD")
    with pytest.raises(TypeError):
        Money(1, "USD") * 1.5
    with pytest.raises(ValueError):
        Money(1, "usd")


@pytest.mark.parametrize(("text", "currency", "amount"), [
    ("12.50", "USD", 1250), ("12", "USD", 1200), ("0.05", "USD", 5), ("1,234.5", "USD", 123450),
    ("1500", "JPY", 1500), ("1500000", "IRR", 1500000), ("1.234", "KWD", 1234),
])
def test_from_decimal_string(text, currency, amount):
    money = Money.from_decimal_string(text, currency)
    assert money == Money(amount, currency)


@pytest.mark.parametrize(("text", "currency"), [
    ("12.505", "USD"), ("1.5", "JPY"), ("", "USD"), ("abc", "USD"), ("1.2.3", "USD"),
    ("-5", "USD"),
])
def test_from_decimal_string_refuses_bad_amounts(text, currency):
    with pytest.raises(ValueError):
        Money.from_decimal_string(text, currency)


def test_formatting_per_locale():
    assert Money(123456, "USD").format("en") == "$1,234.56"
    persian = Money(123456, "USD").format("fa")
    assert "۱٬۲۳۴٫۵۶" in persian and "$" in persian
    assert not any(c.isascii() and c.isdigit() for c in persian)
    assert "۱٬۵۰۰٬۰۰۰" in Money(1_500_000, "IRR").format("fa", "rial")
    assert "۱۵۰٬۰۰۰" in Money(1_500_000, "IRR").format("fa", "toman")
    assert Money(1000, "JPY").format("en") == "¥1,000"
    assert str(Money(1250, "USD")) == "12.50 USD"


@pytest.mark.parametrize(("text", "value"), [
    ("۱۲۳۴۵", 12345), ("٤٥", 45), ("۱٬۲۳۴", 1234), ("1,234", 1234), (" ۷ ", 7), ("-۳", -3),
    ("۰۰۹", 9), (42, 42),
])
def test_parse_int_accepts_any_digits(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["", "abc", "۱۲.۵", "1e3"])
def test_parse_int_refuses_non_integers(text):
    with pytest.raises(ValueError):
        parse_int(text)


@given(st.integers())
def test_persian_digits_round_trip(n):
    assert to_ascii_digits(to_persian_digits(str(n))) == str(n)
    assert parse_int(to_persian_digits(f"{n:,}")) == n


def test_localized_integer_field_takes_persian_digits(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from marketplace.core.forms import LocalizedIntegerField

    class QuantityForm(Form):
        quantity = LocalizedIntegerField()

    with app.test_request_context():
        assert QuantityForm(MultiDict({"quantity": "۱۲"})).quantity.data == 12
        assert QuantityForm(MultiDict({"quantity": "٣٬٠٠٠"})).quantity.data == 3000
        form = QuantityForm(MultiDict({"quantity": "دوازده"}))
        assert not form.validate() and form.quantity.errors
