"""The search-log summary (reports.search_summary): the needs assessment gives the same
figures whether its past days come from the summary or from the log — the k-threshold on
distinct visitors included, when one visitor searched on several days — and late searches,
pruning and another REPORTS_FEW_RESULTS send a day back to the log until it is rebuilt."""

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import insert, select

from marketplace.catalogue.models import SearchLog
from marketplace.core.i18n import marketplace_zone
from marketplace.reports.cli import prune_search_log_rows
from marketplace.reports.models import SearchDay, SearchSummary
from marketplace.reports.needs import NeedsFilter, needs_report, term_rows
from marketplace.reports.periods import Calendar, Grain, period_containing
from marketplace.reports.search_summary import (
    search_days_to_summarise,
    summarise_searches,
)


def zone():
    return marketplace_zone()


def today():
    return datetime.now(zone()).date()


def month():
    return period_containing(today(), Grain.MONTH, Calendar.JALALI)


def log(db, term, visitor, days_ago=0.0, results=0, **filters):
    db.session.execute(insert(SearchLog), [{
        "query": term, "filters": filters, "result_count": results, "duration_ms": 5,
        "source": "html", "visitor": visitor,
        "created_at": datetime.now(UTC) - timedelta(days=days_ago)}])
    db.session.commit()


def figures(k=3, few=2, wanted=NeedsFilter(), locale="en"):
    with force_locale(locale):
        result = needs_report(month(), zone(), locale, "IRR", k, few, wanted)
    return (result.summary, result.table.rows,
            [section.table.rows for section in result.sections])


def summarise_all(few=2):
    return summarise_searches(search_days_to_summarise(today() - timedelta(days=1), few), few)


def a_season_of_searches(db):
    """Searches over this month and the one before, on the days before today and today."""
    for n in range(4):  # four visitors, each on two different days: four, not eight
        log(db, "رنگرزی گیاهی", f"a{n:015d}", days_ago=1 + n, city="سردرود", category_id=7)
        log(db, "رنگرزی گیاهی", f"a{n:015d}", days_ago=6 + n, city="سردرود", category_id=7)
    log(db, "رنگرزی گیاهی", "a000000000000009", days_ago=0, city="سردرود", category_id=7)
    for n in range(3):  # three visitors, repeated: below k=4, above k=3
        for days_ago in (2, 3, 0):
            log(db, "نقشه", f"b{n:015d}", days_ago=days_ago, results=1, city="اسکو")
    for n in range(5):  # found enough: not a need, but demand for category 7
        log(db, "گلیم", f"c{n:015d}", days_ago=2, results=30, category_id=7)
    for n in range(6):  # the month before
        log(db, "رنگرزی گیاهی", f"d{n:015d}", days_ago=40 + n, city="سردرود", category_id=7)
        log(db, "", f"e{n:015d}", days_ago=35, results=0, city="سردرود")
    log(db, "سفال", None, days_ago=3)  # no visitor key: never counts


def test_the_summary_gives_the_figures_the_log_gives(db):
    a_season_of_searches(db)
    from_log = {k: figures(k=k) for k in (3, 4, 5)}
    from_log_city = figures(k=3, wanted=NeedsFilter(city="سردرود"))
    assert summarise_all() > 40
    assert db.session.scalar(select(SearchSummary.id).limit(1)) is not None
    for k in (3, 4, 5):
        assert figures(k=k) == from_log[k]
    assert figures(k=3, wanted=NeedsFilter(city="سردرود")) == from_log_city
    shown = {row["term"]: row for row in from_log[5][1]}
    # Four visitors on two days each, plus a fifth today: five distinct, nine searches.
    assert (shown["رنگرزی گیاهی"]["visitors"], shown["رنگرزی گیاهی"]["searches"]) == (5, 9)
    assert "نقشه" not in shown and "نقشه" in {r["term"] for r in from_log[3][1]}


def test_a_late_search_sends_its_day_back_to_the_log(db):
    a_season_of_searches(db)
    summarise_all()
    yesterday = today() - timedelta(days=1)
    assert db.session.get(SearchDay, yesterday).dirty is False
    log(db, "نقشه", "b000000000000099", days_ago=1, results=1, city="اسکو")  # written late
    db.session.expire_all()
    assert db.session.get(SearchDay, yesterday).dirty is True
    rows = term_rows(month(), zone(), 4, 2, NeedsFilter())
    assert {r["term"]: r["visitors"] for r in rows}["نقشه"] == 4  # read from the log at once
    assert summarise_all() == 1
    assert term_rows(month(), zone(), 4, 2, NeedsFilter()) == rows


def test_another_few_results_setting_reads_the_log_until_rebuilt(db):
    a_season_of_searches(db)
    summarise_all(few=2)
    with_zero = figures(few=0)
    summarise_all(few=2)
    assert figures(few=0) == with_zero  # days built with few=2 are not used for few=0
    assert summarise_all(few=0) > 0
    assert figures(few=0) == with_zero


def test_pruning_drops_the_summary_of_the_days_it_prunes(db):
    a_season_of_searches(db)
    summarise_all()
    prune_search_log_rows(20)
    db.session.commit()
    cutoff_day = (datetime.now(UTC) - timedelta(days=20)).astimezone(zone()).date()
    assert not db.session.scalars(select(SearchSummary.day).where(
        SearchSummary.day <= cutoff_day)).all()
    assert not db.session.scalars(select(SearchDay.day).where(SearchDay.day <= cutoff_day)).all()
    after = figures()
    summarise_all()
    assert figures() == after
    assert "summarise-searches" in __import__("marketplace.cli").cli.MAINTENANCE_COMMANDS


def test_the_command_summarises_each_past_day_once(db, runner):
    a_season_of_searches(db)
    first = runner.invoke(args=["summarise-searches"])
    assert first.exit_code == 0, first.output
    assert "Search summary:" in first.output and " 0 days" not in first.output
    again = runner.invoke(args=["summarise-searches"])
    assert "Search summary: 0 days rebuilt." in again.output
