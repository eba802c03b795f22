"""The sales summary: each past day's sales added up ahead, so the sales report reads a few
hundred rows per month instead of every order line (issue 19, "fast at real size").

- `flask summarise-sales` (one of the maintenance commands) summarises each day before today
  that is not summarised yet or was touched since: it takes the same facts the report would
  (`sales.facts_between`, so commission and refunds are shared among lines the same way) and
  adds them up per day × trainee × channel × market × category × product × currency.
- Writes keep it honest: a flush that touches a summarised day's sales (a vendor order paid,
  rebooked or cancelled; its commission or a refund booked; a booth sale; a product moved to
  another category) marks that day dirty in the same transaction (`_mark_touched_days`).
- The report reads clean days from the summary and every other day (today, dirty days,
  days never summarised) from the orders as before, so its figures do not depend on when the
  summary last ran.

Rebuilding a day first writes its mark (taking the row's lock in PostgreSQL, the database's
write lock in SQLite), then reads the facts: a write that marks the day dirty meanwhile waits
for the rebuild and leaves the day dirty, never clean and stale."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, event, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from marketplace.booths.models import BoothSale
from marketplace.catalogue.models import Product
from marketplace.core.db import utcnow
from marketplace.core.i18n import marketplace_zone
from marketplace.extensions import db
from marketplace.orders.models import OrderLine, VendorOrder
from marketplace.payments.models import LedgerEntry, LedgerKind
from marketplace.payments.services.ledger import BOOKED_STATUSES
from marketplace.reports.models import SalesDay, SalesSummary
from marketplace.reports.periods import local_day
from marketplace.reports.sales import clean_days, day_ranges, facts_between, first_sale_day
from marketplace.reports.scope import Scope

CHUNK_DAYS = 31
# What a vendor order's figures in the report depend on (besides its lines and ledger rows).
_VO_FIELDS = ("paid_at", "fulfilment", "pickup_market_day_id", "trainee_id")
_SALE_KINDS = (LedgerKind.COMMISSION, LedgerKind.REFUND, LedgerKind.REFUND_COMMISSION)


def days_to_summarise(through: date) -> list[date]:
    """Days up to `through` (inclusive) from the first sale on that are not summarised clean."""
    first = first_sale_day(marketplace_zone())
    if first is None or first > through:
        return []
    clean = clean_days(first, through + timedelta(days=1))
    count = (through - first).days + 1
    return [day for day in (first + timedelta(days=n) for n in range(count))
            if day not in clean]


def summarise(days: list[date]) -> int:
    """Rebuild the summary of `days`, a transaction per run of at most CHUNK_DAYS days; the
    number of days rebuilt."""
    if not days:
        return 0
    known = set(db.session.scalars(select(SalesDay.day).where(SalesDay.day.in_(days))))
    fresh = [{"day": day, "dirty": True} for day in days if day not in known]
    if fresh:
        db.session.execute(insert(SalesDay), fresh)
    db.session.commit()
    for start, end in day_ranges(days):
        while start < end:
            stop = min(end, start + timedelta(days=CHUNK_DAYS))
            _rebuild(start, stop)
            db.session.commit()
            start = stop
    return len(days)


def _rebuild(start: date, end: date) -> None:
    # The mark first: the lock that makes a concurrent write wait (see the module's doc).
    db.session.execute(update(SalesDay).where(SalesDay.day >= start, SalesDay.day < end)
                       .values(built_at=utcnow()))
    facts = facts_between(Scope(everything=True), start, end, marketplace_zone(), "fa")
    cells: dict[tuple, dict] = {}
    seen: set[tuple] = set()
    for fact in facts:
        cell = (fact.day, fact.trainee_id, fact.channel, fact.market_id, fact.category_id,
                fact.product_id, fact.currency)
        row = cells.setdefault(cell, {
            "day": fact.day, "trainee_id": fact.trainee_id, "channel": fact.channel,
            "market_id": fact.market_id, "category_id": fact.category_id,
            "product_id": fact.product_id, "currency": fact.currency, "sales": 0,
            "category_sales": 0, "product_sales": 0, "units": 0, "gross": 0,
            "commission": 0, "refunds": 0})
        for column, key in (("sales", (fact.key,)),
                            ("category_sales", (fact.key, "c", fact.category_id)),
                            ("product_sales", (fact.key, "p", fact.product_id))):
            if key not in seen:
                seen.add(key)
                row[column] += 1
        row["units"] += fact.units
        row["gross"] += fact.gross
        row["commission"] += fact.commission
        row["refunds"] += fact.refunds
    db.session.execute(delete(SalesSummary).where(SalesSummary.day >= start,
                                                  SalesSummary.day < end))
    if cells:
        db.session.execute(insert(SalesSummary), list(cells.values()))
    db.session.execute(update(SalesDay).where(SalesDay.day >= start, SalesDay.day < end)
                       .values(dirty=False))


# --- writes mark the days they touch -------------------------------------------------------

def _booked_changed(history) -> bool:
    """Did a status change make a vendor order a sale, or undo one (paid → shipped does not)?"""
    if not history.has_changes():
        return False
    before = [status in BOOKED_STATUSES for status in history.deleted]
    after = [status in BOOKED_STATUSES for status in history.added]
    return before != after


def _moments_touched(session: Session) -> tuple[set[datetime], set[int], set[int]]:
    """What this flush changes in the sales: instants whose day it touches, vendor orders
    (whose day is their payment's) and products that changed category."""
    moments: set[datetime] = set()
    vendor_orders: set[int] = set()
    products: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, VendorOrder):
            attrs = inspect(obj).attrs
            if obj in session.dirty and not _booked_changed(attrs.status.history) and not any(
                    getattr(attrs, name).history.has_changes() for name in _VO_FIELDS):
                continue  # shipped, a handover code tried…: the figures are the same
            history = attrs.paid_at.history
            moments.update(m for m in (*history.added, *history.unchanged, *history.deleted)
                           if m is not None)
        elif isinstance(obj, LedgerEntry) and obj.kind in _SALE_KINDS:
            if obj.vendor_order_id is not None:
                vendor_orders.add(obj.vendor_order_id)
            elif obj.kind == LedgerKind.COMMISSION:  # a booth sale's
                moments.add(obj.created_at or utcnow())
        elif isinstance(obj, BoothSale):
            moments.add(obj.created_at or utcnow())
        elif isinstance(obj, OrderLine) and obj.vendor_order_id is not None:
            vendor_orders.add(obj.vendor_order_id)
        elif isinstance(obj, Product) and inspect(obj).attrs.category_id.history.deleted:
            products.add(obj.id)
    return moments, vendor_orders, products


