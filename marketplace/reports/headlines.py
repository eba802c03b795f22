"""The headline figure of each report that concerns a reader, for their home page (/my; shown
by storefront.headlines, registered by the app factory):

- a trainee: their sales this month (count and net, as the sales report counts them);
- centre staff: their trainees' sales this month, and the term buyers looked for most in
  their city this month that found little (k-anonymous, as the needs assessment);
- municipal staff: the occupancy of their next market day (or the last one, when none is
  coming), as the booth-use report.

Figures come from the reports' own functions, so they match the reports they link to."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import CentreStaff, TrainingCentre
from marketplace.booths.models import Market, MarketDay, Venue
from marketplace.core.i18n import format_day, format_number, marketplace_zone
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.reports.booth_use import day_rows, occupancy
from marketplace.reports.needs import NeedsFilter, term_rows
from marketplace.reports.periods import Grain, calendar_for, chosen_period
from marketplace.reports.sales import clean_days, period_totals
from marketplace.reports.scope import Scope, municipality_condition
from marketplace.storefront.headlines import Headline


def headlines(user, locale: str) -> list[Headline]:
    config = current_app.config
    zone = marketplace_zone()
    today = datetime.now(zone).date()
    month = chosen_period(today, Grain.MONTH, calendar_for(locale))
    currency = config["MARKETPLACE_CURRENCY"]
    sales_url = url_for("reports.show", name="sales")
    found = []
    clean: set | None = None

    def sales(role: str, label: str, scope: Scope) -> Headline:
        nonlocal clean
        if clean is None:  # the summary's days, read once for both headlines
            clean = clean_days(month.start, month.end)
        totals = period_totals(scope, month, zone, locale, clean)
        return Headline(role, label, format_number(totals.count), sales_url,
                        _("net %(net)s", net=Money(totals.net, currency).format(locale)))

    if user.trainee is not None:
        found.append(sales("trainee", _("My sales this month"),
                           Scope(trainee_id=user.trainee.id)))
    centres = frozenset(user.staff_centre_ids)
    if centres:
        found.append(sales("centre", _("Our trainees' sales this month"),
                           Scope(centre_ids=centres)))
        # default_city's choice (the first centre's city) by one query, so the page runs the
        # same statements whether or not that centre is loaded already.
        city = db.session.scalar(
            select(TrainingCentre.city).join(CentreStaff, CentreStaff.centre_id ==
                                             TrainingCentre.id)
            .where(CentreStaff.user_id == user.id).order_by(CentreStaff.id).limit(1))
        terms = term_rows(month, zone, config["REPORTS_MIN_VISITORS"],
                          config["REPORTS_FEW_RESULTS"], NeedsFilter(city=city))
        found.append(Headline(
            "centre", _("What buyers look for most"),
            f"«{terms[0]['term']}»" if terms else "—",
            url_for("reports.show", name="needs"),  # the page opens on the reader's city
            _("%(count)s searches that found little", count=format_number(
                terms[0]["searches"])) if terms else _("No term searched by enough people yet")))
    municipalities = frozenset(user.staff_municipality_ids)
    if municipalities:
        found.append(_occupancy(Scope(municipality_ids=municipalities), today))
    return found


def _occupancy(scope: Scope, today) -> Headline:
    def nearest(pick, *conditions):
        return (select(pick).join(Market, MarketDay.market_id == Market.id)
                .join(Venue, Market.venue_id == Venue.id)
                .where(municipality_condition(scope, Venue.municipality_id), *conditions)
                .scalar_subquery())

    day = db.session.scalar(select(func.coalesce(
        nearest(func.min(MarketDay.day), MarketDay.day >= today),
        nearest(func.max(MarketDay.day), MarketDay.day < today))))
    url = url_for("reports.show", name="booths")
    if day is None:
        return Headline("municipal", _("Booth occupancy"), "—", url, _("No market day yet"))
    if isinstance(day, str):  # SQLite returns min() of a date column as text
        day = datetime.fromisoformat(day).date()
    share = occupancy(day_rows(scope, day, day + timedelta(days=1), "fa"))
    label = _("Booth occupancy, next market day") if day >= today else \
        _("Booth occupancy, last market day")
    figure = "—" if share is None else _("%(share)s%%", share=format_number(share))
    return Headline("municipal", label, figure, url, format_day(day, with_weekday=True))
