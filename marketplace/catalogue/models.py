"""Catalogue tables. The names and columns here are what orders and booths build on."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    column,
    event,
    func,
    literal_column,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Trainee, User
from marketplace.catalogue.search_ddl import (
    POSTGRES_SEARCH_DDL,
    POSTGRES_SEARCH_DROP,
    POSTGRES_SEARCH_WORDS_TABLE,
    SQLITE_SEARCH_DDL,
    SQLITE_SEARCH_DROP,
    SQLITE_SEARCH_TABLE,
)
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model


class Category(TimestampMixin, Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent",
                                                    order_by="Category.position")
    attributes: Mapped[list[AttributeDefinition]] = relationship(
        back_populates="category", cascade="all, delete-orphan",
        order_by="[AttributeDefinition.position, AttributeDefinition.id]")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa


class AttributeType(enum.StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    CHOICE = "choice"
    BOOLEAN = "boolean"


NUMERIC_TYPES = frozenset({AttributeType.INTEGER, AttributeType.DECIMAL})


class AttributeDefinition(TimestampMixin, Model):
    """A typed attribute of a category; its subcategories inherit it (queries.categories)."""

    __tablename__ = "attribute_definitions"
    __table_args__ = (UniqueConstraint("category_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"),
                                             index=True)
    # Stable machine name used in the API and in filters (attr.<key>=…): [a-z][a-z0-9_]*.
    key: Mapped[str] = mapped_column(String(40))
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    type: Mapped[AttributeType] = mapped_column(enum_column(AttributeType, name="attribute_type"))
    unit_fa: Mapped[str | None] = mapped_column(String(40))
    unit_en: Mapped[str | None] = mapped_column(String(40))
    # For choice attributes: [{"value": "silk", "fa": "ابریشم", "en": "Silk"}, …].
    choices: Mapped[list | None] = mapped_column(JSON)
    # Numbers (integer, decimal) may be bounded: a product's value must lie within them
    # (services.listing_data.attribute_values; minimum <= maximum is checked by
    # services.categories — a CHECK
    # would make SQLite rebuild the table, whose values cascade).
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    is_required: Mapped[bool] = mapped_column(default=False)
    is_filterable: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship(back_populates="attributes")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa

    def unit(self, locale: str) -> str:
        if locale == "en":
            return self.unit_en or self.unit_fa or ""
        return self.unit_fa or self.unit_en or ""

    @property
    def choice_values(self) -> list[str]:
        return [str(c["value"]) for c in self.choices or []]

    def choice_label(self, value: str, locale: str) -> str:
        for choice in self.choices or []:
            if str(choice["value"]) == value:
                return choice.get("en" if locale == "en" else "fa") or choice.get("fa") or value
        return value

    @property
    def is_numeric(self) -> bool:
        """Numbers compare with ≥/≤: integer and decimal, and choices whose values are numbers
        (knot density 40/50/60…)."""
        if self.type in NUMERIC_TYPES:
            return True
        return self.type == AttributeType.CHOICE and bool(self.choices) and all(
            _is_number(v) for v in self.choice_values)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class ProductKind(enum.StrEnum):
    REGULAR = "regular"              # ordinary stock
    ONE_OF_A_KIND = "one_of_a_kind"  # stock 1, gone once sold
    MADE_TO_ORDER = "made_to_order"  # made after the order, lead time in days


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACTIVE = "active"
    REJECTED = "rejected"
    PAUSED = "paused"
    SOLD_OUT = "sold_out"
    ARCHIVED = "archived"


S = ProductStatus
# The listing workflow: (from, action) -> to. "approve" is also taken by `submit` when the
# centre auto-approves; sold_out <-> active also happens through take_stock / return_stock.
PRODUCT_TRANSITIONS: dict[tuple[ProductStatus, str], ProductStatus] = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.REJECTED, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "approve"): S.ACTIVE,
    (S.SUBMITTED, "reject"): S.REJECTED,
    (S.ACTIVE, "pause"): S.PAUSED,
    (S.SOLD_OUT, "pause"): S.PAUSED,
    (S.PAUSED, "resume"): S.ACTIVE,
    (S.ACTIVE, "sell_out"): S.SOLD_OUT,
    (S.SOLD_OUT, "restock"): S.ACTIVE,
    **{(status, "archive"): S.ARCHIVED for status in S if status != S.ARCHIVED},
    # The owner changed what the centre approved (title, description, photos, attributes).
    **{(status, "resubmit"): S.SUBMITTED for status in (S.ACTIVE, S.SOLD_OUT, S.PAUSED)},
}
# Statuses whose listing the owner may still change (archived ones are kept as they were).
EDITABLE_STATUSES = frozenset(S) - {S.ARCHIVED}
# Products in these statuses have been approved and are (or were) for sale.
PUBLISHED_STATUSES = frozenset({S.ACTIVE, S.SOLD_OUT})
# Listings the centre approved as they stand: changing what they show sends them back to
# review (catalogue.services.workflow.send_back_to_review).
APPROVED_STATUSES = frozenset({S.ACTIVE, S.SOLD_OUT, S.PAUSED})


class Product(TimestampMixin, Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_amount >= 0", name="price_not_negative"),
        Index("ix_products_status_created", "status", "created_at"),
        Index("ix_products_status_price", "status", "price_amount"),
        # Browsing a category walks one of these in the order of the page and stops after it
        # (queries.search.page_ids); status and maker come from the index, never the wide row.
        Index("ix_products_category_price", "category_id", "price_amount", "id", "status",
              "trainee_id"),
        Index("ix_products_category_created", "category_id", "created_at", "id", "status",
              "trainee_id"),
        # Counting every match of a search or filter looks each one up by id: this narrow copy
        # of what a count and a sort need spares reading the wide row (whose later columns
        # sit on overflow pages in SQLite).
        Index("ix_products_listing", "id", "status", "trainee_id", "category_id", "created_at",
              "price_amount"),
        # Substring search: SQLite's product_search and PostgreSQL's search_words, below.
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    title_fa: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_fa: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str | None] = mapped_column(Text)
    price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    price: Mapped[Money] = money_composite("price_amount")
    # Taken by one conditional UPDATE when an order is placed (catalogue.services.stock.take_stock).
    stock: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ProductKind] = mapped_column(enum_column(ProductKind, name="product_kind"),
                                              default=ProductKind.REGULAR)
    lead_time_days: Mapped[int | None] = mapped_column()
    shipping_weight_g: Mapped[int | None] = mapped_column()
    status: Mapped[ProductStatus] = mapped_column(
        enum_column(ProductStatus, name="product_status"), default=ProductStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Normalised title, description, attribute values, maker and centre (core.text.normalize).
    search_key: Mapped[str] = mapped_column(Text, default="")

    # When the listing first went live (approval); null until then.
    published_at: Mapped[datetime | None] = mapped_column()

    trainee: Mapped[Trainee] = relationship()
    category: Mapped[Category] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="[ProductImage.position, ProductImage.id]",
        cascade="all, delete-orphan")
    attribute_values: Mapped[list[ProductAttributeValue]] = relationship(
        back_populates="product", cascade="all, delete-orphan")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_fa

    @property
    def cover(self) -> ProductImage | None:
        return self.images[0] if self.images else None

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES


class ProductAttributeValue(Model):
    """One attribute value, in typed columns so filters compare in SQL on every database:
    `value_text` (choice value, text, canonical form of every type), `value_number` (integer,
    decimal and numeric choices), `value_bool`."""

    __tablename__ = "product_attribute_values"
    __table_args__ = (
        UniqueConstraint("product_id", "definition_id"),
        # With product_id, a filter's matching products come from the index alone.
        Index("ix_product_attribute_values_def_number", "definition_id", "value_number",
              "product_id"),
        Index("ix_product_attribute_values_def_text", "definition_id", "value_text",
              "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("attribute_definitions.id", ondelete="CASCADE"))
    value_text: Mapped[str] = mapped_column(String(500))
    value_number: Mapped[float | None] = mapped_column(Float)
    value_bool: Mapped[bool | None] = mapped_column()

    product: Mapped[Product] = relationship(back_populates="attribute_values")
    definition: Mapped[AttributeDefinition] = relationship()

    @property
    def value(self):
        kind = self.definition.type
        if kind == AttributeType.BOOLEAN:
            return self.value_bool
        if kind == AttributeType.INTEGER:
            return int(self.value_number) if self.value_number is not None else None
        if kind == AttributeType.DECIMAL:
            return self.value_text
        return self.value_text


MAX_IMAGES_PER_PRODUCT = 8


class ProductImage(Model):
    """An uploaded photo, re-encoded; `key` is the storage prefix of its renditions."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    # Renditions live at f"{key}/{size}.{extension}" for size in catalogue.images.SIZES.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    extension: Mapped[str] = mapped_column(String(8))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    byte_size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")

    def rendition_key(self, size: str) -> str:
        return f"{self.key}/{size}.{self.extension}"


