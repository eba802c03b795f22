"""Benchmark of the booth allocator (issue 5).

Builds a random market with every rule switched on — category caps, reserved booths, the
neighbour rule, power/accessibility needs, preferred booths, fixed (already confirmed)
assignments, blocked booth-days, ineligible applicants, misses and nominations, rotation
histories — times ``allocate`` on it, checks every rule on the output with the independent
checkers of the property tests, and repeats as the market doubles.

    .venv/bin/python bench/allocator.py            # 1,000 applications, 300 booths, 4 days; 2x, 4x
    .venv/bin/python bench/allocator.py --repeat 5 --scales 1 2 4 8

Prints a markdown table (median wall-clock and best CPU seconds of ``allocate`` alone; the
growth column compares CPU time with the previous row, which is steadier than wall time on a
busy machine). Exits non-zero if any rule is broken or scale 1 takes 2 s or more. Target: under 2 s
at scale 1.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace.booths.allocation.engine import allocate
from marketplace.booths.allocation.model import (
    ApplicantSpec,
    BoothSpec,
    DaySpec,
    FixedAssignment,
    Rules,
    Snapshot,
)
from tests.booths.test_allocation_properties import rule_violations

CATEGORIES = tuple(range(1, 13))
SEGMENT = 6  # booths in a row between two walkways


def make_market(applications: int, booths: int, days: int, seed: int) -> Snapshot:
    """A random market: rows of booths broken by walkways every SEGMENT booths."""
    rng = random.Random(seed)
    row_length = 30
    day_specs = tuple(DaySpec(id=100 + i, day=datetime.date(2026, 3, 6) + datetime.timedelta(
        weeks=i)) for i in range(days))
    day_ids = [d.id for d in day_specs]
    specs = []
    for i in range(booths):
        row, col = divmod(i, row_length)
        neighbours = set()
        if col % SEGMENT and col > 0:
            neighbours.add(i)  # ids are i + 1; left neighbour of booth i + 1 is booth i
        if (col + 1) % SEGMENT and col + 1 < row_length and i + 1 < booths:
            neighbours.add(i + 2)
        features = set()
        if rng.random() < 0.4:
            features.add("power")
        if rng.random() < 0.5:
            features.add("covered")
        if rng.random() < 0.15:
            features.add("accessible")
        if col % SEGMENT in (0, SEGMENT - 1):
            features.add("corner")
        score = max(0, min(100, 90 - 6 * row + rng.randint(-15, 15)))
        reserved = rng.choice(CATEGORIES[:3]) if rng.random() < 0.05 else None
        blocked = frozenset(d for d in day_ids if rng.random() < 0.03)
        specs.append(BoothSpec(id=i + 1, code=f"{chr(65 + row % 26)}{row // 26 or ''}{col + 1}",
                               features=frozenset(features), location_score=score,
                               neighbours=frozenset(neighbours), reserved_category_id=reserved,
                               unavailable_day_ids=blocked))
    booth_ids = [b.id for b in specs]
    # Already confirmed assignments: 3% of the booth-days, held by trainees outside the run.
    fixed = []
    for d in day_ids:
        for bid in rng.sample(booth_ids, booths * 3 // 100):
            if d not in specs[bid - 1].unavailable_day_ids:
                fixed.append(FixedAssignment(booth_id=bid, day_id=d,
                                             trainee_id=1_000_000 + len(fixed),
                                             category_id=rng.choice(CATEGORIES)))
    # Drop fixed assignments that would themselves break the neighbour rule.
    occupied: dict[tuple[int, int], int] = {}
    kept = []
    for f in fixed:
        spec = specs[f.booth_id - 1]
        if any(occupied.get((n, f.day_id)) == f.category_id for n in spec.neighbours):
            continue
        occupied[(f.booth_id, f.day_id)] = f.category_id
        kept.append(f)
    applicants = []
    for i in range(applications):
        needs = set()
        if rng.random() < 0.3:
            needs.add("power")
        if rng.random() < 0.06:
            needs.add("accessible")
        eligible = rng.random() > 0.04
        applicants.append(ApplicantSpec(
            application_id=i + 1,
            trainee_id=i + 1,
            category_id=rng.choice(CATEGORIES),
            day_ids=frozenset(rng.sample(day_ids, rng.randint(1, days))),
            needs=frozenset(needs),
            preferred_booth_ids=tuple(rng.sample(booth_ids, rng.randint(0, 3))),
            eligible=eligible,
            ineligible_reason=None if eligible else rng.choice(["not_active_vendor",
                                                                 "struck_out"]),
            misses=rng.choice([0, 0, 0, 1, 1, 2, 3]),
            location_history=tuple(rng.randint(0, 100) for _ in range(rng.randint(0, 6))),
            nominated=rng.random() < 0.1,
        ))
    per_category = max(1, booths // len(CATEGORIES))
    caps = {c: per_category + rng.randint(0, per_category) for c in CATEGORIES[::2]}
    return Snapshot(booths=tuple(specs), days=day_specs, applicants=tuple(applicants),
                    rules=Rules(category_caps=caps, allow_clusters=False, weight_per_miss=1.0,
                                nomination_bonus=0.5),
                    fixed=tuple(kept), seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--booths", type=int, default=300)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per scale (median wall clock, best process CPU time)")
    parser.add_argument("--seed", type=int, default=20260306)
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()} on {platform.machine()} "
          f"({platform.processor() or platform.system()})")
    print()
    print("| scale | applications | booths | days | applicant-days | placed | unserved "
          "| wall s (median) | CPU s (best) | CPU growth | rules |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    previous = None
    ok_all = True
    for scale in args.scales:
        snapshot = make_market(args.applications * scale, args.booths * scale, args.days,
                               args.seed)
        times, cpu_times = [], []
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = allocate(snapshot)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
        median, cpu = statistics.median(times), min(cpu_times)
        problems = rule_violations(snapshot, result)
        ok_all = ok_all and not problems and not (scale == 1 and median >= 2.0)
        applicant_days = sum(len(a.day_ids) for a in snapshot.applicants)
        growth = f"{cpu / previous:.2f}x" if previous else "—"
        previous = cpu
        print(f"| {scale}x | {len(snapshot.applicants):,} | {len(snapshot.booths):,} "
              f"| {len(snapshot.days)} | {applicant_days:,} | {len(result.placements):,} "
              f"| {len(result.unserved):,} | {median:.3f} | {cpu:.3f} | {growth} "
              f"| {'all hold' if not problems else '; '.join(problems[:3])} |")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
