"""Markets at a venue, their market days (one-off dates or a recurrence rule), and closing a
day.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import User
from marketplace.booths import policies
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    BoothOffer,
    Market,
    MarketCategory,
    MarketDay,
    MarketDayStatus,
    MarketKind,
    MarketReservedBooth,
    Venue,
)
from marketplace.booths.models.markets import (
    MAX_OFFER_HOURS,
    MAX_SALES_FEE_PERCENT,
    MIN_OFFER_HOURS,
)
from marketplace.booths.schedule import (
    one_off_dates,
    opening_instant,
    recurring_dates,
)
from marketplace.booths.services.booth_writes import _cancel, withdraw_offers
from marketplace.catalogue.models import Category
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, NotFound, RuleViolation
from marketplace.core.i18n import format_number
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path


def _zone() -> str:
    return current_app.config["MARKETPLACE_TIMEZONE"]


def get_market_for_staff(actor: User, market_id: int) -> Market:
    market = db.session.get(Market, market_id)
    if market is None or not policies.can_manage_market(actor, market):
        raise NotFound(_("That market does not exist."), code=BoothErrorCode.UNKNOWN_MARKET)
    return market


def get_market(market_id: int) -> Market:
    market = db.session.get(Market, market_id)
    if market is None:
        raise NotFound(_("That market does not exist."), code=BoothErrorCode.UNKNOWN_MARKET)
    return market


def get_day_for_staff(actor: User, day_id: int) -> MarketDay:
    day = db.session.get(MarketDay, day_id)
    if day is None or not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That market day does not exist."), code=BoothErrorCode.UNKNOWN_DAY)
    return day


@dataclass
class MarketData:
    kind: str
    name_fa: str
    starts_on: date
    ends_on: date
    applications_open_at: datetime
    applications_close_at: datetime
    name_en: str | None = None
    description: str = ""
    recurrence_rule: str | None = None
    allow_clusters: bool = False
    no_show_strike_limit: int = 2
    ineligibility_days: int = 60
    check_in_deadline_minutes: int = 60
    withdraw_cutoff_hours: int = 48
    sales_fee_percent: int = 0
    offer_hours: int = 24
    # [(category_id, cap or None)]
    categories: list = field(default_factory=list)
    # [(booth_id, category_id)]
    reserved_booths: list = field(default_factory=list)
    published_seed: int | None = None


def _market_dates(data: MarketData) -> list[date]:
    try:
        kind = MarketKind(data.kind)
    except ValueError:
        raise RuleViolation(_("Choose one-off or recurring."),
                            code=BoothErrorCode.INVALID_MARKET_KIND,
                            fields={"kind": [_("Not a known kind.")]}) from None
    if kind == MarketKind.RECURRING:
        return recurring_dates(data.recurrence_rule or "", data.starts_on, data.ends_on)
    return one_off_dates(data.starts_on, data.ends_on)


def _check_market(venue: Venue, data: MarketData) -> list[date]:
    errors: dict[str, list[str]] = {}
    if not (data.name_fa or "").strip():
        errors["name_fa"] = [_("Enter the market's name.")]
    for name in ("applications_open_at", "applications_close_at"):
        value = getattr(data, name)
        if value is None or value.tzinfo is None:
            errors[name] = [_("Give a date and time with its time zone.")]
    if not errors and data.applications_close_at <= data.applications_open_at:
        errors["applications_close_at"] = [_("Must be after the opening of applications.")]
    if data.no_show_strike_limit < 1:
        errors["no_show_strike_limit"] = [_("At least 1.")]
    for name in ("ineligibility_days", "check_in_deadline_minutes", "withdraw_cutoff_hours"):
        if getattr(data, name) < 0:
            errors[name] = [_("Must not be negative.")]
    if not 0 <= data.sales_fee_percent <= MAX_SALES_FEE_PERCENT:
        errors["sales_fee_percent"] = [_("Must be between 0 and %(n)s.",
                                         n=format_number(MAX_SALES_FEE_PERCENT))]
    if not MIN_OFFER_HOURS <= data.offer_hours <= MAX_OFFER_HOURS:
        errors["offer_hours"] = [_("Must be between %(low)s and %(high)s.",
                                   low=format_number(MIN_OFFER_HOURS),
                                   high=format_number(MAX_OFFER_HOURS))]
    if errors:
        raise RuleViolation(_("Some fields are not valid."), code=BoothErrorCode.INVALID_MARKET,
                            fields=errors)
    dates = _market_dates(data)
    category_ids = [int(c) for c, _cap in data.categories]
    if len(set(category_ids)) != len(category_ids):
        raise RuleViolation(_("A category is listed twice."),
                            code=BoothErrorCode.DUPLICATE_CATEGORY)
    known = set(db.session.scalars(select(Category.id).where(Category.id.in_(category_ids))))
    if known != set(category_ids):
        raise RuleViolation(_("That category does not exist."),
                            code=BoothErrorCode.UNKNOWN_CATEGORY,
                            fields={"categories": [_("Choose categories from the list.")]})
    for _c, cap in data.categories:
        if cap is not None and int(cap) < 0:
            raise RuleViolation(_("A cap must not be negative."), code=BoothErrorCode.INVALID_CAP,
                                fields={"categories": [_("Must not be negative.")]})
    booth_ids = {b.id for b in venue.booths}
    seen = set()
    for booth_id, category_id in data.reserved_booths:
        if int(booth_id) not in booth_ids:
            raise RuleViolation(_("A reserved booth is not at this venue."),
                                code=BoothErrorCode.UNKNOWN_BOOTH,
                                fields={"reserved_booths": [_("Not a booth of the venue.")]})
        if int(booth_id) in seen:
            raise RuleViolation(_("A booth is reserved twice."),
                                code=BoothErrorCode.DUPLICATE_RESERVATION)
        seen.add(int(booth_id))
        if (category_ids and int(category_id) not in category_ids) or \
                db.session.get(Category, int(category_id)) is None:
            raise RuleViolation(_("A booth is reserved for a category the market does not "
                                  "welcome."), code=BoothErrorCode.RESERVED_CATEGORY_NOT_WELCOMED)
    return dates


def _apply_market_fields(market: Market, data: MarketData) -> None:
    market.kind = MarketKind(data.kind)
    market.name_fa = data.name_fa.strip()
    market.name_en = (data.name_en or "").strip() or None
    market.description = data.description or ""
    market.recurrence_rule = (data.recurrence_rule or "").strip() or None \
        if market.kind == MarketKind.RECURRING else None
    market.starts_on, market.ends_on = data.starts_on, data.ends_on
    market.applications_open_at = data.applications_open_at
    market.applications_close_at = data.applications_close_at
    for name in ("allow_clusters", "no_show_strike_limit", "ineligibility_days",
                 "check_in_deadline_minutes", "withdraw_cutoff_hours", "sales_fee_percent",
                 "offer_hours"):
        setattr(market, name, getattr(data, name))
    # Rows that stay are changed in place: a new row beside the old one of the same category
    # (or booth) would be inserted before the old one is deleted, against the unique index.
    kept_categories = {row.category_id: row for row in market.categories}
    categories = []
    for c, cap in data.categories:
        row = kept_categories.get(int(c)) or MarketCategory(category_id=int(c))
        row.cap = None if cap is None else int(cap)
        categories.append(row)
    market.categories = categories
    kept_booths = {row.booth_id: row for row in market.reserved_booths}
    reserved = []
    for b, c in data.reserved_booths:
        booth_row = kept_booths.get(int(b)) or MarketReservedBooth(booth_id=int(b))
        booth_row.category_id = int(c)
        reserved.append(booth_row)
    market.reserved_booths = reserved


def create_market(actor: User, venue: Venue, data: MarketData) -> Market:
    if not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code=BoothErrorCode.UNKNOWN_VENUE)
    dates = _check_market(venue, data)
    seed = data.published_seed if data.published_seed is not None else secrets.randbelow(2**31)
    market = Market(venue=venue, published_seed=seed, created_by_id=actor.id)
    db.session.add(market)
    _apply_market_fields(market, data)
    market.days = [MarketDay(day=d, opens_at=opening_instant(d, venue.opens_at, _zone()))
                   for d in dates]
    db.session.flush()
    return market


def update_market(actor: User, market: Market, data: MarketData) -> Market:
    """Change a market; days that leave the schedule go only if no booth is given on them."""
    if not policies.can_manage_market(actor, market):
        raise NotFound(_("That market does not exist."), code=BoothErrorCode.UNKNOWN_MARKET)
    dates = set(_check_market(market.venue, data))
    current = {d.day: d for d in market.days}
    leaving = [d for day, d in current.items() if day not in dates]
    if leaving:
        in_use = db.session.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.market_day_id.in_([d.id for d in leaving]),
            Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)))
        if in_use:
            raise Conflict(_("Some days that would leave the schedule already have booths "
                             "given; close those days instead."), code=BoothErrorCode.DAYS_IN_USE)
    _apply_market_fields(market, data)
    for day in leaving:
        market.days.remove(day)
    for d in sorted(dates - set(current)):
        market.days.append(MarketDay(day=d, opens_at=opening_instant(d, market.venue.opens_at,
                                                                     _zone())))
    db.session.flush()
    return market


def close_market_day(actor: User, day: MarketDay, reason: str) -> list[Assignment]:
    """Close a day (a holiday, bad weather): cancel its booths and tell the trainees."""
    if not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That market day does not exist."), code=BoothErrorCode.UNKNOWN_DAY)
    if not day.is_open:
        raise Conflict(_("That day is already closed."), code=BoothErrorCode.DAY_ALREADY_CLOSED)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say why the day is closed; the trainees will read it."),
                            code=AccountErrorCode.REASON_REQUIRED,
                            fields={"reason": [_("Required.")]})
    day.status = MarketDayStatus.CLOSED
    day.closed_reason = reason
    day.closed_at = utcnow()
    withdraw_offers(BoothOffer.market_day_id == day.id, reason="day_closed")
    cancelled = list(db.session.scalars(
        select(Assignment).where(Assignment.market_day_id == day.id,
                                 Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))))
    for assignment in cancelled:
        _cancel(assignment, "day_closed")
        trainee = assignment.trainee
        notify(trainee.user, EventKind.MARKET_DAY_CLOSED, {
            "lang": trainee.user.locale, "trainee_name": trainee.user.display_name,
            "market_id": day.market_id, "market_name_fa": day.market.name_fa,
            "market_name_en": day.market.name("en"), "day": day.day,
            "booth_code": assignment.booth.code, "reason": reason},
            mail=("A market day you had a booth on is closed", "booths_day_closed"),
            link=site_path("booths.mine"))
    db.session.flush()
    return cancelled
