"""Market days from a market's dates and recurrence rule, and booth neighbours from a grid.

Pure functions: no database, no request.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from flask_babel import gettext as _

from marketplace.booths.errors import BoothErrorCode
from marketplace.core.errors import RuleViolation

MAX_MARKET_DAYS = 366
# dateutil iterates occurrences lazily; a rule may skip many before it yields a day in range.
_MAX_OCCURRENCES_SCANNED = 5000
_ALLOWED_FREQUENCIES = {YEARLY, MONTHLY, WEEKLY, DAILY}


def one_off_dates(starts_on: date, ends_on: date) -> list[date]:
    if ends_on < starts_on:
        raise RuleViolation(_("The last day must not be before the first day."),
                            code=BoothErrorCode.DATES_OUT_OF_ORDER,
                            fields={"ends_on": [_("Must be on or after the first day.")]})
    count = (ends_on - starts_on).days + 1
    if count > MAX_MARKET_DAYS:
        raise RuleViolation(_("A market can have at most %(n)d days.", n=MAX_MARKET_DAYS),
                            code=BoothErrorCode.TOO_MANY_DAYS)
    return [starts_on + timedelta(days=i) for i in range(count)]


def recurring_dates(rule: str, starts_on: date, ends_on: date) -> list[date]:
    """The days of an RFC 5545 RRULE between starts_on and ends_on (both inclusive).

    A rule that yields no day, or more than MAX_MARKET_DAYS, is refused: a typo such as
    FREQ=DAILY for a "weekly" bazaar must not create thousands of rows.
    """
    if ends_on < starts_on:
        raise RuleViolation(_("The last day must not be before the first day."),
                            code=BoothErrorCode.DATES_OUT_OF_ORDER,
                            fields={"ends_on": [_("Must be on or after the first day.")]})
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        raise RuleViolation(_("A recurring market needs a recurrence rule."),
                            code=BoothErrorCode.RECURRENCE_MISSING,
                            fields={"recurrence_rule": [_("Enter a rule such as "
                                                          "FREQ=WEEKLY;BYDAY=FR.")]})
    start = datetime.combine(starts_on, time())
    try:
        parsed = rrulestr(text, dtstart=start, forceset=False)
    except (ValueError, TypeError, AttributeError, IndexError):
        raise RuleViolation(_("The recurrence rule could not be read."),
                            code=BoothErrorCode.RECURRENCE_INVALID,
                            fields={"recurrence_rule": [_("Enter a rule such as "
                                                          "FREQ=WEEKLY;BYDAY=FR.")]}) from None
    frequency = getattr(parsed, "_freq", None)
    if frequency not in _ALLOWED_FREQUENCIES:
        raise RuleViolation(_("Markets repeat by day, week, month or year, not within a day."),
                            code=BoothErrorCode.RECURRENCE_INVALID,
                            fields={"recurrence_rule": [_("Use FREQ=DAILY, WEEKLY, MONTHLY "
                                                          "or YEARLY.")]})
    days: list[date] = []
    for scanned, occurrence in enumerate(parsed, start=1):
        day = occurrence.date()
        if day > ends_on or scanned > _MAX_OCCURRENCES_SCANNED:
            break
        if not days or days[-1] != day:
            days.append(day)
        if len(days) > MAX_MARKET_DAYS:
            raise RuleViolation(
                _("The recurrence rule gives more than %(n)d days; choose a shorter season "
                  "or a sparser rule.", n=MAX_MARKET_DAYS),
                code=BoothErrorCode.RECURRENCE_TOO_MANY,
                fields={"recurrence_rule": [_("Too many days.")]})
    if not days:
        raise RuleViolation(_("The recurrence rule gives no day between the first and last "
                              "day."), code=BoothErrorCode.RECURRENCE_EMPTY,
                            fields={"recurrence_rule": [_("No day matches.")]})
    return days


def opening_instant(day: date, opens_at: time, zone: str) -> datetime:
    """The venue's local opening time on `day`, as an aware UTC datetime."""
    local = datetime.combine(day, opens_at, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def booth_cells(booth) -> set[tuple[int, int]]:
    return {(booth.grid_x + dx, booth.grid_y + dy)
            for dx in range(booth.width) for dy in range(booth.height)}


def neighbours(booths, breaks) -> dict[int, set[int]]:
    """Booths that share an edge on the grid, unless a walkway or pillar lies between them.

    `breaks` is a set of frozensets {(x1, y1), (x2, y2)} of adjacent cells kept apart.
    """
    owner: dict[tuple[int, int], int] = {}
    for booth in booths:
        for cell in booth_cells(booth):
            owner[cell] = booth.id
    result: dict[int, set[int]] = {booth.id: set() for booth in booths}
    for (x, y), booth_id in owner.items():
        for other_cell in ((x + 1, y), (x, y + 1)):
            other = owner.get(other_cell)
            if other is None or other == booth_id:
                continue
            if frozenset({(x, y), other_cell}) in breaks:
                continue
            result[booth_id].add(other)
            result[other].add(booth_id)
    return result
