"""Python function calls per request, per scenario: a deterministic measure of the work a page
does in Python, for before/after comparisons on a machine too busy for wrk to tell.

    .venv/bin/python -m bench.calls --database-url sqlite:////tmp/b14/bench.sqlite3 \
        --scenario healthz --scenario layout --scenario browse --scenario product

Run it in two checkouts (before, after) against the same data: wall-clock figures move ±20 %
between runs on a shared machine, call counts do not move at all between runs of one commit.
Every cache off (`PAGE_CACHE_SECONDS=0`), so each request renders; the SQL a page sends is
counted by `bench.run` (queries/req) and is not part of this figure.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MARKETPLACE_ENV", "development")


def calls_per_request(app, paths: list[str], warmup: int = 5) -> float:
    client = app.test_client()
    for path in paths[:warmup]:
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths[warmup:]:
        client.get(path)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / len(paths[warmup:])


def main(argv=None) -> int:
    from bench.scenarios import load_all
    from marketplace import create_app

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", required=True)
    parser.add_argument("--scenario", action="append", help="repeatable; default all")
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    scenarios = load_all()
    with tempfile.TemporaryDirectory(prefix="bz-calls-") as scratch:
        for url in args.database_url:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PAGE_CACHE_SECONDS": 0,
                              "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench-calls",
                              "PAGE_CACHE_DIR": f"{scratch}/page-cache",
                              "MEDIA_DIR": f"{scratch}/media"})
            for name in args.scenario or sorted(scenarios):
                with app.test_request_context():
                    paths = scenarios[name].build_paths(random.Random(args.seed),
                                                        args.requests + 5)
                figure = calls_per_request(app, paths)
                print(f"{url.split(':', 1)[0]:<20} {name:<10} {figure:>10,.0f} calls/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
