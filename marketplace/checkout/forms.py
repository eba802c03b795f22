"""The checkout page's form: contact fields, a shipping-or-pickup choice and a pickup place
per trainee in the cart (`fulfilment_<id>`, `pickup_<id>`), so the form class is built for the
cart (`checkout_form`), and how the pickup parts are paid (`pickup_payment`). It gives
`CheckoutChoices`; what needs the database (shipping fees, pickup places, prices) is checked by
`checkout.services.place_order`."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.checkout.services import (
    ADDRESS_MAX,
    NAME_MAX,
    NOTE_MAX,
    PHONE_MAX,
    PICKUP_KEY_MAX,
    CheckoutChoices,
)
from marketplace.core.api import MAX_AMOUNT
from marketplace.core.forms import Bounds, Form, LocalizedIntegerField, strip
from marketplace.orders.models import Fulfilment, PaymentMethod

CHOOSE_FULFILMENT = _l("Choose shipping or pickup.")
PAYMENT_CHOICE_LABELS = {
    PaymentMethod.ONLINE: _l("Pay everything online"),
    PaymentMethod.AT_PICKUP: _l("Pay online for shipped parts, at the booth for pickup parts"),
}


class CheckoutForm(Form):
    contact_name = StringField(_l("Name"), filters=[strip],
                               validators=[Optional(), Length(max=NAME_MAX)])
    contact_phone = StringField(_l("Phone"), filters=[strip],
                                validators=[Optional(), Length(max=PHONE_MAX)])
    shipping_address = TextAreaField(_l("Shipping address (for parts you have shipped)"),
                                     filters=[strip],
                                     validators=[Optional(), Length(max=ADDRESS_MAX)])
    note = TextAreaField(_l("Note for the trainees (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=NOTE_MAX)])
    # The goods total the page showed (a hidden field); a different one now is a 409.
    expected_subtotal = LocalizedIntegerField(validators=[Optional(), Bounds(0, MAX_AMOUNT)])
    # Pay everything online, or the pickup parts at the booth (offered only with pay at pickup;
    # place_order refuses it without a pickup part). Missing means online.
    pickup_payment = RadioField(
        _l("How do you pay?"), default=PaymentMethod.ONLINE.value,
        choices=lambda: [(m.value, str(label)) for m, label in PAYMENT_CHOICE_LABELS.items()],
        validators=[Optional()])
    trainee_ids: tuple[int, ...] = ()

    def choices(self) -> CheckoutChoices:
        fulfilment = {tid: Fulfilment(self[f"fulfilment_{tid}"].data)
                      for tid in self.trainee_ids if self[f"fulfilment_{tid}"].data}
        pickup = {tid: self[f"pickup_{tid}"].data
                  for tid in self.trainee_ids if self[f"pickup_{tid}"].data}
        return CheckoutChoices(
            contact_name=self.contact_name.data or "", contact_phone=self.contact_phone.data or "",
            shipping_address=self.shipping_address.data or "", note=self.note.data or "",
            fulfilment=fulfilment, pickup=pickup, expected_subtotal=self.expected_subtotal.data,
            pickup_payment=PaymentMethod(self.pickup_payment.data or PaymentMethod.ONLINE))


def _fulfilment_field() -> RadioField:
    return RadioField(choices=lambda: [(f.value, f.value) for f in Fulfilment],
                      validators=[InputRequired(message=CHOOSE_FULFILMENT)])


def checkout_form(trainee_ids: Iterable[int]) -> CheckoutForm:
    """The checkout form for a cart with parts from these trainees."""
    ids = tuple(trainee_ids)
    per_trainee: dict[str, object] = {}
    for tid in ids:
        per_trainee[f"fulfilment_{tid}"] = _fulfilment_field()
        per_trainee[f"pickup_{tid}"] = StringField(
            filters=[strip], validators=[Optional(), Length(max=PICKUP_KEY_MAX)])
    form_class = type("CartCheckoutForm", (CheckoutForm,), {**per_trainee, "trainee_ids": ids})
    return form_class()
