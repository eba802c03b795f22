"""What the allocation engine takes (booths, days, applicants, rules, a seed) and gives
(placements, unserved applicant-days with their reasons, the lottery): frozen values."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

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
    # Per day, a drawing order kept from an earlier run: (day id, application ids first drawn
    # first). A booth-day offered from the waitlist and passed on goes to the next applicant
    # of the lottery that offered it, not to a new draw; whoever is not in it comes after.
    kept_order: tuple[tuple[int, tuple[int, ...]], ...] = ()

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
