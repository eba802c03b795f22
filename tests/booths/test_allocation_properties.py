"""Property tests of the booth allocator on random markets (hypothesis).

Each rule has its own checker below, written from the rule's statement and independent of the
allocator's code: the checkers look only at the snapshot and the result. ``bench/allocator.py``
runs the same checkers on the benchmark markets.
"""

from __future__ import annotations

import datetime
import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.booths.allocation.engine import allocate
from marketplace.booths.allocation.model import (
    UNSERVED_REASONS,
    ApplicantSpec,
    BoothSpec,
    DaySpec,
    FixedAssignment,
    Result,
    Rules,
    Snapshot,
)
from marketplace.booths.allocation.replay import (
    result_from_json,
    result_to_json,
    snapshot_from_json,
    snapshot_to_json,
)

CATEGORIES = (1, 2, 3, 4)
NOT_IN_THE_RUNNING = {"ineligible", "already_assigned", "busy_elsewhere", "day_not_open"}


# ---------------------------------------------------------------------------------------------
# Independent checkers. Each returns a list of human-readable violations (empty = the rule holds).


def _side_by_side(snapshot: Snapshot) -> dict[int, set[int]]:
    """Neighbour relation from the booth specs, symmetric (listed on either booth)."""
    known = {b.id for b in snapshot.booths}
    pairs: dict[int, set[int]] = {b.id: set() for b in snapshot.booths}
    for b in snapshot.booths:
        for n in b.neighbours:
            if n in known and n != b.id:
                pairs[b.id].add(n)
                pairs[n].add(b.id)
    return pairs


def _occupancy(snapshot: Snapshot, result: Result) -> dict[tuple[int, int], list[int]]:
    """(booth, day) -> categories of everyone in it (fixed and placed)."""
    by_app = {a.application_id: a for a in snapshot.applicants}
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for f in snapshot.fixed:
        cells[(f.booth_id, f.day_id)].append(f.category_id)
    for p in result.placements:
        cells[(p.booth_id, p.day_id)].append(by_app[p.application_id].category_id)
    return cells


def check_placements_refer_to_the_snapshot(snapshot: Snapshot, result: Result) -> list[str]:
    booths = {b.id for b in snapshot.booths}
    days = {d.id for d in snapshot.days}
    by_app = {a.application_id: a for a in snapshot.applicants}
    problems = []
    for p in result.placements:
        a = by_app.get(p.application_id)
        if a is None or a.trainee_id != p.trainee_id:
            problems.append(f"{p}: unknown application or wrong trainee")
        elif p.day_id not in a.day_ids:
            problems.append(f"{p}: the applicant did not apply for this day")
        if p.booth_id not in booths or p.day_id not in days:
            problems.append(f"{p}: unknown booth or day")
    return problems


def check_eligibility(snapshot: Snapshot, result: Result) -> list[str]:
    by_app = {a.application_id: a for a in snapshot.applicants}
    return [f"{p}: applicant is not eligible" for p in result.placements
            if not by_app[p.application_id].eligible]


def check_booth_once_per_day(snapshot: Snapshot, result: Result) -> list[str]:
    count = Counter((f.booth_id, f.day_id) for f in snapshot.fixed)
    count.update((p.booth_id, p.day_id) for p in result.placements)
    placed_cells = {(p.booth_id, p.day_id) for p in result.placements}
    return [f"booth {b} given {n} times on day {d}" for (b, d), n in count.items()
            if n > 1 and (b, d) in placed_cells]


def check_trainee_once_per_day(snapshot: Snapshot, result: Result) -> list[str]:
    count = Counter((f.trainee_id, f.day_id) for f in snapshot.fixed)
    count.update((p.trainee_id, p.day_id) for p in result.placements)
    placed = {(p.trainee_id, p.day_id) for p in result.placements}
    return [f"trainee {t} holds {n} booths on day {d}" for (t, d), n in count.items()
            if n > 1 and (t, d) in placed]


def check_trainee_not_busy_elsewhere(snapshot: Snapshot, result: Result) -> list[str]:
    """No one is placed on a date they already hold a booth at another market."""
    by_app = {a.application_id: a for a in snapshot.applicants}
    return [f"{p}: the trainee holds a booth at another market that date"
            for p in result.placements if p.day_id in by_app[p.application_id].busy_day_ids]


