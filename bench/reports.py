"""The reports at size (issue 19): paid orders with their lines and ledger rows, booth sales
and search-log rows spread over three years, added to a database made by `bench.generate`,
then each report built in-process as an administrator, timed and its statements counted.

    .venv/bin/python -m bench.generate --database-url sqlite:////tmp/bz-reports.sqlite3
    .venv/bin/python -m bench.reports --database-url sqlite:////tmp/bz-reports.sqlite3 \
        --orders 1000000 --searches 5000000

The issue's target is under 1 s per report at 1M orders and 5M searches; `--orders` and
`--searches` scale it down on a shared machine (the figures printed say which sizes).
Rows go in with core `executemany` in batches, like bench.generate.

`--summarise` runs `flask summarise-sales` and `flask summarise-searches` first (the sales and
search-log summaries, reports.summary and reports.search_summary); without them the sales
report reads every day from the orders and the needs report from the search log. `--only`
times some reports alone (e.g. `--only needs`). Figures, machine and commands: the
reports section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MARKETPLACE_ENV", "development")

from flask import current_app
from sqlalchemy import event, func, insert, select, text, update

from marketplace import create_app
from marketplace.accounts.models import Trainee, User
from marketplace.catalogue.models import Product, SearchLog
from marketplace.core.i18n import marketplace_zone
from marketplace.extensions import db
from marketplace.orders.models import (
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    VendorOrder,
    VendorOrderStatus,
)
from marketplace.payments.models import LedgerEntry, LedgerKind
from marketplace.reports.build import Choices, build
from marketplace.reports.models import SalesDay
from marketplace.reports.scope import Report
from marketplace.reports.search_summary import search_days_to_summarise, summarise_searches
from marketplace.reports.summary import days_to_summarise, summarise

BATCH = 5_000
YEARS = 3
TERMS = ("رنگرزی گیاهی", "نقشه کشی فرش", "کدنویسی نقشه", "دار قالی", "تابلو فرش ابریشم",
         "گلیم سفارشی", "سفال لعابی", "چاقو سازی", "ملیله کاری", "قلمزنی مس")
CITIES = ("سردرود", "اسکو", "سهند", "تبریز")


def _insert(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)
        rows.clear()


def add_orders(count: int, rng: random.Random, now: datetime) -> None:
    trainees = list(db.session.execute(select(Trainee.id)).scalars())
    products = db.session.execute(
        select(Product.id, Product.trainee_id, Product.price_amount, Product.currency)
        .limit(20_000)).all()
    by_trainee: dict[int, list] = {}
    for product in products:
        by_trainee.setdefault(product.trainee_id, []).append(product)
    sellers = [t for t in trainees if t in by_trainee]
    buyer = db.session.scalar(select(User.id).order_by(User.id).limit(1))
    first_order = (db.session.scalar(select(func.max(Order.id))) or 0) + 1
    first_vo = (db.session.scalar(select(func.max(VendorOrder.id))) or 0) + 1
    orders, vendor_orders, lines, ledger = [], [], [], []
    span = YEARS * 365 * 86400
    for n in range(count):
        order_id, vo_id = first_order + n, first_vo + n
        trainee = rng.choice(sellers)
        product = rng.choice(by_trainee[trainee])
        quantity = rng.choice((1, 1, 1, 2, 3))
        subtotal = product.price_amount * quantity
        paid_at = now - timedelta(seconds=rng.randrange(span))
        orders.append({"id": order_id, "number": f"B{order_id:09d}", "buyer_id": buyer,
                       "status": OrderStatus.PAID, "total_amount": subtotal,
                       "currency": product.currency, "paid_at": paid_at,
                       "contact_name": "bench", "contact_email": "bench@example.org",
                       "created_at": paid_at, "updated_at": paid_at})
        vendor_orders.append({
            "id": vo_id, "order_id": order_id, "trainee_id": trainee,
            "status": VendorOrderStatus.COMPLETED, "fulfilment": rng.choice(tuple(Fulfilment)),
            "subtotal_amount": subtotal, "shipping_amount": 0, "total_amount": subtotal,
            "refunded_amount": 0, "currency": product.currency, "paid_at": paid_at,
            "status_changed_at": paid_at, "created_at": paid_at, "updated_at": paid_at})
        lines.append({"vendor_order_id": vo_id, "product_id": product.id, "title": "bench",
                      "quantity": quantity, "unit_price_amount": product.price_amount,
                      "currency": product.currency})
        common = {"trainee_id": trainee, "vendor_order_id": vo_id, "currency": product.currency,
                  "created_at": paid_at, "available_at": paid_at}
        ledger.append({**common, "kind": LedgerKind.SALE, "amount": subtotal})
        ledger.append({**common, "kind": LedgerKind.COMMISSION, "amount": -(subtotal // 10)})
        if len(orders) >= BATCH:
            for table, rows in ((Order, orders), (VendorOrder, vendor_orders),
                                (OrderLine, lines), (LedgerEntry, ledger)):
                _insert(table, rows)
            db.session.commit()
    for table, rows in ((Order, orders), (VendorOrder, vendor_orders), (OrderLine, lines),
                        (LedgerEntry, ledger)):
        _insert(table, rows)
    db.session.commit()


def add_searches(count: int, rng: random.Random, now: datetime) -> None:
    rows = []
    span = YEARS * 365 * 86400
    for n in range(count):
        rows.append({"query": rng.choice(TERMS), "filters": {"city": rng.choice(CITIES)},
                     "result_count": rng.choice((0, 0, 1, 2, 5, 30)), "duration_ms": 5,
                     "source": "html", "created_at": now - timedelta(seconds=rng.randrange(span)),
                     "visitor": f"{rng.randrange(200_000):016x}"})
        if len(rows) >= BATCH:
            _insert(SearchLog, rows)
            db.session.commit()
            if n % 500_000 == 0:
                print(f"  {n} searches", flush=True)
    _insert(SearchLog, rows)
    db.session.commit()


def analyze() -> None:
    """Fresh planner statistics, as bench.generate leaves them: without them SQLite reads a
    day's vendor orders through the trainee index instead of vendor_orders.paid_at."""
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def time_reports(admin, repeat: int, only: list[str] | None = None
                 ) -> list[tuple[str, float, float, int]]:
    """Each report `repeat` times: (name, median wall seconds, median CPU seconds of this
    process, statements). The machine is shared: the CPU time is what SQLite and Python
    spent here whatever else runs (PostgreSQL's own work is only in the wall time)."""
    results = []
    for report in Report:
        if only and report.value not in only:
            continue
        for by in ("period", "category") if report == Report.SALES else ("period",):
            walls, cpus, statements = [], [], []

            def count(*_args, _seen=statements, **_kwargs):
                _seen.append(1)

            for _ in range(repeat):
                statements.clear()
                event.listen(db.engine, "before_cursor_execute", count)
                started, cpu = time.perf_counter(), time.process_time()
                build(admin, report, Choices(by=by), "fa")
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
                event.remove(db.engine, "before_cursor_execute", count)
                db.session.expire_all()
            name = report.value if by == "period" else f"{report.value} by {by}"
            results.append((name, statistics.median(walls), statistics.median(cpus),
                            len(statements)))
    return results


