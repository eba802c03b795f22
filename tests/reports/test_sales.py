"""The sales report against the figures of tests/reports/conftest.py, worked out by hand."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import update

from marketplace.core.i18n import marketplace_zone
from marketplace.orders.models import VendorOrder
from marketplace.payments.models import LedgerEntry
from marketplace.reports.periods import Calendar, Grain, period_containing
from marketplace.reports.sales import sales_report
from marketplace.reports.scope import Scope

EVERYTHING = Scope(everything=True)


def this_month(calendar=Calendar.JALALI):
    return period_containing(datetime.now(marketplace_zone()).date(), Grain.MONTH, calendar)


def report(scope, by, period=None, locale="en"):
    with force_locale(locale):
        return sales_report(scope, period or this_month(), by, marketplace_zone(), locale,
                            "USD")


def rows_by_label(result):
    return {row["label"]: row for row in result.table.rows}


def figures(row):
    return (row["count"], row["units"], row["gross"], row["commission"], row["refunds"],
            row["net"])


def test_per_trainee_online_and_booth_with_refunds_and_cancellations(world):
    rows = rows_by_label(report(EVERYTHING, "trainee"))
    # A: orders 1 and 2 and the booth sale (order 4 was cancelled unpaid).
    assert figures(rows["Store A"]) == (3, 4, 17_500, 500 + 720 + 250, 3000,
                                        17_500 - 1470 - 3000)
    assert figures(rows["Store B"]) == (1, 1, 4000, 400, 0, 3600)
    assert set(rows) == {"Store A", "Store B"}


def test_per_channel(world):
    rows = {row["key"]: row for row in report(EVERYTHING, "channel").table.rows}
    assert figures(rows["pickup"]) == (1, 2, 5000, 500, 0, 4500)
    assert figures(rows["shipping"]) == (2, 2, 14_000, 720 + 400, 3000, 14_000 - 1120 - 3000)
    assert figures(rows["booth"]) == (1, 1, 2500, 250, 0, 2250)


def test_per_category_adds_up_to_the_total(world):
    rows = {row["key"]: row for row in report(EVERYTHING, "category").table.rows}
    one, two = rows[world.category_1.id], rows[world.category_2.id]
    # Category 1: order 1 (A), order 3 (B), the booth sale (A); category 2: order 2 (A).
    assert figures(one) == (3, 4, 5000 + 4000 + 2500, 500 + 400 + 250, 0, 11_500 - 1150)
    assert figures(two) == (1, 1, 10_000, 720, 3000, 6280)


def test_per_market_and_centre(world):
    markets = {row["key"]: row for row in report(EVERYTHING, "market").table.rows}
    assert figures(markets[world.market_1.id]) == (1, 1, 2500, 250, 0, 2250)
    centres = rows_by_label(report(EVERYTHING, "centre"))
    assert centres["Centre X"]["net"] == 13_030 and centres["Centre Y"]["net"] == 3600
    cities = rows_by_label(report(EVERYTHING, "city"))
    assert cities["سردرود"]["net"] == 13_030 and cities["اسکو"]["net"] == 3600


def test_by_period_compares_with_the_month_before(world, db):
    period = this_month()
    # Order 3 (B's) moved into the month before: paid and booked then.
    vo_b = db.session.get(VendorOrder, world.orders[2].vendor_orders[0].id)
    earlier = datetime.combine(period.start, datetime.min.time(), tzinfo=UTC) - timedelta(days=3)
    db.session.execute(update(VendorOrder).where(VendorOrder.id == vo_b.id)
                       .values(paid_at=earlier))
    db.session.execute(update(LedgerEntry).where(LedgerEntry.vendor_order_id == vo_b.id)
                       .values(created_at=earlier))
    db.session.commit()
    result = report(EVERYTHING, "period", period)
    first, second = result.table.rows[0], result.table.rows[1]
    assert first["key"] == period.key and second["key"] == period.previous().key
    assert (first["net"], second["net"]) == (13_030, 3600)
    assert first["previous_net"] == 3600
    assert first["change"] == pytest.approx(round((13_030 - 3600) * 100 / 3600, 1))
    assert [bar.text for bar in result.chart.bars][-2:] == ["$36.00", "$130.30"]


def test_money_in_toman_for_persian_rials(world):
    result = sales_report(EVERYTHING, this_month(), "trainee", marketplace_zone(), "fa", "IRR")
    row = next(r for r in result.table.rows if r["label"] == "Store A")
    net = next(c for c in result.table.columns if c.key == "net")
    # 13,030 rials are 1,303 toman.
    assert result.table.cell(row, net, "fa") == "۱٬۳۰۳\u00a0تومان"


def test_a_two_line_order_shares_its_commission_and_refund_by_line_value(
        world, create_product, place_test_order):
    from tests.reports.conftest import _refund

    b = world.trainee_b
    cushion = create_product(trainee=b, category=world.category_2, price_amount=1000, stock=3)
    order = place_test_order(world.buyer, world.product_b1, cushion, fulfilment="shipping",
                             paid=True)
    # Goods 5,000 (+700 shipping), commission 500; 1,000 refunded returns
    # 500 × 1,000 / 5,700 = 88 (half up): 412 kept, 1,000 refunded, shared 4 : 1.
    _refund(order.vendor_orders[0], 1000)
    rows = {row["key"]: row for row in report(Scope(trainee_id=b.id), "category").table.rows}
    one, two = rows[world.category_1.id], rows[world.category_2.id]
    # Category 1: order 3 (4,000, commission 400) and this order's tableau line.
    assert figures(one) == (2, 2, 8000, 400 + 330, 800, 8000 - 730 - 800)
    assert figures(two) == (1, 1, 1000, 82, 200, 718)
    whole = rows_by_label(report(Scope(trainee_id=b.id), "trainee"))["Store B"]
    assert (whole["commission"], whole["refunds"]) == (400 + 412, 1000)
