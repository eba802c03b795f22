"""Report periods: months and weeks of the Jalali calendar for Persian readers (weeks from
Saturday), of the Gregorian calendar otherwise (weeks from Monday), each with the period
before it for comparison.

A period is a half-open range of calendar days in the marketplace's time zone; `bounds` turns
it into UTC instants for the queries. Pure functions, no database."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
from babel.dates import format_date

from marketplace.core.digits import to_persian_digits
from marketplace.core.i18n import JALALI_MONTHS_FA


class Grain(enum.StrEnum):
    MONTH = "month"
    WEEK = "week"


class Calendar(enum.StrEnum):
    JALALI = "jalali"
    GREGORIAN = "gregorian"


# How many periods the charts show (the chosen one and those before it).
SERIES_LENGTH = {Grain.MONTH: 6, Grain.WEEK: 8}
# The furthest back a reader may page (about five years of months).
MAX_OFFSET = 260


@dataclass(frozen=True)
class Period:
    start: date          # first day
    end: date            # the day after the last
    grain: Grain
    calendar: Calendar

    def previous(self) -> Period:
        return period_containing(self.start - timedelta(days=1), self.grain, self.calendar)

    def next(self) -> Period:
        return period_containing(self.end, self.grain, self.calendar)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC instants [start, end) for `zone`'s calendar days."""
        return (local_midnight(self.start, zone), local_midnight(self.end, zone))

    @property
    def key(self) -> str:
        """A stable machine name: the first day, ISO (exports and the API)."""
        return self.start.isoformat()

    def label(self, locale: str) -> str:
        persian = locale.startswith("fa")
        if self.calendar == Calendar.JALALI:
            j = jdatetime.date.fromgregorian(date=self.start)
            if self.grain == Grain.MONTH:
                text = f"{JALALI_MONTHS_FA[j.month - 1]} {j.year}" if persian \
                    else f"{jdatetime.date.j_months_en[j.month - 1]} {j.year}"
            else:
                text = (f"هفتهٔ {j.day} {JALALI_MONTHS_FA[j.month - 1]} {j.year}" if persian
                        else f"Week of {j.day} {jdatetime.date.j_months_en[j.month - 1]} {j.year}")
            return to_persian_digits(text) if persian else text
        if self.grain == Grain.MONTH:
            text = format_date(self.start, "LLLL y", locale=locale)
        else:
            text = format_date(self.start, "d MMM y", locale=locale)
            text = ("هفتهٔ " + text) if persian else f"Week of {text}"
        return to_persian_digits(text) if persian else text

    def short_label(self, locale: str) -> str:
        """For a chart's axis: the month's name, or the week's first day."""
        persian = locale.startswith("fa")
        if self.calendar == Calendar.JALALI:
            j = jdatetime.date.fromgregorian(date=self.start)
            names = JALALI_MONTHS_FA if persian else jdatetime.date.j_months_en
            text = names[j.month - 1] if self.grain == Grain.MONTH \
                else f"{j.day} {names[j.month - 1]}"
            return to_persian_digits(text) if persian else text
        pattern = "LLL" if self.grain == Grain.MONTH else "d MMM"
        text = format_date(self.start, pattern, locale=locale)
        return to_persian_digits(text) if persian else text


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def calendar_for(locale: str) -> Calendar:
    return Calendar.JALALI if locale.startswith("fa") else Calendar.GREGORIAN


def period_containing(day: date, grain: Grain, calendar: Calendar) -> Period:
    if grain == Grain.WEEK:
        # Python's weekday(): Monday 0 … Sunday 6; the Persian week starts on Saturday (5).
        first_weekday = 5 if calendar == Calendar.JALALI else 0
        start = day - timedelta(days=(day.weekday() - first_weekday) % 7)
        return Period(start, start + timedelta(days=7), grain, calendar)
    if calendar == Calendar.JALALI:
        j = jdatetime.date.fromgregorian(date=day)
        first = jdatetime.date(j.year, j.month, 1)
        following = jdatetime.date(j.year + (j.month == 12), j.month % 12 + 1, 1)
        return Period(first.togregorian(), following.togregorian(), grain, calendar)
    start = day.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return Period(start, end, grain, calendar)


def chosen_period(today: date, grain: Grain, calendar: Calendar, offset: int = 0) -> Period:
    """The period `offset` periods before the one holding `today` (0: this one)."""
    period = period_containing(today, grain, calendar)
    for _step in range(max(0, min(offset, MAX_OFFSET))):
        period = period.previous()
    return period


def series(last: Period, length: int | None = None) -> list[Period]:
    """`length` periods ending with `last`, oldest first."""
    length = length or SERIES_LENGTH[last.grain]
    periods = [last]
    while len(periods) < length:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def bucket_of(day: date, periods: list[Period]) -> Period | None:
    for period in periods:
        if period.contains(day):
            return period
    return None


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC when a column is read raw
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def change_percent(current: int, previous: int) -> float | None:
    """Growth from the previous period in percent; None when there was nothing before."""
    if not previous:
        return None
    return round((current - previous) * 100 / abs(previous), 1)