def summarise_all(sales: bool = True) -> float:
    """`flask summarise-sales` (unless `sales` is False) and `flask summarise-searches` over
    every day so far (the first run at a new size)."""
    elapsed = 0.0
    yesterday = datetime.now(marketplace_zone()).date() - timedelta(days=1)
    if sales:
        started = time.perf_counter()
        days = summarise(days_to_summarise(yesterday))
        elapsed = time.perf_counter() - started
        print(f"summarised {days} days in {elapsed:.1f} s", flush=True)
    few = current_app.config["REPORTS_FEW_RESULTS"]
    started = time.perf_counter()
    days = summarise_searches(search_days_to_summarise(yesterday, few), few)
    searches = time.perf_counter() - started
    print(f"summarised the search log of {days} days in {searches:.1f} s", flush=True)
    return elapsed + searches


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--summarise", action="store_true",
                        help="run `flask summarise-sales` before timing (the sales summary)")
    parser.add_argument("--summarise-searches", action="store_true",
                        help="run `flask summarise-searches` alone before timing")
    parser.add_argument("--repeat", type=int, default=3, help="timings per report (median)")
    parser.add_argument("--only", nargs="*", help="time these reports alone (sales, needs…)")
    args = parser.parse_args(argv)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                      "SEARCH_LOG_FLUSH_SECONDS": 0})
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    with app.test_request_context("/?lang=fa"):
        db.create_all()  # tables newer than the generated database (a summary, say)
        db.session.commit()
        if not args.skip_generate:
            print(f"adding {args.orders} orders and {args.searches} searches…", flush=True)
            add_orders(args.orders, rng, now)
            add_searches(args.searches, rng, now)
            # Core inserts pass by the writes' marking (reports.summary): whatever was
            # summarised before must be rebuilt.
            db.session.execute(update(SalesDay).values(dirty=True))
            db.session.commit()
            analyze()
        if args.summarise or args.summarise_searches:
            summarise_all(sales=args.summarise)
        admin = db.session.scalar(select(User).order_by(User.id).limit(1))
        admin.is_admin = True  # in this session only: never committed
        print(f"| report | seconds (median of {args.repeat}) | CPU seconds | statements |  "
              f"({args.orders} orders, {args.searches} searches)\n| --- | --- | --- | --- |")
        for name, seconds, cpu, statements in time_reports(admin, args.repeat, args.only):
            print(f"| {name} | {seconds:.3f} | {cpu:.3f} | {statements} |", flush=True)
        db.session.rollback()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
