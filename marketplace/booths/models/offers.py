"""Waitlist offers: a freed booth-day offered to the next applicant in lottery order, who
accepts or declines it before a deadline the market sets (`Market.offer_hours`). Silence passes
it on; declining or letting it pass is never a strike.

A booth-day is offered to one trainee at a time, and a trainee holds one offer per day: two
partial unique indexes over pending offers hold that on SQLite and PostgreSQL; accepting makes
the assignment, under the assignments' own indexes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Trainee
from marketplace.booths.models.applications import Application
from marketplace.booths.models.markets import MarketDay
from marketplace.booths.models.venues import Booth
from marketplace.core.db import enum_column, utcnow
from marketplace.extensions import Model

PENDING_SQL = "status = 'pending'"


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"        # silence: passed on to the next applicant
    WITHDRAWN = "withdrawn"    # the day closed or the booth went away before an answer


class BoothOffer(Model):
    __tablename__ = "booth_offers"
    __table_args__ = (
        Index("uq_booth_offers_booth_day_pending", "booth_id", "market_day_id", unique=True,
              sqlite_where=text(PENDING_SQL), postgresql_where=text(PENDING_SQL)),
        Index("uq_booth_offers_trainee_day_pending", "trainee_id", "market_day_id",
              unique=True, sqlite_where=text(PENDING_SQL), postgresql_where=text(PENDING_SQL)),
        Index("ix_booth_offers_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    market_day_id: Mapped[int] = mapped_column(ForeignKey("market_days.id"), index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("booth_applications.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    # The waitlist run whose lottery chose this applicant (replayable like any run).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_runs.id"))
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus, name="offer_status"),
                                                default=OfferStatus.PENDING)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    # The assignment an accepted offer became.
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("booth_assignments.id"))
    reason: Mapped[str | None] = mapped_column(String(40))

    market_day: Mapped[MarketDay] = relationship()
    booth: Mapped[Booth] = relationship()
    application: Mapped[Application] = relationship()
    trainee: Mapped[Trainee] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.status == OfferStatus.PENDING
