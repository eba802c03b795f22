"""The needs assessment: searches that found little, per normalised term, category and city;
the k-threshold (distinct visitors) hides rare terms; the term → skill mapping; the trend."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from marketplace.core.i18n import marketplace_zone
from marketplace.core.text import normalize
from marketplace.reports.models import TermSkill
from marketplace.reports.needs import NeedsFilter, needs_report
from marketplace.reports.periods import Calendar, Grain, period_containing


def this_month():
    return period_containing(datetime.now(marketplace_zone()).date(), Grain.MONTH,
                             Calendar.JALALI)


def run(k=5, few=2, wanted=NeedsFilter(), locale="fa"):
    with force_locale(locale):
        return needs_report(this_month(), marketplace_zone(), locale, "IRR", k, few, wanted)


def terms(result):
    return {row["term"]: row for row in result.table.rows}


def test_a_term_needs_k_distinct_visitors(db, log_searches):
    log_searches("رنگرزی گیاهی", visitors=5)
    # Four visitors searching many times each are still four: hidden.
    log_searches("تعمیر فرش", visitors=4, times=6)
    shown = terms(run(k=5))
    assert "رنگرزی گیاهی" in shown and "تعمیر فرش" not in shown
    assert (shown["رنگرزی گیاهی"]["searches"], shown["رنگرزی گیاهی"]["visitors"]) == (5, 5)
    assert "تعمیر فرش" in terms(run(k=4))


def test_searches_are_grouped_by_normalised_term_category_and_city(db, log_searches):
    # Arabic letter forms fold to the Persian ones, the zero-width non-joiner goes.
    log_searches("نقشه\u200cکشی فرش", visitors=3, city="سردرود", category_id=7)
    log_searches("نقشه\u200cكشي فرش", visitors=3, city="سردرود", category_id=7)
    log_searches("نقشه\u200cکشی فرش", visitors=6, city="اسکو")
    term = normalize("نقشه\u200cکشی فرش")
    rows = run(k=5).table.rows
    keyed = {(r["term"], r["city"]): r for r in rows}
    assert keyed[(term, "سردرود")]["searches"] == 6
    assert keyed[(term, "سردرود")]["category_id"] == 7
    assert keyed[(term, "اسکو")]["searches"] == 6
    only_sardrud = run(k=5, wanted=NeedsFilter(city="سردرود")).table.rows
    assert {r["city"] for r in only_sardrud} == {"سردرود"}


def test_searches_that_found_enough_are_not_needs(db, log_searches):
    log_searches("گلیم", visitors=8, results=30)
    log_searches("گلیم ابریشمی", visitors=8, results=2)
    shown = terms(run(k=5, few=2))
    assert "گلیم" not in shown and shown["گلیم ابریشمی"]["no_results"] == 0


def test_trend_against_the_period_before_respects_k(db, log_searches):
    period = this_month()
    before = datetime.combine(period.start, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
    log_searches("دار قالی", visitors=6)
    log_searches("دار قالی", visitors=5, at=before)
    log_searches("رنگرزی گیاهی", visitors=7)
    log_searches("رنگرزی گیاهی", visitors=2, at=before)  # too few to show
    shown = terms(run(k=5))
    assert shown["دار قالی"]["previous_searches"] == 5
    assert shown["دار قالی"]["change"] == 20.0
    assert shown["رنگرزی گیاهی"]["previous_searches"] is None


def test_terms_read_as_skills(db, log_searches):
    db.session.add_all([TermSkill(term="رنگرزی گیاهی", skill_fa="رنگرزی گیاهی الیاف",
                                  skill_en="Natural dyeing"),
                        TermSkill(term="نقشه", skill_fa="نقشه‌کشی فرش", skill_en="Pattern design")])
    db.session.commit()
    log_searches("رنگرزی گیاهی پشم", visitors=5)
    log_searches("نقشه\u200cکشی فرش", visitors=6)
    log_searches("کدنویسی نقشه", visitors=5)
    result = run(k=5, locale="en")
    skills = {row["skill"]: row for row in result.sections[0].table.rows}
    assert skills["Pattern design"]["searches"] == 11
    assert skills["Natural dyeing"]["searches"] == 5
    assert terms(result)["رنگرزی گیاهی پشم"]["skills"] == "Natural dyeing"


def test_demand_against_supply_per_category(db, log_searches, create_product, create_category):
    tableaux = create_category()
    create_product(category=tableaux)
    create_product(category=tableaux)
    log_searches("", visitors=6, results=1, category_id=tableaux.id)
    log_searches("ابریشم", visitors=4, results=9, category_id=tableaux.id)
    demand = {row["category_id"]: row for row in run(k=5).sections[1].table.rows}
    assert demand[tableaux.id]["searches"] == 10
    assert demand[tableaux.id]["found_little"] == 6
    assert demand[tableaux.id]["listings"] == 2
    assert demand[tableaux.id]["per_listing"] == 5.0


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_summary_names_the_top_term(db, log_searches, locale):
    log_searches("رنگرزی گیاهی", visitors=9)
    assert "رنگرزی گیاهی" in run(locale=locale).summary
