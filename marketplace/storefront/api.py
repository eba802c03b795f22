"""Stores API: a trainee's public store with its products, and the stores of a centre.

Both are public (no token needed): they show what the store pages show.
"""

from flask.views import MethodView

from marketplace.core.api import api_blueprint
from marketplace.storefront import queries
from marketplace.storefront.schemas import CentreStoresSchema, PageArgsSchema, StoreDetailSchema

blp = api_blueprint("storefront_api", __name__, "",
                    "Virtual stores: a verified trainee's public store and its products, and "
                    "the stores of a training centre.")


@blp.route("/stores/<store_slug>")
class StoreResource(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, StoreDetailSchema)
    def get(self, args, store_slug):
        """A verified trainee's store and a page of its active products, newest first."""
        trainee = queries.get_store(store_slug)
        products = queries.store_products(trainee, args["page"], args["per_page"])
        return {"store": trainee, "products": products}


@blp.route("/centres/<centre_slug>/stores")
class CentreStoresResource(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, CentreStoresSchema)
    def get(self, args, centre_slug):
        """The stores of a centre's verified trainees, by store name."""
        centre = queries.get_centre(centre_slug)
        stores = queries.centre_stores(centre, args["page"], args["per_page"])
        counts = queries.active_product_counts([t.id for t in stores.items])
        for trainee in stores.items:
            trainee.active_products = counts.get(trainee.id, 0)
        return {"centre": centre, "items": stores.items, "page": stores.page,
                "per_page": stores.per_page, "total": stores.total, "pages": stores.pages}
