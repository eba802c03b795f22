"""Demo searches for the needs assessment: what buyers in Sardrud looked for and found
little of this month and last («رنگرزی گیاهی», «نقشه کشی فرش»…), each term by more distinct
visitors than the report's threshold (REPORTS_MIN_VISITORS), one rare term below it (the
report hides it), and the staff-kept mapping from those terms to skills.

Idempotent: the searches are written once (marked with the source "demo"), the mapping entry
by entry."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from sqlalchemy import insert, select

from marketplace.catalogue.models import Category, SearchLog
from marketplace.core.db import utcnow
from marketplace.core.i18n import marketplace_zone
from marketplace.core.text import normalize
from marketplace.extensions import db
from marketplace.reports.models import TermSkill
from marketplace.reports.periods import Calendar, Grain, period_containing

CITY = "سردرود"
# term, distinct visitors this month, last month, results found, with the carpet category
SEARCHES = (
    ("رنگرزی گیاهی", 14, 8, 0, False),
    ("نقشه‌کشی فرش", 11, 9, 1, True),
    ("کدنویسی نقشه", 9, 3, 0, False),
    ("تابلو فرش ابریشم سفارشی", 8, 6, 2, True),
    ("دار قالی", 7, 0, 0, False),
    ("تعمیر فرش", 2, 1, 0, False),   # fewer than five visitors: the report never shows it
)
# term, skill (fa, en), and its trade in the one trade list courses use (training.labels)
SKILLS = (
    ("رنگرزی گیاهی", "رنگرزی گیاهی الیاف", "Natural dyeing", "dyeing"),
    ("نقشه", "طراحی و نقشه‌کشی فرش", "Carpet pattern design", "carpet_design"),
    ("کدنویسی نقشه", "کدنویسی نقشهٔ فرش", "Pattern coding", "pattern_coding"),
    ("دار قالی", "ساخت و برپایی دار قالی", "Loom building", "carpet_weaving"),
)
SOURCE = "demo"


def _visitor(n: int) -> str:
    return hashlib.sha256(f"demo-visitor-{n}".encode()).hexdigest()[:16]


def seed(echo) -> None:
    carpets = db.session.scalar(select(Category.id).where(Category.slug == "carpet-tableaux"))
    added_skills = 0
    for term, skill_fa, skill_en, trade in SKILLS:
        key = normalize(term)
        entry = db.session.scalar(select(TermSkill).where(TermSkill.term == key))
        if entry is None:
            db.session.add(TermSkill(term=key, skill_fa=skill_fa, skill_en=skill_en,
                                     trade=trade))
            added_skills += 1
        elif entry.trade is None:  # seeded before terms had trades
            entry.trade = trade
    if db.session.scalar(select(SearchLog.id).where(SearchLog.source == SOURCE).limit(1)):
        echo(f"reports: demo searches already there; {added_skills} skill mappings added")
        return
    rng = random.Random(19)
    now = utcnow()
    # The searches fall in this Jalali month (so far) and the one before, whatever today is.
    zone = marketplace_zone()
    month = period_containing(now.astimezone(zone).date(), Grain.MONTH, Calendar.JALALI)
    this_start, _this_end = month.bounds(zone)
    last_start, last_end = month.previous().bounds(zone)
    windows = ((this_start, now), (last_start, last_end))
    rows = []
    visitor = 0
    for term, this_month, last_month, results, in_category in SEARCHES:
        filters: dict = {"city": CITY}
        if in_category and carpets:
            filters["category_id"] = carpets
        for count, (start, end) in zip((this_month, last_month), windows, strict=True):
            seconds = max(int((end - start).total_seconds()) - 1, 1)
            for _ in range(count):
                visitor += 1
                # Each visitor searches once or twice.
                for _repeat in range(rng.choice((1, 1, 2))):
                    rows.append({
                        "query": normalize(term), "filters": filters, "result_count": results,
                        "duration_ms": rng.randint(4, 40), "source": SOURCE,
                        "created_at": start + timedelta(seconds=rng.randint(0, seconds)),
                        "visitor": _visitor(visitor)})
    db.session.execute(insert(SearchLog), rows)
    echo(f"reports: {len(rows)} demo searches in {CITY} and {added_skills} skill mappings")
