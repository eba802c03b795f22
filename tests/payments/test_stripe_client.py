"""One Stripe gateway per app: made when the app starts, used by every call, keeping its HTTP
session (and so its open connections) from one call to the next."""

import pytest
import requests
import responses
import stripe

from marketplace import create_app
from marketplace.payments import gateway
from marketplace.payments.gateway import GatewayError, StripeGateway, current_gateway
from marketplace.payments.services import payments
from tests.payments.conftest import STRIPE_UNIT_CONFIG

API = "https://api.stripe.com/v1/payment_intents"


@pytest.fixture
def app_config():
    return dict(STRIPE_UNIT_CONFIG)


def intent_json(intent_id):
    return {"id": intent_id, "object": "payment_intent", "status": "requires_payment_method",
            "amount": 2500, "currency": "usd", "client_secret": f"{intent_id}_secret",
            "metadata": {}, "last_payment_error": None, "latest_charge": None}


def _counting(monkeypatch, cls) -> list:
    made = []
    original = cls.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(cls, "__init__", counted)
    return made


def test_the_app_makes_its_gateway_once_and_every_payment_uses_it(
        app, db, shop, place_test_order, monkeypatch):
    made_at_start = app.extensions[gateway.EXTENSION]
    assert isinstance(made_at_start, StripeGateway)
    clients = _counting(monkeypatch, stripe.StripeClient)
    sessions = _counting(monkeypatch, requests.Session)
    orders = [place_test_order(shop.buyer, product) for product in (shop.product_a,
                                                                    shop.product_b)]
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API, json=intent_json("pi_a"))
        mocked.add(responses.POST, API, json=intent_json("pi_b"))
        for order in orders:
            payments.start_payment(shop.buyer, order, "stripe")
            db.session.commit()
        assert len(mocked.calls) == 2
    assert clients == []          # no client made per call …
    assert len(sessions) == 1     # … and one HTTP session, kept for the second call
    assert current_gateway() is made_at_start
    assert made_at_start.http_client._thread_local.session is sessions[0]


def test_each_app_has_its_own_gateway_with_its_own_settings(app, database_url):
    other = create_app({**STRIPE_UNIT_CONFIG, "TESTING": True,
                        "SQLALCHEMY_DATABASE_URI": database_url,
                        "STRIPE_SECRET_KEY": "sk_test_other"})
    mine, theirs = app.extensions[gateway.EXTENSION], other.extensions[gateway.EXTENSION]
    assert mine is not theirs
    assert theirs.client._requestor.api_key == "sk_test_other"
    with other.app_context():
        assert current_gateway() is theirs


def test_without_a_secret_key_there_is_no_gateway(database_url):
    keyless = create_app({**STRIPE_UNIT_CONFIG, "TESTING": True,
                          "SQLALCHEMY_DATABASE_URI": database_url, "STRIPE_SECRET_KEY": ""})
    assert gateway.EXTENSION not in keyless.extensions
    with keyless.app_context(), pytest.raises(GatewayError) as error:
        current_gateway()
    assert error.value.code == "not_configured"
