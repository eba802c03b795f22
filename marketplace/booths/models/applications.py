"""Trainees' applications for booths: days, categories, products, preferred booths."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Trainee, User
from marketplace.booths.models.enums import ApplicationDayStatus, ApplicationStatus
from marketplace.booths.models.markets import Market, MarketDay
from marketplace.booths.models.venues import Booth
from marketplace.catalogue.models import Category, Product
from marketplace.core.db import TimestampMixin, enum_column
from marketplace.extensions import Model


class Application(TimestampMixin, Model):
    __tablename__ = "booth_applications"
    __table_args__ = (UniqueConstraint("market_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"),
                                           index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, name="application_status"),
        default=ApplicationStatus.SUBMITTED)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    needs_power: Mapped[bool] = mapped_column(default=False)
    needs_accessible: Mapped[bool] = mapped_column(default=False)
    needs_covered: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nomination_note: Mapped[str | None] = mapped_column(Text)
    nominated_at: Mapped[datetime | None] = mapped_column()
    # The allocator's lottery weight grows with each applicant-day lost and resets when served;
    # confirmed runs store its count here (Result.misses_after).
    lottery_misses: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime | None] = mapped_column()

    market: Mapped[Market] = relationship()
    trainee: Mapped[Trainee] = relationship()
    nominated_by: Mapped[User | None] = relationship()
    days: Mapped[list[ApplicationDay]] = relationship(back_populates="application",
                                                      cascade="all, delete-orphan")
    categories: Mapped[list[ApplicationCategory]] = relationship(
        back_populates="application", cascade="all, delete-orphan",
        order_by="ApplicationCategory.position")
    products: Mapped[list[ApplicationProduct]] = relationship(cascade="all, delete-orphan")
    preferred_booths: Mapped[list[ApplicationPreferredBooth]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationPreferredBooth.position")

    @property
    def is_nominated(self) -> bool:
        return self.nominated_at is not None

    @property
    def category_ids(self) -> list[int]:
        return [c.category_id for c in self.categories]

    def needs(self) -> list[str]:
        return [name for name, on in (("power", self.needs_power),
                                      ("accessible", self.needs_accessible),
                                      ("covered", self.needs_covered)) if on]


class ApplicationDay(Model):
    __tablename__ = "booth_application_days"
    __table_args__ = (UniqueConstraint("application_id", "market_day_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("booth_applications.id", ondelete="CASCADE"), index=True)
    market_day_id: Mapped[int] = mapped_column(ForeignKey("market_days.id", ondelete="CASCADE"),
                                               index=True)
    status: Mapped[ApplicationDayStatus] = mapped_column(
        enum_column(ApplicationDayStatus, name="application_day_status"),
        default=ApplicationDayStatus.REQUESTED)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    withdrawn_at: Mapped[datetime | None] = mapped_column()

    application: Mapped[Application] = relationship(back_populates="days")
    market_day: Mapped[MarketDay] = relationship()


class ApplicationCategory(Model):
    __tablename__ = "booth_application_categories"
    __table_args__ = (UniqueConstraint("application_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("booth_applications.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    # 0 is the main craft: the one that counts for caps, reserved booths and neighbours.
    position: Mapped[int] = mapped_column(default=0)

    application: Mapped[Application] = relationship(back_populates="categories")
    category: Mapped[Category] = relationship()


class ApplicationProduct(Model):
    __tablename__ = "booth_application_products"
    __table_args__ = (UniqueConstraint("application_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("booth_applications.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))

    product: Mapped[Product] = relationship()


class ApplicationPreferredBooth(Model):
    __tablename__ = "booth_application_preferences"
    __table_args__ = (UniqueConstraint("application_id", "booth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("booth_applications.id", ondelete="CASCADE"), index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    booth: Mapped[Booth] = relationship()
