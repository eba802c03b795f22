"""flask commands of the reports domain."""

from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete

from marketplace.catalogue.models import SearchLog
from marketplace.core.db import utcnow
from marketplace.core.i18n import today_here
from marketplace.extensions import db
from marketplace.reports.search_summary import (
    forget_days_before,
    search_days_to_summarise,
)
from marketplace.reports.search_summary import (
    summarise_searches as summarise_search_days,
)
from marketplace.reports.summary import days_to_summarise, summarise


def prune_search_log_rows(days: int) -> int:
    """Delete search-log rows older than `days` days; how many went."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(SearchLog).where(SearchLog.created_at < cutoff))
    forget_days_before(cutoff)
    return int(getattr(result, "rowcount", 0) or 0)


@click.command("prune-search-log")
@click.option("--days", type=int, default=None,
              help="Keep this many days (default SEARCH_LOG_RETENTION_DAYS).")
@with_appcontext
def prune_search_log(days):
    """Delete searches older than the search log's retention period (the needs assessment
    reads no further back)."""
    days = days if days is not None else current_app.config["SEARCH_LOG_RETENTION_DAYS"]
    gone = prune_search_log_rows(max(days, 1))
    db.session.commit()
    click.echo(f"Search log: {gone} rows older than {days} days deleted.")


@click.command("summarise-sales")
@click.option("--through", default=None, help="Last day to summarise (YYYY-MM-DD; default "
              "yesterday in the marketplace's time zone).")
@with_appcontext
def summarise_sales(through):
    """Summarise each past day's sales that is not summarised yet or was touched since (the
    sales report then reads that day from the summary)."""
    last = date.fromisoformat(through) if through else _yesterday()
    done = summarise(days_to_summarise(last))
    click.echo(f"Sales summary: {done} days rebuilt.")


def _yesterday() -> date:
    return today_here() - timedelta(days=1)


@click.command("summarise-searches")
@click.option("--through", default=None, help="Last day to summarise (YYYY-MM-DD; default "
              "yesterday in the marketplace's time zone).")
@with_appcontext
def summarise_searches(through):
    """Summarise each past day's search log that is not summarised yet, was touched since or
    was built with another REPORTS_FEW_RESULTS (the needs assessment then reads that day from
    the summary)."""
    last = date.fromisoformat(through) if through else _yesterday()
    few = current_app.config["REPORTS_FEW_RESULTS"]
    done = summarise_search_days(search_days_to_summarise(last, few), few)
    click.echo(f"Search summary: {done} days rebuilt.")
