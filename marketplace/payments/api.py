"""Payments API: moving a vendor order, the one API operation for every move of it; a
trainee's sales at the booth (recording one, today's list); and a pickup whose booth-day went
away (the buyer's choice, the payment of what shipping it instead costs, the handover).

It lives here, not in orders.api, because one of the moves — paid at pickup — is a payment:
payments books the cash before orders records the part as completed, and only payments may make
an order paid. The other moves (ready, shipped, handed over, cancelled) go to
orders.services.fulfilment unchanged.
"""

from flask.views import MethodView
from flask_babel import gettext as _

from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import locale_code
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.schemas import BuyerVendorOrderSchema, SaleSchema, TransitionSchema
from marketplace.orders.services import fulfilment, pickups
from marketplace.payments import queries as payment_queries
from marketplace.payments.pickup_views import COUNTED_REFUSALS
from marketplace.payments.schemas import (
    BoothSaleInputSchema,
    BoothSaleSchema,
    HandoverInputSchema,
    PickupChoiceInputSchema,
    PickupOptionsSchema,
    ShippingPaymentInputSchema,
    ShippingPaymentSchema,
)
from marketplace.payments.services import (
    booth_sales,
    pay_at_pickup,
    pickup_changes,
    shipping_payments,
)

blp = api_blueprint("payments_api", __name__, "",
                    "Trainees move their vendor orders: ready, shipped, handed over, paid at "
                    "pickup, cancelled.")


