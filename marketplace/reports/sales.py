"""The sales report: per period, trainee, centre, category, market, channel or product —
online (shipped or picked up) and at the booth — with count, units, gross, commission,
refunds and net.

Figures come from the orders and the ledger, as payments booked them:
- gross: the goods (order lines at the price paid; booth sales at theirs), without shipping;
- commission: the ledger's commission rows less the commission returned with refunds
  (`refund_commission`); a booth sale's commission row has no vendor order and names the
  sale in its memo («… of booth sale #12»);
- refunds: the ledger's refund rows (money given back, shipping included when it was);
- net = gross − commission − refunds.
An online sale counts on the day it was paid, a booth sale on the day it was made; refunds
count against the sale they return. Cancelled and unpaid orders never were sales. A vendor
order's commission and refunds are shared among its lines by line value (largest remainder,
no unit lost), so the per-category and per-product figures add up to the totals.

Four queries whatever the size of the period (online lines, their ledger sums, booth sales,
their commission rows); grouping is done here."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from marketplace.accounts.models import Trainee, TrainingCentre
from marketplace.booths.models import Assignment, BoothSale, Market, MarketDay, Venue
from marketplace.catalogue.models import Category, Product
from marketplace.core.i18n import format_number
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import Fulfilment, OrderLine, VendorOrder
from marketplace.payments.models import LedgerEntry, LedgerKind
from marketplace.payments.services.ledger import BOOKED_STATUSES
from marketplace.reports.charts import bar_chart
from marketplace.reports.periods import (
    Period,
    bucket_of,
    change_percent,
    local_day,
    local_midnight,
    series,
)
from marketplace.reports.scope import Scope, sales_condition
from marketplace.reports.tables import Column, Kind, ReportResult, Table

DIMENSIONS = ("period", "trainee", "centre", "city", "category", "market", "channel",
              "product")
CHANNELS = ("shipping", "pickup", "booth")
_BOOTH_MEMO = re.compile(r"booth sale #(\d+)$")


@dataclass
class SaleFact:
    """One line of one sale, with its share of the sale's commission and refunds."""

    key: str              # "vo:<vendor order id>" or "bs:<booth sale id>": what a sale is
    day: date
    channel: str
    trainee_id: int
    trainee: str
    centre_id: int
    centre: str
    city: str             # the trainee's centre's city
    category_id: int
    category: str
    market_id: int | None
    market: str
    product_id: int
    product: str
    units: int
    gross: int
    commission: int
    refunds: int
    currency: str

    @property
    def net(self) -> int:
        return self.gross - self.commission - self.refunds


def _name(fa: str | None, en: str | None, locale: str) -> str:
    return (en or fa or "") if locale == "en" else (fa or en or "")


