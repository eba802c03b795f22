"""Allocation runs, assignments (never two live ones per booth-day, nor per trainee and calendar
date across markets), booth fees, the subsidy ledger, no-show strikes and ineligibility."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Trainee, User
from marketplace.booths.models.applications import Application
from marketplace.booths.models.enums import (
    LIVE_ASSIGNMENT_STATUSES,
    LIVE_SQL,
    AssignmentSource,
    AssignmentStatus,
    FeeStatus,
    RunScope,
    RunStatus,
)
from marketplace.booths.models.markets import Market, MarketDay
from marketplace.booths.models.venues import Booth
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model


class AllocationRun(Model):
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
    # Placements of a preview that no longer held when it was confirmed (a trainee suspended, a
    # booth blocked or taken, a day closed…), left out and listed: [{application_id, trainee_id,
    # booth_id, day_id, reason}]. Kept apart from result_json, which replay compares.
    dropped_json: Mapped[str | None] = mapped_column(Text)
    placements_count: Mapped[int] = mapped_column(default=0)
    unserved_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column()

    market: Mapped[Market] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class Assignment(TimestampMixin, Model):
    """A booth given to a trainee for one market day."""

    __tablename__ = "booth_assignments"
    __table_args__ = (
        Index("uq_booth_assignments_booth_day_live", "booth_id", "market_day_id", unique=True,
              sqlite_where=text(LIVE_SQL), postgresql_where=text(LIVE_SQL)),
        Index("uq_booth_assignments_trainee_day_live", "trainee_id", "market_day_id",
              unique=True, sqlite_where=text(LIVE_SQL), postgresql_where=text(LIVE_SQL)),
        # One person cannot stand in two places: one live booth per trainee per calendar date,
        # whichever markets the days belong to.
        Index("uq_booth_assignments_trainee_date_live", "trainee_id", "day", unique=True,
              sqlite_where=text(LIVE_SQL), postgresql_where=text(LIVE_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"), index=True)
    market_day_id: Mapped[int] = mapped_column(ForeignKey("market_days.id"), index=True)
    # The market day's date, copied here so one index can hold a trainee to one booth per date
    # across markets; set on insert (see _copy_market_day_date) and never changed after.
    day: Mapped[date] = mapped_column()
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


@event.listens_for(Assignment, "before_insert")
def _copy_market_day_date(_mapper, connection, target: Assignment) -> None:
    """Fill `day` from the market day when the writer did not (the services set it)."""
    if target.day is None:
        loaded = target.__dict__.get("market_day")  # no lazy load in the middle of a flush
        if loaded is not None:
            target.day = loaded.day
        else:
            target.day = connection.scalar(
                select(MarketDay.day).where(MarketDay.id == target.market_day_id))


class BoothFee(Model):
    """A booth-day's fee, recorded as due; the payments domain may charge and mark it paid."""

    __tablename__ = "booth_fees"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("booth_assignments.id"), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    money: Mapped[Money] = money_composite("amount")
    status: Mapped[FeeStatus] = mapped_column(enum_column(FeeStatus, name="booth_fee_status"),
                                              default=FeeStatus.DUE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column()

    assignment: Mapped[Assignment] = relationship()

class SubsidyEntry(Model):
    """The value of a free booth-day given to a trainee (the venue's going rate)."""

    __tablename__ = "booth_subsidies"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("booth_assignments.id"), unique=True)
    value_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    value: Mapped[Money] = money_composite("value_amount")
    # A cancelled booth-day was never given: the entry stays, reversed, for the record.
    is_reversed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment: Mapped[Assignment] = relationship()


class NoShowStrike(Model):
    __tablename__ = "booth_no_show_strikes"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("booth_assignments.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ineligibility(Model):
    """After too many no-shows a trainee may not take booths of this municipality until a day."""

    __tablename__ = "booth_ineligibilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"))
    until: Mapped[date] = mapped_column()
    reason_code: Mapped[str] = mapped_column(String(40), default="no_show_strikes")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
