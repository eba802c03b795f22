"""Bookable spaces in municipal venues (a hall, a classroom, a workshop with looms) and the
periods they are blocked."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.booths.models import BlockReason, Venue
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.extensions import Model

ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]


class Space(TimestampMixin, Model):
    __tablename__ = "training_spaces"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="capacity_range"),
        CheckConstraint("closes_at > opens_at", name="hours_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column()
    # Codes from labels.EQUIPMENT (a fixed list), kept sorted.
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    is_accessible: Mapped[bool] = mapped_column(default=False)
    accessibility_note: Mapped[str] = mapped_column(String(300), default="")
    # Local opening hours, the same on each open weekday (Python's numbers, Monday 0).
    opens_at: Mapped[time] = mapped_column(default=time(8, 0))
    closes_at: Mapped[time] = mapped_column(default=time(20, 0))
    open_weekdays: Mapped[list] = mapped_column(JSON, default=lambda: list(ALL_WEEKDAYS))
    # The venue's markets use this space on their days (a hall that holds the booths), so it
    # cannot be booked on an open market day.
    used_by_markets: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # A photo, checked and re-encoded as catalogue photos are (`<key>/<size>.webp`).
    photo_key: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    venue: Mapped[Venue] = relationship()
    blocks: Mapped[list[SpaceBlock]] = relationship(back_populates="space",
                                                    order_by="SpaceBlock.starts_on",
                                                    cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa

    @property
    def municipality_id(self) -> int:
        return self.venue.municipality_id


class SpaceBlock(Model):
    """A space out of use for a period (repairs, an official event), both ends inclusive."""

    __tablename__ = "training_space_blocks"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("training_spaces.id", ondelete="CASCADE"),
                                          index=True)
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    reason: Mapped[BlockReason] = mapped_column(
        enum_column(BlockReason, name="training_block_reason"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    space: Mapped[Space] = relationship(back_populates="blocks")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
