"""Snapshots and results as JSON documents, to store with every run and replay it. Plain dicts
and lists of ints, strings, floats and bools, with a deterministic ordering, so equal snapshots
give equal JSON."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from marketplace.booths.allocation.model import (
    ApplicantSpec,
    BoothSpec,
    DaySpec,
    FixedAssignment,
    LotteryDraw,
    Placement,
    Result,
    Rules,
    Snapshot,
    Unserved,
)

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
        # Only when there is one: documents of runs without it stay as they were.
        **({"kept_order": [[day_id, list(order)] for day_id, order in snapshot.kept_order]}
           if snapshot.kept_order else {}),
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
        kept_order = tuple((int(day_id), tuple(int(a) for a in order))
                           for day_id, order in data.get("kept_order", ()))
        return Snapshot(booths=booths, days=days, applicants=applicants, rules=rules,
                        fixed=fixed, seed=int(data["seed"]), kept_order=kept_order)
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
