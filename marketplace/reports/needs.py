"""The needs assessment (نیازسنجی): what buyers look for and do not find.

From the search log: searches that found nothing or little (at most `REPORTS_FEW_RESULTS`
results), grouped by their normalised term (the log keeps the query's normalised words,
catalogue.queries.search_params), the category filter and the city filter, this period
against the one before; demand against supply per category (searches naming the category
against its active listings); and, through the staff-kept mapping (`models.TermSkill`), the
trades and skills those terms ask for, each beside the courses of its trade held in the period
and planned from now (in the chosen city) — the trade list is training's, one for both — with
a button for centre staff to propose a course for it.

No personal data: a row seen by fewer than `REPORTS_MIN_VISITORS` distinct visitors in the
period is never shown (k-anonymity), nor is an earlier period's figure below that; visitors
are the log's keyed hashes (catalogue.search_log.visitor_key), rows without one never count.

Five queries: the terms (one grouped query over both periods), demand per category, supply per
category, the searches per day for the chart's series, and the courses per trade."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, literal, select

from marketplace.accounts.models import Municipality
from marketplace.accounts.trades import TRADE_LABELS
from marketplace.booths.models import Venue
from marketplace.catalogue.models import Category, Product, ProductStatus, SearchLog
from marketplace.core.db import utcnow
from marketplace.core.i18n import format_number
from marketplace.core.text import normalize
from marketplace.extensions import db
from marketplace.reports.charts import bar_chart
from marketplace.reports.models import TermSkill
from marketplace.reports.periods import Period, bucket_of, change_percent, series
from marketplace.reports.tables import Column, Kind, ReportResult, Section, Table
from marketplace.training.labels import label
from marketplace.training.models import Course, Space

TOP_TERMS = 10


@dataclass(frozen=True)
class NeedsFilter:
    city: str | None = None
    category_id: int | None = None


def _category_filter():
    return SearchLog.filters["category_id"].as_integer()


def _city_filter():
    return SearchLog.filters["city"].as_string()


def term_rows(period: Period, zone: ZoneInfo, k: int, few: int, wanted: NeedsFilter) -> list[dict]:
    """Searches that found at most `few` results, per (term, category, city), with at least
    `k` distinct visitors in `period`."""
    previous = period.previous()
    start, end = period.bounds(zone)
    before, _start = previous.bounds(zone)
    now = SearchLog.created_at >= start
    category, city = _category_filter(), _city_filter()
    searches = func.sum(case((now, 1), else_=0)).label("searches")
    visitors = func.count(distinct(case((now, SearchLog.visitor)))).label("visitors")
    earlier = func.sum(case((now, 0), else_=1)).label("earlier")
    earlier_visitors = func.count(distinct(case((now, None), else_=SearchLog.visitor)))
    zero = func.sum(case((now & (SearchLog.result_count == 0), 1), else_=0)).label("zero")
    stmt = (select(SearchLog.query, category.label("category_id"), city.label("city"), searches,
                   visitors, earlier, earlier_visitors.label("earlier_visitors"), zero)
            .where(SearchLog.created_at >= before, SearchLog.created_at < end,
                   SearchLog.result_count <= few, SearchLog.query != literal(""))
            .group_by(SearchLog.query, category, city)
            .having(func.count(distinct(case((now, SearchLog.visitor)))) >= k))
    if wanted.city:
        stmt = stmt.where(city == wanted.city)
    if wanted.category_id:
        stmt = stmt.where(category == wanted.category_id)
    rows = []
    for row in db.session.execute(stmt):
        shown_before = int(row.earlier or 0) if (row.earlier_visitors or 0) >= k else None
        rows.append({"term": normalize(row.query), "category_id": row.category_id,
                     "city": row.city or "", "searches": int(row.searches or 0),
                     "no_results": int(row.zero or 0), "visitors": int(row.visitors or 0),
                     "previous_searches": shown_before,
                     "change": change_percent(int(row.searches or 0), shown_before or 0)
                     if shown_before is not None else None})
    rows.sort(key=lambda r: (-r["searches"], -r["visitors"], r["term"]))
    return rows


def category_demand(period: Period, zone: ZoneInfo, k: int, few: int) -> list[dict]:
    """Per category named by a search filter: searches, those that found little, distinct
    visitors (categories below k visitors left out) against active listings."""
    start, end = period.bounds(zone)
    category = _category_filter()
    demand = db.session.execute(
        select(category, func.count(SearchLog.id),
               func.sum(case((SearchLog.result_count <= few, 1), else_=0)),
               func.count(distinct(SearchLog.visitor)))
        .where(SearchLog.created_at >= start, SearchLog.created_at < end,
               category.is_not(None))
        .group_by(category)).all()
    supply = dict(db.session.execute(
        select(Product.category_id, func.count(Product.id))
        .where(Product.status == ProductStatus.ACTIVE).group_by(Product.category_id)).all())
    rows = []
    for category_id, count, little, visitors in demand:
        if (visitors or 0) < k or category_id is None:
            continue
        listings = int(supply.get(category_id, 0))
        rows.append({"category_id": int(category_id), "searches": int(count),
                     "found_little": int(little or 0), "listings": listings,
                     "per_listing": round(int(count) / listings, 1) if listings else None})
    rows.sort(key=lambda r: (-int(r["searches"] or 0), int(r["category_id"] or 0)))
    return rows


def daily_little(periods: list[Period], zone: ZoneInfo, few: int) -> dict[Period, int]:
    """Searches that found little per period of the chart's series (counted per UTC day)."""
    start, _first_end = periods[0].bounds(zone)
    _last_start, end = periods[-1].bounds(zone)
    day = func.date(SearchLog.created_at)
    counts: dict[Period, int] = defaultdict(int)
    for value, count in db.session.execute(
            select(day, func.count(SearchLog.id))
            .where(SearchLog.created_at >= start, SearchLog.created_at < end,
                   SearchLog.result_count <= few).group_by(day)):
        the_day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        bucket = bucket_of(the_day, periods)
        if bucket is not None:
            counts[bucket] += int(count)
    return counts


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
    terms = term_rows(period, zone, k, few, wanted)
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    mappings = list(db.session.scalars(select(TermSkill).order_by(TermSkill.term)))
    skills = skills_for(terms, mappings, locale)
    _with_courses(skills, courses_by_trade(period, zone, wanted.city, utcnow()))
    for row in terms:
        category = categories.get(row["category_id"]) if row["category_id"] else None
        row["category"] = category.name(locale) if category else ""
        row["skills"] = "، ".join(row.get("skills", [])) if locale.startswith("fa") \
            else ", ".join(row.get("skills", []))
    demand = category_demand(period, zone, k, few)
    for row in demand:
        category = categories.get(row["category_id"])
        row["category"] = category.name(locale) if category else str(row["category_id"])
    periods = series(period)
    little = daily_little(periods, zone, few)
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
