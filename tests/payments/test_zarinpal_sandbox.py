"""The Zarinpal client against Zarinpal's sandbox (sandbox.zarinpal.com) — opt-in.

These tests reach the internet, so they run only when ZARINPAL_SANDBOX_MERCHANT_ID holds a
merchant id (the sandbox takes any 36-character id); the rest of the suite never leaves the
machine (`responses` fakes and the local stand-in). Without it they are skipped on purpose:
they only confirm that Zarinpal still answers the way the fakes and the stand-in do.
Run: ZARINPAL_SANDBOX_MERCHANT_ID=… pytest -m zarinpal_sandbox tests/payments
"""

import os

import pytest

from marketplace.payments.zarinpal import (
    SANDBOX_API_BASE,
    ZarinpalClient,
    ZarinpalDeclined,
    ZarinpalRejected,
)

MERCHANT = os.environ.get("ZARINPAL_SANDBOX_MERCHANT_ID", "")

pytestmark = [
    pytest.mark.zarinpal_sandbox,
    pytest.mark.skipif(len(MERCHANT) != 36,
                       reason="set ZARINPAL_SANDBOX_MERCHANT_ID (36 characters) to run against "
                              "Zarinpal's sandbox"),
]


@pytest.fixture
def client():
    return ZarinpalClient(MERCHANT, api_base=SANDBOX_API_BASE, timeout=20)


def test_request_then_verify_an_unpaid_authority(client):
    authority = client.request_payment(10_000, "https://example.org/zarinpal/callback",
                                       "Bazaarche sandbox test").authority
    assert authority.startswith("A")
    assert client.start_pay_url(authority) == f"{SANDBOX_API_BASE}/pg/StartPay/{authority}"
    with pytest.raises((ZarinpalDeclined, ZarinpalRejected)):
        client.verify(authority, 10_000)  # nobody paid it


def test_the_unverified_list_answers(client):
    assert isinstance(client.unverified(), list)
