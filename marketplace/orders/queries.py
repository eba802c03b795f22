"""Read-only queries for carts, orders and sales, each a constant number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Trainee
from marketplace.booths.models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    Booth,
    Market,
    MarketDay,
    MarketDayStatus,
)
from marketplace.catalogue.models import Product
from marketplace.core.errors import NotFound
from marketplace.core.i18n import locale_code, localize_digits, today_here
from marketplace.extensions import db
from marketplace.orders import policies
from marketplace.orders.models import (
    Cart,
    CartLine,
    Order,
    OrderStatus,
    ShippingRate,
    VendorOrder,
    VendorOrderStatus,
)

# How far ahead booth days are offered for pickup.
PICKUP_HORIZON_DAYS = 60


def cart_with_lines(cart_id: int) -> Cart | None:
    """The cart, its lines, their products and trainees: one statement per level."""
    return db.session.scalar(
        select(Cart).where(Cart.id == cart_id)
        .options(selectinload(Cart.lines).joinedload(CartLine.product)
                 .joinedload(Product.trainee).joinedload(Trainee.centre))
        .execution_options(populate_existing=True))


@dataclass
class CartGroup:
    """The lines of one trainee: they become one vendor order."""

    trainee: Trainee
    lines: list[CartLine]

    @property
    def subtotal_amount(self) -> int:
        return sum(line.product.price_amount * line.quantity for line in self.lines)


def group_lines(cart: Cart) -> list[CartGroup]:
    groups: dict[int, CartGroup] = {}
    for line in cart.lines:
        trainee = line.product.trainee
        groups.setdefault(trainee.id, CartGroup(trainee, [])).lines.append(line)
    return sorted(groups.values(), key=lambda g: g.trainee.id)


def shipping_rates(trainee_ids) -> dict[int, ShippingRate]:
    ids = list(trainee_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(ShippingRate).where(ShippingRate.trainee_id.in_(ids)))
    return {row.trainee_id: row for row in rows}


@dataclass(frozen=True)
class PickupOption:
    """Where a buyer may collect a trainee's goods: a booth on a market day, or the centre."""

    key: str
    place: str
    day: date | None = None
    market_day_id: int | None = None
    booth_code: str | None = None
    assignment_id: int | None = None


def booth_place(market_name: str, booth_code: str, locale: str | None = None) -> str:
    """«Market — Booth 20», the booth labelled and its code in the locale's digits."""
    with force_locale(locale or locale_code()):
        return f"{market_name} — {_('Booth %(code)s', code=localize_digits(booth_code))}"


def pickup_place_text(vendor_order: VendorOrder) -> str:
    """Where the buyer collects this part, worded now in the reader's language: the booth of
    its booth-day (pickup_assignment) when it has one, else the booth code kept at checkout;
    orders placed before the booth code was kept fall back to the text stored at checkout."""
    market_day = vendor_order.pickup_market_day if vendor_order.pickup_market_day_id else None
    code = pickup_booth_code(vendor_order)
    if market_day is None or not code:
        return vendor_order.pickup_place or ""
    return booth_place(market_day.market.name(locale_code()), code)


def pickup_booth_code(vendor_order: VendorOrder) -> str | None:
    """The booth's code, derived from the booth-day the part is collected at."""
    assignment = vendor_order.pickup_assignment if vendor_order.pickup_assignment_id else None
    if assignment is not None:
        return assignment.booth.code
    return vendor_order.pickup_booth_code


# Live booth assignments of some trainees on open market days in a date range. Built once:
# every checkout reads it, and a reused statement keeps its SQL-cache key instead of building
# the joins and their key on every call.
_BOOTH_DAYS_OF_TRAINEES = (
    select(Assignment.trainee_id, MarketDay.id, MarketDay.day, Market.name_fa, Market.name_en,
           Booth.code, Assignment.id)
    .join(MarketDay, Assignment.market_day_id == MarketDay.id)
    .join(Market, MarketDay.market_id == Market.id)
    .join(Booth, Assignment.booth_id == Booth.id)
    .where(Assignment.trainee_id.in_(bindparam("trainee_ids", expanding=True)),
           Assignment.status.in_([s.value for s in LIVE_ASSIGNMENT_STATUSES]),
           MarketDay.status == MarketDayStatus.OPEN.value,
           MarketDay.day >= bindparam("first_day"), MarketDay.day <= bindparam("last_day"))
    .order_by(Assignment.trainee_id, MarketDay.day))


