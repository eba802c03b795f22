"""Serve the app and a bare Flask endpoint with gunicorn, drive both with wrk, and report each
scenario's throughput and latency as ratios to bare Flask measured in the same run, plus SQL
queries per request.

    .venv/bin/python -m bench.run                                   # SQLite, every scenario
    .venv/bin/python -m bench.run --database-url sqlite:///bench/data/bench.sqlite3 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bz_bench --generate

Queries per request come from an in-process pass over a sample of the same paths through
Flask's test client with a statement counter on the engine; the load itself runs against
gunicorn (sync workers) on 127.0.0.1. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MARKETPLACE_ENV", "development")

from sqlalchemy import event, func, select, text  # noqa: E402 - after the sys.path line above
from sqlalchemy.engine import make_url  # noqa: E402

from bench.generate import DEFAULT_SQLITE, generate  # noqa: E402
from bench.scenarios import Scenario, load_all  # noqa: E402

LUA = Path(__file__).resolve().parent / "paths.lua"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bz_bench"
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    status_errors: int


@dataclass
class Row:
    scenario: Scenario
    dialect: str
    app: Load
    bare: Load
    queries: float
    queries_max: int
    mode: str = "anonymous"

    @property
    def ratio(self) -> float:
        return self.app.rps / self.bare.rps if self.bare.rps else 0.0

    @property
    def target(self) -> float | None:
        return target_for(self.scenario, self.mode, self.dialect)

    @property
    def verdict(self) -> str:
        target = self.target
        problems = []
        if target is not None and self.ratio < target:
            problems.append(f"ratio < {target:.2f}")
        if self.mode != "cold" and self.scenario.max_p99_ms is not None and \
                self.app.p99_ms >= self.scenario.max_p99_ms:
            problems.append(f"p99 ≥ {self.scenario.max_p99_ms:.0f} ms")
        if self.app.status_errors or self.app.errors:
            problems.append(f"{self.app.errors} errors ({self.app.status_errors} non-2xx)")
        return "FAIL: " + "; ".join(problems) if problems else "ok"


# --- modes: who asks, and what the app may keep ----------------------------------------------

# anonymous: as deployed, no cookie (the page cache serves what it kept). signed-in: as
# deployed, with the session cookie of a buyer who has a cart (never served a kept page; the
# derived data every worker keeps is used). cold: every cache off (PAGE_CACHE_SECONDS=0).
MODES = ("anonymous", "signed-in", "cold")
# The buyer of the signed-in mode; the user agent is sent by wrk too, so Flask-Login's session
# protection sees the same client that signed in.
BUYER_EMAIL = "bench.buyer@example.org"
BUYER_PASSWORD = "bench-buyer-password"  # noqa: S105 - a benchmark account on bench data
USER_AGENT = "bazaarche-bench"
# Distinct URLs per scenario in the signed-in and cold modes: more than a cache holds whole.
MIN_DISTINCT_PATHS = 10_000
ZIPF_EXPONENT = 1.0
DRAWS_PER_PATH = 5


def target_for(scenario: Scenario, mode: str, dialect: str) -> float | None:
    if mode == "anonymous":
        return scenario.targets.get(dialect)
    if mode == "signed-in":
        return scenario.signed_in_targets.get(dialect)
    return None


def zipf_sequence(paths: list[str], rng: random.Random, draws: int) -> list[str]:
    """Every distinct path of `paths` once, then `draws` more requests drawn over them, the
    n-th most asked for with weight 1/n^ZIPF_EXPONENT (a few pages are asked often, most
    rarely); shuffled, and the ranks shuffled so the popular ones are not all of one kind."""
    ranked = list(dict.fromkeys(paths))
    rng.shuffle(ranked)
    weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(ranked))]
    sequence = ranked + rng.choices(ranked, weights=weights, k=draws)
    rng.shuffle(sequence)
    return sequence


def buyer_cookie(app) -> str:
    """The session cookie of a signed-in buyer with one product in the cart: the buyer is
    made (once) in the bench database, signs in through the login form and adds a product."""
    from bench.inprocess import sign_in_buyer
    from marketplace.accounts.services import SignUp, find_user_by_email, register_buyer
    from marketplace.catalogue.models import Product, ProductStatus
    from marketplace.extensions import db

    with app.app_context():
        if find_user_by_email(BUYER_EMAIL) is None:
            register_buyer(SignUp(email=BUYER_EMAIL, password=BUYER_PASSWORD,
                                  display_name="Bench buyer"))
            db.session.commit()
        product_id = db.session.scalar(
            select(Product.id).where(Product.status == ProductStatus.ACTIVE,
                                     Product.stock >= 5).order_by(Product.id).limit(1))
        db.session.remove()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    sign_in_buyer(client, BUYER_EMAIL, BUYER_PASSWORD, product_id)
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        raise RuntimeError("signing the bench buyer in set no session cookie")
    return f"{cookie.key}={cookie.value}"


def mode_headers(scenario: Scenario, mode: str, cookie: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, **scenario.headers}
    if mode == "signed-in" and cookie:
        headers["Cookie"] = cookie
    return headers


# --- machine and database --------------------------------------------------------------------

def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version()}
    with contextlib.suppress(OSError):
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
    with contextlib.suppress(OSError):
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.M).group(1))
        info["memory_gib"] = round(kib / 1024 / 1024, 1)
    wrk = shutil.which("wrk")
    if wrk:
        first = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        info["wrk"] = (first.stdout or first.stderr).splitlines()[0].strip()
    return info


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's own PostgreSQL database (UTF-8 LC_CTYPE, for pg_trgm) if missing."""
    import psycopg

    target = make_url(url)
    admin = target.set(database="postgres", drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False),
                         autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (target.database,)).fetchone()
        if not exists:
            connection.execute(
                f'CREATE DATABASE "{target.database}" ENCODING \'UTF8\' '
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0")


def product_count(app) -> int:
    from marketplace.catalogue.models import Product
    from marketplace.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(select(func.count(Product.id))) or 0
        except Exception:  # no tables yet
            db.session.rollback()
            return 0


def database_version(app) -> str:
    from marketplace.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            return "SQLite " + db.session.scalar(text("select sqlite_version()"))
        return db.session.scalar(text("select version()")).split(" on ")[0]


# --- the in-process pass: paths and queries per request ----------------------------------------

def build_paths(app, scenarios: list[Scenario], count: int, seed: int) -> dict[str, list[str]]:
    # A request context, so scenarios can build paths with url_for.
    with app.test_request_context():
        return {s.name: s.build_paths(random.Random(f"{seed}:{s.name}"), count)
                for s in scenarios}


def count_queries(app, scenario: Scenario, paths: list[str],
                  headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Mean and max SQL statements per request over `paths`; every answer must be 2xx."""
    from marketplace.extensions import db

    counts = []
    with app.app_context():
        engine = db.engine
    # No app context around the requests: each gets its own, with a fresh `g`, as under
    # gunicorn.
    client = app.test_client()
    for path in paths:
        seen = [0]

        def count(_conn, _cursor, statement, *_args, seen=seen):
            if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
                seen[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(path, headers=headers or scenario.headers)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"{scenario.name}: GET {path} answered "
                               f"{response.status_code}")
        counts.append(seen[0])
    return statistics.fmean(counts), max(counts)


# --- servers and load ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`gunicorn -k sync -w N` on a free 127.0.0.1 port, stopped on exit."""

    def __init__(self, target: str, workers: int, env: dict[str, str], ready_path: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "--worker-class", "sync",
                   "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                   "--log-level", "warning", "--backlog", "2048", target]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
        self._wait(ready_path)

    def _wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.url}{path} did not answer within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(url: str, paths_file: Path, duration: float, connections: int, threads: int,
        headers: dict[str, str]) -> Load:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(duration)}s",
               "--timeout", "30s",
               "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            env={**os.environ, "PATHS": str(paths_file)})
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr or result.stdout}")
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Load(rps=data["rps"], p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                requests=data["requests"], errors=data["errors"],
                status_errors=data["status_errors"])


