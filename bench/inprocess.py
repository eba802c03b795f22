"""The in-process quick check (issue 15): what a signed-in buyer's pages cost in Python, as
multiples of a bare Flask endpoint timed in the same process.

    .venv/bin/python -m bench.inprocess                 # demo world in a temporary SQLite file
    .venv/bin/python -m bench.inprocess --database-url sqlite:///bench/data/bench.sqlite3
    .venv/bin/python -m bench.inprocess --profile product   # cProfile of one page, top 40

Without `--database-url` it builds the demo world (`flask seed-demo`'s `marketplace.demo.seed`)
in a temporary SQLite file. Two modes: `signed-in`, the app as deployed (the page cache on,
which never serves a signed-in buyer a kept page, and every cache of derived data the app
keeps); `cold`, every cache off (`PAGE_CACHE_SECONDS=0`). The targets hold for `signed-in`.
A buyer signs in through the login form and puts a product in the cart, so every page
carries a real session cookie. Each page kind rotates over a few paths; after a warm-up, the
pages are requested `--rounds` times, interleaved with the bare endpoint (`bench/bare_app.py`
through its own test client). The report gives the median CPU time per request, its multiple
of bare Flask's (the median over all bare requests), and SQL statements per request.
Targets (issue 15): account ≤ 8×, product ≤ 10×, browse and search ≤ 15×.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MARKETPLACE_ENV", "development")

from sqlalchemy import event, select  # noqa: E402 - after the sys.path line above

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                        r'|name="csrf_token" value="([^"]+)"')
# Page kind → the most it may cost, as a multiple of bare Flask (issue 15).
TARGETS = {"account": 8.0, "product": 10.0, "browse": 15.0, "search": 15.0}


@dataclass
class Figure:
    kind: str
    median_ms: float
    bare_ms: float
    times_bare: float
    queries: float
    queries_max: int

    @property
    def verdict(self) -> str:
        target = TARGETS.get(self.kind)
        if target is None or self.times_bare <= target:
            return "ok"
        return f"FAIL: > {target:g}×"


def demo_database(folder: Path) -> str:
    """A SQLite file holding the demo world (what `flask seed-demo` builds)."""
    from marketplace import create_app, demo
    from marketplace.extensions import db

    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    app = create_app(app_config(url, folder))
    with app.app_context():
        db.create_all()
        demo.seed(lambda _message: None)
        db.session.remove()
        db.engine.dispose()
    return url


# signed-in: as deployed (page cache on, in a folder as without Redis): a signed-in buyer never
# gets a kept page, but the derived data every worker keeps (category tree, counts, cards) is
# used as in production. cold: every cache off, each request computes everything.
MODES = {"signed-in": {"PAGE_CACHE_SECONDS": 60, "PAGE_CACHE_STORE": "folder"},
         "cold": {"PAGE_CACHE_SECONDS": 0}}


def app_config(database_url: str, folder: Path, mode: str = "cold") -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_url, **MODES[mode],
            "PAGE_CACHE_DIR": str(folder / f"page-cache-{mode}"),
            "MEDIA_DIR": str(folder / "media"), "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "SECRET_KEY": "bench-inprocess", "RATELIMIT_ENABLED": False}


def csrf_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    if not found:
        raise RuntimeError("no csrf_token field in the page")
    return found.group(1) or found.group(2)


def sign_in_buyer(client, email: str, password: str, product_id: int) -> None:
    """Sign in through the login form and add one product to the cart, as a buyer would."""
    page = client.get("/login")
    answer = client.post("/login", data={"email": email, "password": password,
                                         "csrf_token": csrf_token(page.text)})
    if answer.status_code != 302:
        raise RuntimeError(f"login answered {answer.status_code}")
    page = client.get(f"/p/{product_id}")
    answer = client.post("/cart/add", data={"product_id": product_id, "quantity": 1,
                                            "csrf_token": csrf_token(page.text)})
    if answer.status_code != 302:
        raise RuntimeError(f"add to cart answered {answer.status_code}")


def page_paths(products: int = 5) -> dict[str, list[str]]:
    """A few paths per page kind, from what the database holds (inside an app context)."""
    from flask import current_app

    from bench.scenarios.catalogue import _public_ids
    from marketplace.catalogue.models import Category, Product, ProductStatus
    from marketplace.extensions import db
    from marketplace.storefront.links import product_path

    ids = _public_ids()[:products]
    for_sale = db.session.scalar(
        select(Product.id).where(Product.id.in_(_public_ids()),
                                 Product.status == ProductStatus.ACTIVE, Product.stock >= 5,
                                 Product.currency == current_app.config["MARKETPLACE_CURRENCY"])
        .order_by(Product.id).limit(1))
    slugs = list(db.session.scalars(select(Category.slug).where(Category.parent_id.is_(None))
                                    .order_by(Category.position)))[:4]
    titles = db.session.scalars(select(Product.title_fa).order_by(Product.id).limit(40))
    queries = list(dict.fromkeys(" ".join(title.split()[:2]) for title in titles))[:products]
    return {
        "for_sale": [product_path(for_sale)],
        # Reference points without targets: every hook and one SELECT 1; the base layout.
        "healthz": ["/healthz"],
        "layout": ["/login"],
        "account": ["/account"],
        "product": [product_path(i) for i in ids],
        "browse": ["/products?" + urlencode({"category": slug, "sort": sort})
                   for slug in slugs for sort in ("newest", "price_asc")],
        "search": ["/products?" + urlencode({"q": q}) for q in queries],
    }


def time_requests(client, paths: list[str], rounds: int) -> list[float]:
    """CPU time per request (this process), in seconds, `rounds` passes over `paths`: the
    machine is shared, and CPU time moves far less than wall time under foreign load."""
    times = []
    for _ in range(rounds):
        for path in paths:
            start = time.process_time()
            response = client.get(path)
            times.append(time.process_time() - start)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
    return times


def count_queries(app, client, paths: list[str]) -> tuple[float, int]:
    from marketplace.extensions import db

    with app.app_context():
        engine = db.engine
    counts = []
    for path in paths:
        seen = [0]

        def count(_conn, _cursor, statement, *_args, seen=seen):
            if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
                seen[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        try:
            client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(seen[0])
    return statistics.fmean(counts), max(counts)


def measure(app, paths: dict[str, list[str]], buyer: tuple[str, str, int], rounds: int,
            warmup: int) -> list[Figure]:
    from bench.bare_app import app as bare_app

    client = app.test_client()
    sign_in_buyer(client, *buyer)
    bare = bare_app.test_client()
    time_requests(bare, ["/warm-up"], 200)
    app_times: dict[str, list[float]] = {kind: [] for kind in paths}
    bare_times: list[float] = []
    for kind_paths in paths.values():
        time_requests(client, kind_paths, warmup)
    # Interleaved, so drift on a shared machine hits every page and bare Flask alike; one bare
    # figure (the median over all of its requests) is the yardstick of every page.
    for _ in range(rounds):
        for kind, kind_paths in paths.items():
            app_times[kind] += time_requests(client, kind_paths, 1)
            bare_times += time_requests(bare, kind_paths, 1)
    bare_ms = statistics.median(bare_times) * 1000
    figures = []
    for kind, kind_paths in paths.items():
        app_ms = statistics.median(app_times[kind]) * 1000
        figures.append(Figure(kind, app_ms, bare_ms, app_ms / bare_ms,
                              *count_queries(app, client, kind_paths)))
    return figures


def profile(app, paths: list[str], buyer: tuple[str, str, int], rounds: int,
            top: int, sort: str = "cumulative", callers: str | None = None) -> str:
    client = app.test_client()
    sign_in_buyer(client, *buyer)
    time_requests(client, paths, 5)
    profiler = cProfile.Profile()
    profiler.enable()
    time_requests(client, paths, rounds)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(sort)
    if callers:
        stats.print_callers(callers)
    else:
        stats.print_stats(top)
    return out.getvalue()


def report(figures: list[Figure]) -> str:
    lines = ["| page | median ms | bare ms | × bare | target | queries/req | result |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for f in figures:
        target = TARGETS.get(f.kind)
        lines.append(f"| {f.kind} | {f.median_ms:.2f} | {f.bare_ms:.3f} | {f.times_bare:.1f}× | "
                     f"{f'≤ {target:g}×' if target else '–'} | "
                     f"{f.queries:.1f} (max {f.queries_max}) | {f.verdict} |")
    return "\n".join(lines) + "\n"


def buyer_login(database_url: str | None) -> tuple[str, str]:
    if database_url:
        return os.environ["BENCH_BUYER_EMAIL"], os.environ["BENCH_BUYER_PASSWORD"]
    from marketplace.demo import people

    return people.demo_email("buyer"), people.DEMO_PASSWORD


def main(argv=None) -> int:
    from marketplace import create_app

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: the demo world in a temporary file; "
                        "with it, BENCH_BUYER_EMAIL and BENCH_BUYER_PASSWORD name the buyer")
    parser.add_argument("--rounds", type=int, default=60, help="timed passes per page kind")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--mode", action="append", choices=sorted(MODES),
                        help="repeatable; default both (signed-in, then cold)")
    parser.add_argument("--profile", choices=sorted([*TARGETS, "healthz", "layout"]),
                        help="print a cProfile of this page kind instead of the table")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative",
                        help="cProfile's order: cumulative, tottime, ncalls…")
    parser.add_argument("--callers", metavar="REGEX",
                        help="print who calls the functions matching REGEX instead")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bz-inprocess-") as scratch:
        folder = Path(scratch)
        url = args.database_url or demo_database(folder)
        ok = True
        for mode in args.mode or ["signed-in", "cold"]:
            app = create_app(app_config(url, folder, mode))
            with app.test_request_context():
                paths = page_paths()
            for_sale = paths.pop("for_sale")[0]
            buyer = (*buyer_login(args.database_url), int(for_sale.rsplit("/", 1)[-1]))
            if args.profile:
                print(profile(app, paths[args.profile], buyer, args.rounds, args.top,
                              args.sort, args.callers))
                continue
            figures = measure(app, paths, buyer, args.rounds, args.warmup)
            print(f"{mode}:\n\n{report(figures)}")
            ok = ok and (mode == "cold" or all(f.verdict == "ok" for f in figures))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
