"""Read-only lookups for booth pages and the API, each a constant number of queries."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Trainee, TraineeStatus, TrainingCentre
from marketplace.booths.allocation import replay
from marketplace.booths.labels import (
    CONFIRM_POLICY,
    DROP_REASON_LABELS,
    PLACEMENT_REASON_LABELS,
    UNSERVED_REASON_LABELS,
    label,
)
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    AllocationRun,
    Application,
    ApplicationDay,
    Assignment,
    Booth,
    BoothFee,
    Market,
    MarketDay,
    MarketDayStatus,
    SubsidyEntry,
    Venue,
)
from marketplace.booths.schedule import neighbours
from marketplace.core import page_cache
from marketplace.core.db import utcnow
from marketplace.core.i18n import today_here
from marketplace.extensions import db

CELL = 48  # SVG units per grid cell
GAP = 4


def staff_venues(user) -> list[Venue]:
    statement = select(Venue).options(joinedload(Venue.municipality)).order_by(Venue.id)
    if not user.is_admin:
        statement = statement.where(Venue.municipality_id.in_(user.staff_municipality_ids or
                                                               {-1}))
    return list(db.session.scalars(statement))


def staff_markets(user) -> list[Market]:
    statement = select(Market).join(Venue).options(
        joinedload(Market.venue), selectinload(Market.days)).order_by(Market.starts_on.desc())
    if not user.is_admin:
        statement = statement.where(Venue.municipality_id.in_(user.staff_municipality_ids or
                                                               {-1}))
    return list(db.session.scalars(statement))


def open_markets(now: datetime | None = None) -> list[Market]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Market).where(Market.applications_open_at <= now,
                             Market.applications_close_at > now)
        .options(joinedload(Market.venue), selectinload(Market.days))
        .order_by(Market.starts_on)))


def upcoming_markets(today: date, limit: int = 20) -> list[Market]:
    return list(db.session.scalars(
        select(Market).where(Market.ends_on >= today)
        .options(joinedload(Market.venue), selectinload(Market.days))
        .order_by(Market.starts_on).limit(limit)))


def venue_with_booths(venue_id: int) -> Venue | None:
    return db.session.scalar(select(Venue).where(Venue.id == venue_id).options(
        selectinload(Venue.booths).selectinload(Booth.blocks),
        joinedload(Venue.municipality)))


def market_applications(market: Market) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.market_id == market.id)
        .options(selectinload(Application.days),
                 selectinload(Application.categories),
                 selectinload(Application.products),
                 selectinload(Application.preferred_booths),
                 joinedload(Application.trainee).joinedload(Trainee.user),
                 joinedload(Application.trainee).joinedload(Trainee.centre),
                 joinedload(Application.nominated_by))
        .order_by(Application.id)))


def trainee_applications(trainee: Trainee) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.trainee_id == trainee.id)
        .options(joinedload(Application.market).joinedload(Market.venue),
                 selectinload(Application.days).joinedload(ApplicationDay.market_day),
                 selectinload(Application.categories))
        .order_by(Application.id.desc())))


def centre_applications(centre_ids: set[int], limit: int = 200) -> list[Application]:
    return list(db.session.scalars(
        select(Application).join(Trainee)
        .where(Trainee.centre_id.in_(centre_ids or {-1}))
        .options(joinedload(Application.market),
                 joinedload(Application.trainee).joinedload(Trainee.user),
                 selectinload(Application.days))
        .order_by(Application.id.desc()).limit(limit)))


def trainee_assignments(trainee: Trainee) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(MarketDay).where(Assignment.trainee_id == trainee.id)
        .options(joinedload(Assignment.booth),
                 joinedload(Assignment.market_day).joinedload(MarketDay.market)
                 .joinedload(Market.venue))
        .order_by(MarketDay.day.desc(), Assignment.id.desc())))


def live_assignments(market: Market, day: MarketDay | None = None) -> list[Assignment]:
    statement = (select(Assignment).join(MarketDay)
                 .where(MarketDay.market_id == market.id,
                        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))
                 .options(joinedload(Assignment.booth),
                          joinedload(Assignment.market_day),
                          joinedload(Assignment.trainee).joinedload(Trainee.user))
                 .order_by(MarketDay.day, Assignment.booth_id))
    if day is not None:
        statement = statement.where(Assignment.market_day_id == day.id)
    return list(db.session.scalars(statement))


def day_assignments(day: MarketDay) -> list[Assignment]:
    """Every assignment of a day, live or not (staff list, check-in page)."""
    return list(db.session.scalars(
        select(Assignment).where(Assignment.market_day_id == day.id)
        .options(joinedload(Assignment.booth),
                 joinedload(Assignment.trainee).joinedload(Trainee.user),
                 joinedload(Assignment.trainee).joinedload(Trainee.centre))
        .order_by(Assignment.status, Assignment.booth_id)))


def store_is_public(trainee: Trainee) -> bool:
    """Does the trainee's store page answer? Only verified trainees of enabled accounts; a
    suspended or rejected trainee's booth still shows as taken, but without name or link."""
    return trainee.status == TraineeStatus.VERIFIED and not trainee.user.is_disabled


