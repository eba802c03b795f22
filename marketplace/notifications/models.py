"""Notices (the in-app feed, and the record of what was sent) and each user's channel choices."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.db import utcnow
from marketplace.extensions import Model


class EventKind(enum.StrEnum):
    """Every kind of notice. Stored as its value without a CHECK constraint: a new kind needs
    no migration (old rows of a kind that was removed still show their rendered text)."""

    ORDER_PLACED = "order_placed"
    ORDER_PAID = "order_paid"
    ORDER_RECEIVED = "order_received"            # to the trainee: a new order
    ORDER_SHIPPED = "order_shipped"
    ORDER_READY_FOR_PICKUP = "order_ready_for_pickup"
    ORDER_COMPLETED = "order_completed"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_REFUNDED = "order_refunded"
    ORDER_EXPIRED = "order_expired"
    PAYMENT_REFUNDED = "payment_refunded"
    PICKUP_REMINDER = "pickup_reminder"
    PICKUP_LOST = "pickup_lost"                  # its booth-day went away: choose again
    PICKUP_REBOOKED = "pickup_rebooked"          # to the trainee: the buyer chose another day
    LISTING_APPROVED = "listing_approved"
    LISTING_RETURNED = "listing_returned"
    LISTING_SUBMITTED = "listing_submitted"      # to the centre's staff
    PRODUCT_REQUESTED = "product_requested"      # to the trainee: sold out, or make me one
    TRAINEE_REGISTERED = "trainee_registered"    # to the centre's staff
    TRAINEE_VERIFIED = "trainee_verified"
    TRAINEE_REJECTED = "trainee_rejected"
    TRAINEE_SUSPENDED = "trainee_suspended"
    STAFF_INVITED = "staff_invited"              # to anyone: join an organisation's staff
    STAFF_INVITATION_ACCEPTED = "staff_invitation_accepted"  # to its sender: they joined
    BOOTH_APPLICATION_RECEIVED = "booth_application_received"  # to municipal staff
    BOOTH_ASSIGNED = "booth_assigned"
    BOOTH_ALLOCATION = "booth_allocation"
    BOOTH_OFFERED = "booth_offered"
    BOOTH_OFFER_PASSED = "booth_offer_passed"
    BOOTH_CANCELLED = "booth_cancelled"
    BOOTHS_FREED = "booths_freed"
    BOOTH_INELIGIBLE = "booth_ineligible"
    MARKET_DAY_CLOSED = "market_day_closed"
    PAYOUT_SENT = "payout_sent"
    DEBT_DUE = "debt_due"
    STAFF_BROADCAST = "staff_broadcast"
    SPACE_BOOKING = "space_booking"              # to municipal staff: a request and its answers
    SPACE_BOOKING_ANSWER = "space_booking_answer"  # to the centre: approved, rejected, proposed
    COURSE_PLACE = "course_place"                # off a course's waitlist: a place is yours
    COURSE_REMINDER = "course_reminder"          # a session of your course within a day
    COURSE_SESSION_CHANGED = "course_session_changed"  # one of its sessions moved or cancelled
    GRADUATE_WORK = "graduate_work"              # a course's graduate listed work (opted in)


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"


def _kind_column():
    return Enum(EventKind, native_enum=False, create_constraint=False, length=40,
                values_callable=lambda e: [m.value for m in e], validate_strings=False)


class Notification(Model):
    """One notice to one person: its text as rendered in their language when it was sent,
    the context it was rendered from (for API clients), and whether it shows in the feed."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell: a count of the unread notices in the feed of one person.
        Index("ix_notifications_recipient_unread", "recipient_id", "in_app", "read_at"),
        # A notice that must go once (a reminder, a retried job) carries a key.
        Index("uq_notifications_dedupe", "recipient_id", "dedupe_key", unique=True,
              postgresql_where=text("dedupe_key IS NOT NULL"),
              sqlite_where=text("dedupe_key IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(_kind_column())
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500))
    # False when the recipient turned the in-app channel off for this kind: the row only
    # records that the notice went (by mail or SMS) and keeps it from going twice.
    in_app: Mapped[bool] = mapped_column(default=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(Model):
    """A person's channels for one kind of notice; without a row the kind's defaults hold."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(_kind_column())
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=False)
    sms: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def channels(self) -> frozenset[Channel]:
        chosen = {Channel.IN_APP: self.in_app, Channel.EMAIL: self.email, Channel.SMS: self.sms}
        return frozenset(c for c, on in chosen.items() if on)