# --- one database ----------------------------------------------------------------------------

def app_environment(database_url: str, instance: Path, secret_key: str | None = None,
                    mode: str = "anonymous") -> dict[str, str]:
    env = {"MARKETPLACE_ENV": "production", "DATABASE_URL": database_url,
           "SECRET_KEY": secret_key or secrets.token_hex(32),
           "MARKETPLACE_INSTANCE": str(instance),
           "PYTHONDONTWRITEBYTECODE": "1"}
    if mode == "cold":
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def in_process_config(database_url: str, secret_key: str) -> dict:
    """The in-process pass counts the queries of *rendering* each page: no page cache. Its
    secret key is the servers', so the buyer's session cookie made here is theirs too."""
    return {"SQLALCHEMY_DATABASE_URI": database_url, "PAGE_CACHE_SECONDS": 0,
            "SECRET_KEY": secret_key}


def run_database(database_url: str, scenarios: list[Scenario], args, echo) -> list[Row]:
    from marketplace import create_app

    if make_url(database_url).get_backend_name() == "postgresql":
        ensure_postgres_database(database_url)
    secret_key = secrets.token_hex(32)
    app = create_app(in_process_config(database_url, secret_key))
    dialect = make_url(database_url).get_backend_name()
    have = product_count(app)
    if args.generate or (args.generate_if_missing and have == 0):
        echo(f"generating {args.products} products into {database_url} …")
        generate(database_url, products=args.products, trainees=args.trainees,
                 centres=args.centres, seed=args.seed, echo=echo)
        app = create_app(in_process_config(database_url, secret_key))
        have = product_count(app)
    if have == 0:
        raise SystemExit(f"{database_url} has no products: run bench.generate first "
                         "(or pass --generate)")
    echo(f"{dialect}: {have} products; {database_version(app)}")

    modes = args.modes or ["anonymous"]
    mixed = any(mode != "anonymous" for mode in modes)
    distinct = max(args.paths, MIN_DISTINCT_PATHS) if mixed else args.paths
    # Twice as many asked for as needed when mixing: the builders draw with repeats.
    all_paths = build_paths(app, scenarios, distinct * 2 if mixed else distinct, args.seed)
    if mixed:
        # One Zipf-skewed sequence per scenario over (up to) `distinct` different paths, for
        # every mode of the run (the ceilings keep their single path).
        rng = random.Random(f"{args.seed}:zipf")
        all_paths = {name: zipf_sequence(list(dict.fromkeys(paths))[:distinct], rng,
                                         distinct * DRAWS_PER_PATH)
                     if len(set(paths)) > 1 else paths for name, paths in all_paths.items()}
    cookie = buyer_cookie(app) if "signed-in" in modes else None
    queries = {}
    for mode in modes:
        for scenario in scenarios:
            sample = all_paths[scenario.name][:args.query_sample]
            queries[mode, scenario.name] = count_queries(
                app, scenario, sample, mode_headers(scenario, mode, cookie))
            echo(f"  {mode} {scenario.name}: {queries[mode, scenario.name][0]:.1f} queries "
                 f"per request ({len(set(all_paths[scenario.name]))} distinct paths)")
    with app.app_context():
        from marketplace.extensions import db

        db.engine.dispose()

    rows = []
    with tempfile.TemporaryDirectory(prefix="bz-bench-") as scratch:
        scratch_dir = Path(scratch)
        for mode in modes:
            for scenario in scenarios:
                rows.append(measure_scenario(scenario, mode, all_paths[scenario.name],
                                             queries[mode, scenario.name], cookie, dialect,
                                             database_url, secret_key, scratch_dir, args,
                                             echo))
    return rows


