"""Allocation runs: run the pure allocator over a snapshot, store input and output, confirm a
preview into assignments, replay a stored run, and fill freed booth-days from the waitlist by
the same rules.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.booths import policies
from marketplace.booths.allocation import engine, model, replay
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import (
    AllocationRun,
    Application,
    ApplicationDay,
    ApplicationDayStatus,
    ApplicationStatus,
    Assignment,
    AssignmentSource,
    Market,
    MarketDay,
    MarketDayStatus,
    RunScope,
    RunStatus,
)
from marketplace.booths.services.allocation_snapshots import (
    CLOSED_APPLICATION_STATUSES,
    OPEN_ENTRY_STATUSES,
    build_snapshot,
    derived_seed,
    lottery_order,
    pending_offers,
)
from marketplace.booths.services.booth_writes import (
    codes_taken,
    create_assignment,
    lock_booth_writes,
)
from marketplace.booths.services.offer_writes import make_offers
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, NotFound, RuleViolation
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path

# The allocator's reasons that end an applicant-day rather than put it on the waitlist.
FINAL_UNSERVED_REASONS = {"ineligible", "day_not_open"}


def _dump(document: dict) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def _store_run(market: Market, snapshot, result, *, scope: RunScope, status: RunStatus,
               actor: User | None, day: MarketDay | None = None) -> AllocationRun:
    run = AllocationRun(
        market_id=market.id, scope=scope, status=status, seed=snapshot.seed,
        market_day_id=day.id if day else None,
        snapshot_json=_dump(replay.snapshot_to_json(snapshot)),
        result_json=_dump(replay.result_to_json(result)),
        placements_count=len(result.placements), unserved_count=len(result.unserved),
        created_by_id=actor.id if actor else None)
    db.session.add(run)
    db.session.flush()
    return run


def upcoming_open_days(market: Market, now: datetime) -> list[MarketDay]:
    return [d for d in market.days if d.status == MarketDayStatus.OPEN and d.opens_at > now]


def preview_allocation(actor: User, market: Market, now: datetime | None = None
                       ) -> AllocationRun:
    """Run the allocator over every upcoming open day; only the run itself is saved."""
    now = now or utcnow()
    if not policies.can_manage_market(actor, market):
        raise NotFound(_("That market does not exist."), code=BoothErrorCode.UNKNOWN_MARKET)
    days = upcoming_open_days(market, now)
    if not days:
        raise RuleViolation(_("This market has no open day left to allocate."),
                            code=BoothErrorCode.NO_OPEN_DAYS)
    count = db.session.scalar(select(db.func.count()).select_from(AllocationRun).where(
        AllocationRun.market_id == market.id, AllocationRun.scope == RunScope.MARKET))
    seed = market.published_seed if not count else derived_seed(market.published_seed, count)
    snapshot, _lookups = build_snapshot(market, days, seed)
    result = engine.allocate(snapshot)
    return _store_run(market, snapshot, result, scope=RunScope.MARKET, status=RunStatus.PREVIEW,
                      actor=actor)


def get_run_for_staff(actor: User, run_id: int) -> AllocationRun:
    run = db.session.get(AllocationRun, run_id)
    if run is None or not policies.can_manage_market(actor, run.market):
        raise NotFound(_("That allocation run does not exist."), code=BoothErrorCode.UNKNOWN_RUN)
    return run


# Why a previewed placement was left out at confirmation (stored in AllocationRun.dropped_json).
DROP_REASONS = ("no_longer_requested", "not_active_vendor", "struck_out", "day_closed",
                "booth_unavailable", "booth_blocked", "booth_taken", "trainee_already_placed")
# How a dropped placement leaves its application day, as the allocator's reason would.
DROP_AS_UNSERVED = {"not_active_vendor": "ineligible", "struck_out": "ineligible",
                    "day_closed": "day_not_open"}


@dataclass(frozen=True)
class Dropped:
    placement: model.Placement
    reason: str

    def to_json(self) -> dict:
        p = self.placement
        return {"application_id": p.application_id, "trainee_id": p.trainee_id,
                "booth_id": p.booth_id, "day_id": p.day_id, "reason": self.reason}


def recheck_placements(result, current: model.Snapshot, lookups: dict
                       ) -> tuple[list[model.Placement], list[Dropped]]:
    """Split a stored run's placements into those that still hold in `current` (a snapshot of
    the tables now) and those that no longer do, each with the first reason that fails."""
    booths = {b.id: b for b in current.booths}
    applicants = {a.application_id: a for a in current.applicants}
    taken = {(f.booth_id, f.day_id) for f in current.fixed}
    holders = {(f.trainee_id, f.day_id) for f in current.fixed}
    days = lookups["days"]
    kept: list[model.Placement] = []
    dropped: list[Dropped] = []
    for p in result.placements:
        applicant = applicants.get(p.application_id)
        day, booth = days.get(p.day_id), booths.get(p.booth_id)
        if applicant is None or p.day_id not in applicant.day_ids:
            reason = "no_longer_requested"
        elif not applicant.eligible:
            reason = applicant.ineligible_reason or "not_active_vendor"
        elif day is None or not day.is_open:
            reason = "day_closed"
        elif booth is None:
            reason = "booth_unavailable"
        elif p.day_id in booth.unavailable_day_ids:
            reason = "booth_blocked"
        elif (p.booth_id, p.day_id) in taken:
            reason = "booth_taken"
        elif (p.trainee_id, p.day_id) in holders or p.day_id in applicant.busy_day_ids:
            reason = "trainee_already_placed"
        else:
            kept.append(p)
            continue
        dropped.append(Dropped(p, reason))
    return kept, dropped


def _apply_result(market: Market, run: AllocationRun, result, lookups: dict,
                  actor: User | None, source: AssignmentSource
                  ) -> tuple[list[Assignment], list[Dropped]]:
    """Create the result's assignments and set the application days' statuses.

    A placement that cannot be made (its application day no longer open, its booth taken or its
    trainee placed meanwhile — the unique indexes decide) is left out and returned as dropped;
    its day stays on the waitlist. Nothing here raises for a world that changed.
    """
    applications = lookups["applications"]
    booths, days = lookups["booths"], lookups["days"]
    taken_codes: dict[int, set[str]] = {}
    created: list[Assignment] = []
    dropped: list[Dropped] = []
    entries = {(e.application_id, e.market_day_id): e
               for a in applications.values() for e in a.days}
    for placement in result.placements:
        application = applications.get(placement.application_id)
        entry = entries.get((placement.application_id, placement.day_id))
        day = days.get(placement.day_id)
        booth = booths.get(placement.booth_id)
        if application is None or entry is None or entry.status not in OPEN_ENTRY_STATUSES:
            dropped.append(Dropped(placement, "no_longer_requested"))
            continue
        if day is None or not day.is_open or booth is None:
            dropped.append(Dropped(placement, "day_closed" if booth else "booth_unavailable"))
            continue
        if placement.day_id not in taken_codes:
            taken_codes[placement.day_id] = codes_taken(placement.day_id)
        try:
            assignment = create_assignment(
                booth, day, application.trainee, source=source, application=application,
                actor=actor, run_id=run.id, taken_codes=taken_codes[placement.day_id])
        except Conflict as error:
            dropped.append(Dropped(placement, error.code))
            entry.status, entry.reason_code = ApplicationDayStatus.WAITLISTED, error.code
            continue
        entry.status = ApplicationDayStatus.ACCEPTED
        entry.reason_code = None
        created.append(assignment)
    offered = pending_offers(list(days))
    for unserved in result.unserved:
        key = (unserved.application_id, unserved.day_id)
        entry = entries.get(key)
        if entry is None or entry.status not in OPEN_ENTRY_STATUSES:
            continue
        if unserved.reason == "already_assigned" and key in offered:
            # Held by a waitlist offer still to be answered, not by a booth: their answer
            # decides the day (accepting makes it accepted; declining leaves it waiting).
            continue
        if unserved.reason == "already_assigned":
            entry.status = ApplicationDayStatus.ACCEPTED
        elif unserved.reason in FINAL_UNSERVED_REASONS:
            entry.status = ApplicationDayStatus.REJECTED
        else:
            entry.status = ApplicationDayStatus.WAITLISTED
        entry.reason_code = unserved.reason
    now = utcnow()
    touched = {p.application_id for p in result.placements} | \
        {u.application_id for u in result.unserved}
    for application_id in touched:
        application = applications.get(application_id)
        if application is None:
            continue
        statuses = {e.status for e in application.days}
        if ApplicationDayStatus.ACCEPTED in statuses:
            application.status, application.reason_code = ApplicationStatus.ACCEPTED, None
        elif ApplicationDayStatus.WAITLISTED in statuses or \
                ApplicationDayStatus.REQUESTED in statuses:
            application.status = ApplicationStatus.WAITLISTED
        elif application.status not in CLOSED_APPLICATION_STATUSES:
            application.status = ApplicationStatus.REJECTED
            application.reason_code = next((e.reason_code for e in application.days
                                            if e.reason_code), "ineligible")
        application.decided_at = now
        if application_id in result.misses_after:
            application.lottery_misses = result.misses_after[application_id]
    _mail_outcomes(market, result, lookups, created)
    return created, dropped


def _mail_outcomes(market: Market, result, lookups: dict, created: list[Assignment]) -> None:
    applications, booths, days = lookups["applications"], lookups["booths"], lookups["days"]
    by_application: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in created:
        if assignment.application_id is not None:  # always, for a run's placements
            by_application[assignment.application_id].append(assignment)
    waitlisted: dict[int, list] = defaultdict(list)
    for unserved in result.unserved:
        waitlisted[unserved.application_id].append(unserved)
    for application_id in sorted(set(by_application) | set(waitlisted)):
        application = applications.get(application_id)
        if application is None:
            continue
        user = application.trainee.user
        given = sorted(by_application.get(application_id, []),
                       key=lambda a: days[a.market_day_id].day)
        notify(user, EventKind.BOOTH_ALLOCATION, {
            "lang": user.locale, "trainee_name": user.display_name, "market_id": market.id,
            "market_name_fa": market.name_fa, "market_name_en": market.name("en"),
            "given": [(days[a.market_day_id].day, booths[a.booth_id].code, a.check_in_code)
                      for a in given],
            "not_given": [(days[u.day_id].day, u.reason)
                          for u in waitlisted.get(application_id, []) if u.day_id in days]},
            mail=("Booth allocation for your market", "booths_allocation"),
            link=site_path("booths.mine"))


def confirm_run(actor: User, run: AllocationRun, now: datetime | None = None
                ) -> list[Assignment]:
    """Turn a previewed run into assignments, set application statuses, mail the trainees.

    The preview is checked against the world as it is now: a placement that no longer holds
    (the trainee no longer an active vendor, the day closed, the booth blocked or given
    meanwhile, the trainee placed elsewhere that date) is left out and stored in
    `run.dropped_json`, and the booth-days it leaves free go to the waitlist as after a
    cancellation. A preview made before another run of the market was confirmed is refused
    (409 `run_stale`): its lottery assumed a world that is gone.
    """
    now = now or utcnow()
    market = run.market
    if not policies.can_manage_market(actor, market):
        raise NotFound(_("That allocation run does not exist."), code=BoothErrorCode.UNKNOWN_RUN)
    # One confirm at a time, and it reads what the one before it wrote.
    lock_booth_writes()
    db.session.expire_all()
    if run.status != RunStatus.PREVIEW or run.scope != RunScope.MARKET:
        raise Conflict(_("This run is already confirmed."),
                       code=BoothErrorCode.RUN_ALREADY_CONFIRMED)
    superseded = db.session.scalar(select(AllocationRun.id).where(
        AllocationRun.market_id == market.id, AllocationRun.id != run.id,
        AllocationRun.scope == RunScope.MARKET, AllocationRun.status == RunStatus.CONFIRMED,
        (AllocationRun.id > run.id) | (AllocationRun.confirmed_at >= run.created_at))
        .limit(1))
    if superseded:
        raise Conflict(_("Another allocation of this market was confirmed after this preview; "
                         "run a new preview."), code=BoothErrorCode.RUN_STALE)
    snapshot = replay.snapshot_from_json(json.loads(run.snapshot_json))
    result = replay.result_from_json(json.loads(run.result_json))
    day_ids = {s.id for s in snapshot.days}
    days = [d for d in market.days if d.id in day_ids]
    current, lookups = build_snapshot(market, days, snapshot.seed)
    kept, dropped = recheck_placements(result, current, lookups)
    unserved = list(result.unserved)
    for d in dropped:
        p = d.placement
        if d.reason == "no_longer_requested":
            continue  # withdrawn or decided meanwhile: the application day stays as it is
        reason = DROP_AS_UNSERVED.get(d.reason, d.reason)
        if d.reason == "trainee_already_placed" and p.day_id in next(
                (a.busy_day_ids for a in current.applicants
                 if a.application_id == p.application_id), frozenset()):
            reason = "busy_elsewhere"
        unserved.append(model.Unserved(p.application_id, p.trainee_id, p.day_id, reason,
                                            f"dropped at confirmation: {d.reason}"))
    to_apply = model.Result(placements=tuple(kept), unserved=tuple(unserved),
                                 lottery=result.lottery, seed=result.seed,
                                 misses_after=result.misses_after)
    created, late = _apply_result(market, run, to_apply, lookups, actor,
                                  AssignmentSource.ALLOCATOR)
    dropped += late
    run.status = RunStatus.CONFIRMED
    run.confirmed_by_id = actor.id
    run.confirmed_at = utcnow()
    run.dropped_json = _dump({"dropped": [d.to_json() for d in dropped]}) if dropped else None
    db.session.flush()
    # Booth-days left free by what was dropped go to the waitlist, as after a cancellation.
    for day_id in sorted({d.placement.day_id for d in dropped}):
        day = lookups["days"].get(day_id)
        if day is not None and day.is_open:
            fill_from_waitlist(day, actor=actor, now=now)
    return created


def dropped_of(run: AllocationRun) -> list[dict]:
    """The placements left out when `run` was confirmed (see confirm_run)."""
    if not run.dropped_json:
        return []
    return json.loads(run.dropped_json)["dropped"]


def replay_run(run: AllocationRun) -> tuple[bool, dict]:
    """Re-run the stored snapshot; True when the allocator gives exactly the stored result."""
    snapshot = replay.snapshot_from_json(json.loads(run.snapshot_json))
    again = replay.result_to_json(engine.allocate(snapshot))
    stored = json.loads(run.result_json)
    return json.loads(_dump(again)) == stored, again


def fill_from_waitlist(day: MarketDay, actor: User | None = None,
                       now: datetime | None = None,
                       passed_on: AllocationRun | None = None) -> AllocationRun | None:
    """Offer freed booths of `day` to waitlisted applicants, by the allocator's rules: each
    booth to the applicant its lottery draws (booths.services.offer_writes), who accepts or
    declines before the market's deadline; silence or a refusal passes it on by a new run
    (booths.services.offers), which leaves them out and keeps the lottery order of the run
    that made the offer passed on (`passed_on`): the next applicant in that order is offered
    it, not the winner of a new draw.

    Runs only before the day opens; the run is stored (scope waitlist) like any other.
    """
    now = now or utcnow()
    market = day.market
    if not day.is_open or day.opens_at <= now:
        return None
    waiting = db.session.scalar(select(ApplicationDay.id).join(Application).where(
        ApplicationDay.market_day_id == day.id,
        ApplicationDay.status == ApplicationDayStatus.WAITLISTED,
        Application.status.not_in(CLOSED_APPLICATION_STATUSES)).limit(1))
    if waiting is None:
        return None
    lock_booth_writes()
    count = db.session.scalar(select(db.func.count()).select_from(AllocationRun).where(
        AllocationRun.market_day_id == day.id, AllocationRun.scope == RunScope.WAITLIST))
    seed = derived_seed(market.published_seed, "waitlist", day.id, count)
    snapshot, lookups = build_snapshot(market, [day], seed, waitlist_only=True)
    kept = lottery_order(passed_on, day.id) if passed_on is not None else ()
    if kept:
        snapshot = dataclasses.replace(snapshot, kept_order=((day.id, kept),))
    result = engine.allocate(snapshot)
    run = _store_run(market, snapshot, result, scope=RunScope.WAITLIST,
                     status=RunStatus.CONFIRMED, actor=actor, day=day)
    run.confirmed_at = utcnow()
    run.confirmed_by_id = actor.id if actor else None
    # Only placements change anything, as offers: the others stay on the waitlist as they
    # were, and an applicant's lottery misses reset only when they accept.
    make_offers(market, run, result.placements, lookups, now)
    db.session.flush()
    return run
