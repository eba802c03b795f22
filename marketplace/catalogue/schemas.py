"""Marshmallow schemas of the catalogue API. Types are checked here; ranges, attribute values
against their definitions and the workflow are checked by the services (one set of rules and
error codes for pages and API)."""

from __future__ import annotations

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import INCLUDE, RAISE, Schema, fields, validate

from marketplace.catalogue.images import SIZES
from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.catalogue.queries.search_params import SORTS
from marketplace.catalogue.services import listing_data
from marketplace.catalogue.storage import get_storage
from marketplace.core.api import MAX_ID, id_field, integer_text, number_limits, text_limits
from marketplace.core.pagination import PageArgsSchema

# A whole amount of the currency's main unit, up to the search's limit (listings.MAX_AMOUNT in
# minor units); decimals are welcome too, as many as the currency has.
PRICE_PATTERN = r"^[0-9]{1,10}$"


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


# --- input -------------------------------------------------------------------------------------

class ProductInputSchema(StrictSchema):
    """The limits are checked by the services (listing_data._clean_product: one set of rules, error
    codes and translated messages for pages and API); the metadata puts them in the document."""

    title_fa = fields.String(required=True, metadata=text_limits(
        listing_data.TITLE_MAX, required=True, description="Title in Persian."))
    title_en = fields.String(allow_none=True, metadata=text_limits(listing_data.TITLE_MAX))
    description_fa = fields.String(metadata=text_limits(listing_data.DESCRIPTION_MAX))
    description_en = fields.String(allow_none=True,
                                   metadata=text_limits(listing_data.DESCRIPTION_MAX))
    category_id = id_field(required=True)
    price_amount = fields.Integer(required=True, strict=True, metadata=number_limits(
        1, listing_data.MAX_PRICE_AMOUNT,
        description="Price in minor units of the marketplace currency (cents for USD)."))
    stock = fields.Integer(strict=True, metadata=number_limits(
        0, listing_data.MAX_STOCK, description="At most 1 for one_of_a_kind."))
    kind = fields.String(validate=validate.OneOf([k.value for k in ProductKind]))
    lead_time_days = fields.Integer(strict=True, allow_none=True, metadata=number_limits(
        1, listing_data.MAX_LEAD_TIME_DAYS, description="Days to make it; required for "
                                                     "made_to_order."))
    shipping_weight_g = fields.Integer(strict=True, allow_none=True, metadata=number_limits(
        1, listing_data.MAX_SHIPPING_WEIGHT_G))
    attributes = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True),
                             metadata={"description": "Attribute values by key, checked against "
                                                      "the category's definitions (type, "
                                                      "choices, and a number's minimum and "
                                                      "maximum: see GET /categories)."})


class ProductPatchSchema(ProductInputSchema):
    """The same fields, none required: only those given change."""

    title_fa = fields.String(metadata=text_limits(listing_data.TITLE_MAX, required=True))
    category_id = id_field()
    price_amount = fields.Integer(strict=True,
                                  metadata=number_limits(1, listing_data.MAX_PRICE_AMOUNT))


class RejectionSchema(StrictSchema):
    reason = fields.String(required=True, metadata=text_limits(
        listing_data.REASON_MAX, required=True, description="Shown to the trainee."))


class ImageFileSchema(Schema):
    image = Upload(required=True, metadata={"description": "JPEG, PNG or WebP, ≤ 10 MB, "
                                                            "≤ 40 megapixels."})
    # Documented here so the multipart body shows it; read from the form part by the view.
    alt_text = fields.String(metadata=text_limits(listing_data.ALT_TEXT_MAX,
                                                  description="What the photo shows."))


class ImageFormSchema(Schema):
    class Meta:
        unknown = INCLUDE

    alt_text = fields.String(load_default=None)


class ImageOrderSchema(StrictSchema):
    order = fields.List(id_field(), required=True,
                        metadata={"description": "Every image id of the product, cover first."})


