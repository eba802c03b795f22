"""Catalogue tables. The names and columns here are what orders and booths build on."""

from __future__ import annotations

import enum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Trainee
from marketplace.core.db import TimestampMixin, enum_column
from marketplace.core.money import Money
from marketplace.extensions import db


class Category(TimestampMixin, db.Model):
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

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa


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


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_amount >= 0", name="price_not_negative"),
        Index("ix_products_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    title_fa: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_fa: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str | None] = mapped_column(Text)
    price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # Taken by one conditional UPDATE when an order is placed (catalogue.services.take_stock).
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

    trainee: Mapped[Trainee] = relationship()
    category: Mapped[Category] = relationship()

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_fa