@blp.route("/vendor-orders/<int:vendor_order_id>/transitions")
class VendorOrderTransition(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(TransitionSchema)
    @blp.response(200, SaleSchema)
    @login_required_api
    def post(self, data, vendor_order_id):
        """Move your vendor order: an impossible move is a 409 `invalid_transition`."""
        user = require_login()
        vendor_order = queries.vendor_order(vendor_order_id)
        if vendor_order is None:
            raise NotFound(_("We could not find that order."))
        if data["action"] == "confirm_paid_at_pickup":
            pay_at_pickup.confirm_paid_at_pickup(user, vendor_order)
        else:
            fulfilment.mark_vendor_order(user, vendor_order, data["action"],
                                         tracking_code=data.get("tracking_code"))
        db.session.commit()
        return queries.vendor_order(vendor_order_id)


@blp.route("/booth-sales")
class BoothSales(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BoothSaleSchema(many=True))
    @login_required_api
    def get(self):
        """Your booth sales of today (the marketplace's date), newest first."""
        user = booth_sales.check_seller(require_login())
        return payment_queries.booth_sales_today(user.trainee.id)

    @blp.doc(security=BEARER)
    @blp.arguments(BoothSaleInputSchema)
    @blp.response(201, BoothSaleSchema)
    @login_required_api
    def post(self, data):
        """Record a face-to-face sale of your product: it takes the stock as online checkout
        does (409 `out_of_stock` when not enough is left) and is booked as money in hand.
        Someone else's product is a 404 `not_your_product`."""
        sale = booth_sales.record_booth_sale(require_login(), data)
        db.session.commit()
        return sale


# --- pickups that follow their booth ---------------------------------------------------------

@blp.route("/vendor-orders/<int:vendor_order_id>/pickup-choice")
class PickupChoice(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PickupOptionsSchema)
    @login_required_api
    def get(self, vendor_order_id):
        """What the buyer may choose for a pickup whose booth-day went away (404 for anyone but
        the buyer; 409 `pickup_not_disrupted` when nothing is to choose)."""
        vendor_order = pickups.disrupted_pickup_for(require_login(), vendor_order_id)
        due = shipping_payments.shipping_due(vendor_order)
        refusal = pickups.shipping_refusal(vendor_order)
        code = refusal[0].value if refusal else None
        if code is None:
            payment_refusal = shipping_payments.online_refusal(vendor_order, due)
            code = payment_refusal.code.value if payment_refusal else None
        return {"vendor_order_id": vendor_order.id, "reason": vendor_order.pickup_disruption,
                "days": pickups.rebook_options(vendor_order, locale_code()),
                "shipping_allowed": code is None, "shipping_refusal": code,
                "shipping_due": due.total, "currency": due.currency,
                "refund_amount": vendor_order.refundable.amount}

    @blp.doc(security=BEARER)
    @blp.arguments(PickupChoiceInputSchema)
    @blp.response(200, BuyerVendorOrderSchema(exclude=("allowed_actions",)))
    @login_required_api
    def post(self, data, vendor_order_id):
        """Choose: `rebook` another of the trainee's booth-days (`assignment_id`), `shipping`
        (`shipping_address`; 422 `shipping_needs_payment` when something is to be paid first:
        start that payment with POST .../shipping-payments) or a full `refund` of this vendor
        order; 409 `shipping_payment_in_progress` while the buyer is paying for shipping."""
        user = require_login()
        if data["choice"] == "rebook":
            pickup_changes.rebook_lost_pickup(user, vendor_order_id,
                                              data["assignment_id"] or 0, locale_code())
        elif data["choice"] == "shipping":
            vendor_order = pickups.disrupted_pickup_for(user, vendor_order_id)
            shipping_payments.check_no_open_shipping_payment(vendor_order)
            pickups.switch_to_shipping(user, vendor_order_id, data["shipping_address"])
        else:
            pickup_changes.refund_lost_pickup(user, vendor_order_id)
        db.session.commit()
        return queries.vendor_order(vendor_order_id)


@blp.route("/vendor-orders/<int:vendor_order_id>/shipping-payments")
class ShippingPayments(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ShippingPaymentInputSchema)
    @blp.response(201, ShippingPaymentSchema)
    @login_required_api
    def post(self, data, vendor_order_id):
        """Start paying to have a pickup part whose booth-day went away shipped instead: the
        trainee's shipping fee, plus the goods of a part that was to be paid at the booth
        (`shipping_due` of the pickup choice), through the order's online provider. Pay it as
        an order's payment (`client_secret` for Stripe, `payment_url` for Zarinpal); the
        part ships once it succeeds. Sent again while it is open, the same payment answers
        (with the address given last). 409 `nothing_to_pay` when shipping costs nothing more
        (choose `shipping` directly); 422 `shipping_below_gateway_minimum` when the amount
        is below the gateway's smallest payment (nothing is written); 404 for anyone but
        the buyer."""
        payment = shipping_payments.start_shipping_payment(require_login(), vendor_order_id,
                                                           data["shipping_address"])
        db.session.commit()
        return payment


@blp.route("/shipping-payments/<int:payment_id>")
class ShippingPaymentState(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ShippingPaymentSchema)
    @login_required_api
    def get(self, payment_id):
        """Your shipping payment as it stands (settled by the provider's webhook or
        callback); 404 for anyone else's."""
        return shipping_payments.shipping_payment_for(require_login(), payment_id)


@blp.route("/vendor-orders/<int:vendor_order_id>/handover")
class Handover(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(HandoverInputSchema)
    @blp.response(200, SaleSchema)
    @login_required_api
    def post(self, data, vendor_order_id):
        """Complete a pickup with the buyer's handover code (also the payment of a part paid
        at the booth). A wrong code is a 422 `wrong_handover_code` and counts; after a few
        the part is locked for a while: 429 `handover_locked` with Retry-After."""
        user = require_login()
        vendor_order = queries.vendor_order(vendor_order_id)
        if vendor_order is None:
            raise NotFound(_("We could not find that order."))
        try:
            pickup_changes.hand_over(user, vendor_order, data["code"])
        except DomainError as error:
            if error.code in COUNTED_REFUSALS:
                db.session.commit()  # the wrong try stays counted
            raise
        db.session.commit()
        return queries.vendor_order(vendor_order_id)