class ProductSearchArgsSchema(PageArgsSchema):
    """Documented search arguments. Attribute filters are open-ended: `attr.<key>=<value>`
    (repeat for any-of), `attr.<key>.min=<n>`, `attr.<key>.max=<n>` for filterable attributes.
    The search reads them itself (search_params.parse_search: Persian digits welcome,
    400 `bad_filter` or `bad_page`); the fields describe them."""

    class Meta:
        unknown = INCLUDE

    q = fields.String(metadata={"description": "Words to find (Persian or English)."})
    category = fields.String(metadata={"description": "Category slug or id (with subcategories).",
                                       "minLength": 1})
    min_price = fields.String(metadata={
        "description": "In the currency's main unit, e.g. 12.50 (as many decimals as the "
                       "currency has).", "pattern": PRICE_PATTERN})
    max_price = fields.String(metadata={"pattern": PRICE_PATTERN})
    city = fields.String()
    centre = fields.String(metadata=integer_text(1, MAX_ID, description="Training centre id."))
    trainee = fields.String(metadata=integer_text(1, MAX_ID, description="Trainee id."))
    in_stock = fields.String(metadata={"description": "1 to show only what can be bought now."})
    sort = fields.String(validate=validate.OneOf(SORTS))


# --- output ------------------------------------------------------------------------------------

class AttributeDefinitionSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    name_fa = fields.String()
    name_en = fields.String()
    type = fields.Function(lambda d: d.type.value)
    unit_fa = fields.String(allow_none=True)
    unit_en = fields.String(allow_none=True)
    choices = fields.List(fields.Dict(), allow_none=True)
    minimum = fields.Float(allow_none=True, metadata={
        "description": "Numbers only: the smallest value a product may give (inclusive)."})
    maximum = fields.Float(allow_none=True, metadata={
        "description": "Numbers only: the largest value a product may give (inclusive)."})
    is_required = fields.Boolean()
    is_filterable = fields.Boolean()
    position = fields.Integer()


class CategorySchema(Schema):
    id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    slug = fields.String()
    name_fa = fields.String()
    name_en = fields.String()
    position = fields.Integer()
    attributes = fields.List(fields.Nested(AttributeDefinitionSchema),
                             metadata={"description": "Defined here; children inherit them."})
    children = fields.List(fields.Nested(lambda: CategorySchema()))


def _image_urls(image) -> dict:
    storage = get_storage()
    return {size: storage.url(image.rendition_key(size)) for size in SIZES}


class ImageSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    alt_text = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    urls = fields.Function(_image_urls, metadata={"description": "URL per rendition size."})


class CentreBriefSchema(Schema):
    id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String(allow_none=True)
    city = fields.String()


class MakerSchema(Schema):
    id = fields.Integer()
    display_name = fields.Function(lambda t: t.user.display_name)
    store_name = fields.String()
    store_slug = fields.String()
    is_verified = fields.Boolean()
    centre = fields.Nested(CentreBriefSchema)


class ProductCardSchema(Schema):
    id = fields.Integer()
    title_fa = fields.String()
    title_en = fields.String(allow_none=True)
    category_id = fields.Integer()
    price_amount = fields.Integer()
    currency = fields.String()
    stock = fields.Integer()
    kind = fields.Function(lambda p: p.kind.value)
    lead_time_days = fields.Integer(allow_none=True)
    status = fields.Function(lambda p: p.status.value,
                             metadata={"enum": [s.value for s in ProductStatus]})
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    maker = fields.Function(lambda p: MakerSchema().dump(p.trainee))
    images = fields.List(fields.Nested(ImageSchema))
    url = fields.Function(lambda p: url_for("catalogue.product", product_id=p.id,
                                            _external=True))


def _attribute_values(product) -> dict:
    return {v.definition.key: v.value for v in product.attribute_values}


class ProductSchema(ProductCardSchema):
    description_fa = fields.String()
    description_en = fields.String(allow_none=True)
    shipping_weight_g = fields.Integer(allow_none=True)
    status_reason = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    attributes = fields.Function(_attribute_values, metadata={
        "description": "Values by attribute key: numbers, text, choice values, booleans."})


class ProductSearchPageSchema(Schema):
    items = fields.List(fields.Nested(ProductCardSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
