"""Marshmallow schemas of the payments API (payments.api): booth sales, the choice for a pickup
whose booth-day went away and its shipping payment, the handover. Unknown fields are refused;
the booth-sale input gives the same typed `BoothSaleData` as the page's `BoothSaleForm`."""

from marshmallow import RAISE, Schema, fields, post_load, validate

from marketplace.booths.models.sales import CARD_REFERENCE_MAX, CLIENT_KEY_MAX, BoothSalePayment
from marketplace.core.api import amount_field, id_field
from marketplace.core.input import SingleLine
from marketplace.payments.providers import get_provider
from marketplace.payments.services.booth_sales import MAX_QUANTITY, BoothSaleData


class BoothSaleInputSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    product_id = id_field(required=True, metadata={"description": "One of your own products."})
    quantity = fields.Integer(strict=True, required=True,
                              validate=validate.Range(1, MAX_QUANTITY),
                              metadata={"description": "Within the stock there is: a 409 "
                                                       "`out_of_stock` otherwise."})
    payment_kind = fields.String(required=True,
                                 validate=validate.OneOf([k.value for k in BoothSalePayment]))
    card_reference = SingleLine(load_default="", validate=validate.Length(max=CARD_REFERENCE_MAX))
    client_key = fields.String(
        load_default="", validate=[validate.Length(max=CLIENT_KEY_MAX),
                                   validate.Regexp(r"^[A-Za-z0-9-]*$")],
        metadata={"description": "Yours, once per sale: sending a sale again with the same key "
                                 "answers the sale recorded the first time."})

    @post_load
    def to_data(self, data, **_kwargs) -> BoothSaleData:
        return BoothSaleData(product_id=data["product_id"], quantity=data["quantity"],
                             payment_kind=BoothSalePayment(data["payment_kind"]),
                             card_reference=data["card_reference"].strip(),
                             client_key=data["client_key"])


class BoothSaleSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    quantity = fields.Integer()
    unit_price_amount = fields.Integer()
    total_amount = fields.Function(lambda sale: sale.total.amount)
    currency = fields.String()
    payment_kind = fields.Function(lambda sale: sale.payment_kind.value)
    card_reference = fields.String(allow_none=True)
    assignment_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class PickupChoiceInputSchema(Schema):
    """The buyer's choice for a pickup whose booth-day went away."""

    class Meta:
        unknown = RAISE
        ordered = True

    choice = fields.String(required=True, validate=validate.OneOf(("rebook", "shipping",
                                                                   "refund")))
    assignment_id = id_field(load_default=None, allow_none=True,
                             metadata={"description": "With `rebook`: one of `days`."})
    shipping_address = SingleLine(load_default="", validate=validate.Length(max=1000),
                                  metadata={"description": "With `shipping`."})


class PickupDaySchema(Schema):
    assignment_id = fields.Integer()
    market_day_id = fields.Integer()
    day = fields.Date()
    place = fields.String()


class PickupOptionsSchema(Schema):
    vendor_order_id = fields.Integer()
    reason = fields.String(allow_none=True)
    days = fields.List(fields.Nested(PickupDaySchema))
    shipping_allowed = fields.Boolean()
    shipping_refusal = fields.String(
        allow_none=True, metadata={"description": "Why shipping cannot be chosen: "
                                                  "`shipping_not_offered`, "
                                                  "`shipping_below_gateway_minimum`, "
                                                  "`unknown_provider` (nothing to pay online "
                                                  "with) or `payment_in_progress` (the order's "
                                                  "own payment first)."})
    shipping_due = amount_field(metadata={
        "description": "What shipping costs to pay online first (the trainee's fee, plus the "
                       "goods of a part that was to be paid at the booth), in minor units "
                       "(whole rials for IRR). 0: choose `shipping` directly; more: start a "
                       "payment with POST /vendor-orders/{vendor_order_id}/shipping-payments."})
    currency = fields.String()
    refund_amount = fields.Integer(metadata={"description": "What a refund gives back, in "
                                                            "minor units (whole rials for "
                                                            "IRR)."})


class ShippingPaymentInputSchema(Schema):
    """The buyer starts paying to have a pickup part shipped instead."""

    class Meta:
        unknown = RAISE

    shipping_address = SingleLine(required=True, validate=validate.Length(max=1000),
                                  metadata={"description": "Where to ship the part once paid."})


class ShippingPaymentSchema(Schema):
    """A payment of what shipping a pickup part instead costs (payments.services.
    shipping_payments): pay it as an order's payment is paid — Stripe's Payment Element with
    `client_secret`, or Zarinpal's page at `payment_url` (which sends the buyer back to the
    site). The part switches to shipping once it has succeeded."""

    id = fields.Integer()
    vendor_order_id = fields.Integer()
    provider = fields.String()
    status = fields.Function(lambda p: p.status.value)
    amount = amount_field()
    goods_amount = amount_field(metadata={"description": "What of `amount` pays for the "
                                                         "goods (a part that was to be paid "
                                                         "at the booth), in minor units (whole "
                                                         "rials for IRR)."})
    fee_amount = amount_field(metadata={"description": "What of `amount` is the shipping "
                                                       "fee, in minor units (whole rials for "
                                                       "IRR)."})
    currency = fields.String()
    client_secret = fields.String(allow_none=True)
    payment_url = fields.Method("_payment_url", allow_none=True,
                                metadata={"description": "Where the buyer pays (Zarinpal's "
                                                         "page); null for other providers "
                                                         "and once it is closed."})
    order_number = fields.Function(lambda p: p.vendor_order.order.number)
    settled_at = fields.AwareDateTime(allow_none=True)

    def _payment_url(self, payment) -> str | None:
        if not payment.is_open:
            return None
        return get_provider(payment.provider).payment_page_url(payment)


class HandoverInputSchema(Schema):
    class Meta:
        unknown = RAISE

    code = SingleLine(required=True, validate=validate.Length(min=1, max=12),
                      metadata={"description": "The digits the buyer shows (any digits)."})
