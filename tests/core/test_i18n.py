"""Choosing the language, <html lang dir>, Jalali dates and Persian digits."""

import re
from datetime import UTC, date, datetime

import jdatetime
import pytest
from flask import g, render_template_string

from marketplace.core.i18n import best_from_accept_language


def html_tag(response) -> tuple[str, str]:
    match = re.search(r'<html lang="(\w+)" dir="(\w+)">', response.get_data(as_text=True))
    assert match, "no <html lang dir> tag"
    return match.group(1), match.group(2)


@pytest.mark.parametrize(("header", "expected"), [
    ("fa-IR,en;q=0.5", "fa"),           # werkzeug's best_match said en here
    ("fa", "fa"),
    ("en-US,en;q=0.9,fa;q=0.8", "en"),
    ("de-DE,de;q=0.9,fa;q=0.3", "fa"),
    ("en;q=0.2,fa-IR;q=0.9", "fa"),
    ("de, fr", None),
    ("", None),
    (None, None),
    ("fa;q=bogus,en", "en"),
])
def test_best_language_from_accept_language(app, header, expected):
    assert best_from_accept_language(header) == expected


def test_persian_home_page_from_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "fa-IR,en;q=0.5"})
    assert html_tag(response) == ("fa", "rtl")
    body = response.get_data(as_text=True)
    assert "بازارچه" in body and "برای کارآموزان" in body and "رفتن به محتوا" in body
    assert "For trainees" not in body


def test_english_with_lang_parameter(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "fa-IR,en;q=0.5"})
    assert html_tag(response) == ("en", "ltr")
    body = response.get_data(as_text=True)
    assert "For trainees" in body and "Skip to content" in body
    assert "برای کارآموزان" not in body


def test_default_is_persian_and_unknown_lang_is_ignored(client):
    assert html_tag(client.get("/")) == ("fa", "rtl")
    assert html_tag(client.get("/?lang=xx", headers={"Accept-Language": "en"})) == ("en", "ltr")


def test_the_saved_choice_of_a_signed_in_user_wins_over_the_browser(client, login, create_user):
    login(create_user(locale="en"))
    assert html_tag(client.get("/", headers={"Accept-Language": "fa"})) == ("en", "ltr")
    assert html_tag(client.get("/?lang=fa")) == ("fa", "rtl")


def test_the_language_switch_remembers_the_choice(client, db, login, create_user):
    response = client.post("/language", data={"locale": "en", "next": "/account?x=1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account?x=1")
    assert html_tag(client.get("/", headers={"Accept-Language": "fa"})) == ("en", "ltr")

    user = create_user(locale="en")
    login(user)
    client.post("/language", data={"locale": "fa"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "fa"
    assert html_tag(client.get("/")) == ("fa", "rtl")


def test_the_language_switch_refuses_unknown_languages_and_foreign_targets(client):
    assert client.post("/language", data={"locale": "xx"}).status_code == 400
    response = client.post("/language", data={"locale": "en", "next": "//evil.example/"})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_every_page_has_a_language_switch(client):
    body = client.get("/").get_data(as_text=True)
    assert 'action="/language"' in body and 'value="en"' in body
    body = client.get("/?lang=en").get_data(as_text=True)
    assert 'value="fa"' in body


def render(app, source, lang, **context):
    # Tests share one app context, where Flask-Babel caches the locale it chose (on `g`).
    g.pop("_flask_babel", None)
    with app.test_request_context(f"/?lang={lang}"):
        return render_template_string(source, **context)


def test_jalali_dates_in_persian(app):
    day = date(2026, 12, 25)
    jalali = jdatetime.date.fromgregorian(date=day)
    assert (jalali.year, jalali.month, jalali.day) == (1405, 10, 4)  # 4 Dey 1405
    assert render(app, "{{ d|day }}", "fa", d=day) == "۴ دی ۱۴۰۵"
    assert render(app, "{{ d|day(true) }}", "fa", d=day) == "جمعه ۴ دی ۱۴۰۵"
    assert render(app, "{{ d|day }}", "en", d=day) == "25 December 2026"
    assert render(app, "{{ d|day }}", "fa", d=date(2026, 3, 21)) == "۱ فروردین ۱۴۰۵"


def test_moments_are_shown_in_the_marketplace_time_zone(app):
    app.config["MARKETPLACE_TIMEZONE"] = "Asia/Tehran"  # whatever the environment says
    moment = datetime(2026, 12, 25, 8, 30, tzinfo=UTC)  # 12:00 in Tehran (+03:30)
    assert render(app, "{{ m|moment }}", "fa", m=moment) == "۴ دی ۱۴۰۵، ۱۲:۰۰"
    assert render(app, "{{ m|moment }}", "en", m=moment) == "25 Dec 2026, 12:00"
    # A moment late in the UTC evening is already the next day in Tehran.
    assert render(app, "{{ m|day }}", "en", m=datetime(2026, 12, 24, 21, 0, tzinfo=UTC)) == \
        "25 December 2026"


def test_numbers_and_money_in_persian_digits(app):
    from marketplace.core.money import Money

    assert render(app, "{{ n|num }}", "fa", n=1234567) == "۱٬۲۳۴٬۵۶۷"
    assert render(app, "{{ n|num }}", "en", n=1234567) == "1,234,567"
    assert render(app, "{{ t|digits }}", "fa", t="Booth A-12") == "Booth A-۱۲"
    assert "۱۲٫۵۰" in render(app, "{{ m|money }}", "fa", m=Money(1250, "USD"))
    assert render(app, "{{ m|money }}", "en", m=Money(1250, "USD")) == "$12.50"
    assert render(app, "{{ n|num }}{{ d|day }}", "fa", n=None, d=None) == ""


def test_phones_in_the_national_form_and_the_page_s_digits(app):
    """A buyer's number as typed at checkout or a stored one; a number that is not a mobile
    is shown as typed, in the page's digits."""
    isolated = '<bdi dir="ltr">{}</bdi>'.format
    assert render(app, "{{ p|phone }}", "fa", p="09141234567") == isolated("۰۹۱۴ ۱۲۳ ۴۵۶۷")
    assert render(app, "{{ p|phone }}", "fa", p="+989141234567") == isolated("۰۹۱۴ ۱۲۳ ۴۵۶۷")
    assert render(app, "{{ p|phone }}", "en", p="۰۹۱۴۱۲۳۴۵۶۷") == isolated("0914 123 4567")
    assert render(app, "{{ p|phone }}", "fa", p="041-3333") == isolated("۰۴۱-۳۳۳۳")
    assert render(app, "{{ p|phone }}", "fa", p=None) == ""


def test_translated_strings_in_python_code(app):
    from flask_babel import gettext

    with app.test_request_context("/?lang=fa"):
        assert gettext("Wrong email or password.") == "ایمیل یا رمز عبور اشتباه است."
    g.pop("_flask_babel", None)
    with app.test_request_context("/?lang=en"):
        assert gettext("Wrong email or password.") == "Wrong email or password."
