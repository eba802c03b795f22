"""Booth use cases: venues and booth maps, markets and days, applications, assignments,
check-in and no-shows. Allocation runs live in `booths.runs`.

Each function checks its policy, validates everything before the first write, changes rows and
flushes; the caller commits once. Someone else's object is a 404.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Municipality, Trainee, TraineeStatus, User
from marketplace.accounts.signals import trainee_status_changed
from marketplace.booths import policies
from marketplace.booths.labels import FEATURE_LABELS
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Application,
    ApplicationCategory,
    ApplicationDay,
    ApplicationDayStatus,
    ApplicationPreferredBooth,
    ApplicationProduct,
    ApplicationStatus,
    Assignment,
    AssignmentSource,
    AssignmentStatus,
    BlockReason,
    Booth,
    BoothBlock,
    BoothFee,
    FeeStatus,
    Ineligibility,
    Market,
    MarketCategory,
    MarketDay,
    MarketDayStatus,
    MarketKind,
    MarketReservedBooth,
    NoShowStrike,
    SubsidyEntry,
    Venue,
)
from marketplace.booths.schedule import (
    booth_cells,
    one_off_dates,
    opening_instant,
    recurring_dates,
)
from marketplace.catalogue.models import Category, Product
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from marketplace.core.mail import send_mail_after_commit
from marketplace.extensions import db

FEATURE_COLUMNS = {"power": "has_power", "accessible": "is_accessible",
                   "covered": "is_covered", "corner": "is_corner"}


# --- lookups and guards ----------------------------------------------------------------------

def _zone() -> str:
    return current_app.config["MARKETPLACE_TIMEZONE"]


def _currency() -> str:
    return current_app.config["MARKETPLACE_CURRENCY"]


def get_venue_for_staff(actor: User, venue_id: int) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None or not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code="unknown_venue")
    return venue


def get_market_for_staff(actor: User, market_id: int) -> Market:
    market = db.session.get(Market, market_id)
    if market is None or not policies.can_manage_market(actor, market):
        raise NotFound(_("That market does not exist."), code="unknown_market")
    return market


def get_market(market_id: int) -> Market:
    market = db.session.get(Market, market_id)
    if market is None:
        raise NotFound(_("That market does not exist."), code="unknown_market")
    return market


def get_booth_for_staff(actor: User, booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None or not policies.can_manage_venue(actor, booth.venue):
        raise NotFound(_("That booth does not exist."), code="unknown_booth")
    return booth


def get_day_for_staff(actor: User, day_id: int) -> MarketDay:
    day = db.session.get(MarketDay, day_id)
    if day is None or not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That market day does not exist."), code="unknown_day")
    return day


def get_application_for(actor: User, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not policies.can_view_application(actor, application):
        raise NotFound(_("That application does not exist."), code="unknown_application")
    return application


def get_assignment_for_staff(actor: User, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not policies.can_manage_market(actor, assignment.market_day.market):
        raise NotFound(_("That assignment does not exist."), code="unknown_assignment")
    return assignment


def _require_municipality(actor: User, municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or not policies.can_manage_municipality(actor, municipality_id):
        raise NotFound(_("That municipality does not exist."), code="unknown_municipality")
    return municipality


# --- venues ----------------------------------------------------------------------------------

@dataclass
class VenueData:
    name_fa: str
    name_en: str | None = None
    address: str = ""
    opening_hours: str = ""
    opens_at: time = time(9, 0)
    closes_at: time = time(18, 0)
    grid_width: int = 10
    grid_height: int = 6
    grid_breaks: list = field(default_factory=list)
    standard_fee_amount: int = 0


def _check_venue(data: VenueData, booths=()) -> list[list[int]]:
    errors: dict[str, list[str]] = {}
    if not (data.name_fa or "").strip():
        errors["name_fa"] = [_("Enter the venue's name.")]
    if not 1 <= data.grid_width <= 200:
        errors["grid_width"] = [_("Between 1 and 200.")]
    if not 1 <= data.grid_height <= 200:
        errors["grid_height"] = [_("Between 1 and 200.")]
    if data.standard_fee_amount < 0:
        errors["standard_fee_amount"] = [_("Must not be negative.")]
    if data.closes_at <= data.opens_at:
        errors["closes_at"] = [_("Must be after the opening time.")]
    if errors:
        raise RuleViolation(_("Some fields are not valid."), code="invalid_venue", fields=errors)
    breaks = []
    for item in data.grid_breaks or []:
        try:
            x1, y1, x2, y2 = (int(v) for v in item)
        except (TypeError, ValueError):
            raise RuleViolation(_("A walkway is given as two neighbouring cells x1,y1,x2,y2."),
                                code="bad_break") from None
        inside = all(0 <= x < data.grid_width for x in (x1, x2)) and \
            all(0 <= y < data.grid_height for y in (y1, y2))
        if not inside or abs(x1 - x2) + abs(y1 - y2) != 1:
            raise RuleViolation(_("A walkway must lie between two neighbouring cells of the "
                                  "grid."), code="bad_break",
                                fields={"grid_breaks": [_("Not two neighbouring cells.")]})
        breaks.append([x1, y1, x2, y2])
    for booth in booths:
        if booth.grid_x + booth.width > data.grid_width or \
                booth.grid_y + booth.height > data.grid_height:
            raise RuleViolation(_("Booth %(code)s would fall outside the smaller grid.",
                                  code=booth.code), code="booths_outside_grid")
    return breaks


def create_venue(actor: User, municipality_id: int, data: VenueData) -> Venue:
    municipality = _require_municipality(actor, municipality_id)
    breaks = _check_venue(data)
    venue = Venue(municipality=municipality, name_fa=data.name_fa.strip(),
                  name_en=(data.name_en or "").strip() or None, address=data.address or "",
                  opening_hours=data.opening_hours or "", opens_at=data.opens_at,
                  closes_at=data.closes_at, grid_width=data.grid_width,
                  grid_height=data.grid_height, grid_breaks=breaks,
                  standard_fee_amount=data.standard_fee_amount, currency=_currency())
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(actor: User, venue: Venue, data: VenueData) -> Venue:
    if not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code="unknown_venue")
    breaks = _check_venue(data, [b for b in venue.booths if b.is_active])
    venue.name_fa = data.name_fa.strip()
    venue.name_en = (data.name_en or "").strip() or None
    venue.address = data.address or ""
    venue.opening_hours = data.opening_hours or ""
    venue.opens_at, venue.closes_at = data.opens_at, data.closes_at
    venue.grid_width, venue.grid_height = data.grid_width, data.grid_height
    venue.grid_breaks = breaks
    venue.standard_fee_amount = data.standard_fee_amount
    db.session.flush()
    return venue


# --- booths ----------------------------------------------------------------------------------

@dataclass
class BoothData:
    code: str
    grid_x: int = 0
    grid_y: int = 0
    width: int = 1
    height: int = 1
    has_power: bool = False
    is_corner: bool = False
    is_covered: bool = False
    is_accessible: bool = False
    location_score: int = 50
    fee_amount: int = 0
    reserved_category_id: int | None = None
    is_active: bool = True


def _check_booth(venue: Venue, data: BoothData, booth: Booth | None = None) -> None:
    errors: dict[str, list[str]] = {}
    code = (data.code or "").strip()
    if not code or len(code) > 20:
        errors["code"] = [_("Enter a code of up to 20 characters.")]
    if not 0 <= data.location_score <= 100:
        errors["location_score"] = [_("Between 0 and 100.")]
    if data.fee_amount < 0:
        errors["fee_amount"] = [_("Must not be negative.")]
    if data.width < 1 or data.height < 1:
        errors["width"] = [_("A booth takes at least one cell.")]
    if errors:
        raise RuleViolation(_("Some fields are not valid."), code="invalid_booth", fields=errors)
    if data.grid_x < 0 or data.grid_y < 0 or data.grid_x + data.width > venue.grid_width or \
            data.grid_y + data.height > venue.grid_height:
        raise RuleViolation(_("The booth must lie inside the venue's grid."),
                            code="booth_outside_grid",
                            fields={"grid_x": [_("Outside the grid.")]})
    if data.reserved_category_id is not None and \
            db.session.get(Category, data.reserved_category_id) is None:
        raise RuleViolation(_("That category does not exist."), code="unknown_category",
                            fields={"reserved_category_id": [_("Choose a category.")]})
    others = db.session.scalars(select(Booth).where(Booth.venue_id == venue.id)).all()
    probe = Booth(grid_x=data.grid_x, grid_y=data.grid_y, width=data.width, height=data.height)
    cells = booth_cells(probe)
    for other in others:
        if booth is not None and other.id == booth.id:
            continue
        if other.code == code:
            raise Conflict(_("Another booth at this venue already has the code %(code)s.",
                             code=code), code="duplicate_booth_code",
                           fields={"code": [_("Already used.")]})
        if data.is_active and other.is_active and cells & booth_cells(other):
            raise RuleViolation(_("The booth would overlap booth %(code)s.", code=other.code),
                                code="booth_overlaps")


def create_booth(actor: User, venue: Venue, data: BoothData) -> Booth:
    if not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code="unknown_venue")
    _check_booth(venue, data)
    booth = Booth(venue=venue, currency=venue.currency, code=data.code.strip(),
                  **{k: getattr(data, k) for k in (
                      "grid_x", "grid_y", "width", "height", "has_power", "is_corner",
                      "is_covered", "is_accessible", "location_score", "fee_amount",
                      "reserved_category_id", "is_active")})
    db.session.add(booth)
    db.session.flush()
    return booth


def update_booth(actor: User, booth: Booth, data: BoothData) -> Booth:
    if not policies.can_manage_venue(actor, booth.venue):
        raise NotFound(_("That booth does not exist."), code="unknown_booth")
    _check_booth(booth.venue, data, booth)
    booth.code = data.code.strip()
    for name in ("grid_x", "grid_y", "width", "height", "has_power", "is_corner", "is_covered",
                 "is_accessible", "location_score", "fee_amount", "reserved_category_id",
                 "is_active"):
        setattr(booth, name, getattr(data, name))
    db.session.flush()
    return booth


@dataclass
class BlockData:
    starts_on: date
    ends_on: date
    reason: str
    note: str = ""


def block_booth(actor: User, booth: Booth, data: BlockData) -> BoothBlock:
    """Take a booth out of use for a period; live assignments in it on those days are
    cancelled (and refilled from the waitlist elsewhere is not possible: the booth is gone)."""
    if not policies.can_manage_venue(actor, booth.venue):
        raise NotFound(_("That booth does not exist."), code="unknown_booth")
    if data.ends_on < data.starts_on:
        raise RuleViolation(_("The last day must not be before the first day."),
                            code="dates_out_of_order",
                            fields={"ends_on": [_("Must be on or after the first day.")]})
    try:
        reason = BlockReason(data.reason)
    except ValueError:
        raise RuleViolation(_("Choose a reason for the block."), code="invalid_block_reason",
                            fields={"reason": [_("Not a known reason.")]}) from None
    block = BoothBlock(booth=booth, starts_on=data.starts_on, ends_on=data.ends_on,
                       reason=reason, note=data.note or "", created_by_id=actor.id)
    db.session.add(block)
    live = db.session.scalars(
        select(Assignment).join(MarketDay)
        .where(Assignment.booth_id == booth.id, Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES),
               MarketDay.day >= data.starts_on, MarketDay.day <= data.ends_on)).all()
    for assignment in live:
        _cancel(assignment, "booth_blocked")
        _mail_cancelled(assignment, "booth_blocked")
    db.session.flush()
    return block


def remove_block(actor: User, block: BoothBlock) -> None:
    if not policies.can_manage_venue(actor, block.booth.venue):
        raise NotFound(_("That block does not exist."), code="unknown_block")
    db.session.delete(block)
    db.session.flush()


def is_blocked(booth: Booth, day: date) -> bool:
    return any(block.covers(day) for block in booth.blocks)


# --- markets ---------------------------------------------------------------------------------

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
    # [(category_id, cap or None)]
    categories: list = field(default_factory=list)
    # [(booth_id, category_id)]
    reserved_booths: list = field(default_factory=list)
    published_seed: int | None = None


def _market_dates(data: MarketData) -> list[date]:
    try:
        kind = MarketKind(data.kind)
    except ValueError:
        raise RuleViolation(_("Choose one-off or recurring."), code="invalid_market_kind",
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
    if errors:
        raise RuleViolation(_("Some fields are not valid."), code="invalid_market",
                            fields=errors)
    dates = _market_dates(data)
    category_ids = [int(c) for c, _cap in data.categories]
    if len(set(category_ids)) != len(category_ids):
        raise RuleViolation(_("A category is listed twice."), code="duplicate_category")
    known = set(db.session.scalars(select(Category.id).where(Category.id.in_(category_ids))))
    if known != set(category_ids):
        raise RuleViolation(_("That category does not exist."), code="unknown_category",
                            fields={"categories": [_("Choose categories from the list.")]})
    for _c, cap in data.categories:
        if cap is not None and int(cap) < 0:
            raise RuleViolation(_("A cap must not be negative."), code="invalid_cap",
                                fields={"categories": [_("Must not be negative.")]})
    booth_ids = {b.id for b in venue.booths}
    seen = set()
    for booth_id, category_id in data.reserved_booths:
        if int(booth_id) not in booth_ids:
            raise RuleViolation(_("A reserved booth is not at this venue."),
                                code="unknown_booth",
                                fields={"reserved_booths": [_("Not a booth of the venue.")]})
        if int(booth_id) in seen:
            raise RuleViolation(_("A booth is reserved twice."), code="duplicate_reservation")
        seen.add(int(booth_id))
        if (category_ids and int(category_id) not in category_ids) or \
                db.session.get(Category, int(category_id)) is None:
            raise RuleViolation(_("A booth is reserved for a category the market does not "
                                  "welcome."), code="reserved_category_not_welcomed")
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
                 "check_in_deadline_minutes", "withdraw_cutoff_hours"):
        setattr(market, name, getattr(data, name))
    market.categories = [MarketCategory(category_id=int(c),
                                        cap=None if cap is None else int(cap))
                         for c, cap in data.categories]
    market.reserved_booths = [MarketReservedBooth(booth_id=int(b), category_id=int(c))
                              for b, c in data.reserved_booths]


def create_market(actor: User, venue: Venue, data: MarketData) -> Market:
    if not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code="unknown_venue")
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
        raise NotFound(_("That market does not exist."), code="unknown_market")
    dates = set(_check_market(market.venue, data))
    current = {d.day: d for d in market.days}
    leaving = [d for day, d in current.items() if day not in dates]
    if leaving:
        in_use = db.session.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.market_day_id.in_([d.id for d in leaving]),
            Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)))
        if in_use:
            raise Conflict(_("Some days that would leave the schedule already have booths "
                             "given; close those days instead."), code="days_in_use")
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
        raise NotFound(_("That market day does not exist."), code="unknown_day")
    if not day.is_open:
        raise Conflict(_("That day is already closed."), code="day_already_closed")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say why the day is closed; the trainees will read it."),
                            code="reason_required", fields={"reason": [_("Required.")]})
    day.status = MarketDayStatus.CLOSED
    day.closed_reason = reason
    day.closed_at = utcnow()
    cancelled = db.session.scalars(
        select(Assignment).where(Assignment.market_day_id == day.id,
                                 Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))).all()
    for assignment in cancelled:
        _cancel(assignment, "day_closed")
        trainee = assignment.trainee
        send_mail_after_commit(
            trainee.user.email, "A market day you had a booth on is closed",
            "booths_day_closed", locale=trainee.user.locale, lang=trainee.user.locale,
            trainee_name=trainee.user.display_name, market_id=day.market_id,
            market_name_fa=day.market.name_fa, market_name_en=day.market.name("en"),
            day=day.day, booth_code=assignment.booth.code, reason=reason)
    db.session.flush()
    return cancelled


# --- applications ----------------------------------------------------------------------------

@dataclass
class ApplicationData:
    day_ids: list[int]
    category_ids: list[int]
    product_ids: list[int] = field(default_factory=list)
    preferred_booth_ids: list[int] = field(default_factory=list)
    needs_power: bool = False
    needs_accessible: bool = False
    needs_covered: bool = False
    note: str = ""


def apply_for_market(actor: User, market: Market, data: ApplicationData,
                     now: datetime | None = None) -> Application:
    now = now or utcnow()
    if not policies.can_apply(actor):
        raise Forbidden(_("Only verified trainees can apply for booths."),
                        code="not_active_vendor")
    trainee: Trainee = actor.trainee
    if not market.window_is_open(now):
        code = "window_not_open" if now < market.applications_open_at else "window_closed"
        raise RuleViolation(_("Applications for this market are not open now."), code=code)
    day_ids = [int(d) for d in data.day_ids]
    if not day_ids:
        raise RuleViolation(_("Choose at least one day."), code="no_days",
                            fields={"day_ids": [_("Choose at least one day.")]})
    if len(set(day_ids)) != len(day_ids):
        raise RuleViolation(_("A day is listed twice."), code="duplicate_day",
                            fields={"day_ids": [_("A day is listed twice.")]})
    days = {d.id: d for d in market.days}
    for day_id in day_ids:
        if day_id not in days:
            raise RuleViolation(_("That day is not a day of this market."), code="unknown_day",
                                fields={"day_ids": [_("Not a day of this market.")]})
        if not days[day_id].is_open:
            raise RuleViolation(_("That day is closed."), code="day_closed",
                                fields={"day_ids": [_("That day is closed.")]})
    category_ids = [int(c) for c in data.category_ids]
    if not category_ids:
        raise RuleViolation(_("Say what you will sell: choose a category."),
                            code="no_category",
                            fields={"category_ids": [_("Choose at least one category.")]})
    if len(set(category_ids)) != len(category_ids):
        raise RuleViolation(_("A category is listed twice."), code="duplicate_category")
    welcomed = {c.category_id for c in market.categories}
    known = set(db.session.scalars(select(Category.id).where(Category.id.in_(category_ids))))
    for category_id in category_ids:
        if category_id not in known:
            raise RuleViolation(_("That category does not exist."), code="unknown_category",
                                fields={"category_ids": [_("Choose from the list.")]})
        if welcomed and category_id not in welcomed:
            raise RuleViolation(_("This market does not welcome that category."),
                                code="category_not_welcomed",
                                fields={"category_ids": [_("Not welcomed at this market.")]})
    product_ids = list(dict.fromkeys(int(p) for p in data.product_ids))
    if product_ids:
        owners = dict(db.session.execute(
            select(Product.id, Product.trainee_id).where(Product.id.in_(product_ids))).all())
        if any(owners.get(p) != trainee.id for p in product_ids):
            raise RuleViolation(_("You can only link your own products."),
                                code="not_your_product",
                                fields={"product_ids": [_("Not one of your products.")]})
    preferred = list(dict.fromkeys(int(b) for b in data.preferred_booth_ids))
    venue_booths = {b.id for b in market.venue.booths if b.is_active}
    if any(b not in venue_booths for b in preferred):
        raise RuleViolation(_("A preferred booth is not at this market's venue."),
                            code="unknown_booth",
                            fields={"preferred_booth_ids": [_("Not a booth of the venue.")]})
    existing = db.session.scalar(select(Application).where(
        Application.market_id == market.id, Application.trainee_id == trainee.id))
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
        raise Conflict(_("You have already applied for this market."), code="already_applied")
    if existing is not None:
        return _reopen_application(existing, data, day_ids, category_ids, product_ids,
                                   preferred)
    application = Application(
        market=market, trainee=trainee, needs_power=data.needs_power,
        needs_accessible=data.needs_accessible, needs_covered=data.needs_covered,
        note=(data.note or "").strip())
    application.days = [ApplicationDay(market_day_id=d) for d in day_ids]
    application.categories = [ApplicationCategory(category_id=c, position=i)
                              for i, c in enumerate(category_ids)]
    application.products = [ApplicationProduct(product_id=p) for p in product_ids]
    application.preferred_booths = [ApplicationPreferredBooth(booth_id=b, position=i)
                                    for i, b in enumerate(preferred)]
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("You have already applied for this market."),
                       code="already_applied") from None
    return application


def _reopen_application(application: Application, data: ApplicationData, day_ids: list[int],
                        category_ids: list[int], product_ids: list[int],
                        preferred: list[int]) -> Application:
    """Applying again after withdrawing every day: the same row starts afresh (its old,
    cancelled assignments keep pointing at it)."""
    application.status = ApplicationStatus.SUBMITTED
    application.reason_code = None
    application.decided_at = None
    application.needs_power = data.needs_power
    application.needs_accessible = data.needs_accessible
    application.needs_covered = data.needs_covered
    application.note = (data.note or "").strip()
    kept = {entry.market_day_id: entry for entry in application.days}
    for day_id, entry in kept.items():
        if day_id not in day_ids:
            application.days.remove(entry)
    for day_id in day_ids:
        entry = kept.get(day_id)
        if entry is None:
            application.days.append(ApplicationDay(market_day_id=day_id))
        else:
            entry.status = ApplicationDayStatus.REQUESTED
            entry.reason_code = None
            entry.withdrawn_at = None
    # Clear the lists first, so their unique constraints never see old and new rows at once.
    application.categories = []
    application.products = []
    application.preferred_booths = []
    db.session.flush()
    application.categories = [ApplicationCategory(category_id=c, position=i)
                              for i, c in enumerate(category_ids)]
    application.products = [ApplicationProduct(product_id=p) for p in product_ids]
    application.preferred_booths = [ApplicationPreferredBooth(booth_id=b, position=i)
                                    for i, b in enumerate(preferred)]
    db.session.flush()
    return application


def nominate_application(actor: User, application: Application, note: str) -> Application:
    """The trainee's own training centre backs the application (a small lottery bonus)."""
    if not policies.can_nominate(actor, application):
        raise NotFound(_("That application does not exist."), code="unknown_application")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict(_("The application was withdrawn."), code="application_withdrawn")
    application.nominated_by_id = actor.id
    application.nomination_note = (note or "").strip()
    application.nominated_at = utcnow()
    db.session.flush()
    return application


