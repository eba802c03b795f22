"""Reference points without targets: what the app's fixed cost per request leaves of bare
Flask's throughput, so the scenario ratios can be read against a ceiling."""

from __future__ import annotations

import random

from bench.scenarios import scenario


@scenario("healthz", "Ceiling: /healthz (every app hook and one SELECT 1, no template)")
def healthz_paths(rng: random.Random, count: int) -> list[str]:
    return ["/healthz"] * count


@scenario("layout", "Ceiling for HTML: /login (the base layout and a form, no query)")
def layout_paths(rng: random.Random, count: int) -> list[str]:
    return ["/login"] * count
