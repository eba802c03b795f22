"""The Stripe gateway with Stripe's HTTP faked by `responses`: amounts, idempotency keys, error
mapping (decline, 500, timeout), Connect transfers and webhook signatures."""

import json
import time
from urllib.parse import parse_qs

import pytest
import requests
import responses
import stripe

from marketplace.core.money import Money
from marketplace.payments import gateway
from marketplace.payments.gateway import (
    GatewayDeclined,
    GatewayError,
    GatewayUnavailable,
    InvalidSignature,
    StripeGateway,
    from_stripe_amount,
    to_stripe_amount,
)

API = "https://api.stripe.com"


def intent(intent_id="pi_123", status="requires_payment_method", amount=1234, currency="usd",
           **extra):
    return {"id": intent_id, "object": "payment_intent", "status": status, "amount": amount,
            "currency": currency, "client_secret": f"{intent_id}_secret_abc", "metadata": {},
            "next_action": None, "last_payment_error": None, "latest_charge": None, **extra}


@pytest.fixture
def gw():
    return StripeGateway("sk_test_unit", webhook_secret="whsec_unit", timeout=1,
                         max_network_retries=0)


def form(call) -> dict:
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(call.request.body).items()}


@pytest.mark.parametrize(("money", "expected"), [
    (Money(1234, "USD"), 1234),
    (Money(500, "JPY"), 500),          # zero-decimal: whole yen
    (Money(7, "UGX"), 7),              # zero-decimal in Stripe and ISO 4217
    (Money(5, "ISK"), 500),            # ISO zero-decimal, Stripe two-decimal whole krónur
    (Money(5120, "KWD"), 5120),        # three decimals, last digit 0
    (Money(1999, "HUF"), 1999),        # charges keep two decimals
])
def test_amounts_follow_stripes_minor_units(money, expected):
    assert to_stripe_amount(money) == expected
    assert from_stripe_amount(expected, money.currency.lower()) == money


def test_three_decimal_amounts_must_end_in_zero():
    with pytest.raises(GatewayError) as error:
        to_stripe_amount(Money(5125, "KWD"))
    assert error.value.code == "invalid_amount"


def test_whole_unit_payouts_for_huf_and_twd():
    assert to_stripe_amount(Money(10000, "HUF"), payout=True) == 10000
    with pytest.raises(GatewayError):
        to_stripe_amount(Money(10050, "HUF"), payout=True)
    with pytest.raises(GatewayError):
        to_stripe_amount(Money(10001, "TWD"), payout=True)


def test_stripe_cannot_take_irr():
    assert not gateway.can_take("IRR")
    with pytest.raises(GatewayError):
        to_stripe_amount(Money(1000, "IRR"))


def test_client_uses_the_configured_base_and_key(app):
    app.config.update(STRIPE_SECRET_KEY="sk_test_cfg", STRIPE_API_BASE="http://127.0.0.1:9")
    built = StripeGateway.from_config()
    assert built.api_base == "http://127.0.0.1:9"
    with responses.RequestsMock() as mocked:
        mocked.get("http://127.0.0.1:9/v1/payment_intents/pi_1", json=intent("pi_1"))
        built.retrieve_payment_intent("pi_1")
        assert mocked.calls[0].request.headers["Authorization"] == "Bearer sk_test_cfg"


@responses.activate
def test_create_payment_intent_sends_amount_currency_and_our_idempotency_key(gw):
    responses.post(f"{API}/v1/payment_intents", json=intent())
    state = gw.create_payment_intent(Money(1234, "USD"), "order-7-payment-1", {"order": "A-7"})
    call = responses.calls[0]
    assert call.request.headers["Idempotency-Key"] == "order-7-payment-1"
    body = form(call)
    assert body["amount"] == "1234"
    assert body["currency"] == "usd"
    assert body["metadata[order]"] == "A-7"
    assert state.id == "pi_123"
    assert state.client_secret == "pi_123_secret_abc"
    assert state.amount == Money(1234, "USD")


@responses.activate
def test_retrieve_expands_latest_charge(gw):
    responses.get(f"{API}/v1/payment_intents/pi_9",
                  json=intent("pi_9", status="succeeded",
                              latest_charge={"id": "ch_1", "object": "charge"}))
    state = gw.retrieve_payment_intent("pi_9")
    assert "expand%5B0%5D=latest_charge" in responses.calls[0].request.url
    assert state.status == "succeeded"
    assert state.charge_id == "ch_1"


@responses.activate
def test_a_500_is_unavailable(gw):
    responses.post(f"{API}/v1/payment_intents", status=500,
                   json={"error": {"type": "api_error", "message": "Stripe is down"}})
    with pytest.raises(GatewayUnavailable) as error:
        gw.create_payment_intent(Money(100, "USD"), "k")
    assert error.value.http_status == 500


