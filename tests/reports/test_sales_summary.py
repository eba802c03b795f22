"""The sales summary (reports.summary): the report reads summarised days from it and gives the
figures it gives from the orders; a write to a summarised day sends that day back to the
orders until `flask summarise-sales` rebuilds it."""

from datetime import datetime

from sqlalchemy import func, select

from marketplace.core.i18n import marketplace_zone
from marketplace.extensions import db
from marketplace.reports.models import SalesDay, SalesSummary
from marketplace.reports.sales import DIMENSIONS, clean_days
from marketplace.reports.scope import scope_for
from marketplace.reports.summary import days_to_summarise, summarise
from tests.reports.conftest import _refund
from tests.reports.test_sales import figures, report, rows_by_label


def every_view(world) -> dict:
    users = (world.admin, world.trainee_a.user, world.staff_x, world.municipal_1,
             world.municipal_2)
    return {(user.id, by, locale): (report(scope_for(user), by, locale=locale).table.rows,
                                    report(scope_for(user), by, locale=locale).summary)
            for user in users for by in DIMENSIONS for locale in ("en", "fa")}


def today():
    return datetime.now(marketplace_zone()).date()


def test_the_summary_gives_the_figures_the_orders_give(world):
    from_orders = every_view(world)
    assert summarise(days_to_summarise(today())) == 1
    assert clean_days(today(), today().replace(year=today().year + 1)) == {today()}
    assert db.session.scalar(select(func.sum(SalesSummary.sales))) == 4
    assert every_view(world) == from_orders
    assert days_to_summarise(today()) == []  # nothing left to do


def test_a_refund_after_summarising_counts_at_once_and_after_the_rebuild(world):
    summarise(days_to_summarise(today()))
    _refund(world.orders[2].vendor_orders[0], 1000)  # order 3, B: 4,000 + 700 shipping
    assert db.session.get(SalesDay, today()).dirty
    # Commission returned: 400 × 1,000 / 4,700 = 85 (half up).
    expected = (1, 1, 4000, 400 - 85, 1000, 4000 - 315 - 1000)
    assert figures(rows_by_label(report(scope_for(world.admin), "trainee"))["Store B"]) == \
        expected
    summarise(days_to_summarise(today()))
    assert not db.session.get(SalesDay, today()).dirty
    assert figures(rows_by_label(report(scope_for(world.admin), "trainee"))["Store B"]) == \
        expected