def reject_application(actor: User, application: Application, reason_code: str) -> Application:
    if not policies.can_manage_market(actor, application.market):
        raise NotFound(_("That application does not exist."), code="unknown_application")
    if reason_code not in REJECTION_CODES:
        raise RuleViolation(_("Choose a reason."), code="invalid_reason",
                            fields={"reason_code": [_("Not a known reason.")]})
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict(_("The application was withdrawn."), code="application_withdrawn")
    live = _live_assignments_of(application)
    for assignment in live:
        _cancel(assignment, "application_rejected")
        _mail_cancelled(assignment, "application_rejected")
    application.status = ApplicationStatus.REJECTED
    application.reason_code = reason_code
    application.decided_at = utcnow()
    for day in application.days:
        if day.status != ApplicationDayStatus.WITHDRAWN:
            day.status = ApplicationDayStatus.REJECTED
            day.reason_code = reason_code
    db.session.flush()
    from marketplace.booths.runs import fill_from_waitlist

    for assignment in live:
        if assignment.market_day.is_open:
            fill_from_waitlist(assignment.market_day, actor=actor)
    return application


REJECTION_CODES = ("category_not_welcomed", "incomplete", "not_eligible", "duplicate")


def withdraw_application_day(actor: User, application: Application, market_day_id: int,
                             now: datetime | None = None) -> ApplicationDay:
    """The trainee gives up one day, before the market's cut-off; a booth they held that day
    goes to the waitlist."""
    now = now or utcnow()
    if not policies.can_withdraw_application(actor, application):
        raise NotFound(_("That application does not exist."), code="unknown_application")
    entry = next((d for d in application.days if d.market_day_id == market_day_id), None)
    if entry is None:
        raise NotFound(_("You did not apply for that day."), code="unknown_day")
    if entry.status == ApplicationDayStatus.WITHDRAWN:
        raise Conflict(_("You already withdrew from that day."), code="already_withdrawn")
    day = entry.market_day
    cutoff = day.opens_at - timedelta(hours=application.market.withdraw_cutoff_hours)
    if now >= cutoff:
        raise RuleViolation(_("It is too late to withdraw from that day."),
                            code="withdraw_cutoff_passed")
    # Before the first write: a confirm holding the lock may be writing this same entry.
    lock_booth_writes()
    entry.status = ApplicationDayStatus.WITHDRAWN
    entry.withdrawn_at = now
    freed = [a for a in _live_assignments_of(application) if a.market_day_id == market_day_id]
    for assignment in freed:
        _cancel(assignment, "withdrawn")
    if all(d.status == ApplicationDayStatus.WITHDRAWN for d in application.days):
        application.status = ApplicationStatus.WITHDRAWN
    db.session.flush()
    if freed and day.is_open:
        from marketplace.booths.runs import fill_from_waitlist

        fill_from_waitlist(day, actor=None, now=now)
    return entry


