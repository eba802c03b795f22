"""Venues and their booth maps, booths and their features, and blocks that take a booth out of
use for a while.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.models import Municipality, User
from marketplace.booths import policies
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    BlockReason,
    Booth,
    BoothBlock,
    BoothOffer,
    MarketDay,
    Venue,
)
from marketplace.booths.schedule import booth_cells
from marketplace.booths.services.booth_writes import _cancel, _mail_cancelled, withdraw_offers
from marketplace.catalogue.models import Category
from marketplace.core.errors import Conflict, NotFound, RuleViolation
from marketplace.core.i18n import localize_digits
from marketplace.extensions import db

FEATURE_COLUMNS = {"power": "has_power", "accessible": "is_accessible",
                   "covered": "is_covered", "corner": "is_corner"}


def _currency() -> str:
    return current_app.config["MARKETPLACE_CURRENCY"]


def get_venue_for_staff(actor: User, venue_id: int) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None or not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code=BoothErrorCode.UNKNOWN_VENUE)
    return venue


def get_booth_for_staff(actor: User, booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None or not policies.can_manage_venue(actor, booth.venue):
        raise NotFound(_("That booth does not exist."), code=BoothErrorCode.UNKNOWN_BOOTH)
    return booth


def _require_municipality(actor: User, municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or not policies.can_manage_municipality(actor, municipality_id):
        raise NotFound(_("That municipality does not exist."),
                       code=AccountErrorCode.UNKNOWN_MUNICIPALITY)
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
        raise RuleViolation(_("Some fields are not valid."),
                            code=BoothErrorCode.INVALID_VENUE, fields=errors)
    breaks = []
    for item in data.grid_breaks or []:
        try:
            x1, y1, x2, y2 = (int(v) for v in item)
        except (TypeError, ValueError):
            raise RuleViolation(_("A walkway is given as two neighbouring cells x1,y1,x2,y2."),
                                code=BoothErrorCode.BAD_BREAK) from None
        inside = all(0 <= x < data.grid_width for x in (x1, x2)) and \
            all(0 <= y < data.grid_height for y in (y1, y2))
        if not inside or abs(x1 - x2) + abs(y1 - y2) != 1:
            raise RuleViolation(_("A walkway must lie between two neighbouring cells of the "
                                  "grid."), code=BoothErrorCode.BAD_BREAK,
                                fields={"grid_breaks": [_("Not two neighbouring cells.")]})
        breaks.append([x1, y1, x2, y2])
    for booth in booths:
        if booth.grid_x + booth.width > data.grid_width or \
                booth.grid_y + booth.height > data.grid_height:
            raise RuleViolation(_("Booth %(code)s would fall outside the smaller grid.",
                                  code=localize_digits(booth.code)),
                                code=BoothErrorCode.BOOTHS_OUTSIDE_GRID)
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
        raise NotFound(_("That venue does not exist."), code=BoothErrorCode.UNKNOWN_VENUE)
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
        raise RuleViolation(_("Some fields are not valid."),
                            code=BoothErrorCode.INVALID_BOOTH, fields=errors)
    if data.grid_x < 0 or data.grid_y < 0 or data.grid_x + data.width > venue.grid_width or \
            data.grid_y + data.height > venue.grid_height:
        raise RuleViolation(_("The booth must lie inside the venue's grid."),
                            code=BoothErrorCode.BOOTH_OUTSIDE_GRID,
                            fields={"grid_x": [_("Outside the grid.")]})
    if data.reserved_category_id is not None and \
            db.session.get(Category, data.reserved_category_id) is None:
        raise RuleViolation(_("That category does not exist."),
                            code=BoothErrorCode.UNKNOWN_CATEGORY,
                            fields={"reserved_category_id": [_("Choose a category.")]})
    others = db.session.scalars(select(Booth).where(Booth.venue_id == venue.id)).all()
    probe = Booth(grid_x=data.grid_x, grid_y=data.grid_y, width=data.width, height=data.height)
    cells = booth_cells(probe)
    for other in others:
        if booth is not None and other.id == booth.id:
            continue
        if other.code == code:
            raise Conflict(_("Another booth at this venue already has the code %(code)s.",
                             code=code), code=BoothErrorCode.DUPLICATE_BOOTH_CODE,
                           fields={"code": [_("Already used.")]})
        if data.is_active and other.is_active and cells & booth_cells(other):
            raise RuleViolation(_("The booth would overlap booth %(code)s.",
                                  code=localize_digits(other.code)),
                                code=BoothErrorCode.BOOTH_OVERLAPS)


def create_booth(actor: User, venue: Venue, data: BoothData) -> Booth:
    if not policies.can_manage_venue(actor, venue):
        raise NotFound(_("That venue does not exist."), code=BoothErrorCode.UNKNOWN_VENUE)
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
        raise NotFound(_("That booth does not exist."), code=BoothErrorCode.UNKNOWN_BOOTH)
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
        raise NotFound(_("That booth does not exist."), code=BoothErrorCode.UNKNOWN_BOOTH)
    if data.ends_on < data.starts_on:
        raise RuleViolation(_("The last day must not be before the first day."),
                            code=BoothErrorCode.DATES_OUT_OF_ORDER,
                            fields={"ends_on": [_("Must be on or after the first day.")]})
    try:
        reason = BlockReason(data.reason)
    except ValueError:
        raise RuleViolation(_("Choose a reason for the block."),
                            code=BoothErrorCode.INVALID_BLOCK_REASON,
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
    blocked_days = select(MarketDay.id).where(MarketDay.day >= data.starts_on,
                                              MarketDay.day <= data.ends_on)
    withdraw_offers(BoothOffer.booth_id == booth.id, BoothOffer.market_day_id.in_(blocked_days),
                    reason="booth_blocked")
    db.session.flush()
    return block


def remove_block(actor: User, block: BoothBlock) -> None:
    if not policies.can_manage_venue(actor, block.booth.venue):
        raise NotFound(_("That block does not exist."), code=BoothErrorCode.UNKNOWN_BLOCK)
    db.session.delete(block)
    db.session.flush()


def is_blocked(booth: Booth, day: date) -> bool:
    return any(block.covers(day) for block in booth.blocks)


def missing_features(booth: Booth, needs: list[str]) -> list[str]:
    return [need for need in needs if not getattr(booth, FEATURE_COLUMNS[need])]
