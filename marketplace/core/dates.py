"""Days and times as people type them: Jalali in Persian, Gregorian in English.

The one place a typed date is read (`parse_day`, `parse_moment`) and written back into a form
field (`day_input_text`, `moment_input_text`); the WTForms fields of `core.forms` and the
period filters call these. Pure functions of their arguments: no request, no app.

What is read, in any language, with Latin, Persian or Arabic-Indic digits:
- year/month/day with `/`, `-` or `.` between (`۱۴۰۵/۰۹/۱۶`, `2026-12-07`);
- a year before 1700 is Jalali (the Jalali year is ~1400 today), from 1700 on Gregorian — the
  ranges never meet, so an ISO date from a link, a browser's date input or a test still reads
  in Persian, and a Jalali date typed on an English page is not misread as 1405 AD;
- for a moment, the day then a time `HH:MM` (or `HH:MM:SS`), after a space or `T`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, tzinfo

import jdatetime

from marketplace.core.digits import to_ascii_digits, to_persian_digits

# Jalali years before this, Gregorian years from it: the two calendars' current years
# (about 1400 and 2000) are far from it on either side.
FIRST_GREGORIAN_YEAR = 1700

_DAY = re.compile(r"(\d{3,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?")


def _clean(text: str) -> str:
    """ASCII digits, no invisible marks (ZWNJ, bidi marks a phone keyboard adds), one space."""
    text = "".join(c for c in str(text) if unicodedata.category(c) != "Cf")
    return " ".join(to_ascii_digits(text).split())


def _day_of(year: int, month: int, day: int) -> date:
    if year < FIRST_GREGORIAN_YEAR:
        # jdatetime raises ValueError for 30 Esfand of a common year, month 13 and the like.
        return jdatetime.date(year, month, day).togregorian()
    return date(year, month, day)


def parse_day(text: str) -> date:
    """A calendar day typed as year/month/day (Jalali or Gregorian by the year); ValueError
    when the text is no such day."""
    match = _DAY.fullmatch(_clean(text))
    if match is None:
        raise ValueError("not a day")
    return _day_of(*(int(part) for part in match.groups()))


def parse_moment(text: str) -> datetime:
    """A day and a time of day, naive (in whatever zone the reader meant); ValueError when
    the text is not one."""
    cleaned = _clean(text)
    head, _sep, tail = cleaned.replace("T", " ").partition(" ")
    day = parse_day(head)
    match = _TIME.fullmatch(tail.strip())
    if match is None:
        raise ValueError("not a time")
    hour, minute, second = (int(part) if part else 0 for part in match.groups())
    return datetime.combine(day, time(hour, minute, second))  # ValueError past 23:59


def parse_clock(text: str) -> time:
    """A time of day, `HH:MM`, with any digits; ValueError when it is not one."""
    match = _TIME.fullmatch(_clean(text))
    if match is None:
        raise ValueError("not a time")
    hour, minute, second = (int(part) if part else 0 for part in match.groups())
    return time(hour, minute, second)


def clock_input_text(value: time | None, locale: str) -> str:
    """A time of day as a field holds it: «۰۹:۳۰» in Persian, `09:30` otherwise."""
    if value is None:
        return ""
    text = f"{value.hour:02d}:{value.minute:02d}"
    return to_persian_digits(text, separators=False) if is_persian(locale) else text


def is_persian(locale: str) -> bool:
    return locale.split("_")[0].split("-")[0] == "fa"


def day_input_text(day: date | None, locale: str) -> str:
    """A day as a date field holds it: «۱۴۰۵/۰۹/۱۶» in Persian, ISO (what a browser's date
    input holds) otherwise."""
    if day is None:
        return ""
    if is_persian(locale):
        j = jdatetime.date.fromgregorian(date=day)
        return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}", separators=False)
    return day.isoformat()


def moment_input_text(moment: datetime | None, locale: str) -> str:
    """A naive local moment as a date-time field holds it: «۱۴۰۵/۰۹/۱۶ ۱۴:۳۰» in Persian,
    `2026-12-07T14:30` (a browser's datetime-local input) otherwise."""
    if moment is None:
        return ""
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if is_persian(locale):
        day = day_input_text(moment.date(), locale)
        return f"{day} {to_persian_digits(clock, separators=False)}"
    return f"{moment.date().isoformat()}T{clock}"


def jalali_column(value: date | datetime | None, zone: tzinfo | None = None) -> str:
    """A Jalali column of an export, for people beside the ISO one for machines: `1405/09/16`,
    or `1405/09/16 14:30` in `zone` for a moment. Latin digits, so a spreadsheet sorts it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(zone) if zone is not None else value
        j = jdatetime.date.fromgregorian(date=local.date())
        return f"{j.year:04d}/{j.month:02d}/{j.day:02d} {local.hour:02d}:{local.minute:02d}"
    j = jdatetime.date.fromgregorian(date=value)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