def _live_assignments_of(application: Application) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(
        Assignment.application_id == application.id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))))


# --- assignments -----------------------------------------------------------------------------

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


def missing_features(booth: Booth, needs: list[str]) -> list[str]:
    return [need for need in needs if not getattr(booth, FEATURE_COLUMNS[need])]


def _conflict_for(booth_id: int, market_day_id: int) -> Conflict:
    taken = db.session.scalar(select(Assignment.id).where(
        Assignment.booth_id == booth_id, Assignment.market_day_id == market_day_id,
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES)))
    if taken:
        return Conflict(_("That booth is already given to someone on that day."),
                        code="booth_taken")
    return Conflict(_("That trainee already has a booth on that date, at this market or "
                      "another."), code="trainee_already_placed")


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


def assign_booth(actor: User, day: MarketDay, booth: Booth, trainee: Trainee) -> Assignment:
    """Staff give a booth by hand (picked on the map)."""
    market = day.market
    if not policies.can_manage_market(actor, market):
        raise NotFound(_("That market day does not exist."), code="unknown_day")
    if booth.venue_id != market.venue_id or not booth.is_active:
        raise NotFound(_("That booth is not at this market's venue."), code="unknown_booth")
    if not day.is_open:
        raise RuleViolation(_("That day is closed."), code="day_closed")
    if is_blocked(booth, day.day):
        raise RuleViolation(_("Booth %(code)s is blocked on that day.", code=booth.code),
                            code="booth_blocked")
    if trainee.status != TraineeStatus.VERIFIED or trainee.user.is_disabled:
        raise RuleViolation(_("Only verified trainees can take a booth."),
                            code="trainee_not_active")
    application = db.session.scalar(select(Application).where(
        Application.market_id == market.id, Application.trainee_id == trainee.id))
    if application is not None:
        lacking = missing_features(booth, application.needs())
        if lacking:
            raise RuleViolation(
                _("Booth %(code)s lacks what the trainee needs: %(needs)s.", code=booth.code,
                  needs=", ".join(str(FEATURE_LABELS[n]) for n in lacking)),
                code="booth_lacks_feature")
    existing = db.session.scalar(select(Assignment.id).where(
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES),
        ((Assignment.market_day_id == day.id) & (Assignment.booth_id == booth.id))
        | ((Assignment.day == day.day) & (Assignment.trainee_id == trainee.id))))
    if existing:
        raise _conflict_for(booth.id, day.id)
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


