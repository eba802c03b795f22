"""The Zarinpal stand-in answers the client as Zarinpal does: request → StartPay page → the
callback with Authority and Status → verify (100, then 101) → unVerified; and its failure modes
(timeout, HTTP 500, documented codes) reach the client as the errors it raises for Zarinpal."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from marketplace.payments.zarinpal import (
    ZarinpalClient,
    ZarinpalDeclined,
    ZarinpalRejected,
    ZarinpalUnavailable,
)
from tests.factories.payments import ZARINPAL_MERCHANT


@pytest.fixture
def client(zarinpal_standin):
    return ZarinpalClient(ZARINPAL_MERCHANT, api_base=zarinpal_standin.url, timeout=0.5,
                          verify_attempts=2, retry_backoff=0)


def gateway_choice(client, authority: str, choice: str) -> dict:
    page = requests.get(client.start_pay_url(authority), timeout=5)
    assert page.status_code == 200 and 'id="pay"' in page.text and 'id="cancel"' in page.text
    answer = requests.post(f"{client.start_pay_url(authority)}/{choice}", timeout=5,
                           allow_redirects=False)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/shop/callback"
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def test_pay_on_the_page_then_verify_100_then_101(client, zarinpal_standin):
    authority = client.request_payment(250_000, "http://127.0.0.1:1/shop/callback?o=1",
                                       "Order 1").authority
    assert len(authority) == 36 and authority.startswith("A")
    with pytest.raises(ZarinpalDeclined):
        client.verify(authority, 250_000)  # not paid yet
    back = gateway_choice(client, authority, "pay")
    assert back == {"o": "1", "Authority": authority, "Status": "OK"}
    assert [p.authority for p in client.unverified()].count(authority) == 1
    first = client.verify(authority, 250_000)
    again = client.verify(authority, 250_000)
    assert not first.already_verified and again.already_verified
    assert first.ref_id == again.ref_id
    assert authority not in [p.authority for p in client.unverified()]


def test_cancel_on_the_page_says_nok_and_verify_says_not_paid(client):
    authority = client.request_payment(250_000, "http://127.0.0.1:1/shop/callback",
                                       "Order 2").authority
    assert gateway_choice(client, authority, "cancel")["Status"] == "NOK"
    with pytest.raises(ZarinpalDeclined) as raised:
        client.verify(authority, 250_000)
    assert raised.value.gateway_code == -51


def test_verify_checks_the_amount_the_authority_and_the_merchant(client, zarinpal_standin):
    authority = client.request_payment(250_000, "http://127.0.0.1:1/cb", "Order 3").authority
    zarinpal_standin.pay(authority)
    codes = []
    for call in (lambda: client.verify(authority, 250_001),
                 lambda: client.verify("A" + "9" * 35, 250_000),
                 lambda: ZarinpalClient("another-merchant-0000000000000000000",
                                        api_base=zarinpal_standin.url).verify(authority,
                                                                              250_000)):
        with pytest.raises(ZarinpalRejected) as raised:
            call()
        codes.append(raised.value.gateway_code)
    assert codes == [-50, -54, -53]
    assert zarinpal_standin.status_of(authority) == "paid"  # none of them verified it


def test_request_validates_like_zarinpal(client):
    with pytest.raises(ZarinpalRejected) as raised:
        client.request_payment(999, "http://127.0.0.1:1/cb", "too little")
    assert raised.value.gateway_code == -9


def test_failure_modes(client, zarinpal_standin):
    zarinpal_standin.fail("request", "timeout", delay=2)
    with pytest.raises(ZarinpalUnavailable):
        client.request_payment(10_000, "http://127.0.0.1:1/cb", "slow")
    zarinpal_standin.fail("request", "http_500")
    with pytest.raises(ZarinpalUnavailable):
        client.request_payment(10_000, "http://127.0.0.1:1/cb", "broken")
    zarinpal_standin.fail("request", "code", code=-11)
    with pytest.raises(ZarinpalRejected) as raised:
        client.request_payment(10_000, "http://127.0.0.1:1/cb", "inactive")
    assert raised.value.gateway_code == -11
    authority = client.request_payment(10_000, "http://127.0.0.1:1/cb", "fine").authority
    zarinpal_standin.pay(authority)
    # One timeout, then the retry verifies: verify is retried, being idempotent.
    zarinpal_standin.fail("verify", "timeout", delay=2)
    assert client.verify(authority, 10_000).ref_id
    zarinpal_standin.fail("unverified", "code", code=-12)
    with pytest.raises(ZarinpalUnavailable):
        client.unverified()


def test_failures_can_be_switched_over_http(zarinpal_standin, client):
    answer = requests.post(f"{zarinpal_standin.url}/_standin/failures", timeout=5,
                           json={"endpoint": "verify", "mode": "code", "code": -52, "times": 2})
    assert answer.status_code == 200
    with pytest.raises(ZarinpalUnavailable):
        client.verify("A" + "1" * 35, 10_000)
    assert requests.post(f"{zarinpal_standin.url}/_standin/failures", timeout=5,
                         json={"endpoint": "nope", "mode": "code"}).status_code == 400
    requests.delete(f"{zarinpal_standin.url}/_standin/failures", timeout=5)
    with pytest.raises(ZarinpalRejected):
        client.verify("A" + "1" * 35, 10_000)  # -54 again


def test_the_standin_listens_on_loopback_only(zarinpal_standin):
    assert zarinpal_standin.host == "127.0.0.1"
