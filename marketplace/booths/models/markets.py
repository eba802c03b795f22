"""Markets at a venue, their days, welcomed categories and reserved booths."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.booths.models.enums import MarketDayStatus, MarketKind
from marketplace.booths.models.venues import Booth, Venue
from marketplace.catalogue.models import Category
from marketplace.core.db import TimestampMixin, enum_column
from marketplace.extensions import Model

# The most a market may take of booth sales, in percent (checked by forms, schemas, services).
MAX_SALES_FEE_PERCENT = 50
# Bounds of a waitlist offer's time to answer, in hours (checked by forms, schemas, services).
MIN_OFFER_HOURS, MAX_OFFER_HOURS = 1, 168


class Market(TimestampMixin, Model):
    __tablename__ = "markets"
    __table_args__ = (
        CheckConstraint("applications_close_at > applications_open_at", name="window_ordered"),
        CheckConstraint("no_show_strike_limit >= 1", name="strike_limit_positive"),
        CheckConstraint("ineligibility_days >= 0", name="ineligibility_not_negative"),
        CheckConstraint("check_in_deadline_minutes >= 0", name="deadline_not_negative"),
        CheckConstraint("withdraw_cutoff_hours >= 0", name="cutoff_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    kind: Mapped[MarketKind] = mapped_column(enum_column(MarketKind, name="market_kind"))
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Recurring markets: an RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=FR") from starts_on to ends_on.
    recurrence_rule: Mapped[str | None] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    applications_open_at: Mapped[datetime] = mapped_column()
    applications_close_at: Mapped[datetime] = mapped_column()
    allow_clusters: Mapped[bool] = mapped_column(default=False)
    no_show_strike_limit: Mapped[int] = mapped_column(default=2)
    ineligibility_days: Mapped[int] = mapped_column(default=60)
    check_in_deadline_minutes: Mapped[int] = mapped_column(default=60)
    withdraw_cutoff_hours: Mapped[int] = mapped_column(default=48)
    # The market's share of what its trainees sell face to face at their booths, in whole
    # percent (0: none); payments books it with each booth sale made on one of its days.
    sales_fee_percent: Mapped[int] = mapped_column(default=0, server_default="0")
    # How long a trainee offered a freed booth-day from the waitlist has to accept it before
    # it passes to the next applicant (booths.services.offers).
    offer_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    # Published before the lottery, so anyone can re-run it and get the same draw.
    published_seed: Mapped[int] = mapped_column(BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    venue: Mapped[Venue] = relationship()
    days: Mapped[list[MarketDay]] = relationship(back_populates="market",
                                                 order_by="MarketDay.day",
                                                 cascade="all, delete-orphan")
    categories: Mapped[list[MarketCategory]] = relationship(back_populates="market",
                                                            cascade="all, delete-orphan")
    reserved_booths: Mapped[list[MarketReservedBooth]] = relationship(
        back_populates="market", cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa

    @property
    def municipality_id(self) -> int:
        return self.venue.municipality_id

    def window_is_open(self, at: datetime) -> bool:
        return self.applications_open_at <= at < self.applications_close_at


class MarketCategory(Model):
    """A category the market welcomes, with an optional cap on booths per day."""

    __tablename__ = "market_categories"
    __table_args__ = (UniqueConstraint("market_id", "category_id"),
                      CheckConstraint("cap IS NULL OR cap >= 0", name="cap_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"),
                                           index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    cap: Mapped[int | None] = mapped_column()

    market: Mapped[Market] = relationship(back_populates="categories")
    category: Mapped[Category] = relationship()


class MarketReservedBooth(Model):
    """A booth kept for one category at this market."""

    __tablename__ = "market_reserved_booths"
    __table_args__ = (UniqueConstraint("market_id", "booth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"),
                                           index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))

    market: Mapped[Market] = relationship(back_populates="reserved_booths")
    booth: Mapped[Booth] = relationship()
    category: Mapped[Category] = relationship()


class MarketDay(Model):
    __tablename__ = "market_days"
    __table_args__ = (UniqueConstraint("market_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"),
                                           index=True)
    day: Mapped[date] = mapped_column()
    # The venue's opening on that day as an aware UTC instant (check-in deadlines count from it).
    opens_at: Mapped[datetime] = mapped_column()
    status: Mapped[MarketDayStatus] = mapped_column(
        enum_column(MarketDayStatus, name="market_day_status"), default=MarketDayStatus.OPEN)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column()

    market: Mapped[Market] = relationship(back_populates="days")

    @property
    def is_open(self) -> bool:
        return self.status == MarketDayStatus.OPEN