class ProductStatusChange(Model):
    """Who moved a listing from one status to another, and why (the review history)."""

    __tablename__ = "product_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


# The substring index of search keys (ARCHITECTURE §4): SQLite's FTS5 table and PostgreSQL's
# table of words, made with `products` by the statements of catalogue.search_ddl.
for _statement in SQLITE_SEARCH_DDL:
    event.listen(Product.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_SEARCH_DROP:
    event.listen(Product.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_SEARCH_DDL:
    event.listen(Product.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
for _statement in POSTGRES_SEARCH_DROP:
    event.listen(Product.__table__, "before_drop",
                 DDL(_statement).execute_if(dialect="postgresql"))
product_search = table(SQLITE_SEARCH_TABLE, column("rowid"), column("search_key"))
search_words = table(POSTGRES_SEARCH_WORDS_TABLE, column("word"))
# The words of a key, as ix_products_search_words indexes them: the separator must be this
# literal (a bound parameter would not match the index's expression).
product_key_words = func.string_to_array(Product.__table__.c.search_key, literal_column("' '"),
                                         type_=ARRAY(Text))


class SearchLog(Model):
    """One search, without personal data: what was asked, with which filters, how many hits."""

    __tablename__ = "search_log"
    # The needs assessment counts searches that found little per day from this index alone.
    __table_args__ = (Index("ix_search_log_created_result", "created_at", "result_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(500), default="")
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    result_count: Mapped[int] = mapped_column()
    duration_ms: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(8), default="html")  # html | api
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # A keyed hash naming the visitor without saying who they are (search_log.visitor_key):
    # the demand report counts distinct visitors per term and hides terms too few people
    # searched for (k-anonymity). NULL for rows written before it existed; they never count.
    visitor: Mapped[str | None] = mapped_column(String(16))


class ProductViewDay(Model):
    """How many times a product's page was opened on a local day (the marketplace's time
    zone): the needs assessment's product views. Counted in each process and added here in
    batches (catalogue.product_views), never a write per page view."""

    __tablename__ = "product_view_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True)
    views: Mapped[int] = mapped_column(default=0)


class RequestKind(enum.StrEnum):
    SOLD_OUT = "sold_out"            # "tell me when it is back"
    MADE_TO_ORDER = "made_to_order"  # "make me one"


class ProductRequest(Model):
    """A signed-in buyer asked for a product that is sold out, or asked its maker to make one
    to order; the trainee is told (catalogue.services.requests). Once per buyer and product."""

    __tablename__ = "product_requests"
    __table_args__ = (UniqueConstraint("product_id", "user_id"),
                      Index("ix_product_requests_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind, name="request_kind"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
