"""Marshmallow schemas of the stores API (output, plus page arguments)."""

from flask import url_for
from marshmallow import RAISE, Schema, fields, validate

from marketplace.accounts.schemas import CentreSchema
from marketplace.core.api import MoneySchema
from marketplace.core.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from marketplace.core.urls import absolute_url
from marketplace.storefront.links import product_cover, product_path


class PageArgsSchema(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE))


class CentreRefSchema(CentreSchema):
    url = fields.Method("_url", metadata={"description": "The centre's public page."})

    def _url(self, centre) -> str:
        return absolute_url(url_for("storefront.centre", centre_slug=centre.slug))


class StoreSchema(Schema):
    class Meta:
        ordered = True

    slug = fields.String(attribute="store_slug")
    name = fields.String(attribute="store_name")
    maker = fields.String(attribute="user.display_name")
    trade = fields.String(metadata={"description": "A code of the trade list (empty: none "
                                                   "chosen)."})
    trade_label = fields.String(metadata={"description": "The trade in the reader's language."})
    bio = fields.String()
    city = fields.String(attribute="centre.city")
    centre = fields.Nested(CentreRefSchema)
    url = fields.Method("_url", metadata={"description": "The public store page."})
    qr_png = fields.Method("_qr_png")
    qr_svg = fields.Method("_qr_svg")

    def _url(self, trainee) -> str:
        return absolute_url(url_for("storefront.store", store_slug=trainee.store_slug))

    def _qr_png(self, trainee) -> str:
        return absolute_url(url_for("storefront.store_qr", store_slug=trainee.store_slug,
                                       kind="png"))

    def _qr_svg(self, trainee) -> str:
        return absolute_url(url_for("storefront.store_qr", store_slug=trainee.store_slug,
                                       kind="svg"))


class StoreSummarySchema(StoreSchema):
    """A store in a centre's list: no centre (it is the list's) and its product count."""

    class Meta:
        exclude = ("centre",)

    active_products = fields.Integer()


class ProductSummarySchema(Schema):
    class Meta:
        ordered = True

    id = fields.Integer()
    title_fa = fields.String()
    title_en = fields.String(allow_none=True)
    category = fields.String(attribute="category.slug")
    price = fields.Nested(MoneySchema)
    stock = fields.Integer()
    kind = fields.String(attribute="kind.value")
    url = fields.Method("_url")
    cover = fields.Method("_cover", allow_none=True)

    def _url(self, product) -> str:
        return absolute_url(product_path(product.id))

    def _cover(self, product) -> str | None:
        cover = product_cover(product)
        return absolute_url(cover["url"]) if cover else None


class ProductPageSchema(Schema):
    items = fields.List(fields.Nested(ProductSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class StoreDetailSchema(Schema):
    store = fields.Nested(StoreSchema)
    products = fields.Nested(ProductPageSchema)


class CentreStoresSchema(Schema):
    centre = fields.Nested(CentreRefSchema)
    items = fields.List(fields.Nested(StoreSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
