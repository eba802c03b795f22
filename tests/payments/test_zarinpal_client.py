"""The Zarinpal client with Zarinpal's HTTP faked by `responses`: request, verify (100, 101, the
documented error codes), retries only for verify, timeouts and 5xx as "unavailable", and the
list of unverified payments."""

import json

import pytest
import requests
import responses

from marketplace.payments.zarinpal import (
    ZarinpalClient,
    ZarinpalDeclined,
    ZarinpalRejected,
    ZarinpalUnavailable,
)

BASE = "https://payment.zarinpal.com"
REQUEST = f"{BASE}/pg/v4/payment/request.json"
VERIFY = f"{BASE}/pg/v4/payment/verify.json"
UNVERIFIED = f"{BASE}/pg/v4/payment/unVerified.json"
MERCHANT = "00000000-0000-0000-0000-000000000000"
AUTHORITY = "A" + "0" * 27 + "12345678"


def ok(**data):
    return {"data": {"code": 100, "message": "Success", **data}, "errors": []}


def error(code, message="error"):
    return {"data": [], "errors": {"code": code, "message": message, "validations": []}}


@pytest.fixture
def client():
    return ZarinpalClient(MERCHANT, timeout=1, verify_attempts=3, retry_backoff=0)


@responses.activate
def test_request_sends_rials_and_our_callback_and_returns_the_authority(client):
    responses.post(REQUEST, json=ok(authority=AUTHORITY, fee_type="Merchant", fee=100))
    result = client.request_payment(1_250_000, "https://shop.example/cb/X1", "Order X1",
                                    order_id="X1")
    assert result.authority == AUTHORITY and result.fee == 100
    body = json.loads(responses.calls[0].request.body)
    assert body == {"merchant_id": MERCHANT, "amount": 1_250_000, "currency": "IRR",
                    "callback_url": "https://shop.example/cb/X1", "description": "Order X1",
                    "metadata": {"order_id": "X1"}}
    assert client.start_pay_url(AUTHORITY) == f"{BASE}/pg/StartPay/{AUTHORITY}"


@responses.activate
def test_a_request_that_times_out_is_not_repeated(client):
    responses.post(REQUEST, body=requests.Timeout("slow"))
    with pytest.raises(ZarinpalUnavailable) as raised:
        client.request_payment(10_000, "https://shop.example/cb", "Order")
    assert raised.value.code == "payment_provider_unavailable"
    assert len(responses.calls) == 1


@responses.activate
def test_a_request_answered_5xx_is_unavailable_and_not_repeated(client):
    responses.post(REQUEST, status=502, body="bad gateway")
    with pytest.raises(ZarinpalUnavailable):
        client.request_payment(10_000, "https://shop.example/cb", "Order")
    assert len(responses.calls) == 1


@pytest.mark.parametrize("code, kind", [(-9, ZarinpalRejected), (-10, ZarinpalRejected),
                                        (-11, ZarinpalRejected), (-12, ZarinpalUnavailable)])
@responses.activate
def test_request_error_codes(client, code, kind):
    responses.post(REQUEST, status=400 if code != -12 else 429, json=error(code))
    with pytest.raises(kind) as raised:
        client.request_payment(10_000, "https://shop.example/cb", "Order")
    assert raised.value.gateway_code == code
    assert "https" not in raised.value.message  # no HTTP details, just what Zarinpal said


@pytest.mark.parametrize("amount", [0, -5, 12.5, True, "100"])
def test_amounts_must_be_positive_whole_rials(client, amount):
    with pytest.raises(ZarinpalRejected):
        client.request_payment(amount, "https://shop.example/cb", "Order")


@responses.activate
def test_verify_100_is_paid_and_sends_the_amount_given(client):
    responses.post(VERIFY, json=ok(ref_id=201, card_pan="502229******5995",
                                   card_hash="abc", fee_type="Merchant", fee=0))
    result = client.verify(AUTHORITY, 1_250_000)
    assert result.ref_id == "201" and result.card_pan == "502229******5995"
    assert not result.already_verified and result.amount == 1_250_000
    assert json.loads(responses.calls[0].request.body) == {
        "merchant_id": MERCHANT, "authority": AUTHORITY, "amount": 1_250_000}


@responses.activate
def test_verify_101_is_paid_and_already_verified(client):
    responses.post(VERIFY, json={"data": {"code": 101, "message": "Verified", "ref_id": 201},
                                 "errors": []})
    assert client.verify(AUTHORITY, 10_000).already_verified


@responses.activate
def test_verify_not_paid_is_declined(client):
    responses.post(VERIFY, status=400, json=error(-51, "Session is not valid"))
    with pytest.raises(ZarinpalDeclined) as raised:
        client.verify(AUTHORITY, 10_000)
    assert raised.value.code == "payment_declined" and raised.value.gateway_code == -51


@pytest.mark.parametrize("code", [-50, -53, -54, -9])
@responses.activate
def test_verify_refusals_are_rejected_with_the_gateway_code(client, code):
    responses.post(VERIFY, status=400, json=error(code))
    with pytest.raises(ZarinpalRejected) as raised:
        client.verify(AUTHORITY, 10_000)
    assert raised.value.gateway_code == code
    assert raised.value.code == "payment_provider_rejected"
    assert len(responses.calls) == 1  # an answer is not retried


@responses.activate
def test_verify_is_retried_after_a_timeout_and_a_5xx(client):
    responses.post(VERIFY, body=requests.ConnectTimeout("slow"))
    responses.post(VERIFY, status=503)
    responses.post(VERIFY, json={"data": {"code": 101, "message": "Verified", "ref_id": 7},
                                 "errors": []})
    assert client.verify(AUTHORITY, 10_000).ref_id == "7"
    assert len(responses.calls) == 3


@responses.activate
def test_verify_gives_up_after_its_attempts(client):
    responses.post(VERIFY, body=requests.ReadTimeout("slow"))
    with pytest.raises(ZarinpalUnavailable):
        client.verify(AUTHORITY, 10_000)
    assert len(responses.calls) == 3


@responses.activate
def test_an_answer_that_is_not_json_is_unavailable(client):
    responses.post(VERIFY, body="<html>maintenance</html>", status=200)
    with pytest.raises(ZarinpalUnavailable):
        ZarinpalClient(MERCHANT, verify_attempts=1).verify(AUTHORITY, 10_000)


@responses.activate
def test_unverified_lists_authorities_and_amounts(client):
    responses.post(UNVERIFIED, json=ok(authorities=[
        {"authority": AUTHORITY, "amount": 50_500, "callback_url": "x", "referer": "y",
         "date": "2020-07-01 17:33:25"},
        {"authority": "A2", "amount": "nonsense"}]))
    payments = client.unverified()
    assert [(p.authority, p.amount) for p in payments] == [(AUTHORITY, 50_500)]


def test_the_base_url_is_configurable_and_the_merchant_required():
    client = ZarinpalClient.from_config({"ZARINPAL_MERCHANT_ID": MERCHANT,
                                         "ZARINPAL_API_BASE": "http://127.0.0.1:8421/"})
    assert client.start_pay_url("A1") == "http://127.0.0.1:8421/pg/StartPay/A1"
    with pytest.raises(ZarinpalRejected):
        ZarinpalClient.from_config({"ZARINPAL_MERCHANT_ID": ""})