@event.listens_for(Session, "after_flush")
def _mark_touched_days(session: Session, _context) -> None:
    moments, vendor_orders, products = _moments_touched(session)
    if not (moments or vendor_orders or products):
        return
    # Vendor orders this session holds answer from memory (a checkout's new lines, a refund's
    # ledger rows): no statement unless one is not loaded.
    unknown = set()
    for vo_id in vendor_orders:
        held = session.identity_map.get(identity_key(VendorOrder, vo_id))
        if held is not None and "paid_at" in held.__dict__:
            if held.paid_at is not None:
                moments.add(held.paid_at)
        else:
            unknown.add(vo_id)
    if not (moments or unknown or products):
        return
    connection = session.connection()
    if unknown:
        moments.update(paid for paid in connection.scalars(
            select(VendorOrder.paid_at).where(VendorOrder.id.in_(unknown)))
            if paid is not None)
    if not (moments or products):
        return
    zone = marketplace_zone()
    days = {local_day(moment, zone) for moment in moments}
    touched: ColumnElement[bool] | None = SalesDay.day.in_(days) if days else None
    if products:
        in_products = SalesDay.day.in_(select(SalesSummary.day).where(
            SalesSummary.product_id.in_(products)))
        touched = in_products if touched is None else (touched | in_products)
    if touched is not None:
        connection.execute(update(SalesDay).where(touched, SalesDay.dirty.is_(False))
                           .values(dirty=True))
