"""Report periods: Jalali months and Saturday weeks for Persian readers, Gregorian months and
Monday weeks otherwise, with Persian digits in Persian labels."""

from datetime import date

from marketplace.reports.periods import Calendar, Grain, period_containing, series


def test_jalali_month_and_its_previous():
    # 7 December 2026 is 16 Azar 1405; Azar runs from 22 November to 21 December.
    azar = period_containing(date(2026, 12, 7), Grain.MONTH, Calendar.JALALI)
    assert (azar.start, azar.end) == (date(2026, 11, 22), date(2026, 12, 22))
    assert azar.label("fa") == "آذر ۱۴۰۵"
    assert azar.label("en") == "Azar 1405"
    aban = azar.previous()
    assert (aban.start, aban.end) == (date(2026, 10, 23), date(2026, 11, 22))


def test_esfand_to_farvardin_crosses_the_year():
    esfand = period_containing(date(2027, 3, 1), Grain.MONTH, Calendar.JALALI)
    assert esfand.label("fa").startswith("اسفند") and esfand.next().label("fa") == "فروردین ۱۴۰۶"


def test_weeks_start_on_saturday_in_persian_and_monday_in_english():
    persian = period_containing(date(2026, 12, 7), Grain.WEEK, Calendar.JALALI)  # a Monday
    assert persian.start == date(2026, 12, 5) and persian.start.weekday() == 5
    english = period_containing(date(2026, 12, 7), Grain.WEEK, Calendar.GREGORIAN)
    assert english.start == date(2026, 12, 7)
    assert persian.label("fa") == "هفتهٔ ۱۴ آذر ۱۴۰۵"


def test_gregorian_month_and_series():
    december = period_containing(date(2026, 12, 7), Grain.MONTH, Calendar.GREGORIAN)
    assert (december.start, december.end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert december.label("en") == "December 2026"
    months = series(december)
    assert len(months) == 6 and months[0].start == date(2026, 7, 1) and months[-1] == december
