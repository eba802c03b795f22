"""Employment outcomes, for training centres: of their trainees, how many are verified, have
made a first sale, sold in the last 90 days; how long from verification to the first sale;
and income per trainee as a distribution (quartiles), not only a mean.

- verified on: when the trainee's status last became verified (`status_changed_at`);
- a sale: a booked online sale (paid) or a booth sale;
- income in a period: what the ledger booked for the trainee in it — sales less commission,
  refunds and the commission refunds return (shipping, fees and payouts left out).
Five queries whatever the number of trainees."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from marketplace.accounts.models import Trainee, TraineeStatus, TrainingCentre
from marketplace.booths.models import BoothSale
from marketplace.core.db import utcnow
from marketplace.core.i18n import format_day, format_number
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import VendorOrder
from marketplace.payments.models import LedgerEntry, LedgerKind
from marketplace.payments.services.ledger import BOOKED_STATUSES
from marketplace.reports.charts import bar_chart
from marketplace.reports.periods import Period, local_day
from marketplace.reports.scope import Scope, centre_condition
from marketplace.reports.tables import Column, Kind, ReportResult, Section, Table

ACTIVE_DAYS = 90
INCOME_KINDS = (LedgerKind.SALE, LedgerKind.COMMISSION, LedgerKind.REFUND,
                LedgerKind.REFUND_COMMISSION)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def quartiles(values: list[int]) -> tuple[float, float, float, float, float] | None:
    """(minimum, first quartile, median, third quartile, maximum); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        v = float(ordered[0])
        return (v, v, v, v, v)
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return (float(ordered[0]), q1, median, q3, float(ordered[-1]))


def trainee_rows(scope: Scope, period: Period, zone: ZoneInfo, locale: str,
                 now: datetime) -> list[dict]:
    ids = select(Trainee.id).where(centre_condition(scope, Trainee.centre_id))
    trainees = db.session.execute(
        select(Trainee.id, Trainee.store_name, Trainee.status, Trainee.status_changed_at,
               TrainingCentre.name_fa, TrainingCentre.name_en)
        .join(TrainingCentre, Trainee.centre_id == TrainingCentre.id)
        .where(centre_condition(scope, Trainee.centre_id)).order_by(Trainee.id)).all()
    if not trainees:
        return []
    online = {t: (_aware(first), _aware(last)) for t, first, last in db.session.execute(
        select(VendorOrder.trainee_id, func.min(VendorOrder.paid_at), func.max(VendorOrder.paid_at))
        .where(VendorOrder.trainee_id.in_(ids), VendorOrder.status.in_(BOOKED_STATUSES))
        .group_by(VendorOrder.trainee_id))}
    booth = {t: (_aware(first), _aware(last)) for t, first, last in db.session.execute(
        select(BoothSale.trainee_id, func.min(BoothSale.created_at),
               func.max(BoothSale.created_at))
        .where(BoothSale.trainee_id.in_(ids)).group_by(BoothSale.trainee_id))}
    previous = period.previous()
    start, end = period.bounds(zone)
    before, _before_end = previous.bounds(zone)
    income: dict[int, int] = {}
    earlier: dict[int, int] = {}
    now_part = LedgerEntry.created_at >= start
    for trainee_id, current, previous_amount in db.session.execute(
            select(LedgerEntry.trainee_id,
                   func.sum(case((now_part, LedgerEntry.amount), else_=0)),
                   func.sum(case((now_part, 0), else_=LedgerEntry.amount)))
            .where(LedgerEntry.trainee_id.in_(ids), LedgerEntry.kind.in_(INCOME_KINDS),
                   LedgerEntry.created_at >= before, LedgerEntry.created_at < end)
            .group_by(LedgerEntry.trainee_id)):
        income[trainee_id] = int(current or 0)
        earlier[trainee_id] = int(previous_amount or 0)
    rows = []
    for trainee_id, store, status, changed_at, centre_fa, centre_en in trainees:
        firsts = [m for m in (online.get(trainee_id, (None, None))[0],
                              booth.get(trainee_id, (None, None))[0]) if m]
        lasts = [m for m in (online.get(trainee_id, (None, None))[1],
                             booth.get(trainee_id, (None, None))[1]) if m]
        first, last = (min(firsts) if firsts else None), (max(lasts) if lasts else None)
        verified = status == TraineeStatus.VERIFIED
        verified_at = _aware(changed_at) if verified else None
        to_first = None
        if verified_at is not None and first is not None:
            to_first = max(0.0, round((first - verified_at).total_seconds() / 86400, 1))
        rows.append({
            "key": trainee_id, "trainee": store,
            "centre": (centre_en or centre_fa) if locale == "en" else centre_fa,
            "status": str(status), "verified": verified,
            "verified_on": format_day(local_day(verified_at, zone)) if verified_at else "",
            "first_sale": format_day(local_day(first, zone)) if first else "",
            "days_to_first_sale": to_first,
            "last_sale": format_day(local_day(last, zone)) if last else "",
            "active": bool(last and last >= now - timedelta(days=ACTIVE_DAYS)),
            "has_sold": first is not None, "income": income.get(trainee_id, 0),
            "previous_income": earlier.get(trainee_id, 0)})
    return rows


