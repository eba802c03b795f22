"""From a request's choices to a report: the one path pages, the API and downloads share, so
each shows the same figures. Checks the reader may open the report (404 otherwise: a report
one may not read is as absent as one that does not exist) and limits its rows to their
scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core.digits import to_ascii_digits
from marketplace.core.errors import NotFound
from marketplace.core.i18n import marketplace_zone
from marketplace.reports.booth_use import booth_use_report
from marketplace.reports.employment import employment_report
from marketplace.reports.needs import NeedsFilter, needs_report
from marketplace.reports.periods import MAX_OFFSET, Calendar, Grain, calendar_for, chosen_period
from marketplace.reports.platform import platform_report
from marketplace.reports.sales import DIMENSIONS, sales_report
from marketplace.reports.scope import Report, can_see, scope_for
from marketplace.reports.tables import ReportResult


@dataclass(frozen=True)
class Choices:
    grain: Grain = Grain.MONTH
    offset: int = 0
    calendar: Calendar | None = None   # None: the reader's (Jalali in Persian)
    by: str = "period"
    city: str | None = None
    category_id: int | None = None


def _int(text: str | None, low: int, high: int) -> int | None:
    try:
        value = int(to_ascii_digits((text or "").strip()))
    except ValueError:
        return None
    return value if low <= value <= high else None


def choices_from(args) -> Choices:
    """A page's query string, forgiving: anything unknown falls back to the default."""
    grain = args.get("grain")
    calendar = args.get("calendar")
    by = args.get("by")
    return Choices(
        grain=Grain(grain) if grain in tuple(Grain) else Grain.MONTH,
        offset=_int(args.get("offset"), 0, MAX_OFFSET) or 0,
        calendar=Calendar(calendar) if calendar in tuple(Calendar) else None,
        by=by if by in DIMENSIONS else "period",
        city=(args.get("city") or "").strip()[:100] or None,
        category_id=_int(args.get("category"), 1, 2**31 - 1))


def default_city(user) -> str | None:
    """Staff read demand in their centre's (or municipality's) city first; any other city, or
    all of them, is one choice away."""
    for membership in getattr(user, "centre_memberships", []) or []:
        return membership.centre.city
    for municipal in getattr(user, "municipal_memberships", []) or []:
        return municipal.municipality.city
    return None


def build(user, report: Report, choices: Choices, locale: str,
          today: datetime | None = None) -> ReportResult:
    if not can_see(user, report):
        raise NotFound(_("We could not find that page."))
    zone = marketplace_zone()
    now = today or datetime.now(zone)
    calendar = choices.calendar or calendar_for(locale)
    period = chosen_period(now.astimezone(zone).date(), choices.grain, calendar, choices.offset)
    with force_locale(locale):
        return _build(user, report, choices, locale, period, zone)


def _build(user, report: Report, choices: Choices, locale: str, period, zone) -> ReportResult:
    config = current_app.config
    currency = config["MARKETPLACE_CURRENCY"]
    scope = scope_for(user)
    if report == Report.SALES:
        return sales_report(scope, period, choices.by, zone, locale, currency)
    if report == Report.NEEDS:
        return needs_report(period, zone, locale, currency, config["REPORTS_MIN_VISITORS"],
                            config["REPORTS_FEW_RESULTS"],
                            NeedsFilter(city=choices.city, category_id=choices.category_id))
    if report == Report.BOOTHS:
        return booth_use_report(scope, period, zone, locale, currency)
    if report == Report.EMPLOYMENT:
        return employment_report(scope, period, zone, locale, currency)
    return platform_report(period, zone, locale, currency)