def online_facts(scope: Scope, start, end, zone: ZoneInfo, locale: str) -> list[SaleFact]:
    where = and_(VendorOrder.status.in_(BOOKED_STATUSES), VendorOrder.paid_at >= start,
                 VendorOrder.paid_at < end,
                 sales_condition(scope, VendorOrder.trainee_id, Trainee.centre_id,
                                 Venue.municipality_id))

    def scoped(stmt):
        return (stmt.join(Trainee, VendorOrder.trainee_id == Trainee.id)
                .outerjoin(MarketDay, VendorOrder.pickup_market_day_id == MarketDay.id)
                .outerjoin(Market, MarketDay.market_id == Market.id)
                .outerjoin(Venue, Market.venue_id == Venue.id).where(where))

    lines = db.session.execute(scoped(
        select(OrderLine.vendor_order_id, OrderLine.quantity, OrderLine.unit_price_amount,
               OrderLine.currency, OrderLine.product_id, OrderLine.title,
               Product.category_id, Category.name_fa.label("category_fa"),
               Category.name_en.label("category_en"), VendorOrder.trainee_id,
               VendorOrder.fulfilment, VendorOrder.paid_at, Trainee.store_name,
               Trainee.centre_id, TrainingCentre.name_fa.label("centre_fa"),
               TrainingCentre.name_en.label("centre_en"), TrainingCentre.city,
               Market.id.label("market_id"), Market.name_fa.label("market_fa"),
               Market.name_en.label("market_en"))
        .select_from(OrderLine)
        .join(VendorOrder, OrderLine.vendor_order_id == VendorOrder.id)
        .join(Product, OrderLine.product_id == Product.id)
        .join(Category, Product.category_id == Category.id))
        .join(TrainingCentre, Trainee.centre_id == TrainingCentre.id)
        .order_by(OrderLine.vendor_order_id, OrderLine.id)).all()
    sums: dict[int, dict[LedgerKind, int]] = defaultdict(dict)
    vo_ids = scoped(select(VendorOrder.id))
    for vo_id, kind, amount in db.session.execute(
            select(LedgerEntry.vendor_order_id, LedgerEntry.kind, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.vendor_order_id.in_(vo_ids),
                   LedgerEntry.kind.in_((LedgerKind.COMMISSION, LedgerKind.REFUND,
                                         LedgerKind.REFUND_COMMISSION)))
            .group_by(LedgerEntry.vendor_order_id, LedgerEntry.kind)):
        if vo_id is not None:
            sums[vo_id][kind] = int(amount or 0)
    by_order: dict[int, list] = defaultdict(list)
    for row in lines:
        by_order[row[0]].append(row)
    facts = []
    for vo_id, rows in by_order.items():
        booked = sums.get(vo_id, {})
        commission = -booked.get(LedgerKind.COMMISSION, 0) - \
            booked.get(LedgerKind.REFUND_COMMISSION, 0)
        refunds = -booked.get(LedgerKind.REFUND, 0)
        grosses = [row.quantity * row.unit_price_amount for row in rows]
        currency = rows[0].currency
        commissions = _share(commission, grosses, currency)
        refund_shares = _share(refunds, grosses, currency)
        for row, gross, line_commission, line_refunds in zip(
                rows, grosses, commissions, refund_shares, strict=True):
            channel = "pickup" if row.fulfilment == Fulfilment.PICKUP else "shipping"
            facts.append(SaleFact(
                key=f"vo:{vo_id}", day=local_day(row.paid_at, zone), channel=channel,
                trainee_id=row.trainee_id, trainee=row.store_name, centre_id=row.centre_id,
                centre=_name(row.centre_fa, row.centre_en, locale), city=row.city,
                category_id=row.category_id,
                category=_name(row.category_fa, row.category_en, locale),
                market_id=row.market_id, market=_name(row.market_fa, row.market_en, locale),
                product_id=row.product_id, product=row.title, units=row.quantity, gross=gross,
                commission=line_commission, refunds=line_refunds, currency=currency))
    return facts


def _share(amount: int, weights: list[int], currency: str) -> list[int]:
    if not amount:
        return [0] * len(weights)
    if len(weights) == 1:  # most vendor orders have one line: nothing to share
        return [amount]
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    return [m.amount for m in Money(amount, currency).allocate(weights)]


