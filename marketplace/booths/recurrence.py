"""A recurring market's pattern in words: weekdays and how often, never an RRULE to type.

Staff choose weekdays and "every week", "every two weeks" or "once a month" (the first of those
weekdays in each month); `rule_for` turns the choice into the RFC 5545 RRULE the market keeps
(`schedule.recurring_dates` reads it, the API still takes one), `choice_of` reads a kept rule
back into the form's choice when it is one of these, and `describe` says any kept rule in
words («هر هفته، جمعه‌ها»). Pure: no database, no request (gettext only).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# RFC 5545 weekday codes in the order of the Persian week (Saturday first).
WEEKDAY_CODES = ("SA", "SU", "MO", "TU", "WE", "TH", "FR")
WEEKDAY_LABELS = {
    "SA": _l("Saturday"), "SU": _l("Sunday"), "MO": _l("Monday"), "TU": _l("Tuesday"),
    "WE": _l("Wednesday"), "TH": _l("Thursday"), "FR": _l("Friday"),
}
WEEKLY, FORTNIGHTLY, MONTHLY = "weekly", "fortnightly", "monthly"
FREQUENCY_LABELS = {
    WEEKLY: _l("Every week"),
    FORTNIGHTLY: _l("Every two weeks"),
    MONTHLY: _l("Once a month (the first such weekday of the month)"),
}


@dataclass(frozen=True)
class Recurrence:
    frequency: str                 # WEEKLY, FORTNIGHTLY or MONTHLY
    weekdays: tuple[str, ...]      # codes of WEEKDAY_CODES, in that order


def _ordered(weekdays) -> tuple[str, ...]:
    chosen = set(weekdays)
    return tuple(code for code in WEEKDAY_CODES if code in chosen)


def rule_for(choice: Recurrence) -> str:
    """The RRULE of a choice: FREQ=WEEKLY;BYDAY=FR, …;INTERVAL=2;…, FREQ=MONTHLY;BYDAY=1FR."""
    days = _ordered(choice.weekdays)
    if not days:
        raise ValueError("no weekday")
    if choice.frequency == MONTHLY:
        return "FREQ=MONTHLY;BYDAY=" + ",".join(f"1{code}" for code in days)
    interval = ";INTERVAL=2" if choice.frequency == FORTNIGHTLY else ""
    return f"FREQ=WEEKLY{interval};BYDAY=" + ",".join(days)


def _parts(rule: str) -> dict[str, str] | None:
    text = (rule or "").strip().upper()
    if text.startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for piece in text.split(";"):
        key, sep, value = piece.partition("=")
        if not sep or key in parts:
            return None
        parts[key.strip()] = value.strip()
    return parts


def choice_of(rule: str | None) -> Recurrence | None:
    """The form's choice a kept rule stands for, or None when it is some other rule (one the
    API was given: the form then offers to keep it as it is)."""
    parts = _parts(rule or "")
    if not parts or "BYDAY" not in parts:
        return None
    days = parts["BYDAY"].split(",")
    extra = set(parts) - {"FREQ", "BYDAY", "INTERVAL", "WKST"}
    if extra:
        return None
    if parts.get("FREQ") == "WEEKLY" and all(d in WEEKDAY_CODES for d in days):
        frequency = {"1": WEEKLY, "2": FORTNIGHTLY}.get(parts.get("INTERVAL", "1"))
        return Recurrence(frequency, _ordered(days)) if frequency else None
    if parts.get("FREQ") == "MONTHLY" and parts.get("INTERVAL", "1") == "1" and \
            all(d.startswith("1") and d[1:] in WEEKDAY_CODES for d in days):
        return Recurrence(MONTHLY, _ordered(d[1:] for d in days))
    return None


def describe(rule: str | None) -> str:
    """A kept rule in the reader's words: "Every week on Friday and Saturday"."""
    choice = choice_of(rule)
    if choice is None:
        return _("A custom pattern of days") if rule else ""
    days = _list_of_days([str(WEEKDAY_LABELS[code]) for code in choice.weekdays])
    if choice.frequency == MONTHLY:
        return _("Once a month, on the first %(days)s", days=days)
    if choice.frequency == FORTNIGHTLY:
        return _("Every two weeks on %(days)s", days=days)
    return _("Every week on %(days)s", days=days)


def _list_of_days(names: list[str]) -> str:
    """Names joined as the reader writes a list: "Friday and Saturday", «جمعه و شنبه»."""
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s and %(last)s", some=_(", ").join(names[:-1]), last=names[-1])
