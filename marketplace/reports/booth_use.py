"""Booth use, for the municipalities that lend the booths: per market day and venue, the
booths there are, how many were given (occupancy), checked in, no-shows, the waitlist, the
booths offered from it and the offers accepted, the subsidised (free) booth-days and their
value, and booth fees due, paid and waived.

Occupancy counts every booth-day given and not cancelled (checked in, still active, or a
no-show: the booth was kept for someone) over the venue's active booths. Subsidised booth-days
are also given per market, centre and trainee. Eight grouped queries whatever the number
of days."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from marketplace.accounts.models import Trainee, TrainingCentre
from marketplace.booths.models import (
    ApplicationDay,
    ApplicationDayStatus,
    Assignment,
    AssignmentStatus,
    Booth,
    BoothFee,
    BoothOffer,
    FeeStatus,
    Market,
    MarketDay,
    OfferStatus,
    SubsidyEntry,
    Venue,
)
from marketplace.core.i18n import format_day, format_number
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.reports.charts import bar_chart
from marketplace.reports.periods import Period, change_percent
from marketplace.reports.scope import Scope, municipality_condition
from marketplace.reports.tables import Column, Kind, ReportResult, Section, Table

TAKEN = (AssignmentStatus.ACTIVE, AssignmentStatus.CHECKED_IN, AssignmentStatus.NO_SHOW)


def _name(fa: str | None, en: str | None, locale: str) -> str:
    return (en or fa or "") if locale == "en" else (fa or en or "")


def day_rows(scope: Scope, first, last, locale: str) -> list[dict]:
    """One row per market day from `first` to before `last` in the scope's venues."""
    days = db.session.execute(
        select(MarketDay.id, MarketDay.day, MarketDay.status, Market.id, Market.name_fa,
               Market.name_en, Venue.id, Venue.name_fa, Venue.name_en)
        .join(Market, MarketDay.market_id == Market.id).join(Venue, Market.venue_id == Venue.id)
        .where(MarketDay.day >= first, MarketDay.day < last,
               municipality_condition(scope, Venue.municipality_id))
        .order_by(MarketDay.day, Market.id)).all()
    if not days:
        return []
    day_ids = select(MarketDay.id).join(Market, MarketDay.market_id == Market.id) \
        .join(Venue, Market.venue_id == Venue.id).where(
            MarketDay.day >= first, MarketDay.day < last,
            municipality_condition(scope, Venue.municipality_id))
    booths = dict(db.session.execute(
        select(Booth.venue_id, func.count(Booth.id)).where(
            Booth.is_active, Booth.venue_id.in_(sorted({row[6] for row in days})))
        .group_by(Booth.venue_id)).all())
    statuses: dict[int, dict[str, int]] = defaultdict(dict)
    for day_id, status, count in db.session.execute(
            select(Assignment.market_day_id, Assignment.status, func.count(Assignment.id))
            .where(Assignment.market_day_id.in_(day_ids))
            .group_by(Assignment.market_day_id, Assignment.status)):
        statuses[day_id][str(status)] = int(count)
    waitlist = dict(db.session.execute(
        select(ApplicationDay.market_day_id, func.count(ApplicationDay.id))
        .where(ApplicationDay.market_day_id.in_(day_ids),
               ApplicationDay.status == ApplicationDayStatus.WAITLISTED)
        .group_by(ApplicationDay.market_day_id)).all())
    # Booths offered from the waitlist (a place freed after allocation) and how many the
    # trainees took; offers still open count as made, not yet accepted.
    offers: dict[int, tuple[int, int]] = {
        day_id: (int(made), int(accepted or 0)) for day_id, made, accepted in db.session.execute(
            select(BoothOffer.market_day_id, func.count(BoothOffer.id),
                   func.sum(case((BoothOffer.status == OfferStatus.ACCEPTED, 1), else_=0)))
            .where(BoothOffer.market_day_id.in_(day_ids))
            .group_by(BoothOffer.market_day_id))}
    subsidies = {day_id: (int(count), int(value or 0)) for day_id, count, value in
                 db.session.execute(
                     select(Assignment.market_day_id, func.count(SubsidyEntry.id),
                            func.sum(SubsidyEntry.value_amount))
                     .join(Assignment, SubsidyEntry.assignment_id == Assignment.id)
                     .where(Assignment.market_day_id.in_(day_ids),
                            SubsidyEntry.is_reversed.is_(False))
                     .group_by(Assignment.market_day_id))}
    fees: dict[int, dict[str, int]] = defaultdict(dict)
    for day_id, fee_status, amount in db.session.execute(
            select(Assignment.market_day_id, BoothFee.status, func.sum(BoothFee.amount))
            .join(Assignment, BoothFee.assignment_id == Assignment.id)
            .where(Assignment.market_day_id.in_(day_ids))
            .group_by(Assignment.market_day_id, BoothFee.status)):
        fees[day_id][str(fee_status)] = int(amount or 0)
    rows = []
    for day_id, day, _status, market_id, market_fa, market_en, venue_id, venue_fa, venue_en \
            in days:
        counted = statuses.get(day_id, {})
        taken = sum(counted.get(str(s), 0) for s in TAKEN)
        total = int(booths.get(venue_id, 0))
        subsidised, value = subsidies.get(day_id, (0, 0))
        rows.append({
            "key": day_id, "day": day, "day_label": format_day(day), "market_id": market_id,
            "market": _name(market_fa, market_en, locale), "venue_id": venue_id,
            "venue": _name(venue_fa, venue_en, locale), "booths": total, "taken": taken,
            "occupancy": round(taken * 100 / total, 1) if total else None,
            "checked_in": counted.get(str(AssignmentStatus.CHECKED_IN), 0),
            "no_shows": counted.get(str(AssignmentStatus.NO_SHOW), 0),
            "waitlist": int(waitlist.get(day_id, 0)),
            "offers": offers.get(day_id, (0, 0))[0],
            "offers_accepted": offers.get(day_id, (0, 0))[1], "subsidised": subsidised,
            "subsidy_value": value,
            "fees_due": fees.get(day_id, {}).get(str(FeeStatus.DUE), 0),
            "fees_paid": fees.get(day_id, {}).get(str(FeeStatus.PAID), 0),
            "fees_waived": fees.get(day_id, {}).get(str(FeeStatus.WAIVED), 0)})
    return rows


