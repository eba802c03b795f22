"""The shipping-fee page's form: the fee typed in the currency's main unit (Persian digits
welcome) as minor units, bounded; none when the trainee does not ship."""

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.orders.forms import ShippingFeeForm


def _form(app, data: dict):
    with app.test_request_context("/my/shipping?lang=en", method="POST", data=MultiDict(data)):
        form = ShippingFeeForm()
        return form, form.validate()


@pytest.mark.parametrize(("amount", "minor"), [("۴٫۵۰", 450), ("4.5", 450), ("0", 0),
                                                ("۱٬۲۰۰", 120000)])
def test_the_fee_is_read_in_minor_units(app, amount, minor):
    form, valid = _form(app, {"offers_shipping": "1", "amount": amount})
    assert valid and form.fee() == minor


@pytest.mark.parametrize("amount", ["", "-3", "1.234", "four", "۱۰۰۰۰۰۰۰۰۰۰"])
def test_a_bad_fee_is_refused_when_shipping(app, amount):
    form, valid = _form(app, {"offers_shipping": "1", "amount": amount})
    assert not valid and form.amount.errors


def test_without_shipping_the_fee_field_does_not_matter(app):
    form, valid = _form(app, {"amount": "four"})
    assert valid and form.fee() is None
