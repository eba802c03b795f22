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

Past days come from the daily summary (reports.summary) when it holds them clean; every
other day (today, days a write touched since, days never summarised) is read from the orders:
the summary's days, then four queries (online lines, their ledger sums, booth sales, their
commission rows) and one or two over the summary, whatever the size of the period."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select

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
from marketplace.reports.models import SalesDay, SalesSummary
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


def _during(column, ranges: Sequence[tuple[datetime, datetime] | tuple[date, date]]
            ) -> ColumnElement[bool]:
    return or_(*(and_(column >= start, column < end) for start, end in ranges))


def online_facts(scope: Scope, ranges: list[tuple[datetime, datetime]], zone: ZoneInfo,
                 locale: str) -> list[SaleFact]:
    where = and_(VendorOrder.status.in_(BOOKED_STATUSES), _during(VendorOrder.paid_at, ranges),
                 sales_condition(scope, VendorOrder.trainee_id, Trainee.centre_id,
                                 Venue.municipality_id))

    def scoped(stmt):
        return (stmt.join(Trainee, VendorOrder.trainee_id == Trainee.id)
                .outerjoin(MarketDay, VendorOrder.pickup_market_day_id == MarketDay.id)
                .outerjoin(Market, MarketDay.market_id == Market.id)
                .outerjoin(Venue, Market.venue_id == Venue.id).where(where))

    lines = db.session.execute(scoped(
        select(OrderLine.vendor_order_id, OrderLine.quantity, OrderLine.unit_price_amount,
               OrderLine.currency, OrderLine.product_id, Product.title_fa, Product.title_en,
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
                # The product's name in the reader's language, as for booth sales and the
                # summary (a line keeps the title of the moment, in the buyer's language).
                product_id=row.product_id, product=_name(row.title_fa, row.title_en, locale),
                units=row.quantity, gross=gross,
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


def booth_facts(scope: Scope, ranges: list[tuple[datetime, datetime]], zone: ZoneInfo,
                locale: str) -> list[SaleFact]:
    where = and_(_during(BoothSale.created_at, ranges),
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
                _during(LedgerEntry.created_at, [(start - timedelta(days=1),
                                                  end + timedelta(days=1))
                                                 for start, end in ranges]),
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
    return facts_during(scope, [(start_day, end_day)], zone, locale)


def facts_during(scope: Scope, days: list[tuple[date, date]], zone: ZoneInfo,
                 locale: str) -> list[SaleFact]:
    """The sales of runs of local days [first, after-last), from the orders themselves."""
    if not days:
        return []
    ranges = [(local_midnight(start, zone), local_midnight(end, zone)) for start, end in days]
    return online_facts(scope, ranges, zone, locale) + booth_facts(scope, ranges, zone, locale)


def first_sale_day(zone: ZoneInfo) -> date | None:
    online = db.session.scalar(select(func.min(VendorOrder.paid_at))
                               .where(VendorOrder.status.in_(BOOKED_STATUSES)))
    booth = db.session.scalar(select(func.min(BoothSale.created_at)))
    firsts = [local_day(moment, zone) for moment in (online, booth) if moment is not None]
    return min(firsts) if firsts else None


@dataclass
class Totals:
    keys: set[str]
    units: int = 0
    gross: int = 0
    commission: int = 0
    refunds: int = 0
    counted: int = 0  # sales counted ahead (the summary's days): their keys are not here

    @property
    def count(self) -> int:
        return len(self.keys) + self.counted

    @property
    def net(self) -> int:
        return self.gross - self.commission - self.refunds

    def add(self, fact: SaleFact) -> None:
        self.keys.add(fact.key)
        self.units += fact.units
        self.gross += fact.gross
        self.commission += fact.commission
        self.refunds += fact.refunds

    def add_summed(self, count: int, units: int, gross: int, commission: int,
                   refunds: int) -> None:
        self.counted += int(count or 0)
        self.units += int(units or 0)
        self.gross += int(gross or 0)
        self.commission += int(commission or 0)
        self.refunds += int(refunds or 0)


def totals(facts: list[SaleFact]) -> Totals:
    result = Totals(set())
    for fact in facts:
        result.add(fact)
    return result


def channel_label(channel: str) -> str:
    return {"shipping": _("Online, shipped"), "pickup": _("Online, picked up"),
            "booth": _("At the booth")}.get(channel, channel)


def _group_key(fact: SaleFact, by: str) -> tuple[object, str]:
    return _key_and_label(by, fact.trainee_id, fact.trainee, fact.centre_id, fact.centre,
                          fact.city, fact.category_id, fact.category, fact.market_id,
                          fact.market, fact.product_id, fact.product, fact.channel)


def _key_and_label(by: str, trainee_id, trainee, centre_id, centre, city, category_id,
                   category, market_id, market, product_id, product,
                   channel) -> tuple[object, str]:
    if by == "trainee":
        return trainee_id, trainee
    if by == "centre":
        return centre_id, centre
    if by == "city":
        return city, city
    if by == "category":
        return category_id, category
    if by == "market":
        return market_id or 0, market or _("No market (shipped or elsewhere)")
    if by == "product":
        return product_id, product
    return channel, channel_label(channel)


# --- the summary's days (reports.summary) ----------------------------------------------------

def clean_days(start: date, end: date) -> set[date]:
    """The days of [start, end) the summary holds and no write has touched since."""
    return set(db.session.scalars(select(SalesDay.day).where(
        SalesDay.day >= start, SalesDay.day < end, SalesDay.dirty.is_(False))))


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as [first, after-last) runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


def _summed(count_column):
    return (func.sum(count_column), func.sum(SalesSummary.units),
            func.sum(SalesSummary.gross), func.sum(SalesSummary.commission),
            func.sum(SalesSummary.refunds))


def _summary_scoped(stmt, scope: Scope, days: list[tuple[date, date]]):
    stmt = stmt.where(_during(SalesSummary.day, days))
    if scope.everything:
        return stmt
    return (stmt.join(Trainee, SalesSummary.trainee_id == Trainee.id)
            .outerjoin(Market, SalesSummary.market_id == Market.id)
            .outerjoin(Venue, Market.venue_id == Venue.id)
            .where(sales_condition(scope, SalesSummary.trainee_id, Trainee.centre_id,
                                   Venue.municipality_id)))


def summed_by_day(scope: Scope, days: list[tuple[date, date]]) -> list:
    """(day, sales, units, gross, commission, refunds) of each summarised day in `days`."""
    if not days:
        return []
    return list(db.session.execute(_summary_scoped(
        select(SalesSummary.day, *_summed(SalesSummary.sales)), scope, days)
        .group_by(SalesSummary.day)).all())


_COUNTS = {"category": SalesSummary.category_sales, "product": SalesSummary.product_sales}


def summed_by(scope: Scope, by: str, days: list[tuple[date, date]], split: date,
              locale: str) -> list[tuple[object, str, bool, tuple]]:
    """The summarised days grouped `by` a dimension, each group twice: before `split` and
    from it on — (key, label, from split on?, (sales, units, gross, commission, refunds))."""
    if not days:
        return []
    current = (SalesSummary.day >= split).label("current")
    labels = {
        "trainee": (SalesSummary.trainee_id, Trainee.store_name),
        "centre": (Trainee.centre_id, TrainingCentre.name_fa, TrainingCentre.name_en),
        "city": (TrainingCentre.city,),
        "category": (SalesSummary.category_id, Category.name_fa, Category.name_en),
        "market": (SalesSummary.market_id, Market.name_fa, Market.name_en),
        "product": (SalesSummary.product_id, Product.title_fa, Product.title_en),
        "channel": (SalesSummary.channel,),
    }[by]
    stmt = select(*labels, current, *_summed(_COUNTS.get(by, SalesSummary.sales)))
    if scope.everything:  # _summary_scoped joins these only to limit the rows
        if by in ("trainee", "centre", "city"):
            stmt = stmt.join(Trainee, SalesSummary.trainee_id == Trainee.id)
        if by == "market":
            stmt = stmt.outerjoin(Market, SalesSummary.market_id == Market.id)
    stmt = _summary_scoped(stmt.select_from(SalesSummary), scope, days)
    if by in ("centre", "city"):
        stmt = stmt.join(TrainingCentre, Trainee.centre_id == TrainingCentre.id)
    elif by == "category":
        stmt = stmt.join(Category, SalesSummary.category_id == Category.id)
    elif by == "product":
        stmt = stmt.join(Product, SalesSummary.product_id == Product.id)
    result = []
    for row in db.session.execute(stmt.group_by(*labels, current)):
        values: dict[str, object] = dict.fromkeys((
            "trainee_id", "trainee", "centre_id", "centre", "city", "category_id", "category",
            "market_id", "market", "product_id", "product", "channel"))
        head = row[:len(labels)]
        if by == "trainee":
            values.update(trainee_id=head[0], trainee=head[1])
        elif by == "city":
            values.update(city=head[0])
        elif by == "channel":
            values.update(channel=head[0])
        else:
            name = _name(head[1], head[2], locale) if head[0] is not None else ""
            values.update({f"{by}_id": head[0], by: name})
        key, label = _key_and_label(by, **values)
        result.append((key, label, bool(row.current), tuple(row[len(labels) + 1:])))
    return result


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


def _live(first: date, end: date, clean: set[date]) -> list[tuple[date, date]]:
    """The days of [first, end) the summary does not hold clean: read from the orders."""
    return day_ranges(first + timedelta(days=n) for n in range((end - first).days)
                      if first + timedelta(days=n) not in clean)


def period_totals(scope: Scope, period: Period, zone: ZoneInfo, locale: str,
                  clean: set[date] | None = None) -> Totals:
    """One period's totals, as the report's summary line gives them (the home page's
    headline); `clean`: the period's clean_days when the caller has them already."""
    if clean is None:
        clean = clean_days(period.start, period.end)
    result = totals(facts_during(scope, _live(period.start, period.end, clean), zone, locale))
    for _day, *figures in summed_by_day(scope, day_ranges(clean)):
        result.add_summed(*figures)
    return result


def sales_report(scope: Scope, period: Period, by: str, zone: ZoneInfo, locale: str,
                 currency: str) -> ReportResult:
    """The report for `period` grouped `by` one of DIMENSIONS, compared with the period
    before; its chart shows net sales over the last few periods."""
    periods = series(period)
    clean = clean_days(periods[0].start, period.end)
    facts = facts_during(scope, _live(periods[0].start, period.end, clean), zone, locale)
    per_period: dict[Period, Totals] = {p: Totals(set()) for p in periods}
    for fact in facts:
        bucket = bucket_of(fact.day, periods)
        if bucket is not None:
            per_period[bucket].add(fact)
    for day, *figures in summed_by_day(scope, day_ranges(clean)):
        bucket = bucket_of(_as_date(day), periods)
        if bucket is not None:
            per_period[bucket].add_summed(*figures)
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
        recent = day_ranges(day for day in clean if day >= previous.start)
        for key, label, is_current, figures in summed_by(scope, by, recent, period.start,
                                                         locale):
            labels.setdefault(key, label)
            (now if is_current else before)[key].add_summed(*figures)
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


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


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
