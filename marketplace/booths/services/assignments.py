"""Booths given by hand (picked on the map) and taken back, and freeing the booth-days of a
trainee who may no longer take booths; a freed booth-day goes to the waitlist.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import Trainee, TraineeStatus, User
from marketplace.booths import policies
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.labels import FEATURE_LABELS
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Application,
    ApplicationDayStatus,
    ApplicationStatus,
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    Booth,
    BoothOffer,
    MarketDay,
    OfferStatus,
)
from marketplace.booths.services.allocation_runs import fill_from_waitlist
from marketplace.booths.services.booth_writes import (
    _cancel,
    _conflict_for,
    _mail_cancelled,
    create_assignment,
    lock_booth_writes,
    pending_offer_holds,
    withdraw_offers,
)
from marketplace.booths.services.venues import is_blocked, missing_features
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, NotFound, RuleViolation
from marketplace.core.i18n import localize_digits
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path


def get_assignment_for_staff(actor: User, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not policies.can_manage_market(actor, assignment.market_day.market):
        raise NotFound(_("That assignment does not exist."), code=BoothErrorCode.UNKNOWN_ASSIGNMENT)
    return assignment


def assign_booth(actor: User, day: MarketDay, booth: Booth, trainee: Trainee) -> Assignment:
    """Staff give a booth by hand (picked on the map)."""
    market = day.market
    if not policies.can_manage_market(actor, market):
        raise NotFound(_("That market day does not exist."), code=BoothErrorCode.UNKNOWN_DAY)
    if booth.venue_id != market.venue_id or not booth.is_active:
        raise NotFound(_("That booth is not at this market's venue."),
                       code=BoothErrorCode.UNKNOWN_BOOTH)
    if not day.is_open:
        raise RuleViolation(_("That day is closed."), code=BoothErrorCode.DAY_CLOSED)
    if is_blocked(booth, day.day):
        raise RuleViolation(_("Booth %(code)s is blocked on that day.",
                              code=localize_digits(booth.code)),
                            code=BoothErrorCode.BOOTH_BLOCKED)
    if trainee.status != TraineeStatus.VERIFIED or trainee.user.is_disabled:
        raise RuleViolation(_("Only verified trainees can take a booth."),
                            code=BoothErrorCode.TRAINEE_NOT_ACTIVE)
    application = db.session.scalar(select(Application).where(
        Application.market_id == market.id, Application.trainee_id == trainee.id))
    if application is not None:
        lacking = missing_features(booth, application.needs())
        if lacking:
            raise RuleViolation(
                _("Booth %(code)s lacks what the trainee needs: %(needs)s.",
                  code=localize_digits(booth.code),
                  needs=", ".join(str(FEATURE_LABELS[n]) for n in lacking)),
                code=BoothErrorCode.BOOTH_LACKS_FEATURE)
    # Queued behind an offer being answered or passed on, so what is read next is settled.
    lock_booth_writes()
    existing = db.session.scalar(select(Assignment.id).where(
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES),
        ((Assignment.market_day_id == day.id) & (Assignment.booth_id == booth.id))
        | ((Assignment.day == day.day) & (Assignment.trainee_id == trainee.id))))
    if existing:
        raise _conflict_for(booth.id, day.id)
    if pending_offer_holds(booth.id, day.id):
        raise Conflict(_("That booth is offered to a waitlisted trainee on that day; wait for "
                         "their answer."), code=BoothErrorCode.BOOTH_OFFERED)
    assignment = create_assignment(booth, day, trainee, source=AssignmentSource.MANUAL,
                                   application=application, actor=actor)
    if application is not None:
        entry = next((d for d in application.days if d.market_day_id == day.id), None)
        if entry is not None and entry.status != ApplicationDayStatus.WITHDRAWN:
            entry.status = ApplicationDayStatus.ACCEPTED
            entry.reason_code = None
        if application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED,
                                  ApplicationStatus.REJECTED):
            application.status = ApplicationStatus.ACCEPTED
            application.reason_code = None
            application.decided_at = utcnow()
    _mail_assigned(assignment, booth, day, trainee)
    db.session.flush()
    return assignment


def cancel_assignment(actor: User, assignment: Assignment, now: datetime | None = None
                      ) -> Assignment:
    """Staff take a booth back; the booth-day goes to the waitlist."""
    day = assignment.market_day
    if not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That assignment does not exist."), code=BoothErrorCode.UNKNOWN_ASSIGNMENT)
    if not assignment.is_live:
        raise Conflict(_("That booth is no longer given."), code=BoothErrorCode.ASSIGNMENT_NOT_LIVE)
    _cancel(assignment, "cancelled_by_staff")
    _mail_cancelled(assignment, "cancelled_by_staff")
    db.session.flush()
    if day.is_open:
        fill_from_waitlist(day, actor=actor, now=now)
    return assignment


def _mail_assigned(assignment: Assignment, booth: Booth, day: MarketDay,
                   trainee: Trainee) -> None:
    market = day.market
    notify(trainee.user, EventKind.BOOTH_ASSIGNED, {
        "lang": trainee.user.locale, "trainee_name": trainee.user.display_name,
        "market_id": market.id, "market_name_fa": market.name_fa,
        "market_name_en": market.name("en"), "days": [day.day], "booth_codes": [booth.code],
        "check_in_codes": [assignment.check_in_code]},
        mail=("You have a booth", "booths_assigned"), link=site_path("booths.mine"))


# --- a trainee who may no longer take booths ------------------------------------------------

def free_booths_of_inactive_trainee(trainee: Trainee, reason: str = "trainee_suspended",
                                    now: datetime | None = None) -> list[Assignment]:
    """Cancel the trainee's booth-days that have not begun, offer them to the waitlist as after
    any cancellation, and tell the trainee in one mail.

    Days already open are left to the staff on the spot. The application days go back to the
    waitlist (ineligible while the trainee is not active), so a reinstated trainee can be
    placed again.
    """
    now = now or utcnow()
    # Booth-days offered to them and not answered yet pass on, as after a cancellation.
    offered_days = list(db.session.scalars(select(MarketDay).join(
        BoothOffer, BoothOffer.market_day_id == MarketDay.id).where(
        BoothOffer.trainee_id == trainee.id, BoothOffer.status == OfferStatus.PENDING)))
    withdraw_offers(BoothOffer.trainee_id == trainee.id, reason=reason)
    for day in offered_days:
        if day.is_open:
            fill_from_waitlist(day, actor=None, now=now)
    freed = list(db.session.scalars(
        select(Assignment).join(MarketDay, Assignment.market_day_id == MarketDay.id)
        .where(Assignment.trainee_id == trainee.id,
               Assignment.status == AssignmentStatus.ACTIVE, MarketDay.opens_at > now)
        .order_by(MarketDay.day, Assignment.id)))
    if not freed:
        return []
    for assignment in freed:
        _cancel(assignment, reason)
        application = assignment.application
        if application is None:
            continue
        for entry in application.days:
            if entry.market_day_id == assignment.market_day_id and \
                    entry.status == ApplicationDayStatus.ACCEPTED:
                entry.status = ApplicationDayStatus.WAITLISTED
                entry.reason_code = "ineligible"
        if application.status == ApplicationStatus.ACCEPTED and not any(
                e.status == ApplicationDayStatus.ACCEPTED for e in application.days):
            application.status = ApplicationStatus.WAITLISTED
    user = trainee.user
    notify(user, EventKind.BOOTHS_FREED, {
        "lang": user.locale, "trainee_name": user.display_name, "reason": reason,
        "booths": [(a.market_day.day, a.booth.code, a.market_day.market.name_fa,
                    a.market_day.market.name("en")) for a in freed]},
        mail=("Your booths are cancelled", "booths_freed"), link=site_path("booths.mine"))
    db.session.flush()
    for day in {a.market_day.id: a.market_day for a in freed}.values():
        if day.is_open:
            fill_from_waitlist(day, actor=None, now=now)
    return freed


def on_trainee_status_changed(trainee: Trainee, *, old: TraineeStatus, new: TraineeStatus,
                               **_details) -> None:
    """A verified trainee suspended (accounts) loses their booth-days to come. Connected to
    accounts' `trainee_status_changed` by the app factory."""
    if old == TraineeStatus.VERIFIED and new != TraineeStatus.VERIFIED:
        free_booths_of_inactive_trainee(trainee)