def who_is_where(market: Market) -> dict[int, list[Assignment]]:
    """Live assignments by market day id, for the public page."""
    by_day: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in live_assignments(market):
        by_day[assignment.market_day_id].append(assignment)
    return by_day


# --- the booth map ---------------------------------------------------------------------------

@dataclass
class MapBooth:
    booth: Booth
    x: int
    y: int
    w: int
    h: int
    state: str            # free | taken | blocked | inactive
    assignment: Assignment | None
    label_x: int
    label_y: int


def booth_map(venue: Venue, day: MarketDay | None = None,
              assignments: list[Assignment] | None = None, with_empty_cells: bool = False
              ) -> dict:
    """Geometry of the venue's SVG map; booth states for `day` when one is given, and the
    free cells of the grid for the editor (a click there adds a booth)."""
    by_booth = {a.booth_id: a for a in (assignments or [])
                if day is None or a.market_day_id == day.id}
    items = []
    for booth in venue.booths:
        if not booth.is_active:
            state = "inactive"
        elif day is not None and any(block.covers(day.day) for block in booth.blocks):
            state = "blocked"
        elif booth.id in by_booth:
            state = "taken"
        else:
            state = "free"
        x, y = booth.grid_x * CELL + GAP, booth.grid_y * CELL + GAP
        w, h = booth.width * CELL - 2 * GAP, booth.height * CELL - 2 * GAP
        items.append(MapBooth(booth, x, y, w, h, state, by_booth.get(booth.id),
                              x + w // 2, y + h // 2))
    walkways = []
    for x1, y1, x2, y2 in (venue.grid_breaks or []):
        if x1 != x2:  # a vertical line between two cells side by side
            line_x = max(x1, x2) * CELL
            walkways.append((line_x, y1 * CELL, line_x, (y1 + 1) * CELL))
        else:
            line_y = max(y1, y2) * CELL
            walkways.append((x1 * CELL, line_y, (x1 + 1) * CELL, line_y))
    empty = []
    if with_empty_cells:
        taken = set()
        for booth in venue.booths:
            if booth.is_active:
                taken |= booth.cells()
        empty = [(x, y, x * CELL + GAP, y * CELL + GAP)
                 for y in range(venue.grid_height) for x in range(venue.grid_width)
                 if (x, y) not in taken]
    return {"width": venue.grid_width * CELL, "height": venue.grid_height * CELL,
            "booths": items, "walkways": walkways, "cell": CELL, "empty_cells": empty,
            "cell_size": CELL - 2 * GAP}


def booth_neighbours(venue: Venue) -> dict[int, set[int]]:
    return neighbours([b for b in venue.booths if b.is_active], venue.break_pairs())


# --- allocation runs -------------------------------------------------------------------------

def market_runs(market: Market) -> list[AllocationRun]:
    return list(db.session.scalars(
        select(AllocationRun).where(AllocationRun.market_id == market.id)
        .options(joinedload(AllocationRun.created_by))
        .order_by(AllocationRun.id.desc())))


def run_view(run: AllocationRun) -> dict:
    """A run's placements and unserved applicant-days with booth codes, names and translated
    reasons, for the preview page and the API; for a confirmed run also the placements left out
    at confirmation because they no longer held."""
    result = replay.result_from_json(json.loads(run.result_json))
    dropped = json.loads(run.dropped_json)["dropped"] if run.dropped_json else []
    application_ids = {p.application_id for p in result.placements} | \
        {u.application_id for u in result.unserved}
    applications = {a.id: a for a in db.session.scalars(
        select(Application).where(Application.id.in_(application_ids or {-1}))
        .options(joinedload(Application.trainee).joinedload(Trainee.user)))}
    booths = {b.id: b for b in db.session.scalars(
        select(Booth).where(Booth.id.in_({p.booth_id for p in result.placements} or {-1})))}
    days = {d.id: d for d in db.session.scalars(
        select(MarketDay).where(MarketDay.market_id == run.market_id))}

    def who(application_id):
        application = applications.get(application_id)
        return application.trainee if application else None

    def booth_code(booth_id):
        return booths[booth_id].code if booth_id in booths else str(booth_id)

    placements = [{
        "application_id": p.application_id, "trainee_id": p.trainee_id,
        "trainee": who(p.application_id), "booth_id": p.booth_id,
        "booth_code": booth_code(p.booth_id),
        "day_id": p.day_id, "day": days[p.day_id].day if p.day_id in days else None,
        "reason": p.reason, "reason_text": label(PLACEMENT_REASON_LABELS, p.reason)}
        for p in sorted(result.placements, key=lambda p: (p.day_id, p.booth_id))]
    unserved = [{
        "application_id": u.application_id, "trainee_id": u.trainee_id,
        "trainee": who(u.application_id), "day_id": u.day_id,
        "day": days[u.day_id].day if u.day_id in days else None, "reason": u.reason,
        "reason_text": label(UNSERVED_REASON_LABELS, u.reason), "detail": u.detail}
        for u in sorted(result.unserved, key=lambda u: (u.day_id, u.application_id))]
    left_out = [{
        **d, "trainee": who(d["application_id"]), "booth_code": booth_code(d["booth_id"]),
        "day": days[d["day_id"]].day if d["day_id"] in days else None,
        "reason_text": label(DROP_REASON_LABELS, d["reason"])}
        for d in sorted(dropped, key=lambda d: (d["day_id"], d["booth_id"]))]
    return {"id": run.id, "market_id": run.market_id, "scope": run.scope.value,
            "status": run.status.value, "seed": run.seed, "created_at": run.created_at,
            "confirmed_at": run.confirmed_at, "placements": placements, "unserved": unserved,
            "dropped": left_out, "confirm_policy": str(CONFIRM_POLICY),
            "lottery": result.lottery}


# --- fees and subsidies ----------------------------------------------------------------------

def subsidy_report(municipality_ids: set[int] | None) -> dict:
    """Subsidised booth-days and their value, per trainee, centre and market (reversed entries
    of cancelled booth-days are left out)."""
    base = (select(SubsidyEntry).join(Market, SubsidyEntry.market_id == Market.id)
            .join(Venue, Market.venue_id == Venue.id)
            .where(SubsidyEntry.is_reversed.is_(False)))
    if municipality_ids is not None:
        base = base.where(Venue.municipality_id.in_(municipality_ids or {-1}))
    subquery = base.subquery()

    by_trainee = db.session.execute(
        select(Trainee.store_name, Trainee.store_slug, subquery.c.currency, func.count(),
               func.sum(subquery.c.value_amount))
        .select_from(subquery).join(Trainee, Trainee.id == subquery.c.trainee_id)
        .group_by(Trainee.id, Trainee.store_name, Trainee.store_slug, subquery.c.currency)
        .order_by(func.sum(subquery.c.value_amount).desc(), Trainee.id)).all()
    by_centre = db.session.execute(
        select(TrainingCentre.name_fa, TrainingCentre.name_en, subquery.c.currency,
               func.count(), func.sum(subquery.c.value_amount))
        .select_from(subquery).join(TrainingCentre, TrainingCentre.id == subquery.c.centre_id)
        .group_by(TrainingCentre.id, TrainingCentre.name_fa, TrainingCentre.name_en,
                  subquery.c.currency)
        .order_by(func.sum(subquery.c.value_amount).desc(), TrainingCentre.id)).all()
    by_market = db.session.execute(
        select(Market.id, Market.name_fa, Market.name_en, subquery.c.currency, func.count(),
               func.sum(subquery.c.value_amount))
        .select_from(subquery).join(Market, Market.id == subquery.c.market_id)
        .group_by(Market.id, Market.name_fa, Market.name_en, subquery.c.currency)
        .order_by(Market.id)).all()
    return {"by_trainee": by_trainee, "by_centre": by_centre, "by_market": by_market}


def fees_of_market(market: Market) -> list[BoothFee]:
    return list(db.session.scalars(
        select(BoothFee).join(Assignment).join(MarketDay)
        .where(MarketDay.market_id == market.id)
        .options(joinedload(BoothFee.assignment).joinedload(Assignment.booth),
                 joinedload(BoothFee.assignment).joinedload(Assignment.market_day),
                 joinedload(BoothFee.assignment).joinedload(Assignment.trainee))
        .order_by(MarketDay.day, BoothFee.id)))


# --- the store panel -------------------------------------------------------------------------

def upcoming_appearances(trainee: Trainee, today: date | None = None,
                         limit: int = 5) -> list[Assignment]:
    """Where a trainee will be: their live booths on open days from today on."""
    return _appearances(trainee.id, today, limit)


@dataclass(frozen=True)
class NextAppearance:
    """Where a maker will be next with a booth, as the product page shows it."""

    booth_id: int
    booth_code: str
    market_day_id: int
    day: date
    market_id: int
    market_name_fa: str
    market_name_en: str | None

    def market_name(self, locale: str) -> str:
        return self.market_name_en if locale == "en" and self.market_name_en else \
            self.market_name_fa


# Each maker's next booth for the product pages, kept in this process until the next public
# change (assignments are public) or the page cache's age limit: every page of a maker's
# pieces asks the same thing.
KEPT_APPEARANCES = 5_000


def next_appearance(trainee_id: int) -> NextAppearance | None:
    """The trainee's next live booth on an open day (the product page's "see it at booth …"):
    at most one query, with its booth, day and market."""
    today = today_here()
    kept = page_cache.memo_in_process("next-appearance", KEPT_APPEARANCES)
    key = (trainee_id, today)
    if key not in kept:
        found = _appearances(trainee_id, today, 1)
        kept[key] = _plain(found[0]) if found else None
    return kept[key]


def _plain(assignment: Assignment) -> NextAppearance:
    market = assignment.market_day.market
    return NextAppearance(assignment.booth_id, assignment.booth.code, assignment.market_day_id,
                          assignment.market_day.day, market.id, market.name_fa, market.name_en)


def _appearances(trainee_id: int, today: date | None, limit: int) -> list[Assignment]:
    if today is None:
        today = today_here()
    return list(db.session.scalars(
        select(Assignment).join(MarketDay)
        .where(Assignment.trainee_id == trainee_id,
               Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES),
               MarketDay.status == MarketDayStatus.OPEN, MarketDay.day >= today)
        .options(joinedload(Assignment.booth),
                 joinedload(Assignment.market_day).joinedload(MarketDay.market)
                 .joinedload(Market.venue))
        .order_by(MarketDay.day, Assignment.id).limit(limit)))


def verified_trainees(limit: int = 500) -> list[Trainee]:
    """Trainees staff can give a booth to by hand."""
    return list(db.session.scalars(
        select(Trainee).where(Trainee.status == TraineeStatus.VERIFIED)
        .options(joinedload(Trainee.user)).order_by(Trainee.store_name).limit(limit)))

