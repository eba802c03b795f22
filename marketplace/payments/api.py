"""Payments API: moving a vendor order, the one API operation for every move of it; and a
trainee's sales at the booth (recording one, today's list).

It lives here, not in orders.api, because one of the moves — paid at pickup — is a payment:
payments books the cash before orders records the part as completed, and only payments may make
an order paid. The other moves (ready, shipped, handed over, cancelled) go to
orders.services.fulfilment unchanged.
"""

from flask.views import MethodView
from flask_babel import gettext as _

from marketplace.core.api import BEARER, api_blueprint
from marketplace.core.auth import login_required_api, require_login
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.schemas import SaleSchema, TransitionSchema
from marketplace.orders.services import fulfilment
from marketplace.payments import queries as payment_queries
from marketplace.payments.schemas import BoothSaleInputSchema, BoothSaleSchema
from marketplace.payments.services import booth_sales, pay_at_pickup

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
