"""The allocation engine: ``allocate``, a pure, deterministic function of a snapshot."""

from __future__ import annotations

import random
from collections.abc import Iterator

from marketplace.booths.allocation.model import (
    ApplicantSpec,
    DaySpec,
    LotteryDraw,
    Placement,
    Result,
    Snapshot,
    Unserved,
)


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
        kept = dict(self.snapshot.kept_order).get(day.id)
        if kept:  # the order of an earlier lottery holds (Snapshot.kept_order)
            position = {app_id: i for i, app_id in enumerate(kept)}
            draws.sort(key=lambda d: (position.get(d[1], len(kept)), -d[0], d[1]))
        else:
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