def booth_facts(scope: Scope, start, end, zone: ZoneInfo, locale: str) -> list[SaleFact]:
    where = and_(BoothSale.created_at >= start, BoothSale.created_at < end,
                 sales_condition(scope, BoothSale.trainee_id, Trainee.centre_id,
                                 Venue.municipality_id))
    rows = db.session.execute(
        select(BoothSale.id.label("sale_id"), BoothSale.quantity, BoothSale.unit_price_amount,
               BoothSale.currency, BoothSale.created_at, BoothSale.product_id,
               Product.title_fa, Product.title_en, Product.category_id,
               Category.name_fa.label("category_fa"), Category.name_en.label("category_en"),
               BoothSale.trainee_id, Trainee.store_name, Trainee.centre_id,
               TrainingCentre.name_fa.label("centre_fa"),
               TrainingCentre.name_en.label("centre_en"), TrainingCentre.city,
               Market.id.label("market_id"), Market.name_fa.label("market_fa"),
               Market.name_en.label("market_en"))
        .select_from(BoothSale)
        .join(Product, BoothSale.product_id == Product.id)
        .join(Category, Product.category_id == Category.id)
        .join(Trainee, BoothSale.trainee_id == Trainee.id)
        .join(TrainingCentre, Trainee.centre_id == TrainingCentre.id)
        .outerjoin(Assignment, BoothSale.assignment_id == Assignment.id)
        .outerjoin(MarketDay, Assignment.market_day_id == MarketDay.id)
        .outerjoin(Market, MarketDay.market_id == Market.id)
        .outerjoin(Venue, Market.venue_id == Venue.id)
        .where(where).order_by(BoothSale.id)).all()
    if not rows:
        return []
    # The commission rows are written in the same transaction as the sale, a moment later:
    # a day's margin either side finds them all.
    trainee_ids = sorted({row.trainee_id for row in rows})
    commissions: dict[int, int] = {}
    for memo, amount in db.session.execute(
            select(LedgerEntry.memo, LedgerEntry.amount).where(
                LedgerEntry.trainee_id.in_(trainee_ids),
                LedgerEntry.kind == LedgerKind.COMMISSION,
                LedgerEntry.vendor_order_id.is_(None),
                LedgerEntry.created_at >= start - timedelta(days=1),
                LedgerEntry.created_at < end + timedelta(days=1),
                LedgerEntry.memo.like("%booth sale #%"))):
        found = _BOOTH_MEMO.search(memo or "")
        if found:
            sale_id = int(found.group(1))
            commissions[sale_id] = commissions.get(sale_id, 0) - int(amount)
    return [SaleFact(
        key=f"bs:{row.sale_id}", day=local_day(row.created_at, zone), channel="booth",
        trainee_id=row.trainee_id, trainee=row.store_name, centre_id=row.centre_id,
        centre=_name(row.centre_fa, row.centre_en, locale), city=row.city,
        category_id=row.category_id,
        category=_name(row.category_fa, row.category_en, locale), market_id=row.market_id,
        market=_name(row.market_fa, row.market_en, locale), product_id=row.product_id,
        product=_name(row.title_fa, row.title_en, locale), units=row.quantity,
        gross=row.quantity * row.unit_price_amount,
        commission=commissions.get(row.sale_id, 0),
        refunds=0, currency=row.currency) for row in rows]


def facts_between(scope: Scope, start_day: date, end_day: date, zone: ZoneInfo,
                  locale: str) -> list[SaleFact]:
    from_, to = local_midnight(start_day, zone), local_midnight(end_day, zone)
    return online_facts(scope, from_, to, zone, locale) + \
        booth_facts(scope, from_, to, zone, locale)


@dataclass
class Totals:
    keys: set[str]
    units: int = 0
    gross: int = 0
    commission: int = 0
    refunds: int = 0

    @property
    def count(self) -> int:
        return len(self.keys)

    @property
    def net(self) -> int:
        return self.gross - self.commission - self.refunds

    def add(self, fact: SaleFact) -> None:
        self.keys.add(fact.key)
        self.units += fact.units
        self.gross += fact.gross
        self.commission += fact.commission
        self.refunds += fact.refunds


def totals(facts: list[SaleFact]) -> Totals:
    result = Totals(set())
    for fact in facts:
        result.add(fact)
    return result


def channel_label(channel: str) -> str:
    return {"shipping": _("Online, shipped"), "pickup": _("Online, picked up"),
            "booth": _("At the booth")}.get(channel, channel)