def check_booth_available(snapshot: Snapshot, result: Result) -> list[str]:
    booths = {b.id: b for b in snapshot.booths}
    return [f"{p}: booth blocked that day" for p in result.placements
            if p.booth_id in booths and p.day_id in booths[p.booth_id].unavailable_day_ids]


def check_needs(snapshot: Snapshot, result: Result) -> list[str]:
    booths = {b.id: b for b in snapshot.booths}
    by_app = {a.application_id: a for a in snapshot.applicants}
    return [f"{p}: booth lacks a needed feature"
            for p in result.placements
            if not by_app[p.application_id].needs <= booths[p.booth_id].features]


def check_reserved_booths(snapshot: Snapshot, result: Result) -> list[str]:
    booths = {b.id: b for b in snapshot.booths}
    by_app = {a.application_id: a for a in snapshot.applicants}
    problems = []
    for p in result.placements:
        reserved = booths[p.booth_id].reserved_category_id
        if reserved is not None and reserved != by_app[p.application_id].category_id:
            problems.append(f"{p}: booth reserved for category {reserved}")
    return problems


def check_category_caps(snapshot: Snapshot, result: Result) -> list[str]:
    by_app = {a.application_id: a for a in snapshot.applicants}
    held = Counter((f.category_id, f.day_id) for f in snapshot.fixed)
    new = Counter((by_app[p.application_id].category_id, p.day_id) for p in result.placements)
    held.update(new)
    caps = snapshot.rules.category_caps
    return [f"category {c} holds {held[(c, d)]} booths on day {d}, cap {caps[c]}"
            for (c, d) in new if c in caps and held[(c, d)] > caps[c]]


def check_neighbour_rule(snapshot: Snapshot, result: Result) -> list[str]:
    if snapshot.rules.allow_clusters:
        return []
    pairs = _side_by_side(snapshot)
    cells = _occupancy(snapshot, result)
    by_app = {a.application_id: a for a in snapshot.applicants}
    problems = []
    for p in result.placements:
        category = by_app[p.application_id].category_id
        for n in pairs[p.booth_id]:
            if category in cells.get((n, p.day_id), []):
                problems.append(f"{p}: booth {n} next to it holds category {category} too")
    return problems


def check_every_applicant_day_accounted_for(snapshot: Snapshot, result: Result) -> list[str]:
    outcomes = Counter((p.application_id, p.day_id) for p in result.placements)
    outcomes.update((u.application_id, u.day_id) for u in result.unserved)
    expected = {(a.application_id, d) for a in snapshot.applicants for d in a.day_ids}
    problems = [f"application {a} day {d}: {outcomes[(a, d)]} outcomes"
                for (a, d) in expected if outcomes[(a, d)] != 1]
    problems += [f"outcome for application {a} day {d} it did not apply for"
                 for (a, d) in outcomes if (a, d) not in expected]
    by_app = {a.application_id: a for a in snapshot.applicants}
    for u in result.unserved:
        if u.reason not in UNSERVED_REASONS:
            problems.append(f"{u}: unknown reason")
        a = by_app.get(u.application_id)
        days = {d.id for d in snapshot.days}
        if a is not None and not a.eligible and u.day_id in days and u.reason != "ineligible":
            problems.append(f"{u}: an ineligible applicant must be reported as ineligible")
    return problems


def check_maximality(snapshot: Snapshot, result: Result) -> list[str]:
    """No booth-day is left empty while an eligible unserved applicant could take it without
    breaking a rule (every rule checked again here, from the final state)."""
    by_app = {a.application_id: a for a in snapshot.applicants}
    days = {d.id for d in snapshot.days}
    cells = _occupancy(snapshot, result)
    pairs = _side_by_side(snapshot)
    holders = {(f.trainee_id, f.day_id) for f in snapshot.fixed}
    holders |= {(p.trainee_id, p.day_id) for p in result.placements}
    used = Counter()
    for (_, day_id), cats in cells.items():
        used.update((c, day_id) for c in cats)
    caps = snapshot.rules.category_caps
    problems = []
    for u in result.unserved:
        a = by_app[u.application_id]
        if u.day_id not in days or not a.eligible or (a.trainee_id, u.day_id) in holders \
                or u.day_id in a.busy_day_ids:
            continue
        if a.category_id in caps and used[(a.category_id, u.day_id)] >= caps[a.category_id]:
            continue
        for booth in snapshot.booths:
            if cells.get((booth.id, u.day_id)) or u.day_id in booth.unavailable_day_ids:
                continue
            if not a.needs <= booth.features:
                continue
            if booth.reserved_category_id not in (None, a.category_id):
                continue
            if not snapshot.rules.allow_clusters and any(
                    a.category_id in cells.get((n, u.day_id), []) for n in pairs[booth.id]):
                continue
            problems.append(f"{u}: booth {booth.id} is empty and allowed")
    return problems


