"""Ten simultaneous starts of one order's payment (a double-click, a retried request) on all
three ways in: each answers the one payment there is, or a clear 409 — never a 500, never a
second payment, a second PaymentIntent or a second "order placed" mail.

Real threads, each with its own test client and app context (so its own session and
connection), released together by a barrier. On PostgreSQL the starters queue on the order's
row lock; the second one used to read the order's payments before it got the lock, missed the
first one's payment and failed on the duplicate idempotency key (15/50, 9/50 and 9/50 answers
of 500). On SQLite the write lock taken at BEGIN serialises them, so the test passes there too.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.gateway import StripeGateway
from marketplace.payments.models import Payment, PaymentStatus
from tests.payments.conftest import standin_config

STARTERS = 10


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


def _start_together(app, send, clients: list) -> list:
    """Run send(client) for each client in its own thread, all released at once."""
    barrier = threading.Barrier(len(clients))
    answers: list = []
    lock = threading.Lock()

    def worker(client):
        from marketplace.extensions import db

        with app.app_context():
            try:
                barrier.wait(timeout=30)
                response = send(client)
                answer = (response.status_code, response.headers.get("Location"),
                          response.get_json(silent=True), response.get_data(as_text=True))
            except Exception as error:  # reported to the test, which fails on it
                answer = ("crashed", None, None, repr(error))
            finally:
                db.session.remove()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a starter hung"
    return answers


def _odd(answers: list, expected: int) -> list:
    """The answers that differ from `expected`, short enough to read in a failure."""
    return [(status, (json or {}).get("error") or body[:200])
            for status, _location, json, body in answers if status != expected][:3]


def _one_payment(db, order_id: int, provider: str) -> Payment:
    db.session.expire_all()
    payments = list(db.session.scalars(select(Payment).where(Payment.order_id == order_id)))
    assert len(payments) == 1, [(p.id, p.provider, p.status) for p in payments]
    payment = payments[0]
    assert payment.provider == provider and payment.status == PaymentStatus.PENDING
    assert payment.idempotency_key.endswith("-payment-1")
    return payment


@pytest.mark.timeout(300)
@pytest.mark.parametrize("provider", ["stripe", "pay_at_pickup"])
def test_ten_api_starts_answer_one_payment(app, db, shop, place_test_order, api_token, outbox,
                                           provider):
    order = place_test_order(shop.buyer, shop.product_a)
    headers = api_token(shop.buyer)
    order_id, number = order.id, order.number
    db.session.rollback()  # the workers compete only with each other (SQLite's write lock)

    answers = _start_together(app, lambda client: client.post(
        f"/api/v1/orders/{number}/payments", headers=headers, json={"provider": provider}),
        [app.test_client() for _ in range(STARTERS)])

    assert Counter(a[0] for a in answers) == {201: STARTERS}, _odd(answers, 201)
    payment = _one_payment(db, order_id, provider)
    assert {a[2]["id"] for a in answers} == {payment.id}
    assert {a[2]["status"] for a in answers} == {"pending"}
    if provider == "stripe":
        # Every answer carries the one PaymentIntent's secret: the buyer may pay in any tab.
        assert payment.provider_reference.startswith("pi_")
        assert {a[2]["client_secret"].split("_secret")[0] for a in answers} == \
            {payment.provider_reference}
        assert db.session.get(Order, order_id).payment_provider == "stripe"
    else:
        assert {a[2]["client_secret"] for a in answers} == {None}
        # The order is placed once: one mail to the buyer, one to the trainee.
        assert len(outbox()) == 2
        assert db.session.get(Order, order_id).payment_provider == "pay_at_pickup"
    assert db.session.get(Order, order_id).status == OrderStatus.PENDING_PAYMENT


@pytest.mark.timeout(300)
def test_ten_card_starts_on_the_pay_page_show_one_payment(app, db, shop, place_test_order,
                                                          login):
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    # Signed in here: the buyer object belongs to this thread's session.
    clients = [login(shop.buyer, app.test_client()) for _ in range(STARTERS)]
    db.session.rollback()
    answers = _start_together(app, lambda client: client.post(
        f"/checkout/{number}/pay?lang=en", data={"provider": "stripe"}), clients)

    assert Counter(a[0] for a in answers) == {200: STARTERS}, _odd(answers, 200)
    payment = _one_payment(db, order_id, "stripe")
    assert payment.provider_reference.startswith("pi_")
    # Every page mounts the card form on the one PaymentIntent.
    secret = StripeGateway.from_config().retrieve_payment_intent(
        payment.provider_reference).client_secret
    assert all(secret in page for *_rest, page in answers)


@pytest.mark.timeout(300)
def test_ten_pickup_starts_on_the_pay_page_place_the_order_once(app, db, shop,
                                                                place_test_order, login,
                                                                outbox):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    order_id, number = order.id, order.number
    clients = [login(shop.buyer, app.test_client()) for _ in range(STARTERS)]
    db.session.rollback()
    answers = _start_together(app, lambda client: client.post(
        f"/checkout/{number}/pay?lang=en", data={"provider": "pay_at_pickup"}), clients)

    assert Counter(a[0] for a in answers) == {302: STARTERS}, _odd(answers, 302)
    assert all(a[1].endswith(f"/orders/{number}") for a in answers)
    _one_payment(db, order_id, "pay_at_pickup")
    order = db.session.get(Order, order_id)
    assert order.payment_provider == "pay_at_pickup" and order.expires_at is None
    assert order.status == OrderStatus.PENDING_PAYMENT
    # One mail to the buyer and one to each of the two trainees — not ten of each.
    assert len(outbox()) == 3
    assert db.session.scalar(select(func.count(Payment.id))) == 1


@pytest.mark.timeout(300)
def test_card_and_pickup_starts_at_once_leave_one_open_payment(app, db, shop, place_test_order,
                                                               api_token, outbox):
    """Five card and five pay-at-pickup starts at once, in whatever order the lock gives them:
    every pickup start answers the one pickup payment; a card start before the first of them
    answers the one card payment (cancelled by that pickup start), one after it is a 409."""
    order = place_test_order(shop.buyer, shop.product_a)
    headers = api_token(shop.buyer)
    order_id, number = order.id, order.number
    db.session.rollback()
    providers = ["stripe", "pay_at_pickup"] * (STARTERS // 2)
    clients = [app.test_client() for _ in providers]
    for client, provider in zip(clients, providers, strict=True):
        client.provider = provider

    answers = _start_together(app, lambda client: client.post(
        f"/api/v1/orders/{number}/payments", headers=headers,
        json={"provider": client.provider}), clients)

    assert set(Counter(a[0] for a in answers)) <= {201, 409}, _odd(answers, 201)
    refused = {a[2]["error"]["code"] for a in answers if a[0] == 409}
    assert refused <= {"pay_at_pickup_chosen"}
    db.session.expire_all()
    payments = list(db.session.scalars(select(Payment).where(Payment.order_id == order_id)))
    cash = [p for p in payments if p.provider == "pay_at_pickup"]
    cards = [p for p in payments if p.provider == "stripe"]
    assert len(cash) == 1 and cash[0].status == PaymentStatus.PENDING
    assert len(cards) <= 1 and all(p.status == PaymentStatus.CANCELLED for p in cards)
    assert {a[2]["id"] for a in answers if a[0] == 201} == {p.id for p in payments}
    assert Counter(a[2]["provider"] for a in answers if a[0] == 201)["pay_at_pickup"] == \
        STARTERS // 2
    gateway = StripeGateway.from_config()
    assert all(gateway.retrieve_payment_intent(p.provider_reference).status == "canceled"
               for p in cards)
    order = db.session.get(Order, order_id)
    assert order.payment_provider == "pay_at_pickup" and order.status == \
        OrderStatus.PENDING_PAYMENT
    assert len(outbox()) == 2  # placed once: the buyer and the trainee


@pytest.mark.timeout(300)
def test_ten_test_card_clicks_charge_once(app, db, shop, place_test_order, login, ledger_rows):
    """The development pay page's test card, clicked ten times at once: the first click pays,
    the others find the order paid (409 already_paid) — one charge, booked once."""
    order = place_test_order(shop.buyer, shop.product_a)
    order_id, number = order.id, order.number
    clients = [login(shop.buyer, app.test_client()) for _ in range(STARTERS)]
    db.session.rollback()
    answers = _start_together(app, lambda client: client.post(
        f"/checkout/{number}/pay/test-card?lang=en", data={"card": "pm_card_visa"}), clients)

    assert Counter(a[0] for a in answers) == {302: 1, 409: STARTERS - 1}, _odd(answers, 302)
    assert all("This order is already paid." in a[3] for a in answers if a[0] == 409)
    db.session.expire_all()
    (payment,) = db.session.scalars(select(Payment).where(Payment.order_id == order_id))
    assert payment.status == PaymentStatus.SUCCEEDED and payment.refunded_amount == 0
    assert db.session.get(Order, order_id).status == OrderStatus.PAID
    assert len(ledger_rows()) == 2  # one sale and one commission
