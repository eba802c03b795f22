"""The market form speaks Persian (issue 18): Jalali dates with Persian digits, a recurring
market chosen in words (weekdays, every week / two weeks / month), caps and reserved booths
picked from lists, numbers in the page's digits, and every bad entry a form error, never a
500. The RRULE stays inside (booths.recurrence)."""

import re
from datetime import UTC, datetime, timedelta

import jdatetime
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from marketplace.booths.models import Market, MarketKind
from marketplace.booths.recurrence import (
    FORTNIGHTLY,
    MONTHLY,
    WEEKLY,
    Recurrence,
    choice_of,
    describe,
    rule_for,
)
from marketplace.core.digits import to_persian_digits


def _fa(text: str) -> str:
    return to_persian_digits(text, separators=False)


def _jalali(day) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    return _fa(f"{j.year}/{j.month:02d}/{j.day:02d}")


@pytest.mark.parametrize(("choice", "rule"), [
    (Recurrence(WEEKLY, ("FR",)), "FREQ=WEEKLY;BYDAY=FR"),
    (Recurrence(WEEKLY, ("FR", "SA")), "FREQ=WEEKLY;BYDAY=SA,FR"),
    (Recurrence(FORTNIGHTLY, ("TH",)), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
    (Recurrence(MONTHLY, ("FR",)), "FREQ=MONTHLY;BYDAY=1FR"),
])
def test_a_choice_in_words_is_a_rule_and_back(choice, rule):
    assert rule_for(choice) == rule
    back = choice_of(rule)
    assert back is not None and back.frequency == choice.frequency
    assert set(back.weekdays) == set(choice.weekdays)


def test_rules_no_choice_stands_for_are_kept_and_never_shown(app):
    for rule in ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=FR;COUNT=3", "FREQ=MONTHLY;BYMONTHDAY=1",
                 "nonsense", "FREQ=WEEKLY;INTERVAL=3;BYDAY=FR"):
        assert choice_of(rule) is None
    with app.test_request_context("/?lang=fa"), force_locale("fa"):
        weekly = describe("FREQ=WEEKLY;BYDAY=SA,FR")
        assert weekly == gettext("Every week on %(days)s", days=gettext(
            "%(some)s and %(last)s", some=gettext("Saturday"), last=gettext("Friday")))
        assert "شنبه" in weekly and "جمعه" in weekly and not re.search(r"[A-Za-z0-9]", weekly)
        monthly = describe("FREQ=MONTHLY;BYDAY=1FR")
        assert "جمعه" in monthly and not re.search(r"[A-Za-z0-9]", monthly)
        assert "FREQ" not in describe("FREQ=DAILY") and describe("FREQ=DAILY")
    with app.test_request_context("/?lang=en"), force_locale("en"):
        assert describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH") == "Every two weeks on Thursday"


def _form(world, **changes) -> dict:
    today = datetime.now(UTC).date()
    first = today + timedelta(days=30)
    data = {
        "kind": "recurring", "name_fa": "بازارچه پنجشنبه", "starts_on": _jalali(first),
        "ends_on": _jalali(first + timedelta(days=62)), "repeat": FORTNIGHTLY,
        "weekdays": ["TH"], "applications_open_at": _jalali(today) + " ۰۹:۰۰",
        "applications_close_at": _jalali(today + timedelta(days=9)) + " ۱۸:۳۰",
        "category_ids": [world.category.id, world.other_category.id],
        f"cap_{world.category.id}": "٣",
        f"reserve_{world.booths[1].id}": str(world.other_category.id),
        "no_show_strike_limit": "۲", "ineligibility_days": "۳۰",
        "check_in_deadline_minutes": "۴۵", "withdraw_cutoff_hours": "۲۴",
        "sales_fee_percent": "۵"}
    data.update(changes)
    return data


def _markets(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Market))