def check_reasons_hold(snapshot: Snapshot, result: Result) -> list[str]:
    """The reason given for an unserved applicant-day is true of the final state."""
    by_app = {a.application_id: a for a in snapshot.applicants}
    cells = _occupancy(snapshot, result)
    days = {d.id for d in snapshot.days}
    holders = {(f.trainee_id, f.day_id) for f in snapshot.fixed}
    holders |= {(p.trainee_id, p.day_id) for p in result.placements}
    used = Counter()
    for (_, day_id), cats in cells.items():
        used.update((c, day_id) for c in cats)
    empty_by_day = {d: [b for b in snapshot.booths
                        if not cells.get((b.id, d)) and d not in b.unavailable_day_ids]
                    for d in days}
    problems = []
    for u in result.unserved:
        a = by_app[u.application_id]
        empty = empty_by_day.get(u.day_id, [])
        fitting = [b for b in empty if a.needs <= b.features]
        cap = snapshot.rules.category_caps.get(a.category_id)
        holds = {
            "ineligible": not a.eligible,
            "day_not_open": u.day_id not in days,
            "already_assigned": (a.trainee_id, u.day_id) in holders,
            "busy_elsewhere": u.day_id in a.busy_day_ids,
            "category_cap_reached": cap is not None and used[(a.category_id, u.day_id)] >= cap,
            "no_booth_left": not empty,
            "no_booth_meets_needs": bool(empty) and not fitting,
            "reserved_for_other_category": bool(fitting) and all(
                b.reserved_category_id not in (None, a.category_id) for b in fitting),
            "neighbour_rule": bool(fitting) and not snapshot.rules.allow_clusters,
        }.get(u.reason, False)
        if not holds:
            problems.append(f"{u}: the reason does not hold")
    return problems


CHECKERS: tuple[Callable[[Snapshot, Result], list[str]], ...] = (
    check_placements_refer_to_the_snapshot,
    check_eligibility,
    check_booth_once_per_day,
    check_trainee_once_per_day,
    check_trainee_not_busy_elsewhere,
    check_booth_available,
    check_needs,
    check_reserved_booths,
    check_category_caps,
    check_neighbour_rule,
    check_every_applicant_day_accounted_for,
    check_maximality,
    check_reasons_hold,
)


def rule_violations(snapshot: Snapshot, result: Result) -> list[str]:
    """All violations found by all checkers, each prefixed with the checker's name."""
    return [f"{checker.__name__}: {problem}" for checker in CHECKERS
            for problem in checker(snapshot, result)]


# ---------------------------------------------------------------------------------------------
# Random markets.

FEATURE_SETS = st.frozensets(st.sampled_from(["power", "corner", "covered", "accessible"]))
NEED_SETS = st.frozensets(st.sampled_from(["power", "accessible"]), max_size=2)


