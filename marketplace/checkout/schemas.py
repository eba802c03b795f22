"""Marshmallow schemas of the checkout API: placing an order loads as `CheckoutChoices`, its
fields checked for shape here as `checkout.forms` checks them for the page; what needs the
cart and the database (a choice per trainee, shipping fees, pickup places) is checked by
`checkout.services.place_order`. Unknown fields are refused."""

from marshmallow import fields, post_load, validate

from marketplace.checkout.services import (
    ADDRESS_MAX,
    NAME_MAX,
    NOTE_MAX,
    PHONE_MAX,
    PICKUP_KEY_MAX,
    CheckoutChoices,
)
from marketplace.core.api import MAX_AMOUNT, id_field
from marketplace.core.input import MultiLine, SingleLine
from marketplace.orders.models import Fulfilment, PaymentMethod
from marketplace.orders.schemas import StrictSchema


class FulfilmentChoiceSchema(StrictSchema):
    trainee_id = id_field(required=True)
    fulfilment = fields.Enum(Fulfilment, by_value=True, required=True)
    pickup = SingleLine(load_default=None, validate=validate.Length(max=PICKUP_KEY_MAX))


class PlaceOrderSchema(StrictSchema):
    contact_name = SingleLine(load_default="", validate=validate.Length(max=NAME_MAX))
    contact_phone = SingleLine(load_default="", validate=validate.Length(max=PHONE_MAX))
    shipping_address = MultiLine(load_default="", validate=validate.Length(max=ADDRESS_MAX))
    note = MultiLine(load_default="", validate=validate.Length(max=NOTE_MAX))
    expected_subtotal = fields.Integer(load_default=None, strict=True,
                                       validate=validate.Range(0, MAX_AMOUNT))
    parts = fields.List(fields.Nested(FulfilmentChoiceSchema), required=True)
    pickup_payment = fields.Enum(
        PaymentMethod, by_value=True, load_default=PaymentMethod.ONLINE,
        metadata={"description": "How the pickup parts are paid: `online` with the rest of "
                                 "the order, or `at_pickup` to their trainees at the booth "
                                 "(needs pay at pickup enabled and a part with fulfilment "
                                 "`pickup`; shipped parts are always paid online)."})

    @post_load
    def _choices(self, data, **_kwargs) -> CheckoutChoices:
        parts = data.pop("parts")
        return CheckoutChoices(
            **data, fulfilment={p["trainee_id"]: p["fulfilment"] for p in parts},
            pickup={p["trainee_id"]: p["pickup"] for p in parts if p["pickup"]})
