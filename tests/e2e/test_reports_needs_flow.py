"""In a real browser, in Persian, on a 390 px phone: staff of a Sardrud centre open "what buyers
look for" and see the terms buyers searched for and found little of, as a chart (SVG) above
its table, with the skills those terms ask for — and a rare term stays hidden."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import insert

from marketplace.catalogue.models import SearchLog
from marketplace.reports.models import TermSkill
from tests.e2e.persian_pages import expect_persian_rtl, log_in

PHONE = {"width": 390, "height": 844}
LATIN_DIGIT = re.compile(r"[0-9]")


def searches(term: str, visitors: int, first: int) -> list[dict]:
    return [{"query": term, "filters": {"city": "سردرود"}, "result_count": 0,
             "duration_ms": 5, "source": "html", "created_at": datetime.now(UTC),
             "visitor": f"e2e{first + n:013d}"} for n in range(visitors)]


def test_centre_staff_read_the_needs_assessment_in_persian(
        app, db, page, fa, screenshot, create_centre, create_centre_staff):
    centre = create_centre(name_fa="آموزشگاه تابلو فرش سردرود", city="سردرود")
    staff = create_centre_staff(centre=centre)
    staff.locale = "fa"
    db.session.add(TermSkill(term="رنگرزی گیاهی", skill_fa="رنگرزی گیاهی الیاف",
                             skill_en="Natural dyeing"))
    db.session.execute(insert(SearchLog), searches("رنگرزی گیاهی", 7, 0)
                       + searches("نقشهکشی فرش", 5, 100) + searches("تعمیر فرش", 2, 200))
    email = staff.email
    db.session.commit()
    db.session.rollback()

    page.set_viewport_size(PHONE)
    log_in(page, fa, email)
    page.goto("/reports/")
    page.get_by_role("link", name=fa("What buyers look for"), exact=True).click()
    expect_persian_rtl(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(fa("What buyers look for"))
    chart = page.locator("figure[data-chart='chart-main'] svg")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(2)
    table = page.locator("section.report-main table")
    expect(table).to_contain_text("رنگرزی گیاهی")
    expect(table).to_contain_text("رنگرزی گیاهی الیاف")
    expect(table).not_to_contain_text("تعمیر فرش")  # two visitors: under the threshold
    expect(page.locator("[data-summary]")).to_contain_text("رنگرزی گیاهی")
    main_text = page.locator("main").inner_text()
    assert not LATIN_DIGIT.search(main_text), LATIN_DIGIT.findall(main_text)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "reports-needs-phone")