@st.composite
def markets(draw: st.DrawFn, max_booths: int = 14, max_applicants: int = 24) -> Snapshot:
    day_count = draw(st.integers(1, 3))
    days = tuple(DaySpec(id=10 + i, day=datetime.date(2026, 3, 6) + datetime.timedelta(days=7 * i))
                 for i in range(day_count))
    day_ids = [d.id for d in days]
    booth_count = draw(st.integers(1, max_booths))
    booths = []
    for i in range(1, booth_count + 1):
        # A row of booths: the right-hand neighbour unless a walkway breaks the row; sometimes
        # the link is listed on one side only, and sometimes there is an extra link across.
        neighbours = set()
        if i < booth_count and draw(st.booleans()):
            neighbours.add(i + 1)
        if booth_count > 2 and draw(st.integers(0, 5)) == 0:
            neighbours.add(draw(st.integers(1, booth_count)))
        booths.append(BoothSpec(
            id=i, code=f"B{i}",
            features=draw(FEATURE_SETS),
            location_score=draw(st.integers(0, 100)),
            neighbours=frozenset(neighbours),
            reserved_category_id=draw(st.one_of(st.none(), st.none(), st.none(),
                                                st.sampled_from(CATEGORIES))),
            unavailable_day_ids=draw(st.frozensets(st.sampled_from(day_ids), max_size=1)),
        ))
    applicant_count = draw(st.integers(0, max_applicants))
    trainee_pool = draw(st.integers(max(1, applicant_count - 2), max(1, applicant_count)))
    applicants = []
    for i in range(1, applicant_count + 1):
        eligible = draw(st.integers(0, 7)) > 0
        applicants.append(ApplicantSpec(
            application_id=100 + i,
            trainee_id=draw(st.integers(1, trainee_pool)),
            category_id=draw(st.sampled_from(CATEGORIES)),
            day_ids=draw(st.frozensets(st.sampled_from([*day_ids, 99]), min_size=1)),
            needs=draw(NEED_SETS),
            preferred_booth_ids=tuple(draw(st.lists(st.integers(1, booth_count + 1),
                                                    max_size=3, unique=True))),
            eligible=eligible,
            ineligible_reason=None if eligible else "struck_out",
            misses=draw(st.integers(0, 4)),
            location_history=tuple(draw(st.lists(st.integers(0, 100), max_size=3))),
            nominated=draw(st.booleans()),
            busy_day_ids=draw(st.frozensets(st.sampled_from(day_ids), max_size=1))
            if draw(st.integers(0, 4)) == 0 else frozenset(),
        ))
    caps = draw(st.dictionaries(st.sampled_from(CATEGORIES), st.integers(0, 4), max_size=3))
    rules = Rules(category_caps=caps, allow_clusters=draw(st.integers(0, 3)) == 0,
                  weight_per_miss=draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])),
                  nomination_bonus=draw(st.sampled_from([0.0, 0.5, 2.0])))
    fixed = []
    taken: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(0, 4))):
        booth_id = draw(st.integers(1, booth_count))
        day_id = draw(st.sampled_from(day_ids))
        trainee_id = draw(st.integers(1, trainee_pool + 3))
        if (booth_id, day_id) in taken or (trainee_id, day_id) in taken_trainees(fixed):
            continue
        taken.add((booth_id, day_id))
        category = draw(st.sampled_from(CATEGORIES))
        fixed.append(FixedAssignment(booth_id, day_id, trainee_id, category))
    return Snapshot(booths=tuple(booths), days=days, applicants=tuple(applicants), rules=rules,
                    fixed=tuple(fixed), seed=draw(st.integers(0, 2**32)))


def taken_trainees(fixed: list[FixedAssignment]) -> set[tuple[int, int]]:
    return {(f.trainee_id, f.day_id) for f in fixed}


PROPERTY = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Replay and JSON properties need fewer examples than the rules themselves.
FEWER = settings(PROPERTY, max_examples=40)


# ---------------------------------------------------------------------------------------------
# Properties.


@PROPERTY
@given(markets())
def test_no_rule_is_ever_broken(snapshot):
    result = allocate(snapshot)
    assert rule_violations(snapshot, result) == []


@settings(PROPERTY, max_examples=25)
@given(markets(max_booths=30, max_applicants=60))
def test_no_rule_is_ever_broken_on_crowded_markets(snapshot):
    result = allocate(snapshot)
    assert rule_violations(snapshot, result) == []


@FEWER
@given(markets(), st.randoms(use_true_random=False))
def test_same_seed_same_result_whatever_the_input_order(snapshot, shuffler):
    first = allocate(snapshot)
    assert allocate(snapshot) == first
    booths, applicants, days, fixed = (list(snapshot.booths), list(snapshot.applicants),
                                       list(snapshot.days), list(snapshot.fixed))
    for items in (booths, applicants, days, fixed):
        shuffler.shuffle(items)
    shuffled = Snapshot(booths=tuple(booths), days=tuple(days), applicants=tuple(applicants),
                        rules=snapshot.rules, fixed=tuple(fixed), seed=snapshot.seed)
    assert allocate(shuffled) == first


@FEWER
@given(markets())
def test_json_round_trip_replays_the_same_run(snapshot):
    stored = json.loads(json.dumps(snapshot_to_json(snapshot), sort_keys=True))
    replayed_snapshot = snapshot_from_json(stored)
    assert replayed_snapshot == snapshot
    result = allocate(snapshot)
    assert allocate(replayed_snapshot) == result
    assert result_from_json(json.loads(json.dumps(result_to_json(result)))) == result
    assert snapshot_to_json(replayed_snapshot) == snapshot_to_json(snapshot)