def pickup_options(trainees, locale: str, today: date | None = None
                   ) -> dict[int, list[PickupOption]]:
    """Per trainee: their live booth assignments on open market days from today on; where
    they have none, their training centre. One statement for all trainees."""
    trainees = list(trainees)
    today = today or today_here()
    options: dict[int, list[PickupOption]] = {t.id: [] for t in trainees}
    if trainees:
        rows = db.session.execute(_BOOTH_DAYS_OF_TRAINEES, {
            "trainee_ids": [t.id for t in trainees], "first_day": today,
            "last_day": today + timedelta(days=PICKUP_HORIZON_DAYS)})
        for trainee_id, day_id, day, name_fa, name_en, booth_code, assignment_id in rows:
            market = name_en if locale == "en" and name_en else name_fa
            options[trainee_id].append(PickupOption(
                key=f"day-{day_id}", place=booth_place(market, booth_code, locale), day=day,
                market_day_id=day_id, booth_code=booth_code, assignment_id=assignment_id))
    for trainee in trainees:
        if not options[trainee.id]:
            centre = trainee.centre
            options[trainee.id].append(PickupOption(
                key="centre", place=f"{centre.name(locale)} — {centre.city}"))
    return options


# --- orders ----------------------------------------------------------------------------------

def _pickup_option():
    return (selectinload(VendorOrder.pickup_market_day).joinedload(MarketDay.market),
            selectinload(VendorOrder.pickup_assignment).joinedload(Assignment.booth))


def _order_options():
    return (selectinload(Order.vendor_orders).selectinload(VendorOrder.lines),
            selectinload(Order.vendor_orders).joinedload(VendorOrder.trainee),
            selectinload(Order.vendor_orders).options(*_pickup_option()))


def order_by_number(number: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.number == number)
                             .options(*_order_options(), joinedload(Order.buyer)))


def viewable_order(user, number: str) -> Order:
    """The order with this number if `user` may see it (orders.policies.can_view_order); 404
    alike when it is missing or not theirs, so numbers cannot be probed."""
    order = order_by_number(number)
    if order is None or not policies.can_view_order(user, order):
        raise NotFound(_("We could not find that order."))
    return order


def buyer_orders(buyer_id: int):
    return (select(Order).where(Order.buyer_id == buyer_id)
            .options(*_order_options()).order_by(Order.id.desc()))


def vendor_orders_of(trainee_id: int, status: str | None = None):
    statement = (select(VendorOrder).where(VendorOrder.trainee_id == trainee_id)
                 .options(joinedload(VendorOrder.order).joinedload(Order.buyer),
                          selectinload(VendorOrder.lines),
                          joinedload(VendorOrder.trainee), *_pickup_option())
                 .order_by(VendorOrder.id.desc()))
    if status:
        statement = statement.where(VendorOrder.status == status)
    return statement


def vendor_orders_of_centres(centre_ids: set[int] | None, status: str | None = None):
    """Sales of the trainees of these centres (None: every centre, for admins)."""
    statement = (select(VendorOrder).join(Trainee, VendorOrder.trainee_id == Trainee.id)
                 .options(joinedload(VendorOrder.order).joinedload(Order.buyer),
                          selectinload(VendorOrder.lines),
                          joinedload(VendorOrder.trainee), *_pickup_option())
                 .order_by(VendorOrder.id.desc()))
    if centre_ids is not None:
        statement = statement.where(Trainee.centre_id.in_(centre_ids))
    if status:
        statement = statement.where(VendorOrder.status == status)
    return statement


def vendor_order(vendor_order_id: int) -> VendorOrder | None:
    return db.session.scalar(
        select(VendorOrder).where(VendorOrder.id == vendor_order_id)
        .options(joinedload(VendorOrder.order).joinedload(Order.buyer),
                 selectinload(VendorOrder.lines), *_pickup_option(),
                 joinedload(VendorOrder.trainee).joinedload(Trainee.centre)))


def viewable_vendor_order(user, vendor_order_id: int) -> VendorOrder:
    """The vendor order if `user` may see it (orders.policies.can_view_vendor_order), else 404."""
    found = vendor_order(vendor_order_id)
    if found is None or not policies.can_view_vendor_order(user, found):
        raise NotFound(_("We could not find that order."))
    return found


def open_sales_count(trainee_id: int) -> int:
    return db.session.scalar(
        select(func.count(VendorOrder.id)).where(
            VendorOrder.trainee_id == trainee_id,
            VendorOrder.status.in_([VendorOrderStatus.PAID.value,
                                    VendorOrderStatus.READY_FOR_PICKUP.value]))) or 0


def is_pending(order: Order) -> bool:
    return order.status == OrderStatus.PENDING_PAYMENT
