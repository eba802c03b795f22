"""Marshmallow schemas of the cart and orders API. Unknown fields are refused."""

from marshmallow import RAISE, Schema, fields, validate

from marketplace.core.api import amount_field, id_field
from marketplace.core.pagination import MAX_PAGE, MAX_PER_PAGE
from marketplace.orders.models import VENDOR_ACTIONS, VendorOrderStatus
from marketplace.orders.queries import pickup_booth_code, pickup_place_text
from marketplace.orders.services.cart import MAX_LINE_QUANTITY, bad_quantity, quantity_problem

ORDER_PAGE_SIZE = 20


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


# --- input -----------------------------------------------------------------------------------

class QuantityRange(validate.Range):
    """1 … MAX_LINE_QUANTITY (`cart.quantity_problem`). A quantity outside is a 400
    `bad_quantity`, as on the cart pages, rather than the 422 of a malformed body: a JSON
    number that is not an integer is still that 422. (OpenAPI reads the range from here.)"""

    def __init__(self):
        super().__init__(1, MAX_LINE_QUANTITY)

    def __call__(self, value):
        problem = quantity_problem(value)
        if problem:
            raise bad_quantity(problem)
        return value


def _quantity(**kwargs) -> fields.Integer:
    # The stock is checked by the services (422 `not_enough_stock`).
    return fields.Integer(strict=True, validate=QuantityRange(), metadata={
        "description": "Within the stock there is (one_of_a_kind: 1)."}, **kwargs)


class CartLineCreateSchema(StrictSchema):
    product_id = id_field(required=True)
    quantity = _quantity(load_default=1)


class CartLineUpdateSchema(StrictSchema):
    quantity = _quantity(required=True)


class PageArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=ORDER_PAGE_SIZE,
                              validate=validate.Range(1, MAX_PER_PAGE))


class VendorOrderArgsSchema(PageArgsSchema):
    status = fields.String(load_default=None,
                           validate=validate.OneOf([s.value for s in VendorOrderStatus]))


class TransitionSchema(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(VENDOR_ACTIONS))
    tracking_code = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=64),
                                  metadata={"description": "With mark_shipped: the carrier's "
                                            "tracking code, told to the buyer."})


class PaySchema(StrictSchema):
    provider = fields.String(required=True, validate=validate.Length(max=32))


# --- output ----------------------------------------------------------------------------------

class CartLineSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    title = fields.Function(lambda line: line.product.title_fa)
    title_en = fields.Function(lambda line: line.product.title_en)
    trainee_id = fields.Function(lambda line: line.product.trainee_id)
    quantity = fields.Integer()
    unit_price_amount = fields.Function(lambda line: line.product.price_amount)
    seen_price_amount = fields.Integer(attribute="unit_price_amount")
    currency = fields.String()
    stock = fields.Function(lambda line: line.product.stock)
    price_changed = fields.Boolean()
    stock_short = fields.Boolean()
    line_total_amount = fields.Function(lambda line: line.line_total.amount)


class CartSchema(Schema):
    id = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(CartLineSchema))
    total_amount = fields.Integer()
    currency = fields.String()


class OrderLineSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    title = fields.String()
    quantity = fields.Integer()
    unit_price_amount = fields.Integer()
    currency = fields.String()
    restocked_quantity = fields.Integer()


def _pickup_place_text(vendor_order):
    return pickup_place_text(vendor_order)


class VendorOrderSchema(Schema):
    id = fields.Integer()
    order_number = fields.Function(lambda vo: vo.order.number)
    trainee_id = fields.Integer()
    store_name = fields.Function(lambda vo: vo.trainee.store_name)
    status = fields.Function(lambda vo: vo.status.value)
    fulfilment = fields.Function(lambda vo: vo.fulfilment.value)
    payment_method = fields.Function(
        lambda vo: vo.payment_method.value,
        metadata={"description": "`online` (in the order's online payment) or `at_pickup` "
                                 "(paid to the trainee at the booth)."})
    pickup_place = fields.Function(lambda vo: _pickup_place_text(vo) or None, allow_none=True)
    pickup_booth_code = fields.Function(lambda vo: pickup_booth_code(vo), allow_none=True,
                                        metadata={"description": "The booth of the booth-day "
                                                                 "the part is collected at."})
    pickup_day = fields.Date(allow_none=True)
    pickup_market_day_id = fields.Integer(allow_none=True)
    pickup_assignment_id = fields.Integer(allow_none=True)
    pickup_needs_choice = fields.Boolean(
        metadata={"description": "The booth-day went away: the buyer chooses another day, "
                                 "shipping or a refund (/vendor-orders/{id}/pickup-choice)."})
    shipping_address = fields.String(allow_none=True)
    tracking_code = fields.String(allow_none=True)
    subtotal_amount = fields.Integer()
    shipping_amount = fields.Integer()
    total_amount = fields.Integer()
    refunded_amount = fields.Integer()
    currency = fields.String()
    paid_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    allowed_actions = fields.Function(lambda vo: vo.allowed_actions())
    lines = fields.List(fields.Nested(OrderLineSchema))


class BuyerVendorOrderSchema(VendorOrderSchema):
    """A vendor order as its buyer sees it: with the code they show at the booth (never in
    the trainee's SaleSchema, or the trainee could complete a pickup alone)."""

    handover_code = fields.Function(
        lambda vo: vo.handover_code if vo.fulfilment.value == "pickup" else None,
        allow_none=True)


class SaleSchema(VendorOrderSchema):
    """A vendor order as its trainee sees it: with the buyer's contact."""

    buyer_name = fields.Function(lambda vo: vo.order.contact_name)
    buyer_phone = fields.Function(lambda vo: vo.order.contact_phone)
    note = fields.Function(lambda vo: vo.order.note)


class OrderSchema(Schema):
    number = fields.String()
    status = fields.Function(lambda o: o.status.value)
    total_amount = fields.Integer()
    online_amount = amount_field(
        metadata={"description": "What the online payment takes: the parts paid online, in "
                                 "minor units (for IRR whole rials, never toman); the parts "
                                 "paid at pickup are paid at the booth."})
    currency = fields.String()
    expires_at = fields.DateTime(allow_none=True)
    payment_provider = fields.String(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    contact_name = fields.String()
    vendor_orders = fields.List(fields.Nested(BuyerVendorOrderSchema(
        exclude=("allowed_actions",))))


class PageMetaSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class OrderPageSchema(PageMetaSchema):
    items = fields.List(fields.Nested(OrderSchema))


class SalePageSchema(PageMetaSchema):
    items = fields.List(fields.Nested(SaleSchema))


class PaymentOutSchema(Schema):
    id = fields.Integer()
    provider = fields.String()
    status = fields.Function(lambda p: p.status.value)
    amount = fields.Integer()
    currency = fields.String()
    client_secret = fields.String(allow_none=True)
    # Where the buyer pays (Zarinpal's StartPay page); absent for providers without one.
    payment_url = fields.String(allow_none=True)
    order_number = fields.Function(lambda p: p.order.number)
    order_status = fields.Function(lambda p: p.order.status.value)
    message = fields.String()