def subsidy_rows(scope: Scope, period: Period, locale: str) -> list[dict]:
    """Subsidised (free) booth-days given in `period` and their value, per market, centre and
    trainee (reversed entries — days cancelled — left out)."""
    rows = db.session.execute(
        select(Market.name_fa, Market.name_en, TrainingCentre.name_fa.label("centre_fa"),
               TrainingCentre.name_en.label("centre_en"), Trainee.store_name,
               func.count(SubsidyEntry.id), func.sum(SubsidyEntry.value_amount))
        .join(Assignment, SubsidyEntry.assignment_id == Assignment.id)
        .join(Market, SubsidyEntry.market_id == Market.id)
        .join(Venue, Market.venue_id == Venue.id)
        .join(Trainee, SubsidyEntry.trainee_id == Trainee.id)
        .join(TrainingCentre, SubsidyEntry.centre_id == TrainingCentre.id)
        .where(Assignment.day >= period.start, Assignment.day < period.end,
               SubsidyEntry.is_reversed.is_(False),
               municipality_condition(scope, Venue.municipality_id))
        .group_by(Market.id, Market.name_fa, Market.name_en, TrainingCentre.id,
                  TrainingCentre.name_fa, TrainingCentre.name_en, Trainee.id,
                  Trainee.store_name)
        .order_by(Market.id, TrainingCentre.id, Trainee.id)).all()
    return [{"market": _name(market_fa, market_en, locale),
             "centre": _name(centre_fa, centre_en, locale), "trainee": store,
             "days": int(days), "value": int(value or 0)}
            for market_fa, market_en, centre_fa, centre_en, store, days, value in rows]


def occupancy(rows: list[dict]) -> float | None:
    booths = sum(r["booths"] for r in rows)
    return round(sum(r["taken"] for r in rows) * 100 / booths, 1) if booths else None


def columns() -> list[Column]:
    return [Column("day_label", _("Market day")), Column("market", _("Market")),
            Column("venue", _("Venue")), Column("booths", _("Booths"), Kind.INT),
            Column("taken", _("Given"), Kind.INT),
            Column("occupancy", _("Occupancy (%)"), Kind.NUMBER),
            Column("checked_in", _("Checked in"), Kind.INT),
            Column("no_shows", _("No-shows"), Kind.INT),
            Column("waitlist", _("Waitlist"), Kind.INT),
            Column("offers", _("Waitlist offers"), Kind.INT),
            Column("offers_accepted", _("Offers accepted"), Kind.INT),
            Column("subsidised", _("Subsidised booth-days"), Kind.INT),
            Column("subsidy_value", _("Subsidy value"), Kind.MONEY),
            Column("fees_due", _("Fees due"), Kind.MONEY),
            Column("fees_paid", _("Fees paid"), Kind.MONEY),
            Column("fees_waived", _("Fees waived"), Kind.MONEY)]


def booth_use_report(scope: Scope, period: Period, zone: ZoneInfo, locale: str,
                     currency: str) -> ReportResult:
    previous = period.previous()
    rows = day_rows(scope, previous.start, period.end, locale)
    now = [r for r in rows if period.contains(r["day"])]
    before = [r for r in rows if previous.contains(r["day"])]
    rate, earlier = occupancy(now), occupancy(before)
    rtl = locale.startswith("fa")
    chart = bar_chart(_("Occupancy per market day (%)"), [
        (r["day_label"], round(r["occupancy"] or 0),
         format_number(r["occupancy"] or 0) + ("٪" if rtl else "%"))
        for r in now], rtl=rtl)
    if now:
        text = _("%(period)s: %(days)s market days, %(rate)s%% of booths given, %(checked)s "
                 "check-ins, %(absent)s no-shows, %(free)s subsidised booth-days worth "
                 "%(value)s.", period=period.label(locale), days=format_number(len(now)),
                 rate=format_number(rate or 0),
                 checked=format_number(sum(r["checked_in"] for r in now)),
                 absent=format_number(sum(r["no_shows"] for r in now)),
                 free=format_number(sum(r["subsidised"] for r in now)),
                 value=Money(sum(r["subsidy_value"] for r in now), currency).format(locale))
        change = change_percent(int((rate or 0) * 10), int((earlier or 0) * 10))
        if change is not None:
            text += " " + _("Occupancy in the period before: %(rate)s%%.",
                            rate=format_number(earlier or 0))
    else:
        text = _("%(period)s: no market days at your venues.", period=period.label(locale))
    subsidies = Table([
        Column("market", _("Market")), Column("centre", _("Centre")),
        Column("trainee", _("Trainee")),
        Column("days", _("Subsidised booth-days"), Kind.INT),
        Column("value", _("Subsidy value"), Kind.MONEY)],
        subsidy_rows(scope, period, locale), currency)
    return ReportResult(name="booths", title=_("Booth use"), summary=text, period=period,
                        previous=previous, table=Table(columns(), now, currency), chart=chart,
                        sections=[Section(_("Subsidised booth-days by market, centre and "
                                            "trainee"), subsidies)])