@FEWER
@given(markets())
def test_lottery_is_recomputable_from_the_published_seed(snapshot):
    """Efraimidis–Spirakis from random.Random(seed), recomputed here from the docs' recipe."""
    result = allocate(snapshot)
    rng = random.Random(snapshot.seed)
    by_day = defaultdict(list)
    for entry in result.lottery:
        by_day[entry.day_id].append(entry)
    misses = {a.application_id: a.misses for a in snapshot.applicants}
    served = {(p.application_id, p.day_id) for p in result.placements}
    rules = snapshot.rules
    for day in sorted(snapshot.days, key=lambda d: d.day):
        holders = {f.trainee_id for f in snapshot.fixed if f.day_id == day.id}
        drawn = []
        for a in sorted(snapshot.applicants, key=lambda a: a.application_id):
            if day.id not in a.day_ids or not a.eligible or a.trainee_id in holders \
                    or day.id in a.busy_day_ids:
                continue
            weight = 1 + rules.weight_per_miss * misses[a.application_id] + (
                rules.nomination_bonus if a.nominated else 0)
            u = rng.random()
            drawn.append((-(u ** (1 / weight)), a.application_id, weight, u))
        drawn.sort()
        entries = by_day.get(day.id, [])
        assert [(e.application_id, e.rank) for e in entries] == [
            (app, rank) for rank, (_, app, _, _) in enumerate(drawn, start=1)]
        for entry, (_, _, weight, u) in zip(entries, drawn, strict=True):
            assert entry.weight == weight and entry.draw == u
        # Misses carry from one day of the run to the next: reset when served, +1 when not.
        unserved_here = {u.application_id: u.reason for u in result.unserved
                         if u.day_id == day.id}
        for _, app, _, _ in drawn:
            if (app, day.id) in served:
                misses[app] = 0
            elif unserved_here.get(app) != "already_assigned":
                misses[app] += 1
    assert dict(result.misses_after) == misses


def test_more_misses_are_served_more_often():
    """Over a fixed set of seeds, a bigger weight wins proportionally more often."""
    booths = tuple(BoothSpec(id=i, code=f"B{i}") for i in (1, 2))
    day = DaySpec(1, datetime.date(2026, 3, 6))
    applicants = tuple(ApplicantSpec(application_id=i, trainee_id=i, category_id=i,
                                     day_ids=frozenset({1}), misses=misses)
                       for i, misses in ((1, 0), (2, 0), (3, 2), (4, 5)))
    wins = Counter()
    for seed in range(600):
        snapshot = Snapshot(booths=booths, days=(day,), applicants=applicants,
                            rules=Rules(weight_per_miss=1.0), seed=seed)
        wins.update(p.application_id for p in allocate(snapshot).placements)
    # Weights 1, 1, 3, 6: the six-weight applicant is served most, the unweighted least.
    assert wins[4] > wins[3] > max(wins[1], wins[2])
    assert wins[4] > 2 * max(wins[1], wins[2])
    assert abs(wins[1] - wins[2]) < 60
    assert sum(wins.values()) == 2 * 600


def test_misses_beat_no_misses_across_random_markets():
    """Statistically, on crowded random markets, served share rises with misses."""
    served = Counter()
    applied = Counter()
    for seed in range(40):
        rng = random.Random(seed)
        booths = tuple(BoothSpec(id=i, code=f"B{i}", location_score=rng.randint(0, 100))
                       for i in range(1, 11))
        applicants = tuple(ApplicantSpec(application_id=i, trainee_id=i,
                                         category_id=rng.randint(1, 30),
                                         day_ids=frozenset({1}), misses=i % 3)
                           for i in range(1, 31))
        snapshot = Snapshot(booths=booths, days=(DaySpec(1, datetime.date(2026, 3, 6)),),
                            applicants=applicants, rules=Rules(weight_per_miss=1.5), seed=seed)
        result = allocate(snapshot)
        for a in applicants:
            applied[a.misses] += 1
        for p in result.placements:
            served[p.application_id % 3] += 1
    share = {m: served[m] / applied[m] for m in (0, 1, 2)}
    assert share[2] > share[1] > share[0]