def cancel_assignment(actor: User, assignment: Assignment, now: datetime | None = None
                      ) -> Assignment:
    """Staff take a booth back; the booth-day goes to the waitlist."""
    day = assignment.market_day
    if not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That assignment does not exist."), code="unknown_assignment")
    if not assignment.is_live:
        raise Conflict(_("That booth is no longer given."), code="assignment_not_live")
    _cancel(assignment, "cancelled_by_staff")
    _mail_cancelled(assignment, "cancelled_by_staff")
    db.session.flush()
    if day.is_open:
        from marketplace.booths.runs import fill_from_waitlist

        fill_from_waitlist(day, actor=actor, now=now)
    return assignment


def _mail_assigned(assignment: Assignment, booth: Booth, day: MarketDay,
                   trainee: Trainee) -> None:
    market = day.market
    send_mail_after_commit(
        trainee.user.email, "You have a booth", "booths_assigned",
        locale=trainee.user.locale, lang=trainee.user.locale,
        trainee_name=trainee.user.display_name, market_id=market.id,
        market_name_fa=market.name_fa, market_name_en=market.name("en"), days=[day.day],
        booth_codes=[booth.code], check_in_codes=[assignment.check_in_code])


def _mail_cancelled(assignment: Assignment, reason: str) -> None:
    trainee, day = assignment.trainee, assignment.market_day
    send_mail_after_commit(
        trainee.user.email, "Your booth was cancelled", "booths_cancelled",
        locale=trainee.user.locale, lang=trainee.user.locale,
        trainee_name=trainee.user.display_name,
        market_id=day.market_id, market_name_fa=day.market.name_fa,
        market_name_en=day.market.name("en"), day=day.day, booth_code=assignment.booth.code,
        reason=reason)


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
    freed = db.session.scalars(
        select(Assignment).join(MarketDay, Assignment.market_day_id == MarketDay.id)
        .where(Assignment.trainee_id == trainee.id,
               Assignment.status == AssignmentStatus.ACTIVE, MarketDay.opens_at > now)
        .order_by(MarketDay.day, Assignment.id)).all()
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
    send_mail_after_commit(
        user.email, "Your booths are cancelled", "booths_freed", locale=user.locale,
        lang=user.locale, trainee_name=user.display_name, reason=reason,
        booths=[(a.market_day.day, a.booth.code, a.market_day.market.name_fa,
                 a.market_day.market.name("en")) for a in freed])
    db.session.flush()
    from marketplace.booths.runs import fill_from_waitlist

    for day in {a.market_day.id: a.market_day for a in freed}.values():
        if day.is_open:
            fill_from_waitlist(day, actor=None, now=now)
    return freed


