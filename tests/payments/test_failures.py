"""Stripe answering 500 or timing out while a payment starts, and a crash between charging and
committing: the order stays pending, the buyer is told, nothing is charged twice, and
`flask reconcile-payments` repairs what a lost commit left behind."""

import pytest
import requests
import responses
from sqlalchemy import func, select

from marketplace.orders.models import OrderStatus
from marketplace.payments.models import LedgerEntry, Payment, PaymentStatus
from marketplace.payments.services import errors as payment_errors
from marketplace.payments.services import payments
from tests.payments.conftest import STRIPE_UNIT_CONFIG

API = "https://api.stripe.com/v1/payment_intents"


@pytest.fixture
def app_config():
    return dict(STRIPE_UNIT_CONFIG)


def intent_json(intent_id="pi_retry", status="requires_payment_method", amount=2500):
    return {"id": intent_id, "object": "payment_intent", "status": status, "amount": amount,
            "currency": "usd", "client_secret": f"{intent_id}_secret_x", "metadata": {},
            "next_action": None, "last_payment_error": None, "latest_charge": None}


FAILURES = [
    {"status": 500, "json": {"error": {"type": "api_error", "message": "boom"}}},
    {"body": requests.exceptions.ReadTimeout("Stripe took too long")},
    {"body": requests.exceptions.ConnectionError("connection reset")},
]


@pytest.mark.parametrize("failure", FAILURES, ids=["500", "timeout", "connection"])
def test_provider_failure_keeps_the_order_pending_and_a_retry_reuses_the_key(
        db, shop, place_test_order, failure):
    order = place_test_order(shop.buyer, shop.product_a)
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API, **failure)
        mocked.add(responses.POST, API, json=intent_json())
        with pytest.raises(payment_errors.PaymentUnavailable) as error:
            payments.start_payment(shop.buyer, order, "stripe")
        assert error.value.status == 503
        assert "Nothing was charged" in str(error.value.message)
        db.session.rollback()   # what the request's error handler does
        db.session.refresh(order)
        assert order.status == OrderStatus.PENDING_PAYMENT
        assert db.session.scalar(select(func.count(Payment.id))) == 0

        payment = payments.start_payment(shop.buyer, order, "stripe")
        db.session.commit()
        keys = [call.request.headers["Idempotency-Key"] for call in mocked.calls]
    # Both attempts carried the same key: had Stripe created the intent during the failed
    # call, the retry would get that very intent back instead of a second one.
    assert keys == [f"order-{order.number}-payment-1"] * 2
    assert payment.provider_reference == "pi_retry"
    assert payment.status == PaymentStatus.PENDING


def test_retrying_an_open_payment_reuses_it_without_a_new_intent(db, shop, place_test_order):
    order = place_test_order(shop.buyer, shop.product_a)
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API, json=intent_json())
        mocked.add(responses.GET, f"{API}/pi_retry", json=intent_json())
        first = payments.start_payment(shop.buyer, order, "stripe")
        db.session.commit()
        again = payments.start_payment(shop.buyer, order, "stripe")
        db.session.commit()
        methods = [call.request.method for call in mocked.calls]
    assert again.id == first.id
    assert again.client_secret == "pi_retry_secret_x"
    assert methods == ["POST", "GET"]


@pytest.mark.parametrize("failure", FAILURES[:2], ids=["500", "timeout"])
def test_the_buyer_sees_a_clear_message(db, shop, place_test_order, client, login, failure):
    order = place_test_order(shop.buyer, shop.product_a)
    login(shop.buyer)
    pay_page = f"/checkout/{order.number}/pay"
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API, **failure)
        response = client.post(pay_page, data={"provider": "stripe"},
                               headers={"Referer": f"http://localhost{pay_page}"},
                               follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The card service did not answer" in text
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_a_500_while_settling_leaves_the_payment_for_reconcile(db, shop, place_test_order,
                                                               runner):
    order = place_test_order(shop.buyer, shop.product_a)
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API, json=intent_json())
        payment = payments.start_payment(shop.buyer, order, "stripe")
        db.session.commit()
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, f"{API}/pi_retry", status=500,
                   json={"error": {"type": "api_error", "message": "down"}})
        result = runner.invoke(args=["reconcile-payments"])
    assert "1 error" in result.output
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.PENDING
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, f"{API}/pi_retry", json=intent_json(status="succeeded"))
        result = runner.invoke(args=["reconcile-payments"])
    assert "1 succeeded" in result.output, result.output
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2
