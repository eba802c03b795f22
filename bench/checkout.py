"""Checkout burst: many buyers place orders for one-of-a-kind items and pay at once, then an
oversell audit. Throughput is reported as a ratio to bare Flask measured in the same run.

    .venv/bin/python -m bench.checkout                       # PostgreSQL bz_bench_checkout
    .venv/bin/python -m bench.checkout --buyers 800 --items 200 --clients 16

Each buyer (own API token) runs the checkout through the JSON API, as a shop app would:
POST /api/v1/cart/lines (a random item from the contested pool), POST /api/v1/checkout,
POST /api/v1/orders/<number>/payments (pay_at_pickup, which holds the order until the trainee
is paid). An item that is gone by then is answered with a clear 409/422, which the driver
counts as a refused checkout.

`--provider zarinpal` runs the seeds' path instead, in rials: the payment goes to Zarinpal
(the local stand-in, devtools/zarinpal_standin.py, served by this process), the buyer presses
"Pay" on its StartPay page and comes back to our callback, which verifies the payment with
Zarinpal and marks the order paid — four app requests per buyer. The stand-in's own requests
are not counted, but their time is in the app's rounds.

The app and the bare Flask app (bench/bare_app.py) are served by gunicorn the same way
(bench.run.Server) and driven by the same client processes with keep-alive connections, in
alternating rounds of about the same length (a bare round answers ten times the app round's
requests); the ratio is HTTP requests per second, app ÷ bare.
Before timing, `--warmup` buyers check out items of their own and bare Flask answers as many
requests, so every gunicorn worker has booted and paid its first-request costs (untimed).

The audit reads the database afterwards: for every item, stock left + units in live orders
must equal the stock it started with, stock is never negative, and no one-of-a-kind item is in
two live orders. Target: ratio ≥ 0.10 and zero oversold.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MARKETPLACE_ENV", "development")

from sqlalchemy import func, insert, select, text  # noqa: E402 - after the sys.path line above
from sqlalchemy.engine import make_url  # noqa: E402

from bench.run import (  # noqa: E402
    Server,
    app_environment,
    database_version,
    ensure_postgres_database,
    git_commit,
    machine,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bz_bench_checkout"
TARGET_RATIO = 0.10
LIVE_ORDER_STATUSES = ("pending_payment", "paid")


@dataclass
class World:
    item_ids: list[int]
    stock: dict[int, int]  # every item, warm-up ones included, as it started
    tokens: list[str]
    warmup_item_ids: list[int]
    warmup_tokens: list[str]


# --- data ------------------------------------------------------------------------------------

def prepare(database_url: str, buyers: int, items: int, trainees: int, seed: int,
            warmup: int = 0, currency: str = "USD") -> World:
    """A fresh schema with `items` one-of-a-kind items and `buyers` buyers with API tokens,
    plus `warmup` more of each for the warm-up, which never touches the contested items."""
    from marketplace import create_app
    from marketplace.accounts.models import (
        ApiToken,
        CentreKind,
        Trainee,
        TraineeStatus,
        TrainingCentre,
        User,
    )
    from marketplace.catalogue.models import Category, Product, ProductKind, ProductStatus
    from marketplace.core.auth import hash_api_token, new_api_token
    from marketplace.extensions import db

    if make_url(database_url).get_backend_name() == "postgresql":
        ensure_postgres_database(database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "MARKETPLACE_CURRENCY": currency})
    rng = random.Random(seed)
    with app.app_context():
        _empty_database()
        db.create_all()
        currency = app.config["MARKETPLACE_CURRENCY"]
        centre = TrainingCentre(kind=CentreKind.PUBLIC, name_fa="مرکز آموزش فنی و حرفه‌ای اسکو",
                                name_en="Osku centre", slug="osku", city="اسکو",
                                province="آذربایجان شرقی")
        category = Category(slug="carpet-tableaux", name_fa="تابلو فرش",
                            name_en="Carpet tableaux")
        db.session.add_all([centre, category])
        db.session.flush()
        db.session.execute(insert(User), [
            {"email": f"weaver{i}@bench.example", "display_name": f"Weaver {i}",
             "password_hash": "-", "locale": "fa"} for i in range(trainees)])
        db.session.execute(insert(User), [
            {"email": f"buyer{i}@bench.example", "display_name": f"Buyer {i}",
             "password_hash": "-", "locale": "fa"} for i in range(buyers + warmup)])
        users = dict(db.session.execute(select(User.email, User.id)).all())
        db.session.execute(insert(Trainee), [
            {"user_id": users[f"weaver{i}@bench.example"], "centre_id": centre.id,
             "trade": "carpet_weaving", "store_name": f"Tableau {i}",
             "store_slug": f"tableau-{i}", "status": TraineeStatus.VERIFIED.value}
            for i in range(trainees)])
        trainee_ids = list(db.session.scalars(select(Trainee.id).order_by(Trainee.id)))
        db.session.execute(insert(Product), [
            {"trainee_id": trainee_ids[i % trainees], "category_id": category.id,
             "title_fa": f"تابلو فرش شمارهٔ {i}", "title_en": f"Tableau {i}",
             "price_amount": rng.randrange(50_000, 500_000, 500), "currency": currency,
             "stock": 1, "kind": ProductKind.ONE_OF_A_KIND.value,
             "status": ProductStatus.ACTIVE.value, "search_key": f"tableau {i}"}
            for i in range(items + warmup)])
        tokens = [new_api_token() for _ in range(buyers + warmup)]
        db.session.execute(insert(ApiToken), [
            {"user_id": users[f"buyer{i}@bench.example"], "name": "bench",
             "token_hash": hash_api_token(token), "token_prefix": token[:12]}
            for i, token in enumerate(tokens)])
        db.session.commit()
        stock = dict(db.session.execute(select(Product.id, Product.stock)).all())
        db.engine.dispose()
    ids = sorted(stock)
    return World(ids[:items], stock, tokens[:buyers], ids[items:], tokens[buyers:])


def _empty_database() -> None:
    """Nothing left of earlier runs: on PostgreSQL the whole schema goes, so tables that the
    current models no longer know (another branch's, an earlier version's) cannot block the
    rebuild, as `drop_all` alone would when one still references products."""
    from marketplace.extensions import db

    if db.engine.dialect.name != "postgresql":
        db.drop_all()
        return
    db.session.execute(text("DROP SCHEMA public CASCADE"))
    db.session.execute(text("CREATE SCHEMA public"))
    db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    db.session.commit()


def audit(database_url: str, world: World) -> dict:
    """Oversell audit: stock left + units in live orders == stock at the start, per item."""
    from marketplace import create_app
    from marketplace.catalogue.models import Product
    from marketplace.extensions import db
    from marketplace.orders.models import Order, OrderLine, OrderStatus, VendorOrder

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        live = dict(db.session.execute(
            select(OrderLine.product_id, func.sum(OrderLine.quantity))
            .join(VendorOrder, OrderLine.vendor_order_id == VendorOrder.id)
            .join(Order, VendorOrder.order_id == Order.id)
            .where(Order.status.in_(LIVE_ORDER_STATUSES))
            .group_by(OrderLine.product_id)).all())
        stock = dict(db.session.execute(select(Product.id, Product.stock)).all())
        orders = db.session.scalar(select(func.count(Order.id)))
        held = db.session.scalar(select(func.count(Order.id)).where(
            Order.payment_provider == "pay_at_pickup",
            Order.status == OrderStatus.PENDING_PAYMENT))
        paid = db.session.scalar(select(func.count(Order.id)).where(
            Order.status == OrderStatus.PAID))
        version = database_version(app)
        db.engine.dispose()
    oversold = [pid for pid, start in world.stock.items()
                if live.get(pid, 0) + stock[pid] != start or live.get(pid, 0) > start]
    negative = [pid for pid, left in stock.items() if left < 0]
    return {"orders": orders, "held_for_pickup": held, "paid": paid,
            "items_sold": sum(live.values()),
            "oversold": len(oversold), "negative_stock": len(negative), "database": version}


# --- the driver ------------------------------------------------------------------------------

def _request(connection, method: str, path: str, body=None, token: str | None = None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body) if body is not None else None
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data


def _pay_on_zarinpal(connection, payment_url: str) -> tuple[int, bytes]:
    """The buyer presses "Pay" on the stand-in's StartPay page and follows it back to our
    callback (its path and query, on the app's connection)."""
    page = urlsplit(payment_url)
    gateway = http.client.HTTPConnection(page.hostname, page.port, timeout=30)
    gateway.request("POST", f"{page.path}/pay")
    answer = gateway.getresponse()
    answer.read()
    gateway.close()
    callback = urlsplit(answer.getheader("Location", ""))
    return _request(connection, "GET", f"{callback.path}?{callback.query}")


def _checkout_worker(job) -> dict:
    port, tokens, item_ids, seed, provider = job
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    counts = {"requests": 0, "placed": 0, "paid": 0, "refused": 0, "errors": 0}
    for token in tokens:
        item = rng.choice(item_ids)
        status, data = _request(connection, "POST", "/api/v1/cart/lines",
                                {"product_id": item, "quantity": 1}, token)
        counts["requests"] += 1
        if status != 201:
            counts["refused" if status in (409, 422) else "errors"] += 1
            continue
        trainee_id = json.loads(data)["lines"][0]["trainee_id"]
        status, data = _request(connection, "POST", "/api/v1/checkout", {
            "contact_name": "Bench buyer",
            "parts": [{"trainee_id": trainee_id, "fulfilment": "pickup"}]}, token)
        counts["requests"] += 1
        if status != 201:
            counts["refused" if status in (409, 422) else "errors"] += 1
            continue
        counts["placed"] += 1
        number = json.loads(data)["number"]
        status, data = _request(connection, "POST", f"/api/v1/orders/{number}/payments",
                                {"provider": provider}, token)
        counts["requests"] += 1
        if status == 201 and provider == "zarinpal":
            status, _ = _pay_on_zarinpal(connection, json.loads(data)["payment_url"])
            counts["requests"] += 1
            status = 201 if status == 303 else status
        counts["paid" if status == 201 else "errors"] += 1
    connection.close()
    return counts


def _bare_worker(job) -> dict:
    port, requests = job
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    errors = 0
    for i in range(requests):
        status, _ = _request(connection, "GET", f"/api/v1/cart/lines/{i}")
        errors += status != 200
    connection.close()
    return {"requests": requests, "errors": errors}


def _drive(worker, jobs, clients: int) -> tuple[list[dict], float]:
    context = multiprocessing.get_context("fork")
    with context.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(worker, jobs, chunksize=1)
        elapsed = time.perf_counter() - started
    return results, elapsed


def burst(port: int, item_ids: list[int], tokens: list[str], clients: int,
          seed: int, provider: str) -> tuple[dict, float]:
    shares = [tokens[i::clients] for i in range(clients)]
    jobs = [(port, share, item_ids, seed * 1000 + i, provider)
            for i, share in enumerate(shares)]
    results, elapsed = _drive(_checkout_worker, jobs, clients)
    totals = {key: sum(r[key] for r in results) for key in results[0]}
    return totals, elapsed


def warm_up(app_port: int, bare_port: int, world: World, clients: int, seed: int,
            provider: str, echo) -> None:
    """Untimed: the warm-up buyers check out their own items, and bare Flask answers as many
    requests. Every gunicorn worker has then finished booting (Server is ready as soon as
    one answers) and paid its first-request costs (statement compilation, locale data,
    templates), as bench.run's warm-up does for the catalogue scenarios."""
    totals, seconds = burst(app_port, world.warmup_item_ids, world.warmup_tokens, clients,
                            -seed, provider)
    bare_totals, bare_seconds = bare(bare_port, totals["requests"], clients)
    echo(f"warm-up (not counted): app {totals} in {seconds:.1f} s; "
         f"bare {bare_totals['requests']} in {bare_seconds:.1f} s")


# Each bare round answers this many requests per request of the app round before it, so it
# lasts about as long (bare Flask is ~10× faster): with as many requests, a bare round lasted
# ~0.15 s and starting the client processes weighed on it alone — bare Flask measured 6 % slower
# than over ten times the requests, and the ratio 6 % better than it was.
BARE_REQUESTS_PER_APP_REQUEST = 10


def bare(port: int, requests: int, clients: int) -> tuple[dict, float]:
    jobs = [(port, requests // clients + (1 if i < requests % clients else 0))
            for i in range(clients)]
    results, elapsed = _drive(_bare_worker, jobs, clients)
    return {key: sum(r[key] for r in results) for key in results[0]}, elapsed


# --- report ----------------------------------------------------------------------------------

def report(info: dict, args, app_totals: dict, app_seconds: float, bare_totals: dict,
           bare_seconds: float, checked: dict) -> tuple[str, bool]:
    app_rps = app_totals["requests"] / app_seconds
    bare_rps = bare_totals["requests"] / bare_seconds
    ratio = app_rps / bare_rps if bare_rps else 0.0
    ok = ratio >= TARGET_RATIO and checked["oversold"] == 0 and \
        checked["negative_stock"] == 0 and app_totals["errors"] == 0
    verdict = "ok" if ok else "FAIL"
    lines = [
        f"Run {info['date']} · commit {info['commit']} · {info.get('cpu', '?')}, "
        f"{info['nproc']} CPUs · Python {info['python']} · {checked['database']}",
        f"gunicorn sync × {args.workers} workers per app · {args.clients} client processes "
        f"(keep-alive), {args.rounds} alternating rounds · {args.buyers} buyers after "
        f"{args.items} one-of-a-kind items",
        "",
        "| scenario | database | app req/s | bare req/s | ratio | target | checkouts/s "
        "| placed | paid | refused (sold out) | oversold | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| checkout burst (add + place + pay, {args.provider}) | postgresql "
        f"| {app_rps:,.0f} | {bare_rps:,.0f} "
        f"| **{ratio:.2f}** | ≥ {TARGET_RATIO:.2f}, 0 oversold "
        f"| {app_totals['placed'] / app_seconds:,.1f} | {app_totals['placed']} "
        f"| {app_totals['paid']} | {app_totals['refused']} | {checked['oversold']} "
        f"| {verdict} |",
    ]
    return "\n".join(lines) + "\n", ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="a database of its own: it is dropped and rebuilt")
    parser.add_argument("--buyers", type=int, default=600)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client processes")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn sync workers per app (both apps alike; bench.run's "
                             "default, one per CPU of the 2-CPU machines measured)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="alternate app and bare this many times")
    parser.add_argument("--warmup", type=int, default=120,
                        help="buyers (and items of their own) that check out before timing "
                             "starts, as bench.run warms each server up; 0: none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--provider", choices=("pay_at_pickup", "zarinpal"),
                        default="pay_at_pickup",
                        help="how buyers pay: at pickup (dollars), or through the Zarinpal "
                             "stand-in in rials, callback included")
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    args = parser.parse_args(argv)

    def echo(message):
        print(message, file=sys.stderr, flush=True)

    echo(f"preparing {args.items} items and {args.buyers} buyers in {args.database_url} …")
    currency = "IRR" if args.provider == "zarinpal" else "USD"
    world = prepare(args.database_url, args.buyers, args.items, args.trainees, args.seed,
                    args.warmup, currency)
    info = {**machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_commit()}
    with tempfile.TemporaryDirectory(prefix="bz-checkout-") as scratch:
        instance = Path(scratch) / "instance"
        instance.mkdir()
        env = {**app_environment(args.database_url, instance),
               "PAYMENT_PROVIDERS": args.provider, "MARKETPLACE_CURRENCY": currency,
               "MAIL_OUTBOX_DIR": str(Path(scratch) / "outbox"),
               "SECRET_KEY": secrets.token_hex(32)}
        standin = None
        if args.provider == "zarinpal":
            from devtools.zarinpal_standin import ZarinpalStandIn

            standin = ZarinpalStandIn(port=0).start()
            # The driver follows the callback on the app's own connection: the host is a name.
            env.update(ZARINPAL_API_BASE=standin.url,
                       ZARINPAL_MERCHANT_ID="bench-standin-merchant-0000000000000",
                       MARKETPLACE_BASE_URL="http://bench.invalid")
        served = Server("wsgi:app", args.workers, env, "/healthz")
        bare_server = Server("bench.bare_app:app", args.workers, {}, "/")
        app_totals: dict = {}
        bare_totals: dict = {}
        app_seconds = bare_seconds = 0.0
        try:
            if world.warmup_tokens:
                warm_up(served.port, bare_server.port, world, args.clients, args.seed,
                        args.provider, echo)
            # Rounds alternate app and bare, so a busy machine weighs on both alike.
            for round_number in range(args.rounds):
                tokens = world.tokens[round_number::args.rounds]
                totals, seconds = burst(served.port, world.item_ids, tokens, args.clients,
                                        args.seed + round_number, args.provider)
                app_seconds += seconds
                app_totals = {k: app_totals.get(k, 0) + v for k, v in totals.items()}
                totals, seconds = bare(bare_server.port,
                                       totals["requests"] * BARE_REQUESTS_PER_APP_REQUEST,
                                       args.clients)
                bare_seconds += seconds
                bare_totals = {k: bare_totals.get(k, 0) + v for k, v in totals.items()}
                echo(f"round {round_number + 1}: app {app_totals} in {app_seconds:.1f} s; "
                     f"bare {bare_totals['requests']} in {bare_seconds:.1f} s")
        finally:
            served.stop()
            bare_server.stop()
            if standin is not None:
                standin.stop()
    checked = audit(args.database_url, world)
    echo(f"audit: {checked}")
    table, ok = report(info, args, app_totals, app_seconds, bare_totals, bare_seconds, checked)
    print(table)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