def test_staff_make_a_fortnightly_market_in_persian(client, login, db, world):
    world.staff.locale = "fa"
    db.session.commit()
    login(world.staff)
    page = client.get(f"/booths/venues/{world.venue.id}/markets/new").get_data(as_text=True)
    assert "FREQ" not in page and "id:cap" not in page
    assert 'data-jdp-only-date' in page and 'type="date"' not in page
    assert 'type="number"' not in page
    assert "شنبه" in page and "جمعه" in page

    response = client.post(f"/booths/venues/{world.venue.id}/markets/new", data=_form(world))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    market = db.session.scalar(select(Market).where(Market.name_fa == "بازارچه پنجشنبه"))
    assert market.kind == MarketKind.RECURRING
    assert market.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert market.starts_on == datetime.now(UTC).date() + timedelta(days=30)
    assert sorted((c.category_id, c.cap) for c in market.categories) == \
        sorted([(world.category.id, 3), (world.other_category.id, None)])
    assert [(r.booth_id, r.category_id) for r in market.reserved_booths] == \
        [(world.booths[1].id, world.other_category.id)]
    assert all(d.day.weekday() == 3 for d in market.days)   # Thursdays
    gaps = {(b.day - a.day).days for a, b in zip(market.days, market.days[1:], strict=False)}
    assert gaps == {14}

    manage = client.get(f"/booths/markets/{market.id}/manage").get_data(as_text=True)
    with client.application.test_request_context("/?lang=fa"), force_locale("fa"):
        in_words = describe(market.recurrence_rule)   # «هر دو هفته یک بار، پنجشنبه»
    assert f'<span id="recurrence">{in_words}</span>' in manage and "FREQ" not in manage
    assert "پنجشنبه" in in_words

    edit = client.get(f"/booths/markets/{market.id}/edit").get_data(as_text=True)
    assert f'value="{_jalali(market.starts_on)}"' in edit       # Jalali, Persian digits
    assert re.search(r'<input checked id="weekdays-\d" name="weekdays" type="checkbox" '
                     r'value="TH">', edit), edit
    assert re.search(f'name="cap_{world.category.id}"[^>]*type="text" value="۳"', edit)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"starts_on": "۱۴۰۵/۱۳/۰۱"}, "starts_on", "تاریخی مانند ۱۴۰۵/۰۹/۱۶ بنویسید."),
    ({"ends_on": "فردا"}, "ends_on", "تاریخی مانند ۱۴۰۵/۰۹/۱۶ بنویسید."),
    ({"applications_open_at": "۱۴۰۵/۰۹/۱۶"}, "applications_open_at", "۱۴۰۵/۰۹/۱۶ ۰۹:۳۰"),
    ({"weekdays": []}, "weekdays", "روزهای هفته"),
    ({"sales_fee_percent": "۹۹"}, "sales_fee_percent", "۵۰"),
    ({"no_show_strike_limit": "two"}, "no_show_strike_limit", None),
])
def test_bad_entries_are_form_errors_in_persian(client, login, db, world, changes, field,
                                                message):
    world.staff.locale = "fa"
    db.session.commit()
    login(world.staff)
    before = _markets(db)
    response = client.post(f"/booths/venues/{world.venue.id}/markets/new",
                           data=_form(world, **changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    if message:
        assert message in html
    assert _markets(db) == before


def test_a_rule_given_through_the_api_is_kept_when_staff_edit(client, login, db, world):
    world.market.kind = MarketKind.RECURRING
    world.market.recurrence_rule = "FREQ=DAILY;INTERVAL=1"
    world.staff.locale = "fa"
    db.session.commit()
    login(world.staff)
    edit = client.get(f"/booths/markets/{world.market.id}/edit").get_data(as_text=True)
    assert "FREQ" not in edit and "همان‌گونه که هست" in edit
    data = _form(world, repeat="keep", weekdays=[], name_fa=world.market.name_fa)
    data.pop(f"reserve_{world.booths[1].id}")
    response = client.post(f"/booths/markets/{world.market.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.refresh(world.market)
    assert world.market.recurrence_rule == "FREQ=DAILY;INTERVAL=1"


def test_english_staff_keep_gregorian_dates(client, login, db, world):
    world.staff.locale = "en"
    db.session.commit()
    login(world.staff)
    page = client.get(f"/booths/venues/{world.venue.id}/markets/new?lang=en")
    html = page.get_data(as_text=True)
    assert 'name="starts_on" type="date"' in html or \
        ('type="date"' in html and 'name="starts_on"' in html)
    assert "data-jdp" not in html
    first = datetime.now(UTC).date() + timedelta(days=30)
    data = _form(world, starts_on=first.isoformat(),
                 ends_on=(first + timedelta(days=62)).isoformat(),
                 applications_open_at=datetime.now(UTC).strftime("%Y-%m-%dT09:00"),
                 applications_close_at=(datetime.now(UTC) + timedelta(days=9))
                 .strftime("%Y-%m-%dT18:30"), name_fa="بازار انگلیسی")
    response = client.post(f"/booths/venues/{world.venue.id}/markets/new?lang=en", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_a_booth_block_takes_jalali_dates_and_refuses_bad_ones(client, login, db, world):
    world.staff.locale = "fa"
    db.session.commit()
    login(world.staff)
    booth = world.booths[0]
    day = world.market.days[0].day
    bad = client.post(f"/booths/booths/{booth.id}/block", data={
        "starts_on": "۱۴۰۵/۰۲/۳۲", "ends_on": _jalali(day), "reason": "repairs"},
        follow_redirects=True)
    assert bad.status_code == 200
    assert "تاریخی مانند ۱۴۰۵/۰۹/۱۶ بنویسید." in bad.get_data(as_text=True)
    good = client.post(f"/booths/booths/{booth.id}/block", data={
        "starts_on": _jalali(day), "ends_on": _jalali(day), "reason": "repairs"})
    assert good.status_code == 302
    db.session.refresh(booth)
    assert [(b.starts_on, b.ends_on) for b in booth.blocks] == [(day, day)]
