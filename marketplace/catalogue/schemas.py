"""Marshmallow schemas of the catalogue API. A listing's shape (types, lengths, ranges, the
kind's rule) is checked here, as `catalogue.forms` checks it for the pages; the category,
attribute values against their definitions and the workflow are checked by the services."""

from __future__ import annotations

from dataclasses import replace

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import (
    INCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from marketplace.catalogue.images import SIZES
from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.catalogue.queries.search_params import SORTS
from marketplace.catalogue.services import listing_data
from marketplace.catalogue.storage import get_storage
from marketplace.core.api import MAX_ID, id_field, integer_text, text_limits
from marketplace.core.input import MultiLine, SingleLine
from marketplace.core.pagination import PageArgsSchema

# A whole amount of the currency's main unit, up to the search's limit (listings.MAX_AMOUNT in
# minor units); decimals are welcome too, as many as the currency has.
PRICE_PATTERN = r"^[0-9]{1,10}$"


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


# --- input -------------------------------------------------------------------------------------

class TrimmedLine(SingleLine):
    """One line of text, without the spaces around it."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class TrimmedText(MultiLine):
    """Text that may span lines, without the spaces around it."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _amount(minimum: int, maximum: int, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(minimum, maximum), **kwargs)


class ProductInputSchema(StrictSchema):
    """A listing: loads as `ListingData`. Shapes are checked here; the category and the
    attribute values against its definitions by the services (listing_data.check_listing)."""

    title_fa = TrimmedLine(required=True, validate=validate.Length(1, listing_data.TITLE_MAX),
                           metadata=text_limits(listing_data.TITLE_MAX, required=True,
                                                description="Title in Persian."))
    title_en = TrimmedLine(allow_none=True, load_default=None,
                           validate=validate.Length(max=listing_data.TITLE_MAX))
    description_fa = TrimmedText(load_default="",
                                 validate=validate.Length(max=listing_data.DESCRIPTION_MAX))
    description_en = TrimmedText(allow_none=True, load_default=None,
                                 validate=validate.Length(max=listing_data.DESCRIPTION_MAX))
    category_id = id_field(required=True)
    price_amount = _amount(1, listing_data.MAX_PRICE_AMOUNT, required=True, metadata={
        "description": "Price in minor units of the marketplace currency: cents for USD, whole "
                       "rials for IRR (never toman)."})
    stock = _amount(0, listing_data.MAX_STOCK, load_default=None, metadata={
        "description": "At most 1 for one_of_a_kind; 1 (one_of_a_kind) or 0 when left out."})
    kind = fields.Enum(ProductKind, by_value=True, load_default=ProductKind.REGULAR)
    lead_time_days = _amount(1, listing_data.MAX_LEAD_TIME_DAYS, allow_none=True,
                             load_default=None, metadata={
                                 "description": "Days to make it; required for made_to_order."})
    shipping_weight_g = _amount(1, listing_data.MAX_SHIPPING_WEIGHT_G, allow_none=True,
                                load_default=None)
    attributes = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True),
                             load_default=dict,
                             metadata={"description": "Attribute values by key, checked against "
                                                      "the category's definitions (type, "
                                                      "choices, and a number's minimum and "
                                                      "maximum: see GET /categories)."})

    @validates_schema
    def _fits_the_kind(self, data, partial=False, **_kwargs):
        if not partial:
            problems = listing_data.kind_problems(data.get("kind"), data.get("stock"),
                                                  data.get("lead_time_days"))
            if problems:
                raise ValidationError(problems)

    @post_load
    def _listing(self, data, partial=False, **_kwargs):
        return data if partial else listing_data.ListingData(**data)


class ProductPatchSchema(ProductInputSchema):
    """The same fields, none required: only those given change (see `patched_listing`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


def patched_listing(product, changes: dict) -> listing_data.ListingData:
    """The listing with the fields of a PATCH changed, checked across fields as a whole."""
    data = replace(listing_data.ListingData.of(product), **changes)
    problems = listing_data.kind_problems(data.kind, data.stock, data.lead_time_days)
    if problems:
        raise listing_data.invalid_listing(problems)
    return data


class RejectionSchema(StrictSchema):
    reason = TrimmedText(required=True, validate=validate.Length(1, listing_data.REASON_MAX),
                         metadata=text_limits(listing_data.REASON_MAX, required=True,
                                              description="Shown to the trainee."))


class ImageFileSchema(Schema):
    image = Upload(required=True, metadata={"description": "JPEG, PNG or WebP, ≤ 10 MB, "
                                                            "≤ 40 megapixels."})
    # Documented here so the multipart body shows it; read from the form part by the view.
    alt_text = fields.String(metadata=text_limits(listing_data.ALT_TEXT_MAX,
                                                  description="What the photo shows."))


class ImageFormSchema(Schema):
    class Meta:
        unknown = INCLUDE

    alt_text = TrimmedLine(load_default="",
                           validate=validate.Length(max=listing_data.ALT_TEXT_MAX))


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
                       "currency has); rials for IRR, never toman.", "pattern": PRICE_PATTERN})
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
