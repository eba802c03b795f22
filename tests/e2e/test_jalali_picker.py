"""In a real browser, in Persian: municipal staff make a weekly bazaar on the new-market form,
picking the first day on the Jalali calendar (served from static/vendor, no CDN), typing the
others with Persian and Arabic-Indic digits, and choosing the days of the week in words. The
market is kept with the Gregorian days those Jalali dates are, and its page says the pattern
in words."""

import re

import jdatetime
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.booths.models import Market, MarketKind
from marketplace.core.digits import to_persian_digits
from tests.e2e.persian_pages import log_in


def _persian(text: str) -> str:
    return to_persian_digits(text, separators=False)


def test_staff_pick_jalali_dates_and_a_weekly_pattern_in_persian(
        app, db, new_page, fa, screenshot, create_municipality, create_municipal_staff,
        create_venue, create_booth, create_category):
    city = create_municipality(name_fa="شهرداری سهند", name_en="Sahand Municipality")
    staff = create_municipal_staff(municipality=city, email="municipal.sahand@example.org",
                                   locale="fa")
    venue = create_venue(municipality=city, name_fa="میدان سهند")
    create_booth(venue=venue, code="1")
    create_category(slug="woodwork", name_fa="منبت", name_en="Woodwork")
    venue_id, staff_email = venue.id, staff.email
    db.session.commit()
    db.session.rollback()

    page = new_page()
    log_in(page, fa, staff_email)
    page.set_viewport_size({"width": 390, "height": 844})   # a phone: nothing wider than it
    page.goto(f"/booths/venues/{venue_id}/markets/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label(fa("Kind"), exact=True).select_option("recurring")
    page.get_by_label(fa("Name (Persian)"), exact=True).fill("بازارچه جمعه سهند")

    # The first day from the picker: it opens on this Jalali month, days in Persian digits.
    first = page.get_by_label(fa("First day"), exact=True)
    first.click()
    picker = page.locator("jdp-container")

    def close_picker():
        """As a person does with the keyboard: Escape closes the picker and its overlay (the
        picker lets it pass while it is still opening, for 300 ms)."""
        for _attempt in range(30):
            page.keyboard.press("Escape")
            if not picker.is_visible():
                break
            page.wait_for_timeout(100)
        expect(picker).to_be_hidden()
    expect(picker).to_be_visible()
    screenshot(page, "jalali-picker-fa")
    today = jdatetime.date.today()
    picker.locator(".jdp-day:not(.not-in-month)").filter(
        has_text=re.compile(f"^{_persian('10')}$")).first.click()
    chosen = _persian(f"{today.year:04d}/{today.month:02d}/10")
    # The field shows and sends Persian digits, as typed ones are; the picker reads Latin
    # ones through the property dates.js gives the input.
    expect(first).to_have_value(chosen)
    assert first.evaluate("input => input.value") == f"{today.year:04d}/{today.month:02d}/10"
    close_picker()

    # The others typed: Persian digits for the last day, Arabic-Indic for the times.
    last_day = jdatetime.date(today.year, today.month, 10) + jdatetime.timedelta(days=60)
    page.get_by_label(fa("Last day"), exact=True).fill(
        _persian(f"{last_day.year}/{last_day.month}/{last_day.day}"))
    close_picker()
    opens = jdatetime.date(today.year, today.month, 1)
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    page.get_by_label(fa("Applications open"), exact=True).fill(
        f"{opens.year}/{opens.month:02d}/{opens.day:02d} 09:00".translate(arabic))
    close_picker()
    page.get_by_label(fa("Applications close"), exact=True).fill(
        _persian(f"{opens.year}/{opens.month:02d}/05 18:30"))
    close_picker()

    page.get_by_label(fa("How often (recurring markets)"), exact=True).select_option("weekly")
    page.get_by_label(fa("Friday"), exact=True).check()
    page.get_by_label("منبت", exact=True).check()
    page.get_by_role("button", name=fa("Save market"), exact=True).click()

    pattern = page.locator("#recurrence")
    expect(pattern).to_have_text(fa("Every week on %(days)s", days=fa("Friday")))
    screenshot(page, "market-weekly-in-words-fa")

    db.session.rollback()
    market = db.session.scalar(select(Market).where(Market.name_fa == "بازارچه جمعه سهند"))
    assert market.kind == MarketKind.RECURRING
    assert market.recurrence_rule == "FREQ=WEEKLY;BYDAY=FR"
    assert market.starts_on == jdatetime.date(today.year, today.month, 10).togregorian()
    assert market.ends_on == last_day.togregorian()
    assert market.days and all(d.day.weekday() == 4 for d in market.days)   # Fridays
    db.session.rollback()
