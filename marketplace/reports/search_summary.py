"""The search-log summary: each past day's searches added up ahead, so the needs assessment
reads a few thousand rows per period instead of every search (issue 19, "fast at real size").

- `flask summarise-searches` (a maintenance command) summarises each day before today that
  is not summarised yet, was touched since, or was built with another REPORTS_FEW_RESULTS:
  per local day × normalised term × category filter × city filter × found-little, the
  searches, those with no result and the distinct visitor keys (`models.SearchSummary`).
- The visitor keys are kept whole, not as a sketch: the k-threshold and the "Visitors" column
  need the exact number of distinct visitors over a period, and a union of per-day sets
  gives it (a visitor who searched on two days counts once).
- Writes keep it honest: search-log rows inserted for a summarised day (a worker's buffer
  written late) mark the day dirty in the same statement's transaction
  (`_mark_late_searches`); pruning drops the summary of the days it prunes.
- The report reads clean days from the summary and every other day (today, dirty days, days
  never summarised) from the log, so its figures do not depend on when the summary last ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, event, insert, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from marketplace.catalogue.models import SearchLog
from marketplace.core.db import utcnow
from marketplace.core.i18n import marketplace_zone
from marketplace.extensions import db
from marketplace.reports.models import SearchDay, SearchSummary
from marketplace.reports.periods import local_day, local_midnight

CHUNK_DAYS = 31


def category_filter():
    """The search's category filter (an id), as the log's JSON holds it."""
    return SearchLog.filters["category_id"].as_integer()


def city_filter():
    return SearchLog.filters["city"].as_string()


def during(column, ranges: Iterable[tuple]) -> ColumnElement[bool]:
    """`column` within any of the [start, end) ranges (false when there are none)."""
    return or_(False, *(and_(column >= start, column < end) for start, end in ranges))


def day_runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as [first, after-last) runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


def clean_search_days(start: date, end: date, few: int) -> set[date]:
    """The days of [start, end) the summary holds, built with `few`, untouched since."""
    return set(db.session.scalars(select(SearchDay.day).where(
        SearchDay.day >= start, SearchDay.day < end, SearchDay.dirty.is_(False),
        SearchDay.few == few)))


def unclean_runs(start: date, end: date, clean: set[date]) -> list[tuple[date, date]]:
    """The runs of days of [start, end) that are not in `clean` (read from the log)."""
    count = (end - start).days
    return day_runs(day for day in (start + timedelta(days=n) for n in range(count))
                    if day not in clean)


def log_ranges(runs: list[tuple[date, date]]) -> list[tuple[datetime, datetime]]:
    zone = marketplace_zone()
    return [(local_midnight(start, zone), local_midnight(end, zone)) for start, end in runs]


def search_days_to_summarise(through: date, few: int) -> list[date]:
    """Days up to `through` (inclusive) from the first search on that are not summarised
    clean with `few`."""
    first = db.session.scalar(select(SearchLog.created_at).order_by(SearchLog.created_at)
                              .limit(1))
    if first is None:
        return []
    first_day = local_day(first, marketplace_zone())
    if first_day > through:
        return []
    clean = clean_search_days(first_day, through + timedelta(days=1), few)
    count = (through - first_day).days + 1
    return [day for day in (first_day + timedelta(days=n) for n in range(count))
            if day not in clean]


def summarise_searches(days: list[date], few: int) -> int:
    """Rebuild the summary of `days` with `few`, a transaction per run of at most CHUNK_DAYS
    days; the number of days rebuilt."""
    if not days:
        return 0
    known = set(db.session.scalars(select(SearchDay.day).where(SearchDay.day.in_(days))))
    fresh = [{"day": day, "dirty": True, "few": few} for day in days if day not in known]
    if fresh:
        db.session.execute(insert(SearchDay), fresh)
    db.session.commit()
    for start, end in day_runs(days):
        while start < end:
            stop = min(end, start + timedelta(days=CHUNK_DAYS))
            _rebuild(start, stop, few)
            db.session.commit()
            start = stop
    return len(days)


def _rebuild(start: date, end: date, few: int) -> None:
    # The mark first: a late search written meanwhile waits for this transaction and then
    # marks the day dirty again (the sales summary's order, reports.summary).
    db.session.execute(update(SearchDay).where(SearchDay.day >= start, SearchDay.day < end)
                       .values(built_at=utcnow()))
    zone = marketplace_zone()
    (since, until), = log_ranges([(start, end)])
    category, city = category_filter(), city_filter()
    cells: dict[tuple, dict] = {}
    visitors: dict[tuple, set[str]] = {}
    rows = db.session.execute(
        select(SearchLog.created_at, SearchLog.query, category, city, SearchLog.result_count,
               SearchLog.visitor)
        .where(SearchLog.created_at >= since, SearchLog.created_at < until,
               (SearchLog.result_count <= few) | category.is_not(None)))
    for moment, query, category_id, city_name, results, visitor in rows:
        little = results <= few
        key = ((local_day(moment, zone), query, category_id, city_name, True) if little
               else (local_day(moment, zone), "", category_id, None, False))
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = {"day": key[0], "query": key[1], "category_id": key[2],
                                 "city": key[3], "little": little, "searches": 0, "zero": 0}
            visitors[key] = set()
        cell["searches"] += 1
        cell["zero"] += results == 0
        if visitor is not None:
            visitors[key].add(visitor)
    for key, cell in cells.items():
        cell["visitors"] = " ".join(sorted(visitors[key]))
    db.session.execute(delete(SearchSummary).where(SearchSummary.day >= start,
                                                   SearchSummary.day < end))
    if cells:
        db.session.execute(insert(SearchSummary), list(cells.values()))
    db.session.execute(update(SearchDay).where(SearchDay.day >= start, SearchDay.day < end)
                       .values(dirty=False, few=few))


def forget_days_before(cutoff: datetime) -> None:
    """Drop the summary of every day that begins before `cutoff` (its searches pruned, all or
    some): the report reads what is left of the last one from the log until rebuilt."""
    last = local_day(cutoff, marketplace_zone())
    db.session.execute(delete(SearchSummary).where(SearchSummary.day <= last))
    db.session.execute(delete(SearchDay).where(SearchDay.day <= last))


# --- searches written late mark their days -------------------------------------------------

@event.listens_for(Session, "do_orm_execute")
def _mark_late_searches(state: ORMExecuteState) -> None:
    """The search log is written in batches after the responses (catalogue.search_log); a
    worker's batch can hold yesterday's searches after yesterday was summarised. Those days
    go dirty in the batch's transaction. Today's searches (every batch, nearly) cost nothing:
    only the earliest instant of the batch is looked at."""
    table = getattr(state.statement, "table", None)  # an annotated copy of the Table
    if not state.is_insert or getattr(table, "name", None) != SearchLog.__tablename__:
        return
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    moments = [row["created_at"] for row in rows
               if isinstance(row, dict) and row.get("created_at") is not None]
    if not moments:
        return
    zone = marketplace_zone()
    today = local_day(utcnow(), zone)
    if local_day(min(moments, key=_utc), zone) >= today:
        return
    days = {day for day in (local_day(moment, zone) for moment in moments) if day < today}
    if days:
        state.session.connection().execute(
            update(SearchDay).where(SearchDay.day.in_(days), SearchDay.dirty.is_(False))
            .values(dirty=True))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
