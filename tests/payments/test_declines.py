"""The two error layers of payments with Stripe's HTTP faked by `responses`: the gateway's
errors (declined, unavailable, any other refusal) become 402 `payment_declined`, 503
`payment_provider_unavailable` and 502 `payment_provider_rejected`, with a message for the buyer
in their language, and nothing is written."""

import pytest
import responses
from sqlalchemy import func, select

from marketplace.orders.models import OrderStatus
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.providers import StripeProvider
from tests.errors import assert_error
from tests.payments.conftest import STRIPE_UNIT_CONFIG

API = "https://api.stripe.com/v1/payment_intents"
DECLINED = {"status": 402, "json": {"error": {
    "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
    "message": "Your card has insufficient funds."}}}
REFUSED = {"status": 400, "json": {"error": {
    "type": "invalid_request_error", "code": "parameter_invalid_integer",
    "message": "Invalid integer: -1"}}}
DOWN = {"status": 503, "json": {"error": {"type": "api_error", "message": "down"}}}


@pytest.fixture
def app_config():
    return dict(STRIPE_UNIT_CONFIG)


@pytest.fixture
def order(shop, place_test_order):
    return place_test_order(shop.buyer, shop.product_a)


@pytest.fixture
def start_by_api(client, shop, order, api_token):
    headers = api_token(shop.buyer)

    def start(answer, lang="en"):
        with responses.RequestsMock() as mocked:
            mocked.add(responses.POST, API, **answer)
            return client.post(f"/api/v1/orders/{order.number}/payments?lang={lang}",
                               headers=headers, json={"provider": "stripe"})

    return start


def _nothing_written(db, order):
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    assert db.session.get(type(order), order.id).status == OrderStatus.PENDING_PAYMENT


@pytest.mark.parametrize(("answer", "status", "code", "message"), [
    (DECLINED, 402, "payment_declined", "Your card was declined"),
    (DOWN, 503, "payment_provider_unavailable", "The card service did not answer"),
    (REFUSED, 502, "payment_provider_rejected", "The card service refused this payment"),
], ids=["declined", "unavailable", "refused"])
def test_each_gateway_error_has_its_answer(db, order, start_by_api, answer, status, code,
                                           message):
    response = start_by_api(answer)
    assert_error(response, status, code)
    assert message in response.json["error"]["message"]
    _nothing_written(db, order)


def test_a_declined_card_is_explained_in_persian(db, order, start_by_api):
    response = start_by_api(DECLINED, lang="fa")
    assert_error(response, 402, "payment_declined")
    assert response.json["error"]["message"] == (
        "کارت شما پذیرفته نشد. مبلغی کسر نشد؛ لطفاً با کارت دیگری امتحان کنید.")


def test_the_pay_page_shows_a_declined_card(db, shop, order, client, login):
    login(shop.buyer)
    pay_page = f"/checkout/{order.number}/pay"
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API, **DECLINED)
        response = client.post(pay_page, data={"provider": "stripe"},
                               headers={"Referer": f"http://localhost{pay_page}"},
                               follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == pay_page
    assert "Your card was declined. Nothing was charged" in response.get_data(as_text=True)
    _nothing_written(db, order)


@responses.activate
def test_a_test_card_declined_on_confirm_is_a_failed_attempt_not_an_error(app):
    """The provider re-reads the intent, which holds the failed attempt, so the payment can
    record it and the next try gets new idempotency keys."""
    responses.post(f"{API}/pi_1/confirm", **DECLINED)
    responses.get(f"{API}/pi_1", json={
        "id": "pi_1", "object": "payment_intent", "status": "requires_payment_method",
        "amount": 2500, "currency": "usd", "client_secret": "pi_1_secret", "metadata": {},
        "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds",
                               "message": "Your card has insufficient funds."}})

    class OpenPayment:
        provider_reference = "pi_1"
        idempotency_key = "order-1-payment-1"
        confirm_attempts = 1

    with app.app_context():
        result = StripeProvider().confirm_with_test_card(OpenPayment(), "pm_card_chargeDeclined")
    assert result.status == PaymentStatus.FAILED
    assert result.error_code == "insufficient_funds"
    assert [call.request.method for call in responses.calls] == ["POST", "GET"]
    assert responses.calls[0].request.headers["Idempotency-Key"] == "order-1-payment-1-confirm-1"
