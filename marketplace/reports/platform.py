"""The platform report, for administrators: orders and buyers, sales, commission, refunds,
active trainees, payouts and debts — this period against the one before, with sales over
the last few periods. Money figures are the ledger's, per day booked (UTC days)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from marketplace.core.i18n import format_number
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.models import LedgerEntry, LedgerKind, Payout, PayoutStatus
from marketplace.reports.charts import bar_chart
from marketplace.reports.periods import Period, bucket_of, change_percent, series
from marketplace.reports.tables import Column, Kind, ReportResult, Table


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def platform_report(period: Period, zone: ZoneInfo, locale: str,
                    currency: str) -> ReportResult:
    periods = series(period)
    previous = period.previous()
    first, _first_end = periods[0].bounds(zone)
    start, end = period.bounds(zone)
    before, _before_end = previous.bounds(zone)
    day = func.date(LedgerEntry.created_at)
    booked: dict[Period, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for value, kind, amount in db.session.execute(
            select(day, LedgerEntry.kind, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.created_at >= first, LedgerEntry.created_at < end)
            .group_by(day, LedgerEntry.kind)):
        bucket = bucket_of(_day(value), periods)
        if bucket is not None:
            booked[bucket][str(kind)] += int(amount or 0)

    def counts(since, until) -> tuple[int, int, int]:
        orders, buyers = db.session.execute(
            select(func.count(Order.id), func.count(distinct(Order.buyer_id)))
            .where(Order.status == OrderStatus.PAID, Order.paid_at >= since,
                   Order.paid_at < until)).one()
        trainees = db.session.scalar(
            select(func.count(distinct(LedgerEntry.trainee_id)))
            .where(LedgerEntry.kind == LedgerKind.SALE, LedgerEntry.created_at >= since,
                   LedgerEntry.created_at < until))
        return int(orders or 0), int(buyers or 0), int(trainees or 0)

    def paid_out(since, until) -> int:
        return int(db.session.scalar(
            select(func.coalesce(func.sum(Payout.amount), 0))
            .where(Payout.status == PayoutStatus.PAID, Payout.paid_at >= since,
                   Payout.paid_at < until)) or 0)

    balances = select(func.sum(LedgerEntry.amount).label("balance")) \
        .group_by(LedgerEntry.trainee_id).subquery()
    debtors, owed = db.session.execute(
        select(func.count(), func.coalesce(func.sum(balances.c.balance), 0))
        .where(balances.c.balance < 0)).one()
    now_counts, then_counts = counts(start, end), counts(before, start)
    now, then = booked[period], booked[previous]

    def money_row(label: str, key: str, sign: int = 1) -> dict:
        current, earlier = sign * now.get(key, 0), sign * then.get(key, 0)
        return {"figure": label, "kind": "money", "value": current, "previous": earlier,
                "change": change_percent(current, earlier)}

    def count_row(label: str, current: int, earlier: int) -> dict:
        return {"figure": label, "kind": "count", "value": current, "previous": earlier,
                "change": change_percent(current, earlier)}

    rows = [
        count_row(_("Paid orders"), now_counts[0], then_counts[0]),
        count_row(_("Buyers"), now_counts[1], then_counts[1]),
        count_row(_("Trainees who sold"), now_counts[2], then_counts[2]),
        money_row(_("Sales"), str(LedgerKind.SALE)),
        money_row(_("Commission"), str(LedgerKind.COMMISSION), -1),
        money_row(_("Refunds"), str(LedgerKind.REFUND), -1),
        money_row(_("Booth fees"), str(LedgerKind.BOOTH_FEE), -1),
        {"figure": _("Paid out"), "kind": "money", "value": paid_out(start, end),
         "previous": paid_out(before, start), "change": None},
        {"figure": _("Trainees in debt (now)"), "kind": "count", "value": int(debtors or 0),
         "previous": None, "change": None},
        {"figure": _("Owed by trainees (now)"), "kind": "money", "value": -int(owed or 0),
         "previous": None, "change": None},
    ]
    for row in rows:
        for key in ("value", "previous"):
            if row[key] is None:
                row[f"{key}_text"] = "—"
            elif row["kind"] == "money":
                row[f"{key}_text"] = Money(row[key], currency).format(locale)
            else:
                row[f"{key}_text"] = format_number(row[key])
    table = Table([Column("figure", _("Figure")), Column("value_text", _("This period")),
                   Column("previous_text", _("Period before")),
                   Column("change", _("Change"), Kind.PERCENT)], rows, currency)
    sale = str(LedgerKind.SALE)
    chart = bar_chart(_("Sales by period"), [
        (p.short_label(locale), booked[p].get(sale, 0),
         Money(booked[p].get(sale, 0), currency).format(locale)) for p in periods],
        rtl=locale.startswith("fa"))
    text = _("%(period)s: %(orders)s paid orders from %(buyers)s buyers, sales of %(sales)s.",
             period=period.label(locale), orders=format_number(now_counts[0]),
             buyers=format_number(now_counts[1]),
             sales=Money(now.get(sale, 0), currency).format(locale))
    return ReportResult(name="platform", title=_("Platform"), summary=text, period=period,
                        previous=previous, table=table, chart=chart)
