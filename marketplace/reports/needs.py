"""The needs assessment (نیازسنجی): what buyers look for and do not find.

From the search log: searches that found nothing or little (at most `REPORTS_FEW_RESULTS`
results), grouped by their normalised term (the log keeps the query's normalised words,
catalogue.queries.search_params), the category filter and the city filter, this period
against the one before; demand against supply per category (searches naming the category,
views of its product pages and requests for its sold-out or made-to-order items — catalogue's
`ProductViewDay` and `ProductRequest` — against its active listings); and, through the
staff-kept mapping (`models.TermSkill`), the trades and skills those terms ask for, each
beside the courses of its trade held in the period and planned from now (in the chosen
city) — the trade list is training's, one for both — with a button for centre staff to
propose a course for it.

No personal data: a row seen by fewer than `REPORTS_MIN_VISITORS` distinct visitors in the
period is never shown (k-anonymity), nor is an earlier period's figure below that; visitors
are the log's keyed hashes (catalogue.search_log.visitor_key), rows without one never count.

Past days come from the search summary (reports.search_summary), today and days not
summarised from the log, each query reading both at once; figures are the same either way.

Seven queries: the summarised days, the terms (both periods), searches per category, listings,
views and requests per category, the searches per period for the chart's series, and the
courses per trade."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, func, literal, select, union_all

from marketplace.accounts.models import Municipality
from marketplace.accounts.trades import TRADE_LABELS
from marketplace.booths.models import Venue
from marketplace.catalogue.models import (
    Category,
    Product,
    ProductRequest,
    ProductStatus,
    ProductViewDay,
    SearchLog,
)
from marketplace.core.db import utcnow
from marketplace.core.i18n import format_number
from marketplace.core.text import normalize
from marketplace.extensions import db
from marketplace.reports.charts import bar_chart
from marketplace.reports.models import SearchSummary as S
from marketplace.reports.models import TermSkill
from marketplace.reports.periods import Period, change_percent, local_midnight, series
from marketplace.reports.search_summary import (
    category_filter,
    city_filter,
    clean_search_days,
    day_runs,
    during,
    log_ranges,
    unclean_runs,
)
from marketplace.reports.tables import Column, Kind, ReportResult, Section, Table
from marketplace.training.labels import label
from marketplace.training.models import Course, Space

TOP_TERMS = 10


@dataclass(frozen=True)
class NeedsFilter:
    city: str | None = None
    category_id: int | None = None


def _visitor_keys(value: str | None) -> list[str]:
    """A summary row's visitors (space-separated keys) or a log row's visitor, as keys."""
    return value.split() if value else []


def term_rows(period: Period, zone: ZoneInfo, k: int, few: int, wanted: NeedsFilter,
              clean: set[date] | None = None) -> list[dict]:
    """Searches that found at most `few` results, per (term, category, city), with at least
    `k` distinct visitors in `period`. Summarised days (`clean`, the summary's days built with
    `few`; read here when not given) come from the summary, the others from the log, in one
    statement; the visitors of both are unioned here, so each counts once."""
    previous = period.previous()
    if clean is None:
        clean = clean_search_days(previous.start, period.end, few)
    start, _end = period.bounds(zone)
    summary = (select(S.query, S.category_id, S.city,
                      case((S.day >= period.start, 1), else_=0).label("now"),
                      S.searches, S.zero, S.visitors)
               .where(during(S.day, _within(clean, previous.start, period.end)),
                      S.little.is_(True), S.query != literal("")))
    category, city = category_filter(), city_filter()
    searched = (select(SearchLog.query, category.label("category_id"), city.label("city"),
                       case((SearchLog.created_at >= start, 1), else_=0).label("now"),
                       case((SearchLog.result_count == 0, 1), else_=0).label("zero"),
                       SearchLog.visitor)
                .where(during(SearchLog.created_at, log_ranges(
                    unclean_runs(previous.start, period.end, clean))),
                       SearchLog.result_count <= few, SearchLog.query != literal("")))
    if wanted.city:
        summary = summary.where(S.city == wanted.city)
        searched = searched.where(city == wanted.city)
    if wanted.category_id:
        summary = summary.where(S.category_id == wanted.category_id)
        searched = searched.where(category == wanted.category_id)
    # Grouped outside: PostgreSQL does not take an expression with parameters in the GROUP
    # BY for the same one in the SELECT.
    log = searched.subquery()
    logged = (select(log.c.query, log.c.category_id, log.c.city, log.c.now,
                     func.count().label("searches"), func.sum(log.c.zero).label("zero"),
                     log.c.visitor.label("visitors"))
              .group_by(log.c.query, log.c.category_id, log.c.city, log.c.now, log.c.visitor))
    groups: dict[tuple, _TermCounts] = {}
    for row in db.session.execute(union_all(summary, logged)):
        counts = groups.setdefault((row.query, row.category_id, row.city), _TermCounts())
        if row.now:
            counts.searches += int(row.searches or 0)
            counts.zero += int(row.zero or 0)
            counts.visitors.update(_visitor_keys(row.visitors))
        else:
            counts.earlier += int(row.searches or 0)
            counts.earlier_visitors.update(_visitor_keys(row.visitors))
    rows = []
    for (query, category_id, city_name), counts in groups.items():
        if len(counts.visitors) < k:
            continue
        shown_before = counts.earlier if len(counts.earlier_visitors) >= k else None
        rows.append({"term": normalize(query), "category_id": category_id,
                     "city": city_name or "", "searches": counts.searches,
                     "no_results": counts.zero, "visitors": len(counts.visitors),
                     "previous_searches": shown_before,
                     "change": change_percent(counts.searches, shown_before or 0)
                     if shown_before is not None else None})
    rows.sort(key=lambda r: (-r["searches"], -r["visitors"], r["term"], r["category_id"] or 0,
                             r["city"]))
    return rows


@dataclass
class _TermCounts:
    searches: int = 0
    zero: int = 0
    visitors: set[str] = field(default_factory=set)
    earlier: int = 0
    earlier_visitors: set[str] = field(default_factory=set)


def _within(clean: set[date], start: date, end: date) -> list[tuple[date, date]]:
    """The runs of summarised days in [start, end)."""
    return day_runs(day for day in clean if start <= day < end)


def category_demand(period: Period, zone: ZoneInfo, k: int, few: int,
                    clean: set[date]) -> list[dict]:
    """Per category named by a search filter: searches, those that found little, distinct
    visitors (categories below k visitors left out) against active listings."""
    summary = (select(S.category_id, S.searches,
                      case((S.little.is_(True), S.searches), else_=0).label("little"),
                      S.visitors)
               .where(during(S.day, _within(clean, period.start, period.end)),
                      S.category_id.is_not(None)))
    category = category_filter()
    log = (select(category.label("category_id"),
                  case((SearchLog.result_count <= few, 1), else_=0).label("little"),
                  SearchLog.visitor)
           .where(during(SearchLog.created_at, log_ranges(
               unclean_runs(period.start, period.end, clean))), category.is_not(None))
           .subquery())
    logged = (select(log.c.category_id, func.count().label("searches"),
                     func.sum(log.c.little).label("little"), log.c.visitor.label("visitors"))
              .group_by(log.c.category_id, log.c.visitor))
    demand: dict[int, _TermCounts] = {}
    for row in db.session.execute(union_all(summary, logged)):
        counts = demand.setdefault(row.category_id, _TermCounts())
        counts.searches += int(row.searches or 0)
        counts.zero += int(row.little or 0)  # here: the searches that found little
        counts.visitors.update(_visitor_keys(row.visitors))
    interest = _interest(period, zone)
    rows = []
    for category_id in sorted(set(demand) | set(interest["views"]) | set(interest["requests"]),
                              key=lambda c: (c is None, c or 0)):
        counts = demand.get(category_id, _TermCounts())
        if category_id is None or (len(counts.visitors) < k and not (
                interest["views"].get(category_id) or interest["requests"].get(category_id))):
            continue
        listings = interest["listings"].get(category_id, 0)
        searches = counts.searches if len(counts.visitors) >= k else 0
        rows.append({"category_id": int(category_id), "searches": searches,
                     "found_little": counts.zero if searches else 0,
                     "views": interest["views"].get(category_id, 0),
                     "requests": interest["requests"].get(category_id, 0),
                     "listings": listings,
                     "per_listing": round(searches / listings, 1) if listings else None})
    rows.sort(key=lambda r: (-int(r["searches"] or 0), int(r["category_id"] or 0)))
    return rows


def _interest(period: Period, zone: ZoneInfo) -> dict[str, dict[int, int]]:
    """Per category: active listings (now), product page views and requests for sold-out or
    made-to-order items in `period` — one statement."""
    start, end = period.bounds(zone)
    parts = (
        select(Product.category_id, literal("listings").label("what"), func.count(Product.id))
        .where(Product.status == ProductStatus.ACTIVE).group_by(Product.category_id),
        select(Product.category_id, literal("views"), func.sum(ProductViewDay.views))
        .join(Product, Product.id == ProductViewDay.product_id)
        .where(ProductViewDay.day >= period.start, ProductViewDay.day < period.end)
        .group_by(Product.category_id),
        select(Product.category_id, literal("requests"), func.count(ProductRequest.id))
        .join(Product, Product.id == ProductRequest.product_id)
        .where(ProductRequest.created_at >= start, ProductRequest.created_at < end)
        .group_by(Product.category_id))
    found: dict[str, dict[int, int]] = {"listings": {}, "views": {}, "requests": {}}
    for category_id, what, count in db.session.execute(union_all(*parts)):
        found[what][category_id] = int(count or 0)
    return found


def daily_little(periods: list[Period], zone: ZoneInfo, few: int,
                 clean: set[date]) -> dict[Period, int]:
    """Searches that found little per period of the chart's series (local days: a search
    at 01:00 on a month's first day counts in that month)."""
    first, last = periods[0].start, periods[-1].end
    ends = [period.end for period in periods]
    # Grouped outside the subqueries: PostgreSQL does not take a CASE in the GROUP BY for
    # the one in the SELECT when each has parameters of its own.
    days = (select(_bucket(S.day, ends).label("bucket"), S.searches)
            .where(during(S.day, _within(clean, first, last)), S.little.is_(True)).subquery())
    summary = select(days.c.bucket, func.sum(days.c.searches)).group_by(days.c.bucket)
    rows = (select(_bucket(SearchLog.created_at, [local_midnight(end, zone) for end in ends])
                   .label("bucket"))
            .where(during(SearchLog.created_at, log_ranges(unclean_runs(first, last, clean))),
                   SearchLog.result_count <= few).subquery())
    logged = select(rows.c.bucket, func.count()).group_by(rows.c.bucket)
    counts: dict[Period, int] = defaultdict(int)
    for bucket, count in db.session.execute(union_all(summary, logged)):
        counts[periods[int(bucket)]] += int(count or 0)
    return counts


