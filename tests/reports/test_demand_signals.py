"""Demand beside the searches: product page views (counted in memory, written in batches —
the product page sends no statement for them) and buyers asking for a sold-out or
made-to-order item (the maker is told), both counted per category by the needs report."""

from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.catalogue import product_views
from marketplace.catalogue.models import (
    ProductKind,
    ProductRequest,
    ProductStatus,
    ProductViewDay,
    RequestKind,
)
from marketplace.core.i18n import marketplace_zone
from marketplace.notifications.models import EventKind, Notification
from marketplace.reports.needs import NeedsFilter, needs_report
from marketplace.reports.periods import Calendar, Grain, period_containing


def write_views(app):
    """Views wait in the process (PRODUCT_VIEWS_FLUSH_SECONDS, in tests too): write them."""
    with app.test_request_context():
        product_views.flush()


def views_of(db, product) -> int:
    return sum(db.session.scalars(select(ProductViewDay.views).where(
        ProductViewDay.product_id == product.id)))


def demand_rows(k=5):
    period = period_containing(datetime.now(marketplace_zone()).date(), Grain.MONTH,
                               Calendar.JALALI)
    with force_locale("en"):
        result = needs_report(period, marketplace_zone(), "en", "IRR", k, 2, NeedsFilter())
    return {row["category_id"]: row for row in result.sections[1].table.rows}


def test_product_views_cost_the_page_no_statement(db, app, client, login, create_product,
                                                  create_user, count_queries):
    product = create_product()
    path = f"/p/{product.id}"
    with count_queries() as counted:
        assert client.get(path).status_code == 200   # rendered
    assert not [s for s in counted.statements if "product_view_days" in s]
    with count_queries() as cached:
        assert client.get(path).status_code == 200   # from the page cache
    assert cached.n == 0, cached.statements
    login(create_user())
    with count_queries() as signed_in:
        assert client.get(path).status_code == 200
    assert not [s for s in signed_in.statements if "product_view_days" in s]
    assert views_of(db, product) == 0  # still in the process
    write_views(app)
    assert views_of(db, product) == 3


def test_the_owner_s_own_visits_are_not_views(db, app, client, login, create_product):
    product = create_product()
    login(product.trainee.user)
    client.get(f"/p/{product.id}")
    write_views(app)
    assert views_of(db, product) == 0


@pytest.mark.parametrize("kind", ["sold_out", "made_to_order"])
def test_a_buyer_asks_and_the_maker_is_told(db, client, login, create_user, create_product,
                                            kind):
    product = create_product(stock=0, status=ProductStatus.SOLD_OUT) if kind == "sold_out" \
        else create_product(kind=ProductKind.MADE_TO_ORDER, lead_time_days=14)
    page = client.get(f"/p/{product.id}?lang=en").get_data(as_text=True)
    assert ("Make me one" if kind == "made_to_order" else "Tell me when it is back") in page
    anonymous = client.post(f"/p/{product.id}/request")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    buyer = create_user()
    login(buyer)
    answer = client.post(f"/p/{product.id}/request?lang=en", follow_redirects=True)
    assert "Your request went to the maker." in answer.get_data(as_text=True)
    again = client.post(f"/p/{product.id}/request?lang=en", follow_redirects=True)
    assert "asked for this item already" in again.get_data(as_text=True)
    asked = db.session.scalars(select(ProductRequest)).all()
    assert [(r.user_id, r.kind) for r in asked] == [(buyer.id, RequestKind(kind))]
    told = db.session.scalars(select(Notification).where(
        Notification.kind == EventKind.PRODUCT_REQUESTED)).all()
    assert [n.recipient_id for n in told] == [product.trainee.user_id]


def test_an_item_in_stock_or_one_s_own_cannot_be_asked_for(db, client, login, create_user,
                                                          create_product):
    in_stock = create_product(stock=3)
    assert "Tell me when it is back" not in client.get(
        f"/p/{in_stock.id}?lang=en").get_data(as_text=True)
    login(create_user())
    client.post(f"/p/{in_stock.id}/request")
    sold_out = create_product(stock=0, status=ProductStatus.SOLD_OUT)
    login(sold_out.trainee.user)
    client.post(f"/p/{sold_out.id}/request")
    assert db.session.scalars(select(ProductRequest)).all() == []
    assert client.post("/p/99999999/request").status_code == 404


def test_the_needs_report_counts_views_and_requests_per_category(
        db, app, client, login, create_user, create_product, create_category, log_searches):
    rugs, pots = create_category(), create_category()
    sold_out = create_product(category=rugs, stock=0, status=ProductStatus.SOLD_OUT)
    create_product(category=rugs)
    pot = create_product(category=pots)
    for _ in range(3):
        client.get(f"/p/{pot.id}?lang=en")
    for _ in range(2):
        login(create_user())
        client.post(f"/p/{sold_out.id}/request")
    write_views(app)
    log_searches("فرش", visitors=5, category_id=rugs.id, results=30)
    rows = demand_rows(k=5)
    assert (rows[rugs.id]["searches"], rows[rugs.id]["requests"], rows[rugs.id]["listings"]) \
        == (5, 2, 1)
    assert (rows[pots.id]["views"], rows[pots.id]["searches"], rows[pots.id]["listings"]) \
        == (3, 0, 1)
