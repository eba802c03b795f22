"""The local Stripe stand-in: local only, in memory, and the gaps it fills (idempotency, confirm
with a payment method, test cards, transfers), driven through our gateway and the real SDK."""

import os
import socket

import pytest
import requests
from localstripe import webhooks as standin_webhooks

from devtools.stripe_standin import StandIn, register_webhook
from marketplace.core.money import Money
from marketplace.payments.gateway import GatewayDeclined, GatewayError, StripeGateway


@pytest.fixture
def gw(standin):
    return StripeGateway("sk_test_standin", api_base=standin.url, max_network_retries=0)


def test_binds_loopback_only(standin):
    assert standin.url.startswith("http://127.0.0.1:")
    assert [address[0] for address in standin._runner.addresses] == ["127.0.0.1"]
    with socket.create_connection(("127.0.0.1", standin.port), timeout=1):
        pass


def test_keeps_no_state_on_disk(standin, gw):
    before = os.stat("/tmp/localstripe.pickle").st_mtime if \
        os.path.exists("/tmp/localstripe.pickle") else None
    gw.create_payment_intent(Money(1000, "USD"), "disk-check")
    after = os.stat("/tmp/localstripe.pickle").st_mtime if \
        os.path.exists("/tmp/localstripe.pickle") else None
    assert before == after


def test_idempotency_key_returns_the_same_intent(gw):
    first = gw.create_payment_intent(Money(1500, "USD"), "same-key-1")
    again = gw.create_payment_intent(Money(1500, "USD"), "same-key-1")
    other = gw.create_payment_intent(Money(1500, "USD"), "same-key-2")
    assert first.id == again.id
    assert other.id != first.id
    with pytest.raises(GatewayError):
        gw.create_payment_intent(Money(9999, "USD"), "same-key-1")


@pytest.mark.parametrize(("card", "status"), [
    ("pm_card_visa", "succeeded"),
    ("pm_card_authenticationRequired", "requires_action"),
])
def test_test_cards(gw, card, status):
    intent = gw.create_payment_intent(Money(2000, "EUR"), f"cards-{card}")
    state = gw.confirm_payment_intent(intent.id, card, f"cards-{card}-confirm")
    assert state.status == status
    assert state.error_code is None
    assert gw.retrieve_payment_intent(intent.id).status == status


@pytest.mark.parametrize("card", ["pm_card_chargeCustomerFail", "pm_card_chargeDeclined"])
def test_decline_test_cards_raise_a_decline_and_the_intent_keeps_it(gw, card):
    intent = gw.create_payment_intent(Money(2000, "EUR"), f"cards-{card}")
    with pytest.raises(GatewayDeclined) as error:
        gw.confirm_payment_intent(intent.id, card, f"cards-{card}-confirm")
    assert error.value.decline_code == "card_declined"
    state = gw.retrieve_payment_intent(intent.id)
    assert state.status == "requires_payment_method"
    assert state.error_code == "card_declined"


def test_a_declined_intent_can_be_paid_with_another_card(gw):
    intent = gw.create_payment_intent(Money(2000, "USD"), "retry-card")
    with pytest.raises(GatewayDeclined):
        gw.confirm_payment_intent(intent.id, "pm_card_chargeCustomerFail", "r-1")
    assert gw.confirm_payment_intent(intent.id, "pm_card_visa", "r-2").status == "succeeded"


def test_refund_and_transfer(gw):
    intent = gw.create_payment_intent(Money(3000, "USD"), "refund-me")
    gw.confirm_payment_intent(intent.id, "pm_card_visa", "refund-me-c")
    refund = gw.create_refund(intent.id, Money(1000, "USD"), "refund-me-r")
    assert refund.status == "succeeded"
    assert refund.amount == Money(1000, "USD")
    transfer = gw.create_transfer(Money(500, "USD"), "acct_1abc", "transfer-1")
    assert transfer.destination == "acct_1abc"
    assert gw.create_transfer(Money(500, "USD"), "acct_1abc", "transfer-1").id == transfer.id


def test_webhook_registration_endpoint(standin):
    register_webhook(standin.url, "http://127.0.0.1:9/hook", "whsec_x", name="probe")
    assert "probe" in standin_webhooks._webhooks
    standin_webhooks._webhooks.pop("probe")
    response = requests.post(f"{standin.url}/_config/webhooks/bad", data={"url": "ftp://x"},
                             timeout=5)
    assert response.status_code == 400


def test_a_second_instance_on_a_taken_port_fails_loudly(standin):
    with pytest.raises(RuntimeError):
        StandIn(port=standin.port).start()


def test_two_stand_ins_in_one_process(standin):
    other = StandIn(port=0).start()
    try:
        gw = StripeGateway("sk_test_other", api_base=other.url, max_network_retries=0)
        intent = gw.create_payment_intent(Money(700, "USD"), "second-server")
        assert gw.confirm_payment_intent(intent.id, "pm_card_visa", "second-c").status == \
            "succeeded"
    finally:
        other.stop()
    # The first one still answers.
    gw = StripeGateway("sk_test_standin", api_base=standin.url, max_network_retries=0)
    assert gw.create_payment_intent(Money(700, "USD"), "first-server").status == \
        "requires_payment_method"
