"""Zarinpal under concurrency: 200 buyers for 50 one-of-a-kind items pay for exactly 50, and
the callback for one payment delivered ten times at once (the buyer's reloads, a proxy's
retries) gives one paid order, one set of ledger rows, one verify that answered 100 — and every
delivery is answered with the same redirect, never a 500.

Real threads with their own test clients and app contexts (their own connections). On
PostgreSQL the deliveries queue on the payment row's lock, taken before Zarinpal is asked; on
SQLite the write lock serialises them."""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalogue.models import Product
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.core.errors import DomainError
from marketplace.extensions import db as _db
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.services.cart import find_cart
from marketplace.payments.models import LedgerEntry, Payment, PaymentStatus
from marketplace.payments.services import payments
from tests.factories.payments import CROWD_BUYERS, CROWD_ITEMS, zarinpal_config
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


def buy_through_zarinpal(app, buyer_id: int, standin, barrier: threading.Barrier,
                         outcomes: list, lock: threading.Lock) -> None:
    """One buyer of the crowd: place the order at the barrier, go to Zarinpal, pay there and
    come back to the callback, each step committed as its request would."""
    # A write request (SQLite: BEGIN IMMEDIATE); the payment request needs our callback URL.
    with app.test_request_context(method="POST"):
        session = _db.session
        try:
            buyer = session.get(User, buyer_id)
            cart = find_cart(buyer, None)
            trainee_id = cart.lines[0].product.trainee_id
            session.commit()  # end the read transaction before the race
            barrier.wait(timeout=60)
            order = place_order(buyer, cart, CheckoutChoices(
                contact_name=buyer.display_name, fulfilment={trainee_id: "pickup"}), "en")
            session.commit()
            payment = payments.start_payment(buyer, order, "zarinpal")
            session.commit()
            callback = gateway(standin, payment.provider_reference, "pay")
            answer = app.test_client().get(callback)
            result = ("back", answer.status_code)
        except DomainError as error:
            session.rollback()
            result = ("refused", error.code)
        except Exception as error:  # reported to the test, which fails on it
            session.rollback()
            result = ("crashed", repr(error))
        finally:
            session.remove()
        with lock:
            outcomes.append(result)


@pytest.mark.timeout(600)
def test_200_buyers_for_50_unique_items_paying_through_zarinpal_pay_for_exactly_50(
        app, db, crowd, zarinpal_standin):
    buyer_ids, items = crowd
    # 200 threads share this process with the stand-in: on a loaded machine an answer may take
    # longer than the one second the other tests allow before "Zarinpal did not answer".
    app.config["ZARINPAL_TIMEOUT_SECONDS"] = 30
    barrier = threading.Barrier(CROWD_BUYERS)
    outcomes: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=buy_through_zarinpal,
                                args=(app, buyer_id, zarinpal_standin, barrier, outcomes, lock))
               for buyer_id in buyer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=540)
    assert not any(t.is_alive() for t in threads), "a buyer's thread hung"

    crashes = [detail for kind, detail in outcomes if kind == "crashed"]
    assert not crashes, crashes[:5]
    assert Counter(outcomes) == {("back", 303): CROWD_ITEMS,
                                 ("refused", "out_of_stock"): CROWD_BUYERS - CROWD_ITEMS}

    db.session.expire_all()
    assert db.session.scalar(select(func.count(Order.id))) == CROWD_ITEMS
    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.status == OrderStatus.PAID)) == CROWD_ITEMS
    succeeded = list(db.session.scalars(select(Payment).where(
        Payment.status == PaymentStatus.SUCCEEDED)))
    assert len(succeeded) == CROWD_ITEMS
    assert {zarinpal_standin.status_of(p.provider_reference) for p in succeeded} == {"verified"}
    assert db.session.scalar(select(func.sum(Product.stock)).where(
        Product.id.in_([p.id for p in items]))) == 0
