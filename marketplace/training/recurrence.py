"""A series of sessions chosen in words — weekdays, every week or every two weeks, from a day to
a day — turned into the RRULE markets use and into its dates through the booths' recurrence
helper (`booths.schedule.recurring_dates`), so both domains read rules the same way.

Pure functions: no database, no request (the description reads the locale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.schedule import recurring_dates
from marketplace.core.errors import DomainError, RuleViolation
from marketplace.core.i18n import format_number
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.labels import RRULE_DAYS, WEEKDAY_LABELS

# A term of weekly classes is far below this; a typo (a year of daily sessions) is refused.
MAX_SESSIONS = 100


@dataclass(frozen=True)
class Series:
    weekdays: tuple[int, ...]   # Python's numbers, Monday 0
    every_weeks: int            # 1 or 2 (up to 4)
    starts_on: date
    ends_on: date

    @property
    def rule(self) -> str:
        days = ",".join(RRULE_DAYS[d] for d in sorted(set(self.weekdays)))
        # Weeks start on Saturday, as the Iranian week does: "every two weeks on Saturday and
        # Monday" from a Saturday keeps that Saturday and the Monday after it together.
        return f"FREQ=WEEKLY;INTERVAL={self.every_weeks};WKST=SA;BYDAY={days}"


def series_dates(series: Series) -> list[date]:
    """The days of the series; none or more than MAX_SESSIONS is a 422 with a clear code."""
    if not series.weekdays or any(d not in WEEKDAY_LABELS for d in series.weekdays):
        raise RuleViolation(_("Choose at least one weekday for the series."),
                            code=TrainingErrorCode.SERIES_EMPTY,
                            fields={"weekdays": [_("Choose at least one weekday.")]})
    if not 1 <= series.every_weeks <= 4:
        raise RuleViolation(_("A series repeats every one to four weeks."),
                            code=TrainingErrorCode.SERIES_EMPTY,
                            fields={"every_weeks": [_("Choose every week or every two weeks.")]})
    try:
        days = recurring_dates(series.rule, series.starts_on, series.ends_on)
    except DomainError as error:
        raise _series_error(error) from None
    if len(days) > MAX_SESSIONS:
        raise _too_long()
    return days


def _too_long() -> RuleViolation:
    return RuleViolation(
        _("A series can have at most %(n)s sessions; choose a shorter period.",
          n=format_number(MAX_SESSIONS)),
        code=TrainingErrorCode.SERIES_TOO_LONG,
        fields={"ends_on": [_("Too many sessions.")]})


def _series_error(error: DomainError) -> DomainError:
    """The markets' helper speaks of markets; say the same in the words of a series."""
    if error.code == BoothErrorCode.RECURRENCE_TOO_MANY:
        return _too_long()
    if error.code == BoothErrorCode.DATES_OUT_OF_ORDER:
        return RuleViolation(_("The last day must not be before the first day."),
                             code=TrainingErrorCode.SERIES_EMPTY,
                             fields={"ends_on": [_("Must be on or after the first day.")]})
    return RuleViolation(_("No session falls between those days on the weekdays chosen."),
                         code=TrainingErrorCode.SERIES_EMPTY,
                         fields={"weekdays": [_("No day matches.")]})


def describe(weekdays, every_weeks: int | None) -> str:
    """"Every week on Monday and Wednesday", for people, in the request's language."""
    ordered = [str(WEEKDAY_LABELS[d]) for d in WEEKDAY_LABELS if d in set(weekdays or ())]
    names = _(", ").join(ordered)
    if (every_weeks or 1) == 1:
        return _("Every week on %(days)s", days=names)
    if every_weeks == 2:
        return _("Every two weeks on %(days)s", days=names)
    return _("Every %(n)s weeks on %(days)s", n=format_number(every_weeks), days=names)
