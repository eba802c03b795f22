"""A centre's booking of a space: one session or a series, each session decided on its own.

No two approved sessions of one space overlap. On PostgreSQL the database holds it: an
exclusion constraint over (space, time range) for approved sessions, with `btree_gist` for the
equality on the space id (created here for `create_all`, and by the migration). On SQLite the
writers of a request run one at a time (BEGIN IMMEDIATE, core.db), so the service's overlap check
and its write cannot interleave with another approval's.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import DDL, JSON, CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import TrainingCentre, User
from marketplace.core.db import TimestampMixin, enum_column
from marketplace.extensions import Model
from marketplace.training.models.enums import (
    PENDING_SESSION_STATUSES,
    BookingKind,
    BookingStatus,
    SessionStatus,
)
from marketplace.training.models.spaces import Space

MAX_ATTENDANCE = 10000


class Booking(TimestampMixin, Model):
    __tablename__ = "training_bookings"
    __table_args__ = (
        CheckConstraint(f"expected_attendance BETWEEN 1 AND {MAX_ATTENDANCE}",
                        name="attendance_range"),
        CheckConstraint("every_weeks IS NULL OR every_weeks BETWEEN 1 AND 4",
                        name="every_weeks_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("training_spaces.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id"), index=True)
    kind: Mapped[BookingKind] = mapped_column(enum_column(BookingKind, name="booking_kind"))
    title: Mapped[str] = mapped_column(String(200))
    expected_attendance: Mapped[int] = mapped_column()
    equipment_needs: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    # The trade the centre means to teach (a code of accounts.trades.TRADES), when it says: a
    # proposal made from the needs assessment carries it, and the course published on it starts
    # from it.
    trade: Mapped[str | None] = mapped_column(String(40))
    # The series as it was chosen in words (None for one session): weekdays (Monday 0), every
    # n weeks, from–to, and the RRULE they make (what booths.schedule reads).
    weekdays: Mapped[list | None] = mapped_column(JSON)
    every_weeks: Mapped[int | None] = mapped_column()
    series_starts_on: Mapped[date | None] = mapped_column()
    series_ends_on: Mapped[date | None] = mapped_column()
    recurrence_rule: Mapped[str | None] = mapped_column(String(300))
    starts_at_local: Mapped[time] = mapped_column()
    ends_at_local: Mapped[time] = mapped_column()
    status: Mapped[BookingStatus] = mapped_column(
        enum_column(BookingStatus, name="booking_status"), default=BookingStatus.PENDING)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    space: Mapped[Space] = relationship()
    centre: Mapped[TrainingCentre] = relationship()
    requested_by: Mapped[User | None] = relationship()
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="booking", order_by="[TrainingSession.starts_at, TrainingSession.id]",
        cascade="all, delete-orphan")

    @property
    def is_series(self) -> bool:
        return self.recurrence_rule is not None

    @property
    def approved_sessions(self) -> list[TrainingSession]:
        return [s for s in self.sessions if s.status == SessionStatus.APPROVED]

    def refresh_status(self) -> None:
        """The booking's status from its sessions: pending while one waits, else approved if
        any was approved; a booking rejected or withdrawn as a whole keeps that status."""
        if self.status in (BookingStatus.REJECTED, BookingStatus.WITHDRAWN):
            return
        statuses = {s.status for s in self.sessions}
        if statuses & set(PENDING_SESSION_STATUSES):
            self.status = BookingStatus.PENDING
        elif SessionStatus.APPROVED in statuses:
            self.status = BookingStatus.APPROVED
        elif statuses <= {SessionStatus.WITHDRAWN}:
            self.status = BookingStatus.WITHDRAWN
        else:
            self.status = BookingStatus.REJECTED


class TrainingSession(Model):
    """One meeting of a booking in its space, from `starts_at` to `ends_at` (UTC, end open)."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint("proposed_starts_at IS NULL OR proposed_ends_at > proposed_starts_at",
                        name="proposal_ordered"),
        Index("ix_training_sessions_space_starts", "space_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("training_bookings.id", ondelete="CASCADE"), index=True)
    # The booking's space, kept on the row for the exclusion constraint.
    space_id: Mapped[int] = mapped_column(ForeignKey("training_spaces.id"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus, name="training_session_status"),
        default=SessionStatus.REQUESTED)
    proposed_starts_at: Mapped[datetime | None] = mapped_column()
    proposed_ends_at: Mapped[datetime | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")

    booking: Mapped[Booking] = relationship(back_populates="sessions")


# PostgreSQL only: approved sessions of one space never overlap. The migration runs the same.
BTREE_GIST = "CREATE EXTENSION IF NOT EXISTS btree_gist"
NO_OVERLAP_NAME = "ex_training_sessions_no_overlap"
NO_OVERLAP = (f"ALTER TABLE training_sessions ADD CONSTRAINT {NO_OVERLAP_NAME} "
              "EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
              "WHERE (status = 'approved')")

event.listen(TrainingSession.__table__, "before_create",
             DDL(BTREE_GIST).execute_if(dialect="postgresql"))
event.listen(TrainingSession.__table__, "after_create",
             DDL(NO_OVERLAP).execute_if(dialect="postgresql"))