def _group_key(fact: SaleFact, by: str) -> tuple[object, str]:
    if by == "trainee":
        return fact.trainee_id, fact.trainee
    if by == "centre":
        return fact.centre_id, fact.centre
    if by == "city":
        return fact.city, fact.city
    if by == "category":
        return fact.category_id, fact.category
    if by == "market":
        return fact.market_id or 0, fact.market or _("No market (shipped or elsewhere)")
    if by == "product":
        return fact.product_id, fact.product
    return fact.channel, channel_label(fact.channel)


def columns(by: str) -> list[Column]:
    first = {"period": _("Period"), "trainee": _("Trainee"), "centre": _("Centre"),
             "city": _("City"), "category": _("Category"), "market": _("Market"),
             "channel": _("Channel"), "product": _("Product")}[by]
    return [Column("label", first), Column("count", _("Sales"), Kind.INT),
            Column("units", _("Items"), Kind.INT), Column("gross", _("Gross"), Kind.MONEY),
            Column("commission", _("Commission"), Kind.MONEY),
            Column("refunds", _("Refunds"), Kind.MONEY), Column("net", _("Net"), Kind.MONEY),
            Column("previous_net", _("Net, period before"), Kind.MONEY),
            Column("change", _("Change"), Kind.PERCENT)]


def _row(label: str, key: object, now: Totals, before: Totals | None) -> dict:
    previous = before.net if before is not None else 0
    return {"key": key, "label": label, "count": now.count, "units": now.units,
            "gross": now.gross, "commission": now.commission, "refunds": now.refunds,
            "net": now.net, "previous_net": previous, "change": change_percent(now.net, previous)}


def sales_report(scope: Scope, period: Period, by: str, zone: ZoneInfo, locale: str,
                 currency: str) -> ReportResult:
    """The report for `period` grouped `by` one of DIMENSIONS, compared with the period
    before; its chart shows net sales over the last few periods."""
    periods = series(period)
    facts = facts_between(scope, periods[0].start, period.end, zone, locale)
    per_period: dict[Period, Totals] = {p: Totals(set()) for p in periods}
    for fact in facts:
        bucket = bucket_of(fact.day, periods)
        if bucket is not None:
            per_period[bucket].add(fact)
    previous = period.previous()
    if by == "period":
        rows = [_row(p.label(locale), p.key, per_period[p], per_period.get(p.previous()))
                for p in reversed(periods)]
    else:
        now: dict[object, Totals] = defaultdict(lambda: Totals(set()))
        before: dict[object, Totals] = defaultdict(lambda: Totals(set()))
        labels: dict[object, str] = {}
        for fact in facts:
            key, label = _group_key(fact, by)
            labels[key] = label
            if period.contains(fact.day):
                now[key].add(fact)
            elif previous.contains(fact.day):
                before[key].add(fact)
        rows = [_row(labels[key], key, now[key], before.get(key)) for key in labels]
        rows = [row for row in rows if row["count"] or row["previous_net"]]
        rows.sort(key=lambda row: (-row["net"], -row["previous_net"], str(row["label"])))
    current, earlier = per_period[period], per_period.get(previous) or Totals(set())
    chart = bar_chart(_("Net sales by period"), [
        (p.short_label(locale), per_period[p].net,
         Money(per_period[p].net, currency).format(locale)) for p in periods],
        rtl=locale.startswith("fa"))
    return ReportResult(
        name="sales", title=_("Sales"), summary=summary(current, earlier, period, locale,
                                                          currency),
        period=period, previous=previous, table=Table(columns(by), rows, currency),
        chart=chart)


def summary(current: Totals, earlier: Totals, period: Period, locale: str,
            currency: str) -> str:
    change = change_percent(current.net, earlier.net)
    net = Money(current.net, currency).format(locale)
    text = _("%(period)s: %(count)s sales, net %(net)s.", period=period.label(locale),
             count=format_number(current.count), net=net)
    if change is not None:
        text += " " + _("%(change)s%% on the period before.",
                        change=format_number(change) if change <= 0 else
                        "+" + format_number(change))
    return text
