"""The allocator's input built from the tables: booths and their blocks, live assignments,
applications, rotation history, bans and booths held at other markets, with the seed a run
uses.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Trainee, TraineeStatus
from marketplace.booths.allocation import model
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    AllocationRun,
    Application,
    ApplicationDayStatus,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Booth,
    BoothOffer,
    Ineligibility,
    Market,
    MarketDay,
    OfferStatus,
)
from marketplace.booths.schedule import neighbours
from marketplace.extensions import db

OPEN_ENTRY_STATUSES = (ApplicationDayStatus.REQUESTED, ApplicationDayStatus.WAITLISTED)
CLOSED_APPLICATION_STATUSES = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)
NO_CATEGORY = -1  # a hand-made assignment with no application counts for no craft


def derived_seed(base: int, *parts) -> int:
    """A seed anyone can recompute from the market's published seed and the run's scope."""
    text = ":".join(str(p) for p in (base, *parts))
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _features(booth: Booth) -> frozenset[str]:
    return frozenset(booth.features())


def build_snapshot(market: Market, days: list[MarketDay], seed: int,
                   waitlist_only: bool = False) -> tuple[model.Snapshot, dict]:
    """The allocator's input for `days` of `market`, and lookups the caller needs afterwards.

    Booths blocked on a day are unavailable that day; live assignments on those days are fixed
    (they take the booth and count for caps and neighbours), and so are booth-days offered from
    the waitlist and not yet answered. A trainee holding a booth at another market on the date
    of one of the days is busy that day. An application takes part with its days still
    requested or waitlisted (only waitlisted ones when `waitlist_only`), except a day whose
    offer it declined or let pass.
    """
    venue = market.venue
    day_ids = [d.id for d in days]
    day_by_id = {d.id: d for d in days}
    booths = db.session.scalars(
        select(Booth).where(Booth.venue_id == venue.id, Booth.is_active.is_(True))
        .options(selectinload(Booth.blocks)).order_by(Booth.id)).all()
    reserved = {r.booth_id: r.category_id for r in market.reserved_booths}
    adjacency = neighbours(booths, venue.break_pairs())
    booth_specs = tuple(
        model.BoothSpec(
            id=b.id, code=b.code, features=_features(b), location_score=b.location_score,
            neighbours=frozenset(adjacency[b.id]),
            reserved_category_id=reserved.get(b.id, b.reserved_category_id),
            unavailable_day_ids=frozenset(
                d.id for d in days if any(block.covers(d.day) for block in b.blocks)))
        for b in booths)

    applications = db.session.scalars(
        select(Application).where(Application.market_id == market.id,
                                  Application.status.not_in(CLOSED_APPLICATION_STATUSES))
        .options(selectinload(Application.days), selectinload(Application.categories),
                 selectinload(Application.preferred_booths),
                 selectinload(Application.trainee).selectinload(Trainee.user))
        .order_by(Application.id)).all()
    main_category = {a.id: (a.categories[0].category_id if a.categories else NO_CATEGORY)
                     for a in applications}
    live = db.session.scalars(select(Assignment).where(
        Assignment.market_day_id.in_(day_ids),
        Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))).all()
    category_of_trainee = {a.trainee_id: main_category[a.id] for a in applications}
    # A booth-day offered and not yet answered is held for its trainee like a given one.
    offers = db.session.scalars(select(BoothOffer).where(
        BoothOffer.market_day_id.in_(day_ids),
        BoothOffer.status.in_((OfferStatus.PENDING, OfferStatus.DECLINED,
                               OfferStatus.EXPIRED)))).all()
    held = [(a.booth_id, a.market_day_id, a.trainee_id) for a in live] + \
        [(o.booth_id, o.market_day_id, o.trainee_id) for o in offers
         if o.status == OfferStatus.PENDING]
    fixed = tuple(model.FixedAssignment(
        booth_id=booth_id, day_id=day_id, trainee_id=trainee_id,
        category_id=category_of_trainee.get(trainee_id, NO_CATEGORY))
        for booth_id, day_id, trainee_id in held)
    # Who declined a day's offer or let it pass is not offered that day again.
    passed = {(o.application_id, o.market_day_id) for o in offers
              if o.status != OfferStatus.PENDING}

    first_day = min(d.day for d in days)
    banned = set(db.session.scalars(select(Ineligibility.trainee_id).where(
        Ineligibility.municipality_id == venue.municipality_id,
        Ineligibility.until >= first_day)))
    # Rotation: the location scores of the booths each trainee had earlier this season.
    history: dict[int, list[int]] = defaultdict(list)
    rows = db.session.execute(
        select(Assignment.trainee_id, Booth.location_score)
        .join(Booth, Assignment.booth_id == Booth.id)
        .join(MarketDay, Assignment.market_day_id == MarketDay.id)
        .where(MarketDay.market_id == market.id, MarketDay.id.not_in(day_ids),
               Assignment.status.in_((AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN,
                                      AssignmentStatus.NO_SHOW)))
        .order_by(MarketDay.day, Assignment.id)).all()
    for trainee_id, score in rows:
        history[trainee_id].append(score)

    # One person cannot stand in two places: booths held at other markets on these dates.
    day_id_by_date = {d.day: d.id for d in days}
    busy: dict[int, set[int]] = defaultdict(set)
    for trainee_id, on in db.session.execute(
            select(Assignment.trainee_id, Assignment.day).where(
                Assignment.trainee_id.in_({a.trainee_id for a in applications} or {-1}),
                Assignment.day.in_(list(day_id_by_date)),
                Assignment.market_day_id.not_in(day_ids),
                Assignment.status.in_(LIVE_ASSIGNMENT_STATUSES))):
        busy[trainee_id].add(day_id_by_date[on])

    wanted = (ApplicationDayStatus.WAITLISTED,) if waitlist_only else OPEN_ENTRY_STATUSES
    applicants = []
    for application in applications:
        entry_days = frozenset(e.market_day_id for e in application.days
                               if e.market_day_id in day_by_id and e.status in wanted
                               and (application.id, e.market_day_id) not in passed)
        if not entry_days:
            continue
        trainee = application.trainee
        reason = None
        if trainee.status != TraineeStatus.VERIFIED or trainee.user.is_disabled:
            reason = "not_active_vendor"
        elif trainee.id in banned:
            reason = "struck_out"
        applicants.append(model.ApplicantSpec(
            application_id=application.id, trainee_id=trainee.id,
            category_id=main_category[application.id], day_ids=entry_days,
            needs=frozenset(application.needs()),
            preferred_booth_ids=tuple(p.booth_id for p in application.preferred_booths),
            eligible=reason is None, ineligible_reason=reason,
            misses=application.lottery_misses, location_history=tuple(history[trainee.id]),
            nominated=application.is_nominated,
            busy_day_ids=frozenset(busy[trainee.id] & entry_days)))
    rules = model.Rules(
        category_caps={c.category_id: c.cap for c in market.categories if c.cap is not None},
        allow_clusters=market.allow_clusters)
    snapshot = model.Snapshot(
        booths=booth_specs, days=tuple(model.DaySpec(id=d.id, day=d.day) for d in days),
        applicants=tuple(applicants), rules=rules, fixed=fixed, seed=seed)
    return snapshot, {"applications": {a.id: a for a in applications},
                      "booths": {b.id: b for b in booths}, "days": day_by_id}


def lottery_order(run: AllocationRun, day_id: int) -> tuple[int, ...]:
    """The applications of `run`'s lottery on a day, first drawn first (its stored result)."""
    draws = [d for d in json.loads(run.result_json).get("lottery", ())
             if d["day_id"] == day_id]
    return tuple(int(d["application_id"]) for d in sorted(draws, key=lambda d: d["rank"]))


def pending_offers(day_ids: list[int]) -> set[tuple[int, int]]:
    """(application, day) of the waitlist offers on these days still waiting for an answer."""
    if not day_ids:
        return set()
    return {(a, d) for a, d in db.session.execute(
        select(BoothOffer.application_id, BoothOffer.market_day_id).where(
            BoothOffer.market_day_id.in_(day_ids), BoothOffer.status == OfferStatus.PENDING))}
