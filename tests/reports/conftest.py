"""A small world for the reports, every figure of which is worked out by hand in the tests.

Two centres (X, Y) with one trainee each (A, B), two municipalities (M1, M2) each with a venue
and a market, and these sales, all this month (the marketplace's time zone):

- order 1, A: 2 × 2,500 picked up, paid            → gross 5,000, commission 500;
- order 2, A: 1 × 10,000 shipped (+700 shipping), paid, 3,000 refunded
                                                   → gross 10,000, commission 1,000 − 280
                                                     returned = 720, refunds 3,000;
- order 3, B: 1 × 4,000 shipped (+700), paid        → gross 4,000, commission 400;
- order 4, A: 1 × 2,500, never paid, cancelled     → not a sale;
- booth sale, A: 1 × 2,500 at M1's market          → gross 2,500, commission 250.

Commission is 10 %; refunds' returned commission is 1,000 × 3,000 / 10,700 = 280 (half up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from marketplace.booths.models import BoothSale, BoothSalePayment
from marketplace.catalogue.models import SearchLog
from marketplace.core.db import utcnow
from marketplace.extensions import db as _db
from marketplace.orders.models import VendorOrder
from marketplace.payments.models import Refund, RefundStatus
from marketplace.payments.services.ledger import book_booth_sale, book_refund


@dataclass
class World:
    centre_x: object
    centre_y: object
    trainee_a: object
    trainee_b: object
    staff_x: object
    staff_y: object
    municipal_1: object
    municipal_2: object
    admin: object
    buyer: object
    market_1: object
    market_2: object
    category_1: object
    category_2: object
    product_a1: object
    product_a2: object
    product_b1: object
    booth_sale: object
    orders: list


@pytest.fixture
def world(db, create_centre, create_trainee, create_centre_staff, create_municipal_staff,
          create_municipality, create_admin, create_user, create_category, create_product,
          create_venue, create_booth, create_market, create_assignment, set_shipping_fee,
          place_test_order):
    centre_x = create_centre(name_fa="مرکز ایکس", name_en="Centre X", city="سردرود")
    centre_y = create_centre(name_fa="مرکز ایگرگ", name_en="Centre Y", city="اسکو")
    now = utcnow()
    trainee_a = create_trainee(centre=centre_x, store_name="Store A",
                               status_changed_at=now - timedelta(days=10))
    trainee_b = create_trainee(centre=centre_y, store_name="Store B",
                               status_changed_at=now - timedelta(days=4))
    m1, m2 = create_municipality(), create_municipality()
    # Names without digits: the Persian pages must show none in Latin.
    venue_1 = create_venue(municipality=m1, name_fa="میدان شهرداری یک", name_en="Square One")
    venue_2 = create_venue(municipality=m2, name_fa="میدان شهرداری دو", name_en="Square Two")
    booth_1 = create_booth(venue=venue_1)
    create_booth(venue=venue_1)
    create_booth(venue=venue_2)
    market_1 = create_market(venue=venue_1, starts_in=0, days=1, name_fa="بازارچهٔ یک",
                             name_en="Market One")
    market_2 = create_market(venue=venue_2, starts_in=0, days=1, name_fa="بازارچهٔ دو",
                             name_en="Market Two")
    category_1 = create_category(name_fa="تابلو فرش", name_en="Carpet tableaux")
    category_2 = create_category(name_fa="گلیم", name_en="Kilims")
    product_a1 = create_product(trainee=trainee_a, category=category_1, price_amount=2500,
                                stock=20)
    product_a2 = create_product(trainee=trainee_a, category=category_2, price_amount=10_000,
                                stock=5)
    product_b1 = create_product(trainee=trainee_b, category=category_1, price_amount=4000,
                                stock=5)
    set_shipping_fee(trainee_a, 700)
    set_shipping_fee(trainee_b, 700)
    buyer = create_user()
    order_1 = place_test_order(buyer, (product_a1, 2), fulfilment="pickup", paid=True)
    order_2 = place_test_order(buyer, product_a2, fulfilment="shipping", paid=True)
    order_3 = place_test_order(buyer, product_b1, fulfilment="shipping", paid=True)
    order_4 = place_test_order(buyer, product_a1, fulfilment="pickup")
    _cancel(order_4)
    _refund(order_2.vendor_orders[0], 3000)
    assignment = create_assignment(booth_1, market_1.days[0], trainee_a)
    sale = BoothSale(trainee_id=trainee_a.id, product_id=product_a1.id, quantity=1,
                     unit_price_amount=2500, currency=product_a1.currency,
                     payment_kind=BoothSalePayment.CASH, assignment_id=assignment.id)
    _db.session.add(sale)
    _db.session.flush()
    book_booth_sale(sale)
    _db.session.commit()
    return World(
        centre_x=centre_x, centre_y=centre_y, trainee_a=trainee_a, trainee_b=trainee_b,
        staff_x=create_centre_staff(centre=centre_x), staff_y=create_centre_staff(centre=centre_y),
        municipal_1=create_municipal_staff(municipality=m1),
        municipal_2=create_municipal_staff(municipality=m2), admin=create_admin(),
        buyer=buyer, market_1=market_1, market_2=market_2, category_1=category_1,
        category_2=category_2, product_a1=product_a1, product_a2=product_a2,
        product_b1=product_b1, booth_sale=sale, orders=[order_1, order_2, order_3, order_4])


def _cancel(order) -> None:
    from marketplace.orders.services import orders as order_life

    order_life.cancel_order(order.buyer, order)
    _db.session.commit()


def _refund(vendor_order: VendorOrder, amount: int) -> None:
    """A partial refund as payments books it (payments.services.refunds without a provider
    call): the vendor order's refunded amount, the refund row and its ledger rows."""
    from marketplace.orders.services.refunds import apply_vendor_refund

    before = vendor_order.refunded_amount
    apply_vendor_refund(vendor_order, amount, False)
    refund = Refund(vendor_order_id=vendor_order.id, amount=amount,
                    currency=vendor_order.currency, status=RefundStatus.SUCCEEDED,
                    idempotency_key=f"test-refund-{vendor_order.id}-{before}")
    _db.session.add(refund)
    _db.session.flush()
    book_refund(vendor_order, refund, before)
    _db.session.commit()


@pytest.fixture
def log_searches(db):
    """log_searches(term, visitors, times=1, results=0, days_ago=0, **filters): rows in the
    search log as catalogue.search_log writes them, from `visitors` distinct visitors."""
    counter = {"n": 0}

    def make(term: str, visitors: int, times: int = 1, results: int = 0, days_ago: float = 0,
             at: datetime | None = None, **filters):
        from marketplace.core.text import normalize

        moment = at or datetime.now(UTC) - timedelta(days=days_ago)
        rows = []
        for _ in range(visitors):
            counter["n"] += 1
            for _repeat in range(times):
                rows.append({"query": normalize(term), "filters": filters,
                             "result_count": results, "duration_ms": 5, "source": "html",
                             "created_at": moment, "visitor": f"v{counter['n']:015d}"})
        _db.session.execute(insert(SearchLog), rows)
        _db.session.commit()

    return make