@trainee_status_changed.connect
def _on_trainee_status_changed(trainee: Trainee, *, old: TraineeStatus, new: TraineeStatus,
                               **_details) -> None:
    """A verified trainee suspended (accounts) loses their booth-days to come."""
    if old == TraineeStatus.VERIFIED and new != TraineeStatus.VERIFIED:
        free_booths_of_inactive_trainee(trainee)


# --- on the day ------------------------------------------------------------------------------

# Staff may start checking people in a little before the venue opens (setting up stalls).
CHECK_IN_OPENS_BEFORE = timedelta(hours=3)


def check_in_window_contains(day: MarketDay, now: datetime) -> bool:
    """From shortly before opening until midnight of the market day, in the marketplace's zone;
    an early check-in would let a trainee dodge the no-show rule."""
    from marketplace.core.i18n import marketplace_zone

    on_the_day = now.astimezone(marketplace_zone()).date() == day.day
    return on_the_day and now >= day.opens_at - CHECK_IN_OPENS_BEFORE


def check_in(actor: User, assignment: Assignment, now: datetime | None = None) -> Assignment:
    if not policies.can_manage_market(actor, assignment.market_day.market):
        raise NotFound(_("That assignment does not exist."), code="unknown_assignment")
    if assignment.status == AssignmentStatus.CHECKED_IN:
        raise Conflict(_("That trainee is already checked in."), code="already_checked_in")
    if assignment.status != AssignmentStatus.ACTIVE:
        raise Conflict(_("That booth is no longer given (cancelled or a no-show)."),
                       code="assignment_not_live")
    if not assignment.market_day.is_open:
        raise RuleViolation(_("That day is closed."), code="day_closed")
    now = now or utcnow()
    if not check_in_window_contains(assignment.market_day, now):
        raise RuleViolation(_("Check-in is only possible on the market day itself."),
                            code="not_market_day")
    assignment.status = AssignmentStatus.CHECKED_IN
    assignment.checked_in_at = now
    assignment.checked_in_by_id = actor.id
    db.session.flush()
    return assignment