@responses.activate
def test_a_timeout_is_unavailable(gw):
    responses.post(f"{API}/v1/payment_intents", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(GatewayUnavailable):
        gw.create_payment_intent(Money(100, "USD"), "k")


@responses.activate
def test_a_declined_card_raises_a_decline_with_the_issuers_reason(gw):
    responses.post(f"{API}/v1/payment_intents/pi_1/confirm", status=402, json={"error": {
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds."}})
    with pytest.raises(GatewayDeclined) as error:
        gw.confirm_payment_intent("pi_1", "pm_card_chargeDeclined", "order-1-payment-1-c1")
    assert error.value.decline_code == "insufficient_funds"
    assert error.value.message == "Your card has insufficient funds."
    assert responses.calls[0].request.headers["Idempotency-Key"] == "order-1-payment-1-c1"


@responses.activate
def test_a_decline_without_an_issuers_reason_is_card_declined(gw):
    responses.post(f"{API}/v1/payment_intents/pi_1/confirm", status=402, json={"error": {
        "type": "card_error", "code": "card_declined", "message": "Your card was declined."}})
    with pytest.raises(GatewayDeclined) as error:
        gw.confirm_payment_intent("pi_1", "pm_card_chargeDeclined", "order-1-payment-1-c1")
    assert error.value.decline_code == "card_declined"


@responses.activate
def test_a_bad_request_is_rejected_not_unavailable(gw):
    responses.post(f"{API}/v1/refunds", status=400, json={"error": {
        "type": "invalid_request_error", "code": "charge_already_refunded", "message": "no"}})
    with pytest.raises(GatewayError) as error:
        gw.create_refund("pi_1", Money(100, "USD"), "refund-vo-1-1")
    assert error.value.code == "charge_already_refunded"


@responses.activate
def test_connect_transfer_goes_to_the_connected_account(gw):
    responses.post(f"{API}/v1/transfers", json={
        "id": "tr_1", "object": "transfer", "amount": 9000, "currency": "usd",
        "destination": "acct_123"})
    transfer = gw.create_transfer(Money(9000, "USD"), "acct_123", "payout-4-abc", {"payout": 3})
    body = form(responses.calls[0])
    assert body["destination"] == "acct_123"
    assert body["amount"] == "9000"
    assert responses.calls[0].request.headers["Idempotency-Key"] == "payout-4-abc"
    assert transfer.id == "tr_1"


@responses.activate
def test_connect_transfer_failure_is_mapped(gw):
    responses.post(f"{API}/v1/transfers", status=503,
                   json={"error": {"type": "api_error", "message": "try later"}})
    with pytest.raises(GatewayUnavailable):
        gw.create_transfer(Money(9000, "USD"), "acct_123", "payout-4-abc")


def test_webhook_signature_is_checked_on_the_raw_body(gw):
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": "pi_1"}}})
    header = stripe.WebhookSignature.generate_signature_header(body, "whsec_unit")
    assert gw.verify_webhook(body.encode(), header)["id"] == "evt_1"
    with pytest.raises(InvalidSignature):
        gw.verify_webhook(body.replace("pi_1", "pi_2").encode(), header)
    with pytest.raises(InvalidSignature):
        gw.verify_webhook(body.encode(), stripe.WebhookSignature.generate_signature_header(
            body, "whsec_other"))
    stale = stripe.WebhookSignature.generate_signature_header(body, "whsec_unit",
                                                              timestamp=int(time.time()) - 3600)
    with pytest.raises(InvalidSignature):
        gw.verify_webhook(body.encode(), stale)
    with pytest.raises(InvalidSignature):
        gw.verify_webhook(body.encode(), None)


def test_webhook_signed_for_a_future_time_is_refused(gw):
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": "pi_1"}}})
    future = stripe.WebhookSignature.generate_signature_header(
        body, "whsec_unit", timestamp=int(time.time()) + 3600)
    with pytest.raises(InvalidSignature) as error:
        gw.verify_webhook(body.encode(), future)
    assert error.value.code == "timestamp_in_future"
    # A clock a minute ahead is within the tolerance, as a minute behind is.
    soon = stripe.WebhookSignature.generate_signature_header(
        body, "whsec_unit", timestamp=int(time.time()) + 60)
    assert gw.verify_webhook(body.encode(), soon)["id"] == "evt_1"
    assert gw.verify_webhook(body.encode(), future, tolerance=7200)["id"] == "evt_1"


@responses.activate
def test_a_402_outside_confirm_raises_a_decline(gw):
    responses.post(f"{API}/v1/payment_intents", status=402, json={"error": {
        "type": "invalid_request_error", "code": "card_declined", "message": "declined"}})
    with pytest.raises(GatewayDeclined) as error:
        gw.create_payment_intent(Money(100, "USD"), "k")
    assert error.value.code == "card_declined"