def _bucket(column, ends: list) -> ColumnElement[int]:
    """The index of the series' period `column` falls in (rows are within the series)."""
    return case(*((column < end, index) for index, end in enumerate(ends[:-1])),
                else_=len(ends) - 1)


def skills_for(terms: list[dict], mappings: list[TermSkill], locale: str) -> list[dict]:
    """Each mapped skill with the searches of the terms holding every word of it."""
    skills: dict[str, dict] = {}
    for mapping in mappings:
        words = mapping.term.split()
        if not words:
            continue
        for row in terms:
            # Each word anywhere in the term, as search matches words («نقشه» finds
            # «نقشهکشی», the search form of «نقشه‌کشی»).
            if all(word in row["term"] for word in words):
                row.setdefault("skills", []).append(mapping.skill(locale))
                entry = skills.setdefault(mapping.skill(locale), {
                    "skill": mapping.skill(locale), "trade_code": mapping.trade,
                    "searches": 0, "previous_searches": 0, "terms": []})
                entry["trade_code"] = entry["trade_code"] or mapping.trade
                entry["searches"] += row["searches"]
                entry["previous_searches"] += row["previous_searches"] or 0
                if row["term"] not in entry["terms"]:
                    entry["terms"].append(row["term"])
    result = sorted(skills.values(), key=lambda s: (-s["searches"], s["skill"]))
    for entry in result:
        entry["terms"] = "، ".join(entry["terms"]) if locale.startswith("fa") \
            else ", ".join(entry["terms"])
        entry["change"] = change_percent(entry["searches"], entry["previous_searches"])
    return result


