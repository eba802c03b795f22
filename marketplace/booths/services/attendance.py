"""On the market day: check-in (by staff, or by the trainee's code), no-shows, the strikes
they count as and the ineligibility a market's strike limit brings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.booths import policies
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    Assignment,
    AssignmentStatus,
    Ineligibility,
    Market,
    MarketDay,
    MarketDayStatus,
    NoShowStrike,
)
from marketplace.booths.signals import booth_day_lost
from marketplace.core.db import utcnow
from marketplace.core.digits import to_ascii_digits
from marketplace.core.errors import Conflict, NotFound, RuleViolation
from marketplace.core.i18n import local_day
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path

# Staff may start checking people in a little before the venue opens (setting up stalls).
CHECK_IN_OPENS_BEFORE = timedelta(hours=3)


def check_in_window_contains(day: MarketDay, now: datetime) -> bool:
    """From shortly before opening until midnight of the market day, in the marketplace's zone;
    an early check-in would let a trainee dodge the no-show rule."""
    on_the_day = local_day(now) == day.day
    return on_the_day and now >= day.opens_at - CHECK_IN_OPENS_BEFORE


def check_in(actor: User, assignment: Assignment, now: datetime | None = None) -> Assignment:
    if not policies.can_manage_market(actor, assignment.market_day.market):
        raise NotFound(_("That assignment does not exist."), code=BoothErrorCode.UNKNOWN_ASSIGNMENT)
    if assignment.status == AssignmentStatus.CHECKED_IN:
        raise Conflict(_("That trainee is already checked in."),
                       code=BoothErrorCode.ALREADY_CHECKED_IN)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise Conflict(_("That booth is no longer given (cancelled or a no-show)."),
                       code=BoothErrorCode.ASSIGNMENT_NOT_LIVE)
    if not assignment.market_day.is_open:
        raise RuleViolation(_("That day is closed."), code=BoothErrorCode.DAY_CLOSED)
    now = now or utcnow()
    if not check_in_window_contains(assignment.market_day, now):
        raise RuleViolation(_("Check-in is only possible on the market day itself."),
                            code=BoothErrorCode.NOT_MARKET_DAY)
    assignment.status = AssignmentStatus.CHECKED_IN
    assignment.checked_in_at = now
    assignment.checked_in_by_id = actor.id
    db.session.flush()
    return assignment


def check_in_by_code(actor: User, day: MarketDay, code: str,
                     now: datetime | None = None) -> Assignment:
    """The trainee at the booth shows their code; staff type it in."""
    if not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That market day does not exist."), code=BoothErrorCode.UNKNOWN_DAY)
    code = to_ascii_digits((code or "").strip())
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.market_day_id == day.id, Assignment.check_in_code == code,
        Assignment.status.in_((AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN))))
    if assignment is None:
        raise RuleViolation(_("No booth that day has that check-in code."),
                            code=BoothErrorCode.UNKNOWN_CHECK_IN_CODE,
                            fields={"code": [_("Not found.")]})
    return check_in(actor, assignment, now)


def mark_no_shows(now: datetime | None = None) -> dict[str, int]:
    """Assignments not checked in by the deadline become no-shows and count as strikes; the
    market's strike limit makes the trainee ineligible for a period."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Assignment, MarketDay, Market)
        .join(MarketDay, Assignment.market_day_id == MarketDay.id)
        .join(Market, MarketDay.market_id == Market.id)
        .where(Assignment.status == AssignmentStatus.ACTIVE,
               MarketDay.status == MarketDayStatus.OPEN, MarketDay.opens_at <= now)).all()
    marked = strikes = banned = 0
    for assignment, day, market in rows:
        if day.opens_at + timedelta(minutes=market.check_in_deadline_minutes) > now:
            continue
        assignment.status = AssignmentStatus.NO_SHOW
        marked += 1
        booth_day_lost.send(assignment, reason="no_show")
        db.session.add(NoShowStrike(trainee_id=assignment.trainee_id, market_id=market.id,
                                    assignment_id=assignment.id))
        db.session.flush()
        strikes += 1
        count = db.session.scalar(select(func.count()).select_from(NoShowStrike).where(
            NoShowStrike.trainee_id == assignment.trainee_id,
            NoShowStrike.market_id == market.id))
        if count and count % market.no_show_strike_limit == 0:
            until = day.day + timedelta(days=market.ineligibility_days)
            db.session.add(Ineligibility(trainee_id=assignment.trainee_id,
                                         municipality_id=market.venue.municipality_id,
                                         market_id=market.id, until=until))
            banned += 1
            trainee = assignment.trainee
            notify(trainee.user, EventKind.BOOTH_INELIGIBLE, {
                "lang": trainee.user.locale, "trainee_name": trainee.user.display_name,
                "market_name_fa": market.name_fa, "market_name_en": market.name("en"),
                "strikes": count, "until": until},
                mail=("You cannot take booths for a while", "booths_ineligible"),
                link=site_path("booths.mine"))
    db.session.flush()
    return {"no_shows": marked, "strikes": strikes, "ineligible": banned}


def ineligible_until(trainee_id: int, municipality_id: int, on: date) -> date | None:
    return db.session.scalar(select(func.max(Ineligibility.until)).where(
        Ineligibility.trainee_id == trainee_id, Ineligibility.municipality_id == municipality_id,
        Ineligibility.until >= on))
