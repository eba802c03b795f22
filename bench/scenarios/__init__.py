"""Benchmark scenarios: named lists of GET paths with their targets.

A scenario is a function that, inside an app context on the generated database, returns the
request paths wrk rotates through. Register one in any module of this package (modules are
imported by `load_all`)::

    @scenario("cart", "Cart page of a signed-in buyer", targets={"sqlite": 0.3,
              "postgresql": 0.2})
    def cart_paths(rng: random.Random, count: int) -> list[str]:
        ...

`targets` are the lowest acceptable ratios of the app's requests per second to bare Flask's,
per database dialect, for anonymous visitors (`bench.run --mode anonymous`);
`signed_in_targets` the same for a signed-in buyer (`--mode signed-in`, issue 15);
`max_p99_ms` an optional latency ceiling at the run's connection count.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections.abc import Callable
from dataclasses import dataclass, field

PathBuilder = Callable[[random.Random, int], list[str]]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    build_paths: PathBuilder
    targets: dict[str, float] = field(default_factory=dict)
    max_p99_ms: float | None = None
    # Extra request headers (a session cookie, Accept-Language …), the same for every request.
    headers: dict[str, str] = field(default_factory=dict)
    signed_in_targets: dict[str, float] = field(default_factory=dict)


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, title: str, targets: dict[str, float] | None = None,
             max_p99_ms: float | None = None, headers: dict[str, str] | None = None,
             signed_in_targets: dict[str, float] | None = None):
    def register(build: PathBuilder) -> PathBuilder:
        if name in SCENARIOS:
            raise ValueError(f"scenario {name!r} is registered twice")
        SCENARIOS[name] = Scenario(name, title, build, targets or {}, max_p99_ms,
                                   headers or {}, signed_in_targets or {})
        return build

    return register


def load_all() -> dict[str, Scenario]:
    """Import every module of this package so their scenarios register, in name order."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")
    return SCENARIOS
