"""Waitlist offers answered: the trainee accepts (the booth-day becomes their assignment) or
declines; an offer left unanswered past its deadline expires (`flask expire-booth-offers`, in
`flask maintenance`). Declining or letting it pass is never a strike and costs no lottery
standing; either way the booth-day goes on to the next applicant by a new waitlist run, which
leaves out whoever passed it.

Every answer is one conditional UPDATE of a pending offer (`… WHERE status = 'pending'`), after
the booth-writes lock, so an acceptance and the expiry (or two clicks) never both win; the
assignment an acceptance makes is held by the assignments' partial unique indexes.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    AllocationRun,
    ApplicationDayStatus,
    ApplicationStatus,
    Assignment,
    AssignmentSource,
    BoothOffer,
    OfferStatus,
)
from marketplace.booths.services import offer_notices
from marketplace.booths.services.allocation_runs import fill_from_waitlist
from marketplace.booths.services.booth_writes import create_assignment, lock_booth_writes
from marketplace.core.db import rows_changed, utcnow
from marketplace.core.errors import Conflict, NotFound
from marketplace.extensions import db


def get_offer_for(actor: User, offer_id: int) -> BoothOffer:
    """The trainee's own offer; anyone else's (or none) is a 404."""
    offer = db.session.get(BoothOffer, offer_id)
    trainee = getattr(actor, "trainee", None) if actor is not None else None
    if offer is None or trainee is None or offer.trainee_id != trainee.id:
        raise NotFound(_("That offer does not exist."), code=BoothErrorCode.UNKNOWN_OFFER)
    return offer


def offers_of(trainee_id: int) -> list[BoothOffer]:
    """The trainee's offers still waiting for an answer, soonest deadline first."""
    return list(db.session.scalars(select(BoothOffer).where(
        BoothOffer.trainee_id == trainee_id, BoothOffer.status == OfferStatus.PENDING)
        .order_by(BoothOffer.expires_at, BoothOffer.id)))


def _claim(offer: BoothOffer, status: OfferStatus, now: datetime, *conditions,
           reason: str | None = None) -> bool:
    changed = rows_changed(db.session.execute(
        update(BoothOffer)
        .where(BoothOffer.id == offer.id, BoothOffer.status == OfferStatus.PENDING.value,
               *conditions)
        .values(status=status.value, decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)))
    db.session.expire(offer, ["status", "decided_at", "reason"])
    return changed == 1


def _refuse_answer(offer: BoothOffer, now: datetime) -> Conflict:
    if offer.status == OfferStatus.PENDING and offer.expires_at <= now:
        return Conflict(_("This offer has expired and went to the next applicant."),
                        code=BoothErrorCode.OFFER_EXPIRED)
    return Conflict(_("This offer is no longer open."), code=BoothErrorCode.OFFER_NOT_PENDING)


def accept_offer(actor: User, offer: BoothOffer, now: datetime | None = None) -> Assignment:
    """The trainee takes the booth-day: it becomes their assignment (fee or subsidy as any)."""
    now = now or utcnow()
    offer = get_offer_for(actor, offer.id)
    lock_booth_writes()
    if not _claim(offer, OfferStatus.ACCEPTED, now, BoothOffer.expires_at > now):
        raise _refuse_answer(offer, now)
    day, application = offer.market_day, offer.application
    if not day.is_open:
        raise Conflict(_("That day is closed."), code=BoothErrorCode.DAY_CLOSED)
    # The unique indexes decide: a booth or a date taken meanwhile is a 409 and nothing stays.
    assignment = create_assignment(offer.booth, day, offer.trainee,
                                   source=AssignmentSource.WAITLIST, application=application,
                                   actor=actor, run_id=offer.run_id)
    offer.assignment_id = assignment.id
    entry = next((e for e in application.days if e.market_day_id == day.id), None)
    if entry is not None:
        entry.status, entry.reason_code = ApplicationDayStatus.ACCEPTED, None
    application.status, application.reason_code = ApplicationStatus.ACCEPTED, None
    application.decided_at = now
    application.lottery_misses = 0
    db.session.flush()
    return assignment


def decline_offer(actor: User, offer: BoothOffer, now: datetime | None = None) -> BoothOffer:
    """The trainee does not want it: no strike; the booth-day goes to the next applicant."""
    now = now or utcnow()
    offer = get_offer_for(actor, offer.id)
    lock_booth_writes()
    if not _claim(offer, OfferStatus.DECLINED, now, BoothOffer.expires_at > now,
                  reason="declined"):
        raise _refuse_answer(offer, now)
    db.session.flush()
    fill_from_waitlist(offer.market_day, actor=None, now=now, passed_on=_run_of(offer))
    return offer


def _run_of(offer: BoothOffer) -> AllocationRun | None:
    """The waitlist run whose lottery made the offer (its order passes the offer on)."""
    return db.session.get(AllocationRun, offer.run_id) if offer.run_id else None


def expire_offers(now: datetime | None = None) -> int:
    """Offers past their deadline pass on to the next applicant (no strike); returns how many
    expired. Safe to run at any time and concurrently with answers."""
    now = now or utcnow()
    due = db.session.scalars(select(BoothOffer).where(
        BoothOffer.status == OfferStatus.PENDING, BoothOffer.expires_at <= now)
        .order_by(BoothOffer.expires_at, BoothOffer.id)).all()
    if not due:
        return 0
    lock_booth_writes()
    expired = []
    for offer in due:
        if _claim(offer, OfferStatus.EXPIRED, now, BoothOffer.expires_at <= now,
                  reason="expired"):
            offer_notices.offer_passed(offer)
            expired.append(offer)
    db.session.flush()
    # Each day passes on in the lottery order of the run that offered it (the latest, if
    # several offers of one day expire together).
    runs = {o.market_day_id: _run_of(o) for o in sorted(expired, key=lambda o: o.run_id or 0)}
    for day in {o.market_day_id: o.market_day for o in expired}.values():
        if day.is_open:
            fill_from_waitlist(day, actor=None, now=now, passed_on=runs[day.id])
    return len(expired)
