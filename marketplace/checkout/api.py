"""Checkout API: place an order from your cart, then pay it."""

from flask.views import MethodView
from flask_babel import gettext as _

from marketplace.checkout import services
from marketplace.checkout.schemas import PlaceOrderSchema
from marketplace.checkout.services import CheckoutChoices
from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import NotFound
from marketplace.core.i18n import locale_code
from marketplace.extensions import db
from marketplace.orders.schemas import OrderSchema, PaymentOutSchema, PaySchema
from marketplace.orders.services import cart as carts
from marketplace.payments.providers import get_provider
from marketplace.payments.services import payments

blp = api_blueprint("checkout_api", __name__, "",
                    "Checkout: place an order from your cart and pay it.")



@blp.route("/checkout")
class PlaceOrder(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PlaceOrderSchema)
    @blp.response(201, OrderSchema)
    @login_required_api
    def post(self, choices: CheckoutChoices):
        """Turn your cart into an order (one part per trainee); the stock is held while you pay."""
        user = require_login()
        cart = carts.find_cart(user, None)
        if cart is None:
            raise NotFound(_("We could not find your cart."))
        order = services.place_order(user, cart, choices, locale_code())
        db.session.commit()
        return order


@blp.route("/orders/<number>/payments")
class PayOrder(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PaySchema)
    @blp.response(201, PaymentOutSchema)
    @login_required_api
    def post(self, data, number):
        """Start paying your order with a provider (`stripe` gives a client secret for Stripe's
        Payment Element; `zarinpal` a `payment_url` to send the buyer to, amounts in rials;
        `pay_at_pickup` holds the items until you collect and pay)."""
        user = require_login()
        payment = payments.start_payment_of(user, number, data["provider"])
        payment.message = payments.payment_message(payment)
        payment.payment_url = get_provider(payment.provider).payment_page_url(payment)
        db.session.commit()
        return payment
