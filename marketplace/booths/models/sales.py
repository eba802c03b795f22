"""Sales a trainee makes face to face at their booth (or anywhere in person), on the same stock
as the online store: payments.services.booth_sales takes the stock with catalogue's one
conditional UPDATE and books the money in the ledger."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.booths.models.assignments import Assignment
from marketplace.catalogue.models import Product
from marketplace.core.db import enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model

CARD_REFERENCE_MAX = 64
CLIENT_KEY_MAX = 64


class BoothSalePayment(enum.StrEnum):
    CASH = "cash"
    CARD = "card"   # the trainee's own card reader: the money is already in their account


class BoothSale(Model):
    """One face-to-face sale of one product: never changed after it is recorded."""

    __tablename__ = "booth_sales"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_amount >= 0", name="unit_price_not_negative"),
        # The trainee's page lists today's sales, newest first.
        Index("ix_booth_sales_trainee_created", "trainee_id", "created_at"),
        Index("ix_booth_sales_created_at", "created_at"),  # the sales report's days
        # A sale sent again (the phone's offline queue retrying after a lost answer) is the
        # same sale: one row per key the page made for it.
        Index("uq_booth_sales_trainee_client_key", "trainee_id", "client_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column()
    # The listing's price when sold: the listing's price may change later.
    unit_price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price: Mapped[Money] = money_composite("unit_price_amount")
    payment_kind: Mapped[BoothSalePayment] = mapped_column(
        enum_column(BoothSalePayment, name="booth_sale_payment"))
    # The card reader's receipt number, when the trainee typed it.
    card_reference: Mapped[str | None] = mapped_column(String(CARD_REFERENCE_MAX))
    # The trainee's live booth that day, if they had one (a sale elsewhere has none).
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("booth_assignments.id"),
                                                      index=True)
    # Made by the page for each sale typed (NULL when the form was sent without scripts).
    client_key: Mapped[str | None] = mapped_column(String(CLIENT_KEY_MAX))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship()
    assignment: Mapped[Assignment | None] = relationship()

    @property
    def total(self) -> Money:
        return Money(self.unit_price_amount * self.quantity, self.currency)
