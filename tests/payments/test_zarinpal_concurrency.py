"""Zarinpal's callback for one payment delivered ten times at once (the buyer's reloads, a
proxy's retries): one paid order, one set of ledger rows, one verify that answered 100 — and
every delivery answered with the same redirect, never a 500.

Real threads with their own test clients and app contexts (their own connections). On
PostgreSQL the deliveries queue on the payment row's lock, taken before Zarinpal is asked; on
SQLite the write lock serialises them."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.models import LedgerEntry, Payment, PaymentStatus
from tests.payments.conftest import zarinpal_config
from tests.payments.test_concurrent_starts import _odd, _start_together
from tests.payments.test_zarinpal_flow import gateway, start

DELIVERIES = 10


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test"}


@pytest.mark.timeout(300)
def test_ten_callbacks_at_once_pay_the_order_once(app, db, client, login, shop,
                                                   place_test_order, zarinpal_standin, outbox):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    order_id, number = order.id, order.number
    login(shop.buyer)
    authority = start(client, number)
    callback = gateway(zarinpal_standin, authority, "pay")
    mails_before = len(outbox())
    db.session.rollback()

    answers = _start_together(app, lambda c: c.get(callback),
                              [app.test_client() for _ in range(DELIVERIES)])

    assert Counter(a[0] for a in answers) == {303: DELIVERIES}, _odd(answers, 303)
    assert {a[1] for a in answers} == {f"/orders/{number}"} or \
        all(a[1].endswith(f"/orders/{number}") for a in answers)
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.PAID
    payments = list(db.session.scalars(select(Payment).where(Payment.order_id == order_id)))
    assert [(p.status, p.refunded_amount) for p in payments] == [(PaymentStatus.SUCCEEDED, 0)]
    # Sale and commission for each of the two trainees, once.
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 4
    assert zarinpal_standin.status_of(authority) == "verified"
    # "Your order is paid" to the buyer and each trainee once, not ten times.
    assert len(outbox()) - mails_before == 3
