"""flask commands, all registered here: the app's own and each domain's (`<package>/cli.py`).

`flask seed-demo` builds the demo world of `marketplace.demo` (idempotent, so it can run on
every start).
"""

import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import SimpleWorker
from sqlalchemy import text

from marketplace import demo
from marketplace.accounts.services import SignUp, find_user_by_email, register_buyer
from marketplace.booths.cli import expire_booth_offers, mark_no_shows
from marketplace.catalogue.cli import reindex_search
from marketplace.core.jobs import job_queue
from marketplace.extensions import db
from marketplace.orders.cli import expire_orders, remind_pickups
from marketplace.payments.cli import charge_booth_fees, reconcile_payments
from marketplace.reports.cli import prune_search_log, summarise_sales, summarise_searches
from marketplace.training.cli import remind_sessions


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create the demo world (idempotent) and print the demo logins."""
    demo.seed(click.echo)


# Periodic upkeep: what cron runs (`flask maintenance`) and what `flask worker` runs by itself.
MAINTENANCE_COMMANDS = ("expire-orders", "reconcile-payments", "mark-no-shows",
                        "charge-booth-fees", "expire-booth-offers", "remind-pickups",
                        "remind-sessions", "prune-search-log", "summarise-sales",
                        "summarise-searches", "optimize-database")
#: Rows SQLite's ANALYZE reads per index (PRAGMA analysis_limit): enough for the planner's
#: choices, and it keeps each upkeep pass's ANALYZE to milliseconds on a large database.
SQLITE_ANALYSIS_LIMIT = 1000


def optimize_database() -> str:
    """Fresh planner statistics on SQLite: ANALYZE (sampled) and PRAGMA optimize. Without
    statistics SQLite picks worse indexes at size (a day's vendor orders read through the
    trainee index, bench/README.md's reports section). PostgreSQL's autovacuum keeps its own
    statistics (ANALYZE after enough rows change), so there is nothing to do there."""
    if db.engine.dialect.name != "sqlite":
        return "nothing to do: autovacuum analyses this database"
    db.session.execute(text(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}"))
    db.session.execute(text("ANALYZE"))
    db.session.execute(text("PRAGMA optimize"))
    db.session.commit()
    return "analysed"


@click.command("optimize-database")
@with_appcontext
def optimize_database_command():
    """Refresh the query planner's statistics (SQLite: ANALYZE, PRAGMA optimize; PostgreSQL:
    autovacuum does it)."""
    click.echo(f"Database: {optimize_database()}.")


def run_maintenance(app) -> None:
    """One pass of every upkeep command, each in its own app context; a failure is logged and
    the others still run."""
    for name in MAINTENANCE_COMMANDS:
        command = app.cli.commands.get(name)
        if command is None:
            continue
        with app.app_context():
            try:
                command.main([], standalone_mode=False)
            except Exception:  # keep the other upkeep jobs running
                app.logger.exception("maintenance command %s failed", name)


@click.command("maintenance")
@with_appcontext
def maintenance():
    """Run the periodic upkeep once: expire unpaid orders, reconcile payments, mark no-shows,
    charge booth fees, pass on unanswered booth offers, remind tomorrow's pickups and the next
    day's course sessions, prune the search log, summarise past days' sales and searches,
    refresh SQLite's planner statistics."""
    run_maintenance(current_app._get_current_object())


def _maintenance_loop(app, interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        run_maintenance(app)


@click.command("worker")
@click.option("--maintenance-interval", default=60, show_default=True,
              help="Seconds between upkeep passes (0 turns them off).")
@with_appcontext
def worker(maintenance_interval):
    """Run the RQ worker for after-commit jobs (needs REDIS_URL), plus the periodic upkeep."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to run a worker; without it jobs run inline.")
    stop = threading.Event()
    if maintenance_interval > 0:
        app = current_app._get_current_object()
        threading.Thread(target=_maintenance_loop, args=(app, maintenance_interval, stop),
                         daemon=True, name="maintenance").start()
    try:
        # Jobs run here, in this app (core.jobs.run_in_app_context): no fork and no new app
        # per job. A job that hangs is still stopped by RQ's timeout (a signal in this thread).
        queue = job_queue()
        SimpleWorker([queue], connection=queue.connection).work(with_scheduler=True)
    finally:
        stop.set()


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Admin")
@click.password_option()
@with_appcontext
def create_admin(email, name, password):
    """Create a platform administrator (or make an existing account one)."""
    user = find_user_by_email(email) or register_buyer(SignUp(email, password, name))
    user.is_admin = True
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


COMMANDS = (seed_demo, maintenance, worker, create_admin, reindex_search, mark_no_shows,
            expire_booth_offers, expire_orders, reconcile_payments, charge_booth_fees,
            remind_pickups, remind_sessions, prune_search_log, summarise_sales,
            summarise_searches, optimize_database_command)


def register_commands(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
