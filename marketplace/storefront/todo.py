"""What each role has to do, counted for the signed-in home page (/my).

One statement per role (each count a scalar subquery of the same SELECT), so the page runs a
constant number of queries however many orders, listings or booth-days there are. Storefront
sits above the domains it counts here (accounts, catalogue, booths, orders, payments) and
reads their tables directly; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from marketplace.accounts.models import Municipality, Trainee, TraineeStatus, TrainingCentre
from marketplace.booths.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    BoothOffer,
    Market,
    MarketDay,
    MarketDayStatus,
    OfferStatus,
    Venue,
)
from marketplace.catalogue.models import Product, ProductStatus
from marketplace.core.db import utcnow
from marketplace.core.money import Money
from marketplace.extensions import db
from marketplace.orders.models import Fulfilment, Order, VendorOrder, VendorOrderStatus
from marketplace.payments.models import LedgerEntry
from marketplace.payments.queries import available_entries_query

V = VendorOrderStatus
#: A buyer's order still on its way to them.
UNDER_WAY_STATUSES = (V.PAID, V.READY_FOR_PICKUP, V.SHIPPED)
#: How far ahead "next market days" looks.
MARKET_DAYS_AHEAD = 14


def _count(*conditions: ColumnElement[bool], of=None, join=()) -> ColumnElement[int]:
    """SELECT count(*) … as a scalar subquery (one column of the role's one statement)."""
    query = select(func.count()).select_from(of)
    for target, on in join:
        query = query.join(target, on)
    return query.where(*conditions).scalar_subquery()


def _one_row(**columns: ColumnElement) -> dict:
    row = db.session.execute(select(*(c.label(n) for n, c in columns.items()))).one()
    return row._asdict()


# --- buyer (everyone) ---------------------------------------------------------------------------

def buyer_counts(user_id: int) -> dict:
    return _one_row(orders_under_way=_count(
        Order.buyer_id == user_id, VendorOrder.status.in_(UNDER_WAY_STATUSES),
        of=VendorOrder, join=[(Order, Order.id == VendorOrder.order_id)]))


# --- trainee ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TraineeTodo:
    to_ship: int
    to_hand_over: int
    returned: int
    markets_to_apply: int
    booth_days: int
    offers: int
    balance: Money

    @property
    def debt(self) -> Money | None:
        """What the trainee owes, when their balance is below zero."""
        return Money(-self.balance.amount, self.balance.currency) \
            if self.balance.amount < 0 else None


def trainee_todo(trainee_id: int, currency: str, today: date) -> TraineeTodo:
    now = utcnow()
    mine = VendorOrder.trainee_id == trainee_id
    applied = select(Application.market_id).where(Application.trainee_id == trainee_id)
    row = _one_row(
        to_ship=_count(mine, VendorOrder.status == V.PAID,
                       VendorOrder.fulfilment == Fulfilment.SHIPPING, of=VendorOrder),
        to_hand_over=_count(mine, VendorOrder.status.in_((V.PAID, V.READY_FOR_PICKUP)),
                            VendorOrder.fulfilment == Fulfilment.PICKUP, of=VendorOrder),
        returned=_count(Product.trainee_id == trainee_id,
                        Product.status == ProductStatus.REJECTED, of=Product),
        markets_to_apply=_count(Market.applications_open_at <= now,
                                Market.applications_close_at > now,
                                Market.id.not_in(applied), of=Market),
        booth_days=_count(Assignment.trainee_id == trainee_id,
                          Assignment.status == AssignmentStatus.ACTIVE,
                          Assignment.day >= today, of=Assignment),
        offers=_count(BoothOffer.trainee_id == trainee_id,
                      BoothOffer.status == OfferStatus.PENDING, BoothOffer.expires_at > now,
                      of=BoothOffer),
        balance=select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.trainee_id == trainee_id, LedgerEntry.currency == currency)
        .scalar_subquery())
    balance = Money(int(row.pop("balance")), currency)
    return TraineeTodo(balance=balance, **row)


# --- centre staff -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CentreTodo:
    """What centre staff have to do. Their trainees' sales this month are not counted here:
    the sales report's headline beside these (reports.headlines) is the one figure, with the
    report's definition (paid date, booth sales, refunds), so /my never shows two."""

    to_verify: int
    to_review: int


def centre_todo(centre_ids: set[int]) -> CentreTodo:
    ours = Trainee.centre_id.in_(centre_ids or {-1})
    row = _one_row(
        to_verify=_count(ours, Trainee.status == TraineeStatus.PENDING, of=Trainee),
        to_review=_count(ours, Product.status == ProductStatus.SUBMITTED, of=Product,
                         join=[(Trainee, Trainee.id == Product.trainee_id)]))
    return CentreTodo(**row)


# --- municipal staff ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MunicipalTodo:
    to_review: int
    check_in_today: int
    today_day_id: int | None   # a market day today, for the check-in link
    next_days: int
    next_day: date | None


def municipal_todo(municipality_ids: set[int], today: date) -> MunicipalTodo:
    ours = Venue.municipality_id.in_(municipality_ids or {-1})
    to_venue = [(Market, Market.id == MarketDay.market_id), (Venue, Venue.id == Market.venue_id)]
    open_day = MarketDay.status == MarketDayStatus.OPEN
    coming = (ours, open_day, MarketDay.day >= today,
              MarketDay.day < date.fromordinal(today.toordinal() + MARKET_DAYS_AHEAD))

    def first(column, *conditions):
        return (select(func.min(column)).select_from(MarketDay).join(*to_venue[0])
                .join(*to_venue[1]).where(*conditions).scalar_subquery())

    row = _one_row(
        to_review=_count(ours, Application.status == ApplicationStatus.SUBMITTED,
                         Market.ends_on >= today, of=Application,
                         join=[(Market, Market.id == Application.market_id),
                               (Venue, Venue.id == Market.venue_id)]),
        check_in_today=_count(ours, Assignment.day == today,
                              Assignment.status == AssignmentStatus.ACTIVE, of=Assignment,
                              join=[(MarketDay, MarketDay.id == Assignment.market_day_id),
                                    *to_venue]),
        today_day_id=first(MarketDay.id, ours, open_day, MarketDay.day == today),
        next_days=_count(*coming, of=MarketDay, join=to_venue),
        next_day=first(MarketDay.day, *coming))
    next_day = row["next_day"]
    if isinstance(next_day, str):  # SQLite returns min() of a date column as text
        next_day = date.fromisoformat(next_day)
    return MunicipalTodo(**{**row, "next_day": next_day})


# --- platform admin -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AdminTodo:
    organisations: int
    payouts_due: int
    to_review: int


def admin_todo(currency: str) -> AdminTodo:
    rows = available_entries_query(utcnow(), currency).subquery()
    due = (select(rows.c.trainee_id).group_by(rows.c.trainee_id)
           .having(func.sum(rows.c.amount) > 0).subquery())
    row = _one_row(
        centres=_count(of=TrainingCentre), municipalities=_count(of=Municipality),
        payouts_due=select(func.count()).select_from(due).scalar_subquery(),
        to_review=_count(Product.status == ProductStatus.SUBMITTED, of=Product))
    return AdminTodo(organisations=row["centres"] + row["municipalities"],
                     payouts_due=row["payouts_due"], to_review=row["to_review"])
