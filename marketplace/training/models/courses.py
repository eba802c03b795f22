"""Public courses carried by approved bookings, citizens' registrations (with a waitlist) and
attendance per session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import TrainingCentre, User
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.core.money import Money
from marketplace.core.money_columns import money_composite
from marketplace.extensions import Model
from marketplace.training.models.bookings import Booking, TrainingSession
from marketplace.training.models.enums import LIVE_REGISTRATION_SQL, RegistrationStatus
from marketplace.training.models.spaces import Space


class Course(TimestampMixin, Model):
    __tablename__ = "training_courses"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="capacity_range"),
        CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        CheckConstraint("waitlist_size BETWEEN 0 AND 10000", name="waitlist_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("training_bookings.id"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("training_spaces.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    trade: Mapped[str] = mapped_column(String(40), index=True)  # a code of accounts.trades.TRADES
    teacher: Mapped[str] = mapped_column(String(120))
    audience: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column()
    # How many may wait for a place once it is full (0: no waitlist); beyond it the course is
    # full and registering is refused.
    waitlist_size: Mapped[int] = mapped_column(default=20)
    fee_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: free
    currency: Mapped[str] = mapped_column(String(3))
    fee: Mapped[Money] = money_composite("fee_amount")
    # Denormalised from the first and last approved session, for the public calendar's filter.
    first_session_at: Mapped[datetime] = mapped_column(index=True)
    last_session_at: Mapped[datetime] = mapped_column()
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    booking: Mapped[Booking] = relationship()
    centre: Mapped[TrainingCentre] = relationship()
    space: Mapped[Space] = relationship()
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="course", order_by="Registration.id")

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0

    @property
    def sessions(self) -> list[TrainingSession]:
        return self.booking.approved_sessions


class Registration(Model):
    """A citizen's place on a course, or in its waitlist (first come, first moved up)."""

    __tablename__ = "training_registrations"
    __table_args__ = (
        # One live registration per person and course, on both databases.
        Index("uq_training_registrations_live", "course_id", "user_id", unique=True,
              sqlite_where=text(LIVE_REGISTRATION_SQL),
              postgresql_where=text(LIVE_REGISTRATION_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, name="registration_status"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the place was given (at once, or when the waitlist moved up).
    registered_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()

    course: Mapped[Course] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(back_populates="registration",
                                                         cascade="all, delete-orphan")


class Attendance(Model):
    """A registered person was present at a session (no row: absent or not marked)."""

    __tablename__ = "training_attendance"
    __table_args__ = (Index("uq_training_attendance", "registration_id", "session_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("training_registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id",
                                                       ondelete="CASCADE"), index=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="attendances")
