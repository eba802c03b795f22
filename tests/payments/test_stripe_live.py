"""The gateway against real Stripe test mode — opt-in.

These tests talk to api.stripe.com and so run only when STRIPE_LIVE_TEST_KEY holds a Stripe
*test-mode* secret key (sk_test_…); the rest of the suite never reaches the internet
(ARCHITECTURE §9). Without the key they are skipped: that skip is deliberate, not a gap — the
same gateway code is exercised against `responses` fakes and the local stand-in in the other
modules, and this module only confirms that Stripe itself still answers the way they do.
Run: STRIPE_LIVE_TEST_KEY=sk_test_… pytest -m stripe_live tests/payments/test_stripe_live.py
"""

import os
import uuid

import pytest

from marketplace.core.money import Money
from marketplace.payments.gateway import GatewayDeclined, GatewayError, StripeGateway

LIVE_KEY = os.environ.get("STRIPE_LIVE_TEST_KEY", "")

pytestmark = [
    pytest.mark.stripe_live,
    pytest.mark.skipif(not LIVE_KEY.startswith("sk_test_"),
                       reason="set STRIPE_LIVE_TEST_KEY=sk_test_… to run against Stripe test mode"),
]


@pytest.fixture
def gw():
    return StripeGateway(LIVE_KEY, timeout=20, max_network_retries=2)


def key(name: str) -> str:
    return f"bazaarche-live-{name}-{uuid.uuid4().hex}"


def test_payment_intent_idempotency_confirm_and_refund(gw):
    create_key = key("create")
    intent = gw.create_payment_intent(Money(1234, "USD"), create_key, {"order": "live-test"})
    assert gw.create_payment_intent(Money(1234, "USD"), create_key).id == intent.id
    with pytest.raises(GatewayError):   # same key, other parameters
        gw.create_payment_intent(Money(999, "USD"), create_key)
    state = gw.confirm_payment_intent(intent.id, "pm_card_visa", key("confirm"))
    assert state.status == "succeeded"
    assert state.charge_id.startswith("ch_")
    refund = gw.create_refund(intent.id, Money(234, "USD"), key("refund"))
    assert refund.amount == Money(234, "USD")


def test_declined_card(gw):
    intent = gw.create_payment_intent(Money(1000, "EUR"), key("decline"))
    with pytest.raises(GatewayDeclined):
        gw.confirm_payment_intent(intent.id, "pm_card_chargeDeclined", key("decline-c"))
    state = gw.retrieve_payment_intent(intent.id)
    assert state.status == "requires_payment_method"
    assert state.error_code in ("card_declined", "generic_decline")


def test_zero_decimal_currency(gw):
    intent = gw.create_payment_intent(Money(500, "JPY"), key("jpy"))
    assert gw.retrieve_payment_intent(intent.id).amount == Money(500, "JPY")
