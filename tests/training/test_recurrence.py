"""A series chosen in words becomes the markets' RRULE and its days; none or too many is a
clear refusal."""

from datetime import date

import pytest
from flask_babel import force_locale

from marketplace.core.errors import RuleViolation
from marketplace.training.recurrence import MAX_SESSIONS, Series, describe, series_dates


def test_weekdays_every_two_weeks_give_the_right_days(app):
    # 2027-01-02 is a Saturday.
    series = Series((5, 0), 2, date(2027, 1, 2), date(2027, 1, 31))
    assert series.rule == "FREQ=WEEKLY;INTERVAL=2;WKST=SA;BYDAY=MO,SA"
    assert series_dates(series) == [date(2027, 1, 2), date(2027, 1, 4), date(2027, 1, 16),
                                    date(2027, 1, 18), date(2027, 1, 30)]


@pytest.mark.parametrize(("series", "code"), [
    (Series((), 1, date(2027, 1, 1), date(2027, 2, 1)), "series_empty"),
    (Series((1,), 1, date(2027, 1, 4), date(2027, 1, 4)), "series_empty"),  # a Monday only
    (Series((1,), 1, date(2027, 2, 1), date(2027, 1, 1)), "series_empty"),
    (Series((0, 1, 2, 3, 4, 5, 6), 1, date(2027, 1, 1), date(2037, 1, 1)), "series_too_long"),
    (Series((0, 1, 2), 1, date(2027, 1, 1), date(2028, 1, 1)), "series_too_long"),
])
def test_a_series_of_none_or_too_many_sessions_is_refused(app, series, code):
    with pytest.raises(RuleViolation) as refused:
        series_dates(series)
    assert refused.value.code == code


def test_a_year_of_weekly_classes_is_allowed(app):
    days = series_dates(Series((0,), 1, date(2027, 1, 4), date(2027, 12, 31)))
    assert len(days) == 52 < MAX_SESSIONS
    assert all(d.weekday() == 0 for d in days)


def test_the_series_is_described_in_words(app):
    with app.test_request_context("/"), force_locale("en"):
        assert describe([0, 5], 1) == "Every week on Saturday, Monday"
        assert describe([2], 2) == "Every two weeks on Wednesday"
    with app.test_request_context("/"), force_locale("fa"):
        assert describe([0, 5], 2) == "هر دو هفته یک‌بار، شنبه، دوشنبه"
