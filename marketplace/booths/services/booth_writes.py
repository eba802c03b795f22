"""The booth-writes lock and the rows every path that gives or takes back a booth-day writes:
a live assignment with its check-in code and its fee or subsidy entry, and its cancellation
(the fee waived, the subsidy reversed). Kept below the other service modules, which all use it.
"""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Trainee, User
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Application,
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    Booth,
    BoothFee,
    BoothOffer,
    FeeStatus,
    MarketDay,
    OfferStatus,
    SubsidyEntry,
)
from marketplace.booths.signals import booth_day_lost
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import Conflict
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path

# Any key of our own for PostgreSQL's advisory locks ("booths" in ASCII).
BOOTH_WRITES_LOCK = 0x626F6F746873


def lock_booth_writes() -> None:
    """Queue the transactions that give or take back booth-days, until this one ends.

    On PostgreSQL two transactions that each write several assignments (two allocation runs
    confirmed at once, a confirm and a suspension) can wait on each other's entries in the
    unique indexes — a deadlock, which PostgreSQL ends by failing one of them. Taking this lock
    before the first such write makes them run one after the other instead, and whoever comes
    second sees what the first did. SQLite writers already queue (BEGIN IMMEDIATE).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": BOOTH_WRITES_LOCK})


def new_check_in_code(taken: set[str]) -> str:
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in taken:
            taken.add(code)
            return code


def codes_taken(market_day_id: int) -> set[str]:
    return set(db.session.scalars(select(Assignment.check_in_code).where(
        Assignment.market_day_id == market_day_id)))


def _conflict_for(booth_id: int, market_day_id: int) -> Conflict:
    taken = db.session.scalar(select(Assignment.id).where(
        Assignment.booth_id == booth_id, Assignment.market_day_id == market_day_id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)))
    if taken:
        return Conflict(_("That booth is already given to someone on that day."),
                        code=BoothErrorCode.BOOTH_TAKEN)
    return Conflict(_("That trainee already has a booth on that date, at this market or "
                      "another."), code=BoothErrorCode.TRAINEE_ALREADY_PLACED)


def create_assignment(booth: Booth, day: MarketDay, trainee: Trainee, *,
                      source: AssignmentSource, application: Application | None,
                      actor: User | None, run_id: int | None = None,
                      taken_codes: set[str] | None = None) -> Assignment:
    """Insert one live assignment with its fee or subsidy entry.

    The partial unique indexes decide under any interleaving; a violation rolls back only the
    savepoint and becomes a 409.
    """
    lock_booth_writes()
    codes = taken_codes if taken_codes is not None else codes_taken(day.id)
    assignment = Assignment(booth_id=booth.id, market_day_id=day.id, day=day.day,
                            trainee_id=trainee.id,
                            application_id=application.id if application else None,
                            run_id=run_id, source=source, status=AssignmentStatus.ACTIVE,
                            check_in_code=new_check_in_code(codes),
                            created_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():
            db.session.add(assignment)
            db.session.flush()
    except IntegrityError:
        raise _conflict_for(booth.id, day.id) from None
    if booth.fee_amount > 0:
        db.session.add(BoothFee(trainee_id=trainee.id, assignment_id=assignment.id,
                                amount=booth.fee_amount, currency=booth.currency))
    else:
        venue = booth.venue
        value = venue.standard_fee_amount or \
            int(current_app.config.get("BOOTH_NOTIONAL_DAY_VALUE", 0))
        db.session.add(SubsidyEntry(trainee_id=trainee.id, centre_id=trainee.centre_id,
                                    market_id=day.market_id, assignment_id=assignment.id,
                                    value_amount=value, currency=venue.currency))
    return assignment


def _cancel(assignment: Assignment, reason: str) -> None:
    lock_booth_writes()
    assignment.status = AssignmentStatus.CANCELLED
    assignment.cancelled_at = utcnow()
    assignment.cancel_reason = reason
    fee = db.session.scalar(select(BoothFee).where(BoothFee.assignment_id == assignment.id))
    if fee is not None and fee.status == FeeStatus.DUE:
        fee.status = FeeStatus.WAIVED
        fee.settled_at = utcnow()
    subsidy = db.session.scalar(select(SubsidyEntry).where(
        SubsidyEntry.assignment_id == assignment.id))
    if subsidy is not None:
        subsidy.is_reversed = True
    # Buyers who pick up at this booth-day are told and offered another way (orders).
    booth_day_lost.send(assignment, reason=reason)


def withdraw_offers(*conditions, reason: str) -> int:
    """Pending waitlist offers matching `conditions` end unanswered (the day closed, the booth
    blocked, the trainee suspended): nobody can accept what is gone."""
    return rows_changed(db.session.execute(
        update(BoothOffer).where(BoothOffer.status == OfferStatus.PENDING.value, *conditions)
        .values(status=OfferStatus.WITHDRAWN.value, decided_at=utcnow(), reason=reason)
        .execution_options(synchronize_session="fetch")))


def pending_offer_holds(booth_id: int, market_day_id: int) -> bool:
    return db.session.scalar(select(BoothOffer.id).where(
        BoothOffer.booth_id == booth_id, BoothOffer.market_day_id == market_day_id,
        BoothOffer.status == OfferStatus.PENDING).limit(1)) is not None


def _mail_cancelled(assignment: Assignment, reason: str) -> None:
    trainee, day = assignment.trainee, assignment.market_day
    notify(trainee.user, EventKind.BOOTH_CANCELLED, {
        "lang": trainee.user.locale, "trainee_name": trainee.user.display_name,
        "market_id": day.market_id, "market_name_fa": day.market.name_fa,
        "market_name_en": day.market.name("en"), "day": day.day,
        "booth_code": assignment.booth.code, "reason": reason},
        mail=("Your booth was cancelled", "booths_cancelled"), link=site_path("booths.mine"))