def courses_by_trade(period: Period, zone: ZoneInfo, city: str | None,
                     now: datetime) -> dict[str, tuple[int, int]]:
    """Per trade: the courses held in `period` (begun by `now`, with sessions in the period)
    and those planned (not begun by `now`), cancelled ones left out, in `city` when one is
    chosen. A course is one or the other, never both."""
    start, end = period.bounds(zone)
    begun_by = min(end, now)
    held = func.sum(case(((Course.first_session_at < begun_by) &
                          (Course.last_session_at >= start), 1), else_=0))
    planned = func.sum(case((Course.first_session_at >= now, 1), else_=0))
    stmt = (select(Course.trade, held, planned).where(Course.is_cancelled.is_(False))
            .group_by(Course.trade))
    if city:
        stmt = stmt.join(Space, Space.id == Course.space_id).join(
            Venue, Venue.id == Space.venue_id).join(
            Municipality, Municipality.id == Venue.municipality_id).where(
            Municipality.city == city)
    return {trade: (int(h or 0), int(p or 0)) for trade, h, p in db.session.execute(stmt)}


def _with_courses(skills: list[dict], courses: dict[str, tuple[int, int]]) -> None:
    for entry in skills:
        code = entry.get("trade_code")
        entry["trade"] = label(TRADE_LABELS, code) if code else ""
        entry["courses_held"], entry["courses_planned"] = courses.get(code or "", (0, 0))


