"""The booth allocation engine: a pure function from a snapshot to assignments and reasons.

Nothing here touches the database or Flask. The booths service builds a :class:`Snapshot` from its
tables, calls :func:`allocate`, and stores ``snapshot_to_json(snapshot)`` and
``result_to_json(result)`` so any run can be replayed (``allocate(snapshot_from_json(data))`` gives
the same result) and explained.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: Booth features an applicant may need or a booth may offer.
FEATURES: frozenset[str] = frozenset({"power", "corner", "covered", "accessible"})

#: Why an applicant-day was not served: stable codes (stored with every run) and what they mean.
#: The booths package translates them for people; these English texts are for logs and tests.
UNSERVED_REASONS: Mapping[str, str] = MappingProxyType({
    "ineligible": "The applicant may not take a booth (see the detail: for example not an "
                  "active vendor, or struck out after no-shows).",
    "day_not_open": "The day is not one of the market days of this run (closed or unknown).",
    "already_assigned": "The trainee already holds a booth on this day.",
    "busy_elsewhere": "The trainee holds a booth at another market on this calendar date.",
    "category_cap_reached": "The market's cap for this craft category on this day is full.",
    "no_booth_left": "Every booth that day was taken before the applicant's turn in the lottery.",
    "no_booth_meets_needs": "No free booth has the features the applicant needs "
                            "(power, accessibility).",
    "reserved_for_other_category": "The only free booths that meet the needs are reserved for "
                                   "another craft category.",
    "neighbour_rule": "Every free booth that fits would put two booths of the same craft "
                      "category side by side.",
})

#: How a placement was decided.
PLACEMENT_REASONS: Mapping[str, str] = MappingProxyType({
    "preferred_booth": "One of the booths the applicant asked for.",
    "reserved_for_category": "A booth the market reserves for the applicant's craft category.",
    "rotation": "Drawn in the lottery; picked early because of a weaker location history, and "
                "given the best booth the rules allowed.",
    "next_in_lottery": "Placed in lottery order in a booth still free after the first round.",
})


@dataclass(frozen=True, slots=True)
class BoothSpec:
    """A booth of the venue. ``neighbours`` are the ids of the booths side by side with it (the
    relation is treated as symmetric: listing it on either booth is enough).
    ``unavailable_day_ids`` are the days it is blocked (repairs, an official event) or already
    taken by an assignment that is not part of this run."""

    id: int
    code: str
    features: frozenset[str] = frozenset()
    location_score: int = 50
    neighbours: frozenset[int] = frozenset()
    reserved_category_id: int | None = None
    unavailable_day_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for name in ("features", "neighbours", "unavailable_day_ids"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        unknown = self.features - FEATURES
        if unknown:
            raise ValueError(f"booth {self.id}: unknown features {sorted(unknown)}")
        if not 0 <= self.location_score <= 100:
            raise ValueError(f"booth {self.id}: location_score must be 0..100")


@dataclass(frozen=True, slots=True)
class DaySpec:
    """A market day of the run."""

    id: int
    day: datetime.date


@dataclass(frozen=True, slots=True)
class ApplicantSpec:
    """One application.

    ``category_id`` is the craft category used for caps, reserved booths and the neighbour rule.
    ``misses`` counts the applicant-days this trainee was not served since they were last served;
    the lottery weight grows with it (see :class:`Rules`). ``location_history`` holds the location
    scores of the booths they had earlier this season (rotation). ``nominated`` is a nomination by
    their training centre (a small weight bonus). ``busy_day_ids`` are the days of the run on
    whose calendar date the trainee already holds a booth at another market: one person cannot
    stand in two places.
    """

    application_id: int
    trainee_id: int
    category_id: int
    day_ids: frozenset[int]
    needs: frozenset[str] = frozenset()
    preferred_booth_ids: tuple[int, ...] = ()
    eligible: bool = True
    ineligible_reason: str | None = None
    misses: int = 0
    location_history: tuple[int, ...] = ()
    nominated: bool = False
    busy_day_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for name in ("day_ids", "needs", "busy_day_ids"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        for name in ("preferred_booth_ids", "location_history"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        unknown = self.needs - FEATURES
        if unknown:
            raise ValueError(f"application {self.application_id}: unknown needs {sorted(unknown)}")
        if self.misses < 0:
            raise ValueError(f"application {self.application_id}: misses must be >= 0")


@dataclass(frozen=True, slots=True)
class Rules:
    """The market's allocation rules.

    ``category_caps``: category id -> the most booths that category may hold on one day
    (categories not listed are uncapped). ``allow_clusters``: if False, two booths side by side
    never hold the same craft category. Lottery weight = ``1 + weight_per_miss * misses``
    (``+ nomination_bonus`` when nominated).
    """

    category_caps: Mapping[int, int] = field(default_factory=dict)
    allow_clusters: bool = False
    weight_per_miss: float = 1.0
    nomination_bonus: float = 0.5

    def __post_init__(self) -> None:
        if self.weight_per_miss < 0 or self.nomination_bonus < 0:
            raise ValueError("weight_per_miss and nomination_bonus must be >= 0")
        if any(cap < 0 for cap in self.category_caps.values()):
            raise ValueError("category caps must be >= 0")
        # Freeze the mapping so a Snapshot cannot change under a stored run.
        object.__setattr__(self, "category_caps", MappingProxyType(dict(self.category_caps)))

    def weight(self, applicant: ApplicantSpec, misses: int | None = None) -> float:
        """Lottery weight of ``applicant`` (with ``misses`` overriding the stored count)."""
        count = applicant.misses if misses is None else misses
        bonus = self.nomination_bonus if applicant.nominated else 0.0
        return 1.0 + self.weight_per_miss * count + bonus


@dataclass(frozen=True, slots=True)
class FixedAssignment:
    """An assignment already confirmed (not part of this run) that the run must respect: the
    booth is taken that day, the trainee holds a booth that day, and it counts towards the
    category cap and the neighbour rule."""

    booth_id: int
    day_id: int
    trainee_id: int
    category_id: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the allocator looks at. ``seed`` is published with the run. The collections
    are kept sorted by id, whatever order they are given in."""

    booths: tuple[BoothSpec, ...]
    days: tuple[DaySpec, ...]
    applicants: tuple[ApplicantSpec, ...]
    rules: Rules = field(default_factory=Rules)
    fixed: tuple[FixedAssignment, ...] = ()
    seed: int = 0

    def __post_init__(self) -> None:
        # Canonical order, so equal inputs in any order make equal snapshots (and equal JSON).
        object.__setattr__(self, "booths", tuple(sorted(self.booths, key=lambda b: b.id)))
        object.__setattr__(self, "days", tuple(sorted(self.days, key=lambda d: d.id)))
        object.__setattr__(self, "applicants",
                           tuple(sorted(self.applicants, key=lambda a: a.application_id)))
        object.__setattr__(self, "fixed", tuple(sorted(
            self.fixed, key=lambda f: (f.day_id, f.booth_id, f.trainee_id, f.category_id))))
        for name, items, key in (("booth", self.booths, "id"), ("day", self.days, "id"),
                                 ("application", self.applicants, "application_id")):
            ids = [getattr(item, key) for item in items]
            if len(ids) != len(set(ids)):
                raise ValueError(f"duplicate {name} ids in snapshot")