def employment_report(scope: Scope, period: Period, zone: ZoneInfo, locale: str,
                      currency: str, now: datetime | None = None) -> ReportResult:
    now = now or utcnow()
    rows = trainee_rows(scope, period, zone, locale, now)
    verified = [r for r in rows if r["verified"]]
    sold = [r for r in verified if r["has_sold"]]
    active = [r for r in verified if r["active"]]
    waits = [r["days_to_first_sale"] for r in verified if r["days_to_first_sale"] is not None]
    spread = quartiles([r["income"] for r in verified])
    yes, no = _("Yes"), _("No")
    for row in rows:
        row["active_text"] = yes if row["active"] else no

    def money(amount: float) -> str:
        return Money(round(amount), currency).format(locale)

    figures = [
        {"figure": _("Trainees verified"), "value": format_number(len(verified))},
        {"figure": _("With a first sale"), "value": format_number(len(sold))},
        {"figure": _("Sold in the last 90 days"), "value": format_number(len(active))},
        {"figure": _("Median days from verification to first sale"),
         "value": format_number(round(statistics.median(waits), 1)) if waits else "—"},
    ]
    labels = (_("Lowest"), _("First quartile"), _("Median"), _("Third quartile"), _("Highest"))
    if spread is not None:
        figures += [{"figure": _("Income in the period: %(which)s", which=label),
                     "value": money(value)} for label, value in zip(labels, spread, strict=True)]
    table = Table([
        Column("trainee", _("Trainee")), Column("centre", _("Centre")),
        Column("verified_on", _("Verified on")), Column("first_sale", _("First sale")),
        Column("days_to_first_sale", _("Days to first sale"), Kind.DAYS),
        Column("last_sale", _("Last sale")), Column("active_text", _("Active (90 days)")),
        Column("income", _("Income in the period"), Kind.MONEY),
        Column("previous_income", _("Income, period before"), Kind.MONEY)], rows, currency)
    chart = bar_chart(_("Income per verified trainee: the spread"), [
        (label, int(value), money(value)) for label, value in zip(labels, spread or (),
                                                                  strict=False)],
        rtl=locale.startswith("fa"))
    text = _("%(verified)s verified trainees: %(sold)s have sold, %(active)s sold in the last "
             "90 days; half earned at least %(median)s in %(period)s.",
             verified=format_number(len(verified)), sold=format_number(len(sold)),
             active=format_number(len(active)),
             median=money(spread[2]) if spread else money(0), period=period.label(locale))
    return ReportResult(
        name="employment", title=_("Employment outcomes"), summary=text, period=period,
        previous=period.previous(), table=table, chart=chart,
        sections=[Section(_("Headline figures"), Table(
            [Column("figure", _("Figure")), Column("value", _("Value"))], figures, currency))])
