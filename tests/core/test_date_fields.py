"""Dates and numbers as people type them (issue 18): Jalali dates with any digits in Persian,
Gregorian in English, integers with Persian or Arabic-Indic digits in a text input, and every
refusal a clear message in the reader's digits — never an exception."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from marketplace.core.dates import (
    day_input_text,
    jalali_column,
    moment_input_text,
    parse_day,
    parse_moment,
)
from marketplace.core.forms import (
    Bounds,
    Form,
    LocalDateField,
    LocalDateTimeField,
    LocalizedIntegerField,
)

AZAR_16 = date(2026, 12, 7)   # 16 Azar 1405


@pytest.mark.parametrize("text", [
    "۱۴۰۵/۰۹/۱۶", "١٤٠٥/٠٩/١٦", "1405/9/16", "۱۴۰۵-۰۹-۱۶", "۱۴۰۵٫۰۹٫۱۶", " ۱۴۰۵ / ۹ / ۱۶ ",
    "\u200f۱۴۰۵/۰۹/۱۶\u200e",            # the bidi marks a phone keyboard may add
    "2026-12-07", "۲۰۲۶-۱۲-۰۷", "2026/12/7",   # Gregorian: an ISO link, a browser's input
])
def test_a_day_reads_in_either_calendar_with_any_digits(text):
    assert parse_day(text) == AZAR_16


@pytest.mark.parametrize("text", [
    "", "yesterday", "۱۴۰۵/۰۹", "1405/13/01", "1405/00/10", "1404/12/30",   # 1404 is common
    "1405/07/31", "2026-02-30", "14050916", "16/09/1405", "۱۴۰۵/۰۹/۱۶ ۱۰:۰۰",
])
def test_what_is_no_day_is_refused(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_a_leap_esfand_has_thirty_days():
    assert parse_day("1403/12/30") == date(2025, 3, 20)


def test_a_moment_reads_with_a_space_or_a_t():
    expected = datetime(2026, 12, 7, 14, 30)
    assert parse_moment("۱۴۰۵/۰۹/۱۶ ۱۴:۳۰") == expected
    assert parse_moment("١٤٠٥/٠٩/١٦  ١٤:٣٠") == expected
    assert parse_moment("2026-12-07T14:30") == expected
    assert parse_moment("2026-12-07 14:30:00") == expected
    for bad in ("۱۴۰۵/۰۹/۱۶", "۱۴۰۵/۰۹/۱۶ ۲۵:۰۰", "۱۴۰۵/۰۹/۱۶ ۱۴:۶۰", "2026-12-07T", "now"):
        with pytest.raises(ValueError):
            parse_moment(bad)


def test_a_day_goes_back_into_a_field_in_the_readers_calendar():
    assert day_input_text(AZAR_16, "fa") == "۱۴۰۵/۰۹/۱۶"
    assert day_input_text(AZAR_16, "en") == "2026-12-07"
    assert moment_input_text(datetime(2026, 12, 7, 9, 5), "fa") == "۱۴۰۵/۰۹/۱۶ ۰۹:۰۵"
    assert moment_input_text(datetime(2026, 12, 7, 9, 5), "en") == "2026-12-07T09:05"
    assert parse_day(day_input_text(AZAR_16, "fa")) == AZAR_16


def test_exports_have_a_jalali_column_with_sortable_digits():
    assert jalali_column(AZAR_16) == "1405/09/16"
    assert jalali_column(datetime(2026, 12, 7, 14, 30)) == "1405/09/16 14:30"
    assert jalali_column(None) == ""


class _Sample(Form):
    class Meta:
        csrf = False

    day = LocalDateField("Day", validators=[DataRequired()])
    moment = LocalDateTimeField("When", validators=[Optional()])
    count = LocalizedIntegerField("Count", validators=[Optional(), Bounds(1, 50)])
    note = StringField("Note", validators=[Optional(), Length(min=10)])


def _form(app, lang: str, **data) -> _Sample:
    with app.test_request_context(f"/?lang={lang}"), force_locale(lang):
        form = _Sample(formdata=MultiDict(data))
        form.validate()
        form.rendered = {name: str(form[name]()) for name in ("day", "moment", "count")}
        return form


def test_the_fields_read_persian_input_and_show_persian_back(app):
    form = _form(app, "fa", day="۱۴۰۵/۰۹/۱۶", moment="١٤٠٥/٠٩/١٦ ٠٩:٣٠", count="۱۲")
    assert form.errors == {}
    assert (form.day.data, form.moment.data, form.count.data) == \
        (AZAR_16, datetime(2026, 12, 7, 9, 30), 12)
    day, moment, count = form.rendered["day"], form.rendered["moment"], form.rendered["count"]
    assert 'type="text"' in day and "data-jdp" in day and "data-jdp-only-date" in day
    assert "data-jdp" in moment and "data-jdp-only-date" not in moment
    assert 'type="number"' not in count and 'inputmode="numeric"' in count


def test_the_fields_show_stored_values_in_the_readers_digits(app):
    with app.test_request_context("/?lang=fa"), force_locale("fa"):
        form = _Sample(formdata=None, data={"day": AZAR_16, "count": 12})
        assert 'value="۱۴۰۵/۰۹/۱۶"' in str(form.day())
        assert 'value="۱۲"' in str(form.count())
    with app.test_request_context("/?lang=en"), force_locale("en"):
        form = _Sample(formdata=None, data={"day": AZAR_16, "count": 12})
        assert 'type="date"' in str(form.day()) and 'value="2026-12-07"' in str(form.day())
        assert 'value="12"' in str(form.count()) and 'type="text"' in str(form.count())


def test_english_pages_keep_the_browsers_gregorian_inputs(app):
    form = _form(app, "en", day="2026-12-07", moment="2026-12-07T09:30")
    assert form.errors == {}
    assert form.day.data == AZAR_16
    assert 'type="date"' in form.rendered["day"]
    assert 'type="datetime-local"' in form.rendered["moment"]


def test_a_bad_date_is_a_form_error_with_a_persian_example(app):
    form = _form(app, "fa", day="1405/12/30", moment="فردا", count="۹۹", note="کوتاه")
    assert form.day.data is None
    assert form.errors["day"] == ["تاریخی مانند ۱۴۰۵/۰۹/۱۶ بنویسید."]
    assert "۱۴۰۵/۰۹/۱۶ ۰۹:۳۰" in form.errors["moment"][0]
    # Every message's numbers in Persian digits, WTForms' own too.
    assert "۵۰" in form.errors["count"][0]
    assert "۱۰" in form.errors["note"][0]
    for messages in form.errors.values():
        assert not any(c.isascii() and c.isdigit() for m in messages for c in m), messages


def test_a_bad_date_in_english_names_a_gregorian_example(app):
    form = _form(app, "en", day="12/07/2026")
    assert form.errors["day"] == ["Enter a date such as 2026-12-07."]