@dataclass(frozen=True, slots=True)
class Placement:
    """A booth given to an applicant on a day; ``reason`` is a key of PLACEMENT_REASONS."""

    application_id: int
    trainee_id: int
    booth_id: int
    day_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class Unserved:
    """An applicant-day not served; ``reason`` is a key of UNSERVED_REASONS, ``detail`` explains
    it in English (for logs; the pages translate ``reason``)."""

    application_id: int
    trainee_id: int
    day_id: int
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LotteryDraw:
    """One entry of a day's lottery, in drawing order (``rank`` 1 is drawn first).

    ``draw`` is the uniform number taken from ``random.Random(seed)``; ``key`` is
    ``draw ** (1 / weight)`` (Efraimidis–Spirakis). Anyone can recompute both from the seed.
    """

    day_id: int
    rank: int
    application_id: int
    trainee_id: int
    weight: float
    draw: float
    key: float


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of a run. ``misses_after``: application id -> the ``misses`` count to store
    after confirming this run (reset to 0 on a served day, +1 on a day lost in the lottery)."""

    placements: tuple[Placement, ...]
    unserved: tuple[Unserved, ...]
    lottery: tuple[LotteryDraw, ...]
    seed: int
    misses_after: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("placements", "unserved", "lottery"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "misses_after", MappingProxyType(dict(self.misses_after)))


# --------------------------------------------------------------------------------------------
# JSON (store and replay). Plain dicts and lists of ints, strings, floats and bools, with a
# deterministic ordering, so equal snapshots give equal JSON.

JSON_FORMAT = 1


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    """A JSON-able dict of ``snapshot`` (ordered by ids; sets as sorted lists)."""
    rules = snapshot.rules
    return {
        "format": JSON_FORMAT,
        "seed": snapshot.seed,
        "rules": {
            "category_caps": sorted([cat, cap] for cat, cap in rules.category_caps.items()),
            "allow_clusters": rules.allow_clusters,
            "weight_per_miss": rules.weight_per_miss,
            "nomination_bonus": rules.nomination_bonus,
        },
        "booths": [
            {
                "id": b.id,
                "code": b.code,
                "features": sorted(b.features),
                "location_score": b.location_score,
                "neighbours": sorted(b.neighbours),
                "reserved_category_id": b.reserved_category_id,
                "unavailable_day_ids": sorted(b.unavailable_day_ids),
            }
            for b in sorted(snapshot.booths, key=lambda b: b.id)
        ],
        "days": [{"id": d.id, "day": d.day.isoformat()}
                 for d in sorted(snapshot.days, key=lambda d: d.id)],
        "applicants": [
            {
                "application_id": a.application_id,
                "trainee_id": a.trainee_id,
                "category_id": a.category_id,
                "day_ids": sorted(a.day_ids),
                "needs": sorted(a.needs),
                "preferred_booth_ids": list(a.preferred_booth_ids),
                "eligible": a.eligible,
                "ineligible_reason": a.ineligible_reason,
                "misses": a.misses,
                "location_history": list(a.location_history),
                "nominated": a.nominated,
                "busy_day_ids": sorted(a.busy_day_ids),
            }
            for a in sorted(snapshot.applicants, key=lambda a: a.application_id)
        ],
        "fixed": [
            {"booth_id": f.booth_id, "day_id": f.day_id, "trainee_id": f.trainee_id,
             "category_id": f.category_id}
            for f in sorted(snapshot.fixed, key=lambda f: (f.day_id, f.booth_id, f.trainee_id))
        ],
    }


def _check_format(data: Mapping[str, Any]) -> None:
    if not isinstance(data, Mapping) or data.get("format") != JSON_FORMAT:
        raise ValueError(f"not an allocation document of format {JSON_FORMAT}")


def snapshot_from_json(data: Mapping[str, Any]) -> Snapshot:
    """The inverse of :func:`snapshot_to_json`. Raises ValueError on a malformed document."""
    _check_format(data)
    try:
        r = data["rules"]
        rules = Rules(
            category_caps={int(cat): int(cap) for cat, cap in r["category_caps"]},
            allow_clusters=bool(r["allow_clusters"]),
            weight_per_miss=float(r["weight_per_miss"]),
            nomination_bonus=float(r["nomination_bonus"]),
        )
        booths = tuple(
            BoothSpec(
                id=int(b["id"]),
                code=str(b["code"]),
                features=frozenset(b["features"]),
                location_score=int(b["location_score"]),
                neighbours=frozenset(int(n) for n in b["neighbours"]),
                reserved_category_id=(None if b["reserved_category_id"] is None
                                      else int(b["reserved_category_id"])),
                unavailable_day_ids=frozenset(int(d) for d in b["unavailable_day_ids"]),
            )
            for b in data["booths"]
        )
        days = tuple(DaySpec(id=int(d["id"]), day=datetime.date.fromisoformat(d["day"]))
                     for d in data["days"])
        applicants = tuple(
            ApplicantSpec(
                application_id=int(a["application_id"]),
                trainee_id=int(a["trainee_id"]),
                category_id=int(a["category_id"]),
                day_ids=frozenset(int(d) for d in a["day_ids"]),
                needs=frozenset(a["needs"]),
                preferred_booth_ids=tuple(int(b) for b in a["preferred_booth_ids"]),
                eligible=bool(a["eligible"]),
                ineligible_reason=a["ineligible_reason"],
                misses=int(a["misses"]),
                location_history=tuple(int(s) for s in a["location_history"]),
                nominated=bool(a["nominated"]),
                # Runs stored before this field existed knew of no other market.
                busy_day_ids=frozenset(int(d) for d in a.get("busy_day_ids", ())),
            )
            for a in data["applicants"]
        )
        fixed = tuple(FixedAssignment(booth_id=int(f["booth_id"]), day_id=int(f["day_id"]),
                                      trainee_id=int(f["trainee_id"]),
                                      category_id=int(f["category_id"]))
                      for f in data["fixed"])
        return Snapshot(booths=booths, days=days, applicants=applicants, rules=rules,
                        fixed=fixed, seed=int(data["seed"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed snapshot document: {exc!r}") from exc


def result_to_json(result: Result) -> dict[str, Any]:
    """A JSON-able dict of ``result`` (lists in the order the allocator produced them)."""
    return {
        "format": JSON_FORMAT,
        "seed": result.seed,
        "placements": [
            {"application_id": p.application_id, "trainee_id": p.trainee_id,
             "booth_id": p.booth_id, "day_id": p.day_id, "reason": p.reason}
            for p in result.placements
        ],
        "unserved": [
            {"application_id": u.application_id, "trainee_id": u.trainee_id,
             "day_id": u.day_id, "reason": u.reason, "detail": u.detail}
            for u in result.unserved
        ],
        "lottery": [
            {"day_id": e.day_id, "rank": e.rank, "application_id": e.application_id,
             "trainee_id": e.trainee_id, "weight": e.weight, "draw": e.draw, "key": e.key}
            for e in result.lottery
        ],
        "misses_after": sorted([app, misses] for app, misses in result.misses_after.items()),
    }


def result_from_json(data: Mapping[str, Any]) -> Result:
    """The inverse of :func:`result_to_json`. Raises ValueError on a malformed document."""
    _check_format(data)
    try:
        return Result(
            placements=tuple(
                Placement(application_id=int(p["application_id"]),
                          trainee_id=int(p["trainee_id"]), booth_id=int(p["booth_id"]),
                          day_id=int(p["day_id"]), reason=str(p["reason"]))
                for p in data["placements"]),
            unserved=tuple(
                Unserved(application_id=int(u["application_id"]),
                         trainee_id=int(u["trainee_id"]), day_id=int(u["day_id"]),
                         reason=str(u["reason"]), detail=str(u["detail"]))
                for u in data["unserved"]),
            lottery=tuple(
                LotteryDraw(day_id=int(e["day_id"]), rank=int(e["rank"]),
                            application_id=int(e["application_id"]),
                            trainee_id=int(e["trainee_id"]), weight=float(e["weight"]),
                            draw=float(e["draw"]), key=float(e["key"]))
                for e in data["lottery"]),
            seed=int(data["seed"]),
            misses_after={int(app): int(m) for app, m in data["misses_after"]},
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed result document: {exc!r}") from exc


# --------------------------------------------------------------------------------------------
# The engine.


def allocate(snapshot: Snapshot) -> Result:
    """Allocate booths for every market day of ``snapshot``; a pure, deterministic function.

    The days are allocated one after the other in date order; each day goes like this:

    1. **Who is in the running.** Applications that are not eligible, that hold a booth that day
       already (a fixed assignment) or at another market on that date, or whose day is not a
       market day of the run are reported unserved with their reason.
    2. **Lottery.** Everyone else is drawn without replacement, weighted: weight
       ``1 + weight_per_miss * misses`` (``+ nomination_bonus`` if nominated), where ``misses``
       counts the days they were not served since they last were — it grows by one for each day
       they lose and resets to zero when they get a booth, also from one day of the run to the
       next. One ``random.Random(seed)`` draws ``u`` for each applicant, in day order and, within
       a day, in application-id order; the drawing order sorts by the Efraimidis–Spirakis key
       ``u ** (1 / weight)``, highest first, ties broken by the smaller application id. All of it
       is in ``Result.lottery``, so anyone can check a run from the published seed.
    3. **First round — the lottery decides who, rotation decides where.** Walking the drawing
       order, applicants join the first round while there are free booths for them (as many as
       free booths that day, no more of a category than its cap leaves, no more needing power or
       accessibility than there are such booths). The first round then picks in *rotation
       order*: the lowest average location score received this season first (booths they got on
       earlier days of this run count too; newcomers count as the venue's average score), equal
       averages in drawing order. Each takes a preferred booth if one is free and allowed,
       otherwise a free booth reserved for their category, otherwise the free allowed booth with
       the best location score. So whoever had the back corner last time chooses before whoever
       had the entrance, and scores even out over a season.
    4. **Second round.** Those not placed are tried in drawing order for what is left.
    5. **Reasons.** Every applicant-day not served gets the reason that holds at the end of the
       day (cap full, no booth left, none meets the needs, only reserved ones, neighbour rule).

    A booth is *allowed* for an applicant on a day when it is free that day (not blocked, not
    taken by a fixed assignment or this run), has every feature they need, is not reserved for
    another category, the category cap is not full, the trainee holds no booth that day yet,
    and — unless the market allows clusters — no booth side by side with it holds the same
    category. While picking, a booth with power or accessibility is left to those who need it
    whenever the applicants still waiting to pick need all such booths that are left; it is taken
    by someone without the need only if nothing else is allowed for them.

    Every applicant who ends up unserved was tried against every booth that was free at the time
    and constraints only tighten during a day, so no booth is left empty that an unserved
    eligible applicant could take without breaking a rule.
    """
    return _Run(snapshot).run()


class _Run:
    """One call of :func:`allocate` (mutable working state kept off the public types)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.rules = snapshot.rules
        self.booths = {b.id: b for b in snapshot.booths}
        # Symmetric neighbour sets over known booths.
        neighbours: dict[int, set[int]] = {b.id: set() for b in snapshot.booths}
        for b in snapshot.booths:
            for other in b.neighbours:
                if other in neighbours and other != b.id:
                    neighbours[b.id].add(other)
                    neighbours[other].add(b.id)
        self.neighbours = {bid: tuple(sorted(ns)) for bid, ns in neighbours.items()}
        # Best booths first: location score, then code and id for a stable order.
        self.order = sorted(snapshot.booths, key=lambda b: (-b.location_score, b.code, b.id))
        self.applicants = sorted(snapshot.applicants, key=lambda a: a.application_id)
        # Features somebody needs are the only ones worth protecting.
        self.needed_features = frozenset().union(*(a.needs for a in self.applicants))
        self.protectable = {b.id: tuple(sorted(b.features & self.needed_features))
                            for b in snapshot.booths}
        self._lists: dict[tuple, list[int]] = {}
        scores = [b.location_score for b in snapshot.booths]
        self.neutral_score = sum(scores) / len(scores) if scores else 50.0
        self.history = {a.application_id: list(a.location_history) for a in self.applicants}
        self.misses = {a.application_id: a.misses for a in self.applicants}
        self.placements: list[Placement] = []
        self.unserved: list[Unserved] = []
        self.lottery: list[LotteryDraw] = []

    # -- public ----------------------------------------------------------------------------

    def run(self) -> Result:
        rng = random.Random(self.snapshot.seed)
        day_ids = {d.id for d in self.snapshot.days}
        for day in sorted(self.snapshot.days, key=lambda d: (d.day, d.id)):
            self._allocate_day(day, rng)
        for a in self.applicants:
            for day_id in sorted(a.day_ids - day_ids):
                self.unserved.append(Unserved(a.application_id, a.trainee_id, day_id,
                                              "day_not_open",
                                              f"day {day_id} is not a market day of this run"))
        return Result(placements=tuple(self.placements), unserved=tuple(self.unserved),
                      lottery=tuple(self.lottery), seed=self.snapshot.seed,
                      misses_after=dict(self.misses))

    # -- one day ---------------------------------------------------------------------------

    def _candidate_list(self, source: tuple) -> list[int]:
        """Booths meeting a needs set, best first: ``("open", needs)`` the unreserved ones,
        ``("reserved", category, needs)`` those reserved for the category. Built once a run."""
        found = self._lists.get(source)
        if found is None:
            needs = source[-1]
            reserved = source[1] if source[0] == "reserved" else None
            found = [b.id for b in self.order
                     if b.reserved_category_id == reserved and needs <= b.features]
            self._lists[source] = found
        return found

    def _free_in(self, source: tuple) -> Iterator[int]:
        """The booths of a candidate list still free today, best first.

        Booths only ever get taken during a day, so a taken entry is skipped for good: ``skip``
        is a per-day "next entry that may still be free" forest with path compression (as in
        union-find), which keeps repeated scans near linear in the booths actually looked at.
        """
        booths = self._candidate_list(source)
        skip = self._skips.get(source)
        if skip is None:
            skip = self._skips[source] = list(range(len(booths) + 1))
        free = self.free
        end = len(booths)
        i = 0
        while True:
            # Find the first entry at or after i that is still free, compressing the path.
            root = i
            while True:
                while skip[root] != root:
                    root = skip[root]
                if root < end and booths[root] not in free:
                    skip[root] = root + 1
                    continue
                break
            while skip[i] != root and i != root:
                skip[i], i = root, skip[i]
            if root >= end:
                return
            yield booths[root]
            i = root + 1

    def _allocate_day(self, day: DaySpec, rng: random.Random) -> None:
        fixed = [f for f in self.snapshot.fixed if f.day_id == day.id]
        taken = {f.booth_id for f in fixed}
        self.free = {b.id for b in self.snapshot.booths
                     if day.id not in b.unavailable_day_ids and b.id not in taken}
        self.occupant: dict[int, int] = {f.booth_id: f.category_id for f in fixed}
        self.cat_count: dict[int, int] = {}
        for held in fixed:
            self.cat_count[held.category_id] = self.cat_count.get(held.category_id, 0) + 1
        self.busy: dict[int, int] = {f.trainee_id: f.booth_id for f in fixed}
        self.supply = {feat: sum(1 for bid in self.free if feat in self.booths[bid].features)
                       for feat in self.needed_features}
        self.demand = dict.fromkeys(self.needed_features, 0)
        self._skips: dict[tuple, list[int]] = {}
        self.failed: set[tuple[int, frozenset[str]]] = set()

        # 1. Who is in the running.
        candidates: list[ApplicantSpec] = []
        for a in self.applicants:
            if day.id not in a.day_ids:
                continue
            if not a.eligible:
                self._unserve(a, day, "ineligible", a.ineligible_reason or "not eligible")
            elif a.trainee_id in self.busy:
                booth = self.booths.get(self.busy[a.trainee_id])
                code = booth.code if booth else str(self.busy[a.trainee_id])
                self._unserve(a, day, "already_assigned",
                              f"holds booth {code} by a confirmed assignment")
            elif day.id in a.busy_day_ids:
                self._unserve(a, day, "busy_elsewhere",
                              f"holds a booth at another market on {day.day.isoformat()}")
            else:
                candidates.append(a)

        # 2. Lottery.
        draws = []
        for a in candidates:
            weight = self.rules.weight(a, self.misses[a.application_id])
            u = rng.random()
            draws.append((u ** (1.0 / weight), a.application_id, a, weight, u))
        draws.sort(key=lambda d: (-d[0], d[1]))
        standing: dict[int, int] = {}
        for rank, (key, app_id, a, weight, u) in enumerate(draws, start=1):
            standing[app_id] = rank
            self.lottery.append(LotteryDraw(day.id, rank, app_id, a.trainee_id, weight, u, key))
        drawn = [d[2] for d in draws]

        # 3. First round: admitted in drawing order, picking in rotation order.
        seats = len(self.free)
        admitted_cat: dict[int, int] = {}
        admitted_need = dict.fromkeys(self.needed_features, 0)
        first: list[ApplicantSpec] = []
        second: list[ApplicantSpec] = []
        caps = self.rules.category_caps
        for a in drawn:
            c = a.category_id
            fits = len(first) < seats
            cap = caps.get(c)
            if fits and cap is not None:
                fits = self.cat_count.get(c, 0) + admitted_cat.get(c, 0) < cap
            if fits:
                fits = all(admitted_need[f] < self.supply[f] for f in a.needs)
            if fits:
                first.append(a)
                admitted_cat[c] = admitted_cat.get(c, 0) + 1
                for f in a.needs:
                    admitted_need[f] += 1
            else:
                second.append(a)
        first.sort(key=lambda a: (self._average(a), standing[a.application_id]))
        placed: set[int] = set()
        for round_no, queue in ((1, first), (2, second)):
            for f in self.demand:
                self.demand[f] = 0
            for a in queue:
                for f in a.needs:
                    self.demand[f] += 1
            for a in queue:
                for f in a.needs:
                    self.demand[f] -= 1
                if self._try_place(a, day, round_no):
                    placed.add(a.application_id)

        # 4./5. Reasons for the rest (and, as a safety net, a last fill in drawing order).
        reasons: dict[tuple[int, frozenset[str]], tuple[str, str]] = {}
        for a in drawn:
            if a.application_id in placed:
                continue
            if a.trainee_id in self.busy:
                booth = self.booths[self.busy[a.trainee_id]]
                self._unserve(a, day, "already_assigned",
                              f"holds booth {booth.code} by another application")
                continue
            if self._try_place(a, day, 3):
                placed.add(a.application_id)
                reasons.clear()
                continue
            self.misses[a.application_id] += 1
            group = (a.category_id, a.needs)
            if group not in reasons:
                reasons[group] = self._reason(a)
            code, detail = reasons[group]
            rank = standing[a.application_id]
            self._unserve(a, day, code, f"{detail} (lottery rank {rank} of {len(drawn)})")

    def _average(self, a: ApplicantSpec) -> float:
        history = self.history[a.application_id]
        return sum(history) / len(history) if history else self.neutral_score

    def _unserve(self, a: ApplicantSpec, day: DaySpec, code: str, detail: str) -> None:
        self.unserved.append(Unserved(a.application_id, a.trainee_id, day.id, code, detail))

    # -- picking a booth -------------------------------------------------------------------

    def _allowed(self, booth_id: int, category: int) -> bool:
        """Free-and-needs are checked by the caller; here: reservation and neighbours."""
        reserved = self.booths[booth_id].reserved_category_id
        if reserved is not None and reserved != category:
            return False
        if self.rules.allow_clusters:
            return True
        occupant = self.occupant
        return all(occupant.get(n) != category for n in self.neighbours[booth_id])

    def _wasteful(self, booth_id: int, needs: frozenset[str]) -> bool:
        """Would taking the booth use up power/accessibility that those still waiting need?"""
        for f in self.protectable[booth_id]:
            if f not in needs and self.demand[f] >= self.supply[f]:
                return True
        return False

    def _try_place(self, a: ApplicantSpec, day: DaySpec, round_no: int) -> bool:
        if a.trainee_id in self.busy:
            return False
        c = a.category_id
        cap = self.rules.category_caps.get(c)
        if cap is not None and self.cat_count.get(c, 0) >= cap:
            return False
        group = (c, a.needs)
        if group in self.failed:
            return False
        free = self.free
        needs = a.needs
        fallback: tuple[int, str] | None = None

        for bid in a.preferred_booth_ids:
            if bid in free and needs <= self.booths[bid].features and self._allowed(bid, c):
                if not self._wasteful(bid, needs):
                    return self._place(a, day, bid, "preferred_booth")
                if fallback is None:
                    fallback = (bid, "preferred_booth")
        how = "rotation" if round_no == 1 else "next_in_lottery"
        for source, label in ((("reserved", c, needs), "reserved_for_category"),
                              (("open", needs), how)):
            for bid in self._free_in(source):
                if self._allowed(bid, c):
                    if not self._wasteful(bid, needs):
                        return self._place(a, day, bid, label)
                    if fallback is None:
                        fallback = (bid, label)
        if fallback is not None:
            return self._place(a, day, *fallback)
        self.failed.add(group)
        return False

    def _place(self, a: ApplicantSpec, day: DaySpec, booth_id: int, how: str) -> bool:
        booth = self.booths[booth_id]
        self.free.discard(booth_id)
        self.occupant[booth_id] = a.category_id
        self.cat_count[a.category_id] = self.cat_count.get(a.category_id, 0) + 1
        self.busy[a.trainee_id] = booth_id
        for f in self.protectable[booth_id]:
            self.supply[f] -= 1
        self.history[a.application_id].append(booth.location_score)
        self.misses[a.application_id] = 0
        self.placements.append(Placement(a.application_id, a.trainee_id, booth_id, day.id, how))
        return True

    def _reason(self, a: ApplicantSpec) -> tuple[str, str]:
        """Why ``a`` cannot be placed in the final state of the day."""
        c = a.category_id
        cap = self.rules.category_caps.get(c)
        if cap is not None and self.cat_count.get(c, 0) >= cap:
            return "category_cap_reached", f"category {c} holds its cap of {cap} booths"
        if not self.free:
            return "no_booth_left", "all booths taken"
        fitting = [bid for bid in self.free if a.needs <= self.booths[bid].features]
        if not fitting:
            return ("no_booth_meets_needs",
                    f"{len(self.free)} booths free, none with {', '.join(sorted(a.needs))}")
        if all(self.booths[bid].reserved_category_id not in (None, c) for bid in fitting):
            return ("reserved_for_other_category",
                    f"{len(fitting)} fitting booths free, all reserved for other categories")
        return ("neighbour_rule",
                f"{len(fitting)} fitting booths free, each next to category {c}")
