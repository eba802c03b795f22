"""The ledger: immutable rows, sums that match payments minus refunds to the unit, commission
returned without losing a unit (hypothesis), pay at pickup, and the trainee's statement."""

import csv
import io
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.core.db import utcnow
from marketplace.core.money import Money
from marketplace.payments import queries
from marketplace.payments.models import LedgerEntry, LedgerKind, Payment, PaymentStatus, Refund
from marketplace.payments.services import ledger, payments, refunds
from tests.payments.conftest import standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


@given(commission=st.integers(0, 10**6), total=st.integers(1, 10**7),
       parts=st.lists(st.integers(1, 1000), min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_commission_returned_adds_up_exactly(commission, total, parts):
    # Split `total` into refunds proportional to `parts` (largest remainder, nothing lost).
    refunds = [m.amount for m in Money(total, "USD").allocate(parts)]
    returned, refunded = [], 0
    for amount in refunds:
        returned.append(queries.commission_returned(commission, total, refunded,
                                                    refunded + amount))
        refunded += amount
    assert refunded == total
    assert sum(returned) == commission
    assert all(r >= 0 for r in returned)


@given(amount=st.integers(0, 10**9), percent=st.integers(0, 100))
def test_commission_is_a_whole_unit_rounded_half_up(amount, percent):
    commission = queries.commission_on(Money(amount, "USD"), percent).amount
    exact_times_100 = amount * percent
    assert abs(commission * 100 - exact_times_100) <= 50


def test_ledger_rows_cannot_be_changed_or_deleted(db, create_trainee):
    trainee = create_trainee()
    row = LedgerEntry(trainee_id=trainee.id, kind=LedgerKind.SUBSIDY, amount=100, currency="USD")
    db.session.add(row)
    db.session.commit()
    row.amount = 1_000_000
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(row)
    with pytest.raises(RuntimeError, match="cannot be deleted"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(LedgerEntry, row.id).amount == 100


def test_sale_rows_are_unique_per_vendor_order(db, shop, place_test_order):
    from sqlalchemy.exc import IntegrityError

    order = place_test_order(shop.buyer, shop.product_a, paid=True)
    ledger.book_order_sales(order)
    db.session.commit()
    assert ledger.book_order_sales(order) == []   # already booked: nothing again
    vo = order.vendor_orders[0]
    db.session.add(LedgerEntry(trainee_id=vo.trainee_id, kind=LedgerKind.SALE, amount=1,
                               currency="USD", vendor_order_id=vo.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# Each example creates its own trainee, product and buyer, so sharing the app fixture between
# examples is safe.
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refund_shares=st.lists(st.integers(1, 100), min_size=0, max_size=3),
       quantity=st.integers(1, 3))
def test_ledger_matches_payments_minus_refunds_to_the_unit(app, db, create_trainee,
                                                           create_product, create_user,
                                                           place_test_order, refund_shares,
                                                           quantity):
    trainee = create_trainee()
    product = create_product(trainee=trainee, price_amount=3333, stock=5)
    buyer = create_user()
    order = place_test_order(buyer, (product, quantity))
    payment = payments.start_payment(buyer, order, "stripe")
    db.session.commit()
    payments.confirm_test_payment(buyer, payment, "pm_card_visa")
    db.session.commit()
    vo = order.vendor_orders[0]
    if refund_shares:
        for part in vo.total.allocate(refund_shares):
            if part.amount:
                refunds.refund_vendor_order(trainee.user, vo, part.amount, restock=False)
                db.session.commit()

    paid = db.session.scalar(select(func.sum(Payment.amount)).where(
        Payment.status == PaymentStatus.SUCCEEDED, Payment.order_id == order.id))
    refunded = db.session.scalar(select(func.coalesce(func.sum(Refund.amount), 0)).where(
        Refund.vendor_order_id == vo.id))
    rows = list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.trainee_id == trainee.id)))
    money_rows = sum(r.amount for r in rows if r.kind in (
        LedgerKind.SALE, LedgerKind.SHIPPING, LedgerKind.REFUND))
    commission = sum(r.amount for r in rows if r.kind in (
        LedgerKind.COMMISSION, LedgerKind.REFUND_COMMISSION))
    assert money_rows == paid - refunded
    charged = Money(vo.subtotal_amount, "USD").percent(10).amount
    assert commission == -charged + queries.commission_returned(charged, vo.total_amount, 0,
                                                                refunded)
    if refunded == paid:
        assert commission == 0
    assert queries.balance(trainee.id, "USD").amount == money_rows + commission


def test_pay_at_pickup_books_the_cash_as_collected(db, shop, place_test_order, ledger_rows,
                                                   client, login):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    payment = payments.start_payment(shop.buyer, order, "pay_at_pickup")
    db.session.commit()
    assert payment.provider == "pay_at_pickup"
    vo = next(v for v in order.vendor_orders if v.trainee_id == shop.trainee_a.id)
    login(shop.trainee_a.user)
    response = client.post(f"/payments/vendor-orders/{vo.id}/paid-at-pickup")
    assert response.status_code == 302
    rows = {r.kind: r.amount for r in ledger_rows(trainee_id=shop.trainee_a.id)}
    assert rows == {LedgerKind.SALE: 2500, LedgerKind.COMMISSION: -250,
                    LedgerKind.PAYOUT: -2500}
    # The trainee holds the cash and owes the commission.
    assert queries.balance(shop.trainee_a.id, "USD").amount == -250
    # The other trainee may not confirm this part; nothing more is booked.
    login(shop.trainee_b.user)
    response = client.post(f"/payments/vendor-orders/{vo.id}/paid-at-pickup")
    assert response.status_code == 404
    assert len(ledger_rows()) == 3


def test_statement_page_and_csv(db, shop, place_test_order, client, login):
    order = place_test_order(shop.buyer, (shop.product_a, 2))
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")
    db.session.commit()
    login(shop.trainee_a.user)
    today = utcnow().date()
    period = {"from": (today - timedelta(days=2)).isoformat(),
              "to": (today + timedelta(days=1)).isoformat()}
    page = client.get("/my/ledger", query_string=period)
    assert page.status_code == 200
    assert order.number in page.get_data(as_text=True)

    response = client.get("/my/ledger.csv", query_string=period)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["date", "date_jalali", "kind"]
    kinds = [r[2] for r in rows[1:]]
    assert kinds == ["opening_balance", "sale", "commission", "closing_balance"]
    assert rows[-1][-1] == "45.00"   # 50.00 − 10 % commission

    earlier = client.get("/my/ledger.csv", query_string={"from": "2020-01-01",
                                                          "to": "2020-01-31"})
    assert [r[2] for r in csv.reader(io.StringIO(earlier.get_data(as_text=True)))][1:] == \
        ["opening_balance", "closing_balance"]
    assert client.get("/my/ledger", query_string={"from": "yesterday"}).status_code == 400


def test_statement_is_for_trainees_only(db, shop, client, login):
    login(shop.buyer)
    assert client.get("/my/ledger").status_code == 404
    assert client.get("/my/ledger.csv").status_code == 404


def test_statement_page_runs_a_constant_number_of_queries(db, shop, place_test_order, client,
                                                         login, create_product):
    from sqlalchemy import event

    def queries_for_page():
        statements = []

        def count(*_args):
            statements.append(1)

        db.session.expunge_all()  # a server starts each request with an empty session
        engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/my/ledger").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    login(shop.trainee_a.user)
    product = create_product(trainee=shop.trainee_a, stock=10)
    order = place_test_order(shop.buyer, product, paid=True)
    ledger.book_order_sales(order)
    db.session.commit()
    few = queries_for_page()
    for _ in range(3):
        order = place_test_order(shop.buyer, product, paid=True)
        ledger.book_order_sales(order)
        db.session.commit()
    assert queries_for_page() == few


def test_statement_page_in_persian(db, shop, client, login):
    shop.trainee_a.user.locale = "fa"
    db.session.commit()
    login(shop.trainee_a.user)
    text = client.get("/my/ledger?lang=fa").get_data(as_text=True)
    assert "دفتر حساب من" in text
    assert "ماندهٔ ابتدای دوره" in text


def test_statement_period_in_jalali_and_csv_with_a_jalali_column(app, db, shop,
                                                                 place_test_order, client,
                                                                 login):
    """Issue 18: the period is a form of Jalali dates in Persian (an ISO link still works),
    a bad date is an error on the page, and the CSV keeps ISO dates beside Jalali ones."""
    import re
    from zoneinfo import ZoneInfo

    from marketplace.core.dates import day_input_text, jalali_column

    order = place_test_order(shop.buyer, (shop.product_a, 2))
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")
    shop.trainee_a.user.locale = "fa"
    db.session.commit()
    login(shop.trainee_a.user)
    today = utcnow().astimezone(ZoneInfo(app.config["MARKETPLACE_TIMEZONE"])).date()
    first, last = today - timedelta(days=2), today + timedelta(days=1)
    period = {"from": day_input_text(first, "fa"), "to": day_input_text(last, "fa")}

    page = client.get("/my/ledger", query_string=period)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert order.number in html and 'type="date"' not in html
    assert f'value="{period["from"]}"' in html and "data-jdp-only-date" in html

    rows = list(csv.reader(io.StringIO(client.get("/my/ledger.csv", query_string=period)
                                       .get_data(as_text=True))))
    assert rows[0][:3] == ["date", "date_jalali", "kind"]
    assert rows[1][:3] == [first.isoformat(), jalali_column(first), "opening_balance"]
    assert rows[-1][:3] == [last.isoformat(), jalali_column(last), "closing_balance"]
    assert [r[2] for r in rows[1:]] == ["opening_balance", "sale", "commission",
                                        "closing_balance"]
    assert all(re.fullmatch(r"1[34]\d\d/\d\d/\d\d( \d\d:\d\d)?", r[1]) for r in rows[1:])

    bad = client.get("/my/ledger", query_string={"from": "۱۴۰۵/۱۳/۴۰"})
    assert bad.status_code == 400
    assert "تاریخی مانند ۱۴۰۵/۰۹/۱۶ بنویسید." in bad.get_data(as_text=True)
    assert client.get("/my/ledger.csv", query_string={"from": "nonsense"}).status_code == 400