def needs_report(period: Period, zone: ZoneInfo, locale: str, currency: str, k: int, few: int,
                 wanted: NeedsFilter) -> ReportResult:
    periods = series(period)
    clean = clean_search_days(min(periods[0].start, period.previous().start), period.end, few)
    terms = term_rows(period, zone, k, few, wanted, clean)
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    mappings = list(db.session.scalars(select(TermSkill).order_by(TermSkill.term)))
    skills = skills_for(terms, mappings, locale)
    _with_courses(skills, courses_by_trade(period, zone, wanted.city, utcnow()))
    for row in terms:
        category = categories.get(row["category_id"]) if row["category_id"] else None
        row["category"] = category.name(locale) if category else ""
        row["skills"] = "، ".join(row.get("skills", [])) if locale.startswith("fa") \
            else ", ".join(row.get("skills", []))
    demand = category_demand(period, zone, k, few, clean)
    for row in demand:
        category = categories.get(row["category_id"])
        row["category"] = category.name(locale) if category else str(row["category_id"])
    little = daily_little(periods, zone, few, clean)
    rtl = locale.startswith("fa")
    table = Table([
        Column("term", _("What buyers searched for")), Column("category", _("Category")),
        Column("city", _("City")), Column("skills", _("Skill")),
        Column("searches", _("Searches"), Kind.INT),
        Column("no_results", _("With no result"), Kind.INT),
        Column("visitors", _("Visitors"), Kind.INT),
        Column("previous_searches", _("Searches, period before"), Kind.INT),
        Column("change", _("Change"), Kind.PERCENT)], terms, currency)
    chart = bar_chart(_("Searches that found little, by term"), [
        (row["term"], row["searches"], format_number(row["searches"]))
        for row in terms[:TOP_TERMS]], rtl=rtl)
    sections = [
        Section(_("Skills buyers want"), Table([
            Column("skill", _("Skill")), Column("trade", _("Trade")),
            Column("terms", _("Terms")),
            Column("searches", _("Searches"), Kind.INT),
            Column("previous_searches", _("Searches, period before"), Kind.INT),
            Column("change", _("Change"), Kind.PERCENT),
            Column("courses_held", _("Courses held"), Kind.INT),
            Column("courses_planned", _("Courses planned"), Kind.INT)], skills, currency),
            bar_chart(_("Searches per skill"), [
                (s["skill"], s["searches"], format_number(s["searches"]))
                for s in skills[:TOP_TERMS]], rtl=rtl) if skills else None,
            action="propose_course"),
        Section(_("Demand and supply by category"), Table([
            Column("category", _("Category")), Column("searches", _("Searches"), Kind.INT),
            Column("found_little", _("Found little"), Kind.INT),
            Column("views", _("Product views"), Kind.INT),
            Column("requests", _("Asked for (sold out, made to order)"), Kind.INT),
            Column("listings", _("Active listings"), Kind.INT),
            Column("per_listing", _("Searches per listing"), Kind.NUMBER)], demand, currency)),
        Section(_("Searches that found little, over time"), Table([
            Column("label", _("Period")), Column("searches", _("Searches"), Kind.INT)],
            [{"label": p.label(locale), "key": p.key, "searches": little.get(p, 0)}
             for p in reversed(periods)], currency),
            bar_chart(_("Searches that found little, by period"), [
                (p.short_label(locale), little.get(p, 0), format_number(little.get(p, 0)))
                for p in periods], rtl=rtl)),
    ]
    total = sum(row["searches"] for row in terms)
    if terms:
        text = _("%(period)s: buyers searched %(count)s times for things they found little "
                 "of; most for «%(term)s».", period=period.label(locale),
                 count=format_number(total), term=terms[0]["term"])
    else:
        text = _("%(period)s: no term was searched by %(k)s or more visitors without finding "
                 "enough.", period=period.label(locale), k=format_number(k))
    return ReportResult(name="needs", title=_("What buyers look for"), summary=text,
                        period=period, previous=period.previous(), table=table, chart=chart,
                        sections=sections)
