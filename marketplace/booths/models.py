"""Booth tables: venues and their booth maps, markets and days, applications, assignments,
allocation runs, fees, subsidies and no-show strikes.

A booth can never be given twice for the same day: two partial unique indexes over live
assignments (active or checked in) hold that on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Municipality, Trainee, User
from marketplace.catalogue.models import Category, Product
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.extensions import db


class MarketKind(enum.StrEnum):
    ONE_OFF = "one_off"        # a festival or exhibition over a few days
    RECURRING = "recurring"    # a weekly bazaar for a season


class MarketDayStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"          # a holiday, bad weather: its assignments are cancelled


class BlockReason(enum.StrEnum):
    REPAIRS = "repairs"
    OFFICIAL_EVENT = "official_event"
    OTHER = "other"


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ApplicationDayStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


LIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN)
_LIVE_SQL = "status IN ('active', 'checked_in')"


class AssignmentSource(enum.StrEnum):
    MANUAL = "manual"
    ALLOCATOR = "allocator"
    WAITLIST = "waitlist"


class RunStatus(enum.StrEnum):
    PREVIEW = "preview"
    CONFIRMED = "confirmed"


class RunScope(enum.StrEnum):
    MARKET = "market"          # the whole market (every open day)
    WAITLIST = "waitlist"      # one freed booth-day filled from the waitlist


class FeeStatus(enum.StrEnum):
    DUE = "due"
    PAID = "paid"
    WAIVED = "waived"


# --- venues and booths -----------------------------------------------------------------------

class Venue(TimestampMixin, db.Model):
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

    municipality: Mapped[Municipality] = relationship()
    booths: Mapped[list[Booth]] = relationship(back_populates="venue",
                                               order_by="Booth.code")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa

    def break_pairs(self) -> set[frozenset[tuple[int, int]]]:
        pairs = set()
        for item in self.grid_breaks or []:
            x1, y1, x2, y2 = (int(v) for v in item)
            pairs.add(frozenset({(x1, y1), (x2, y2)}))
        return pairs


class Booth(TimestampMixin, db.Model):
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
    reserved_category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    venue: Mapped[Venue] = relationship(back_populates="booths")
    reserved_category: Mapped[Category | None] = relationship()
    blocks: Mapped[list[BoothBlock]] = relationship(back_populates="booth",
                                                    order_by="BoothBlock.starts_on")

    @property
    def fee(self) -> Money:
        return Money(self.fee_amount, self.currency)

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


class BoothBlock(db.Model):
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


# --- markets ---------------------------------------------------------------------------------

class Market(TimestampMixin, db.Model):
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


class MarketCategory(db.Model):
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


class MarketReservedBooth(db.Model):
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


class MarketDay(db.Model):
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


# --- applications ----------------------------------------------------------------------------

class Application(TimestampMixin, db.Model):
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


class ApplicationDay(db.Model):
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


class ApplicationCategory(db.Model):
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


class ApplicationProduct(db.Model):
    __tablename__ = "booth_application_products"
    __table_args__ = (UniqueConstraint("application_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("booth_applications.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))

    product: Mapped[Product] = relationship()


class ApplicationPreferredBooth(db.Model):
    __tablename__ = "booth_application_preferences"
    __table_args__ = (UniqueConstraint("application_id", "booth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("booth_applications.id", ondelete="CASCADE"), index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    booth: Mapped[Booth] = relationship()


# --- allocation runs and assignments ---------------------------------------------------------

class AllocationRun(db.Model):
    """One run of the allocator: its exact input and output, so it can be replayed and shown."""

    __tablename__ = "allocation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id", ondelete="CASCADE"),
                                           index=True)
    scope: Mapped[RunScope] = mapped_column(enum_column(RunScope, name="run_scope"),
                                            default=RunScope.MARKET)
    # A waitlist run fills one day only.
    market_day_id: Mapped[int | None] = mapped_column(ForeignKey("market_days.id"))
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus, name="run_status"),
                                              default=RunStatus.PREVIEW)
    seed: Mapped[int] = mapped_column(BigInteger)
    snapshot_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    placements_count: Mapped[int] = mapped_column(default=0)
    unserved_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column()

    market: Mapped[Market] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class Assignment(TimestampMixin, db.Model):
    """A booth given to a trainee for one market day."""

    __tablename__ = "booth_assignments"
    __table_args__ = (
        Index("uq_booth_assignments_booth_day_live", "booth_id", "market_day_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
        Index("uq_booth_assignments_trainee_day_live", "trainee_id", "market_day_id",
              unique=True, sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"), index=True)
    market_day_id: Mapped[int] = mapped_column(ForeignKey("market_days.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("booth_applications.id"),
                                                       index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_runs.id"))
    source: Mapped[AssignmentSource] = mapped_column(
        enum_column(AssignmentSource, name="assignment_source"))
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus, name="assignment_status"),
        default=AssignmentStatus.ACTIVE)
    # Shown to the trainee; they give it to staff at the booth to check in.
    check_in_code: Mapped[str] = mapped_column(String(8))
    checked_in_at: Mapped[datetime | None] = mapped_column()
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    booth: Mapped[Booth] = relationship()
    market_day: Mapped[MarketDay] = relationship()
    trainee: Mapped[Trainee] = relationship()
    application: Mapped[Application | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_ASSIGNMENT_STATUSES


class BoothFee(db.Model):
    """A booth-day's fee, recorded as due; the payments domain may charge and mark it paid."""

    __tablename__ = "booth_fees"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("booth_assignments.id"), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[FeeStatus] = mapped_column(enum_column(FeeStatus, name="booth_fee_status"),
                                              default=FeeStatus.DUE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column()

    assignment: Mapped[Assignment] = relationship()

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class SubsidyEntry(db.Model):
    """The value of a free booth-day given to a trainee (the venue's going rate)."""

    __tablename__ = "booth_subsidies"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("booth_assignments.id"), unique=True)
    value_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # A cancelled booth-day was never given: the entry stays, reversed, for the record.
    is_reversed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment: Mapped[Assignment] = relationship()


class NoShowStrike(db.Model):
    __tablename__ = "booth_no_show_strikes"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("booth_assignments.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ineligibility(db.Model):
    """After too many no-shows a trainee may not take booths of this municipality until a day."""

    __tablename__ = "booth_ineligibilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"))
    until: Mapped[date] = mapped_column()
    reason_code: Mapped[str] = mapped_column(String(40), default="no_show_strikes")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
