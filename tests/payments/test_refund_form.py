"""The refund form: an amount above zero in the vendor order's currency (Persian digits and
separators welcome), restock, and a reason of at most 500 characters."""

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.payments.forms import RefundForm


def _form(app, data: dict, currency="USD"):
    with app.test_request_context("/?lang=en", method="POST", data=MultiDict(data)):
        form = RefundForm(meta={"currency": currency})
        return form, form.validate()


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("۱۰٫۰۰", "USD", 1000), ("12.5", "USD", 1250),
    ("۱۲٬۰۰۰", "IRR", 120000),  # typed in toman, the unit pages show; kept in rials
])
def test_the_amount_is_read_in_the_orders_currency(app, amount, currency, minor):
    form, valid = _form(app, {"amount": amount, "restock": "1"}, currency)
    assert valid, form.errors
    assert (form.amount.data, form.restock.data) == (minor, True)


@pytest.mark.parametrize(("data", "field"), [
    ({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": ""}, "amount"),
    ({"amount": "abc"}, "amount"), ({"amount": "1.234"}, "amount"),
    ({"amount": "1", "reason": "x" * 501}, "reason"),
])
def test_bad_input_is_refused(app, data, field):
    form, valid = _form(app, data)
    assert not valid and field in form.errors
