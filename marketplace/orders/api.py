"""Cart and orders API: the signed-in buyer's cart, their orders (and cancelling an unpaid
one), and a trainee's sales.

Placing and paying are in checkout.api; moving a vendor order (one of whose moves, paid at
pickup, is a payment) is in payments.api.
"""

from flask import current_app, request
from flask.views import MethodView
from flask_babel import gettext as _

from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import NotFound
from marketplace.core.pagination import page_args, paginate
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.schemas import (
    CartLineCreateSchema,
    CartLineUpdateSchema,
    CartSchema,
    OrderPageSchema,
    OrderSchema,
    PageArgsSchema,
    SalePageSchema,
    SaleSchema,
    VendorOrderArgsSchema,
)
from marketplace.orders.services import cart as carts
from marketplace.orders.services import orders as order_life

blp = api_blueprint("orders_api", __name__, "",
                    "Cart and orders: your cart, your orders, and your sales as a trainee.")



def cart_out(cart) -> dict:
    currency = current_app.config["MARKETPLACE_CURRENCY"]
    if cart is None:
        return {"id": None, "lines": [], "total_amount": 0, "currency": currency}
    return {"id": cart.id, "lines": cart.lines, "currency": currency,
            "total_amount": sum(line.line_total.amount for line in cart.lines)}


@blp.route("/cart")
class CartResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CartSchema)
    @login_required_api
    def get(self):
        """Your cart, with the price you saw and today's price and stock of each line."""
        user = require_login()
        return cart_out(carts.find_cart(user, None))


@blp.route("/cart/lines")
class CartLines(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CartLineCreateSchema)
    @blp.response(201, CartSchema)
    @login_required_api
    def post(self, data):
        """Put a product in your cart (or add to its quantity), within the stock there is."""
        user = require_login()
        cart = carts.add_to_users_cart(user, data["product_id"], data["quantity"])
        db.session.commit()
        return cart_out(cart)


@blp.route("/cart/lines/<int:line_id>")
class CartLineResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CartLineUpdateSchema)
    @blp.response(200, CartSchema)
    @login_required_api
    def patch(self, data, line_id):
        """Set a line's quantity."""
        user = require_login()
        cart = carts.find_cart(user, None)
        if cart is None:
            raise NotFound(_("That item is not in your cart."))
        carts.update_cart_line(user, cart, line_id, data["quantity"])
        db.session.commit()
        return cart_out(cart)

    @blp.doc(security=BEARER)
    @blp.response(204)
    @login_required_api
    def delete(self, line_id):
        """Take a line out of your cart."""
        user = require_login()
        cart = carts.find_cart(user, None)
        if cart is None:
            raise NotFound(_("That item is not in your cart."))
        carts.remove_cart_line(user, cart, line_id)
        db.session.commit()


@blp.route("/orders")
class MyOrders(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, OrderPageSchema)
    @login_required_api
    def get(self, **_documented):
        """Your orders, newest first."""
        user = require_login()
        page, per_page = page_args(request.args, 20)
        return paginate(db.session, queries.buyer_orders(user.id), page, per_page)


@blp.route("/orders/<number>")
class OrderResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OrderSchema)
    @login_required_api
    def get(self, number):
        """One of your orders with every trainee's part."""
        return queries.viewable_order(require_login(), number)


@blp.route("/orders/<number>/cancel")
class CancelOrder(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OrderSchema)
    @login_required_api
    def post(self, number):
        """Cancel your unpaid order; its items go back on sale."""
        user = require_login()
        order = queries.order_by_number(number)
        if order is None or order.buyer_id != user.id:
            raise NotFound(_("We could not find that order."))
        order_life.cancel_order(user, order)
        db.session.commit()
        return queries.order_by_number(number)


@blp.route("/vendor-orders")
class MySales(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(VendorOrderArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, SalePageSchema)
    @login_required_api
    def get(self, status=None, **_documented):
        """Your sales as a trainee (one vendor order per buyer's order), newest first."""
        user = require_login()
        if user.trainee is None:
            raise NotFound(_("Only trainees have sales."))
        page, per_page = page_args(request.args, 20)
        return paginate(db.session, queries.vendor_orders_of(user.trainee.id, status), page,
                        per_page)


@blp.route("/vendor-orders/<int:vendor_order_id>")
class VendorOrderResource(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, SaleSchema)
    @login_required_api
    def get(self, vendor_order_id):
        """One vendor order: its trainee, the trainee's centre staff, the buyer, admins."""
        return queries.viewable_vendor_order(require_login(), vendor_order_id)
