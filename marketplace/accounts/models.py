"""Accounts: people, the organisations they belong to, and their API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import cast

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.trades import trade_label
from marketplace.core.db import TimestampMixin, enum_column, utcnow
from marketplace.extensions import Model


class CentreKind(enum.StrEnum):
    PUBLIC = "public"      # state technical-and-vocational centre
    PRIVATE = "private"    # private institute (آموزشگاه آزاد)


class TraineeStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


# Which verification moves are allowed: (from, action) -> to.
TRAINEE_TRANSITIONS: dict[tuple[TraineeStatus, str], TraineeStatus] = {
    (TraineeStatus.PENDING, "verify"): TraineeStatus.VERIFIED,
    (TraineeStatus.PENDING, "reject"): TraineeStatus.REJECTED,
    (TraineeStatus.REJECTED, "verify"): TraineeStatus.VERIFIED,
    (TraineeStatus.VERIFIED, "suspend"): TraineeStatus.SUSPENDED,
    (TraineeStatus.SUSPENDED, "reinstate"): TraineeStatus.VERIFIED,
}


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_verified_phone", "phone", unique=True,
              postgresql_where=text("phone_verified_at IS NOT NULL"),
              sqlite_where=text("phone_verified_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint holds regardless of case. None for a buyer
    # who signed up with a verified mobile number only (accounts.phone_codes); such a user has
    # an empty password_hash, which no password matches.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    # E.164 (core.phone). Verified by a one-time code: only then may it sign the user in, and
    # a verified number belongs to one user only (the partial unique index below).
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_verified_at: Mapped[datetime | None] = mapped_column()
    locale: Mapped[str] = mapped_column(String(8), default="fa")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    # Bumped when the password changes; invalidates reset links and remember-me cookies.
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainee: Mapped[Trainee | None] = relationship(back_populates="user", uselist=False,
                                                   foreign_keys="Trainee.user_id")
    centre_memberships: Mapped[list[CentreStaff]] = relationship(back_populates="user")
    municipal_memberships: Mapped[list[MunicipalStaff]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users cannot sign in
        return not self.is_disabled

    def get_id(self) -> str:
        # The password's change time goes into the session id, so changing the password signs
        # out every other session and remember-me cookie.
        return f"{self.id}:{self.password_stamp}"

    @property
    def password_stamp(self) -> int:
        """The last password change in microseconds since the epoch (whole seconds were too
        coarse: a change within the same second left old sessions and reset links valid)."""
        changed = self.password_changed_at
        return int(changed.timestamp()) * 1_000_000 + changed.microsecond

    @property
    def has_verified_phone(self) -> bool:
        return self.phone is not None and self.phone_verified_at is not None

    @property
    def is_trainee(self) -> bool:
        return self.trainee is not None

    @property
    def staff_centre_ids(self) -> set[int]:
        return {m.centre_id for m in self.centre_memberships}

    @property
    def staff_municipality_ids(self) -> set[int]:
        return {m.municipality_id for m in self.municipal_memberships}

    @property
    def is_centre_staff(self) -> bool:
        return bool(self.centre_memberships)

    @property
    def is_municipal_staff(self) -> bool:
        return bool(self.municipal_memberships)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class TrainingCentre(TimestampMixin, Model):
    __tablename__ = "training_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CentreKind] = mapped_column(enum_column(CentreKind, name="centre_kind"))
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100))
    # A centre may trust its trainees' listings and publish them without review (issue 3).
    auto_approve_listings: Mapped[bool] = mapped_column(default=False)

    staff: Mapped[list[CentreStaff]] = relationship(back_populates="centre")
    trainees: Mapped[list[Trainee]] = relationship(back_populates="centre")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa


class Municipality(TimestampMixin, Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100), default="")

    staff: Mapped[list[MunicipalStaff]] = relationship(back_populates="municipality")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa


class CentreStaff(Model):
    __tablename__ = "centre_staff"
    __table_args__ = (UniqueConstraint("user_id", "centre_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id", ondelete="CASCADE"),
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="centre_memberships")
    centre: Mapped[TrainingCentre] = relationship(back_populates="staff")


class MunicipalStaff(Model):
    __tablename__ = "municipal_staff"
    __table_args__ = (UniqueConstraint("user_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="municipal_memberships")
    municipality: Mapped[Municipality] = relationship(back_populates="staff")


class Trainee(TimestampMixin, Model):
    """A trainee's vendor profile: their centre, trade, store and verification state."""

    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id"), index=True)
    # A code of accounts.trades.TRADES; "" when none was chosen (a free-text trade from before
    # the list that matched no trade).
    trade: Mapped[str] = mapped_column(String(120), default="")
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(Text, default="")
    store_name: Mapped[str] = mapped_column(String(120))
    store_slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Storage keys of the store's photo and banner (catalogue.services.store_images).
    avatar_path: Mapped[str | None] = mapped_column(String(255))
    banner_path: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[TraineeStatus] = mapped_column(
        enum_column(TraineeStatus, name="trainee_status"), default=TraineeStatus.PENDING,
        index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column()
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="trainee", foreign_keys=[user_id])
    centre: Mapped[TrainingCentre] = relationship(back_populates="trainees")

    @property
    def is_verified(self) -> bool:
        return self.status == TraineeStatus.VERIFIED

    @property
    def trade_label(self) -> str:
        return trade_label(self.trade)


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown in lists so a person can tell tokens apart.
    token_prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CodePurpose(enum.StrEnum):
    VERIFY_PHONE = "verify_phone"  # a signed-in user proves a number is theirs
    SIGN_IN = "sign_in"            # anyone signs in with a verified number
    SIGN_UP = "sign_up"            # a new buyer proves a number, and it makes their account


class PhoneCode(Model):
    """A one-time code texted to a number. Only a keyed hash is kept (accounts.phone_codes):
    six digits are guessed in a million tries, so the hash is an HMAC under the app's secret,
    and `attempts` caps the tries."""

    __tablename__ = "phone_codes"
    __table_args__ = (Index("ix_phone_codes_phone_created", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[CodePurpose] = mapped_column(enum_column(CodePurpose, name="code_purpose"))
    # The signed-in user a VERIFY_PHONE code is for; none for SIGN_IN codes.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class StaffInvitation(Model):
    """An invitation to join one centre's or one municipality's staff (issue 18), sent by its
    staff (or an admin) to an email address or a mobile number. The invitee accepts it while
    signed in as the account that owns that address or verified number; it is then spent.

    Only a hash of the link's token is kept: the token in the link is the secret, and a read
    of this table must not let anyone accept an invitation."""

    __tablename__ = "staff_invitations"
    __table_args__ = (
        CheckConstraint("(centre_id IS NULL) <> (municipality_id IS NULL)",
                        name="one_organisation"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_centres.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))  # lower-cased, as User.email
    phone: Mapped[str | None] = mapped_column(String(32))   # E.164
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column()

    centre: Mapped[TrainingCentre | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    @property
    def organisation(self) -> TrainingCentre | Municipality:
        return self.centre if self.centre is not None else cast(Municipality, self.municipality)

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (it may still have expired)."""
        return self.accepted_at is None and self.revoked_at is None