def measure_scenario(scenario: Scenario, mode: str, paths: list[str],
                     queries: tuple[float, int], cookie: str | None, dialect: str,
                     database_url: str, secret_key: str, scratch_dir: Path, args,
                     echo) -> Row:
    paths_file = scratch_dir / f"{mode}-{scenario.name}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    # A fresh instance folder (nothing kept) and fresh servers per measurement: requests a
    # slow scenario left queued in gunicorn's backlog must not eat into the next one.
    instance = scratch_dir / f"instance-{mode}-{scenario.name}"
    instance.mkdir()
    headers = mode_headers(scenario, mode, cookie)
    loads = {}
    for name, target, env, ready in (
            ("bare", "bench.bare_app:app", {}, "/"),
            ("app", "wsgi:app", app_environment(database_url, instance, secret_key, mode),
             "/healthz")):
        server = Server(target, args.workers, env, ready)
        try:
            wrk(server.url, paths_file, args.warmup, args.connections, args.threads, headers)
            loads[name] = wrk(server.url, paths_file, args.duration, args.connections,
                              args.threads, headers)
        finally:
            server.stop()
    row = Row(scenario, dialect, loads["app"], loads["bare"], *queries, mode=mode)
    echo(f"  {mode} {scenario.name}: {row.app.rps:.0f} req/s vs bare {row.bare.rps:.0f} → "
         f"{row.ratio:.2f}; p99 {row.app.p99_ms:.1f} ms; {row.verdict}")
    return row