def check_in_by_code(actor: User, day: MarketDay, code: str,
                     now: datetime | None = None) -> Assignment:
    """The trainee at the booth shows their code; staff type it in."""
    from marketplace.core.digits import to_ascii_digits

    if not policies.can_manage_market(actor, day.market):
        raise NotFound(_("That market day does not exist."), code="unknown_day")
    code = to_ascii_digits((code or "").strip())
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.market_day_id == day.id, Assignment.check_in_code == code,
        Assignment.status.in_((AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN))))
    if assignment is None:
        raise RuleViolation(_("No booth that day has that check-in code."),
                            code="unknown_check_in_code", fields={"code": [_("Not found.")]})
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
            send_mail_after_commit(
                trainee.user.email, "You cannot take booths for a while",
                "booths_ineligible", locale=trainee.user.locale, lang=trainee.user.locale,
                trainee_name=trainee.user.display_name, market_name_fa=market.name_fa,
                market_name_en=market.name("en"), strikes=count, until=until)
    db.session.flush()
    return {"no_shows": marked, "strikes": strikes, "ineligible": banned}


def ineligible_until(trainee_id: int, municipality_id: int, on: date) -> date | None:
    return db.session.scalar(select(func.max(Ineligibility.until)).where(
        Ineligibility.trainee_id == trainee_id, Ineligibility.municipality_id == municipality_id,
        Ineligibility.until >= on))

