"""Venues and their booth maps: booths on a grid, walkways, blocks."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Municipality
from marketplace.booths.models.enums import BlockReason
from marketplace.catalogue.models import Category
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model


class Venue(TimestampMixin, Model):
    __tablename__ = "venues"
    __table_args__ = (
        CheckConstraint("grid_width BETWEEN 1 AND 200", name="grid_width_range"),
        CheckConstraint("grid_height BETWEEN 1 AND 200", name="grid_height_range"),
        CheckConstraint("standard_fee_amount >= 0", name="standard_fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    # Shown as written ("Fridays 9:00–14:00"); `opens_at` (local time) drives check-in deadlines.
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    opens_at: Mapped[time] = mapped_column(default=time(9, 0))
    closes_at: Mapped[time] = mapped_column(default=time(18, 0))
    grid_width: Mapped[int] = mapped_column(default=10)
    grid_height: Mapped[int] = mapped_column(default=6)
    # Walkways and pillars between cells: [[x1, y1, x2, y2], ...], each a pair of adjacent cells.
    grid_breaks: Mapped[list] = mapped_column(JSON, default=list)
    # The going rate of a booth-day here; the value of a subsidised booth in the subsidy ledger.
    standard_fee_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    standard_fee: Mapped[Money] = money_composite("standard_fee_amount")

    municipality: Mapped[Municipality] = relationship()
    booths: Mapped[list[Booth]] = relationship(back_populates="venue",
                                               order_by="[Booth.grid_y, Booth.grid_x, Booth.id]")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa

    def break_pairs(self) -> set[frozenset[tuple[int, int]]]:
        pairs = set()
        for item in self.grid_breaks or []:
            x1, y1, x2, y2 = (int(v) for v in item)
            pairs.add(frozenset({(x1, y1), (x2, y2)}))
        return pairs


class Booth(TimestampMixin, Model):
    __tablename__ = "booths"
    __table_args__ = (
        UniqueConstraint("venue_id", "code"),
        CheckConstraint("location_score BETWEEN 0 AND 100", name="location_score_range"),
        CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        CheckConstraint("width >= 1 AND height >= 1", name="size_positive"),
        CheckConstraint("grid_x >= 0 AND grid_y >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"),
                                          index=True)
    code: Mapped[str] = mapped_column(String(20))
    grid_x: Mapped[int] = mapped_column(default=0)
    grid_y: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=1)
    height: Mapped[int] = mapped_column(default=1)
    has_power: Mapped[bool] = mapped_column(default=False)
    is_corner: Mapped[bool] = mapped_column(default=False)
    is_covered: Mapped[bool] = mapped_column(default=False)
    is_accessible: Mapped[bool] = mapped_column(default=False)
    location_score: Mapped[int] = mapped_column(default=50)
    # Per day, in minor units; zero is a subsidised ("supportive") booth.
    fee_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    fee: Mapped[Money] = money_composite("fee_amount")
    reserved_category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    venue: Mapped[Venue] = relationship(back_populates="booths")
    reserved_category: Mapped[Category | None] = relationship()
    blocks: Mapped[list[BoothBlock]] = relationship(back_populates="booth",
                                                    order_by="BoothBlock.starts_on")

    @property
    def is_subsidised(self) -> bool:
        return self.fee_amount == 0

    def cells(self) -> set[tuple[int, int]]:
        return {(self.grid_x + dx, self.grid_y + dy)
                for dx in range(self.width) for dy in range(self.height)}

    def features(self) -> list[str]:
        return [name for name, on in (("power", self.has_power), ("corner", self.is_corner),
                                      ("covered", self.is_covered),
                                      ("accessible", self.is_accessible)) if on]


class BoothBlock(Model):
    """A booth out of use for a period (repairs, an official event), both ends inclusive."""

    __tablename__ = "booth_blocks"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"),
                                          index=True)
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    reason: Mapped[BlockReason] = mapped_column(enum_column(BlockReason, name="block_reason"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booth: Mapped[Booth] = relationship(back_populates="blocks")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