# --- report ----------------------------------------------------------------------------------

def markdown(rows: list[Row], info: dict, args) -> str:
    lines = [
        f"Run {info['date']} · commit {info.get('commit', '?')} · {info.get('cpu', '?')}, "
        f"{info['nproc']} CPUs, {info.get('memory_gib', '?')} GiB · Python {info['python']} · "
        f"{info.get('wrk', 'wrk')}",
        f"gunicorn sync × {args.workers} workers per app · wrk {args.threads} threads, "
        f"{args.connections} connections, {args.duration:g} s per measurement "
        f"(after {args.warmup:g} s warm-up) · {args.paths} distinct paths per scenario "
        f"(signed-in and cold: ≥ {MIN_DISTINCT_PATHS:,}, Zipf-skewed, s = {ZIPF_EXPONENT:g})",
        "",
        "| scenario | database | app req/s | bare req/s | ratio | target "
        "| p50 ms (× bare) | p99 ms (× bare) | queries/req | result | mode |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        target = row.target
        target_text = f"≥ {target:.2f}" if target is not None else "–"
        if row.scenario.max_p99_ms is not None and row.mode != "cold":
            target_text += f", p99 < {row.scenario.max_p99_ms:.0f} ms"
        lines.append(
            f"| {row.scenario.name} | {row.dialect} | {_rate(row.app.rps)} "
            f"| {_rate(row.bare.rps)} "
            f"| **{row.ratio:.2f}**{_small(row.ratio)} | {target_text} "
            f"| {row.app.p50_ms:.1f} ({row.app.p50_ms / row.bare.p50_ms:.1f}×) "
            f"| {row.app.p99_ms:.1f} ({row.app.p99_ms / row.bare.p99_ms:.1f}×) "
            f"| {row.queries:.1f} (max {row.queries_max}) | {row.verdict} | {row.mode} |")
    return "\n".join(lines) + "\n"


def _rate(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 10 else f"{rps:.1f}"


def _small(ratio: float) -> str:
    """Below 0.01 the two-decimal ratio reads 0.00; give the order of magnitude too."""
    return f" ({ratio:.4f})" if 0 < ratio < 0.01 else ""


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", dest="database_urls",
                        help=f"repeatable; default sqlite:///{DEFAULT_SQLITE}")
    parser.add_argument("--scenario", action="append", dest="scenarios",
                        help="repeatable; default every registered scenario")
    parser.add_argument("--mode", action="append", dest="modes", choices=MODES,
                        help="repeatable; default anonymous. signed-in and cold use at least "
                        f"{MIN_DISTINCT_PATHS:,} distinct paths per scenario, asked with a "
                        "Zipf-like skew")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per app")
    parser.add_argument("--paths", type=int, default=1000, help="distinct paths per scenario")
    parser.add_argument("--query-sample", type=int, default=20,
                        help="paths per scenario replayed in-process to count queries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generate", action="store_true",
                        help="(re)generate the data set first")
    parser.add_argument("--generate-if-missing", action="store_true",
                        help="generate the data set when the database has no products")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--trainees", type=int, default=2_000)
    parser.add_argument("--centres", type=int, default=50)
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (Debian's package)")
    registry = load_all()
    names = args.scenarios or list(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise SystemExit(f"unknown scenario(s) {unknown}; known: {', '.join(registry)}")
    scenarios = [registry[n] for n in names]

    def echo(message):
        print(message, file=sys.stderr, flush=True)

    info = {**machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_commit()}
    rows = []
    for url in args.database_urls or [f"sqlite:///{DEFAULT_SQLITE}"]:
        rows += run_database(url, scenarios, args, echo)
    report = markdown(rows, info, args)
    print(report)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report)
    return 0 if all(r.verdict == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
