"""Fixtures for payments tests: the Stripe stand-in, Stripe settings, signed webhooks, orders.

`standin` runs localstripe (through devtools.stripe_standin) on a free 127.0.0.1 port for
the whole session; modules that talk to it set `app_config` to `standin_config(standin)`.
Unit tests fake Stripe's HTTP with `responses` and use `STRIPE_UNIT_CONFIG` instead.
"""

import json
import time

import pytest
import stripe

from devtools.stripe_standin import StandIn

WEBHOOK_SECRET = "whsec_test_secret"
STRIPE_UNIT_CONFIG = {
    "PAYMENT_PROVIDERS": ("stripe", "pay_at_pickup"),
    "STRIPE_SECRET_KEY": "sk_test_unit",
    "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "STRIPE_API_BASE": "",
    "STRIPE_MAX_NETWORK_RETRIES": 0,
    "STRIPE_TIMEOUT_SECONDS": 2,
    # Service-level messages (no request) in English, so assertions read naturally.
    "DEFAULT_LOCALE": "en",
}


def standin_config(server: StandIn) -> dict:
    return {**STRIPE_UNIT_CONFIG, "STRIPE_API_BASE": server.url,
            "STRIPE_SECRET_KEY": "sk_test_standin"}


@pytest.fixture(scope="session")
def standin():
    server = StandIn(port=0).start()
    yield server
    server.stop()


def signed(payload: dict | str, secret: str = WEBHOOK_SECRET, timestamp=None) -> tuple[str, dict]:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret,
                                                               timestamp=timestamp)
    return body, {"Stripe-Signature": header, "Content-Type": "application/json"}


def intent_event(event_id: str, event_type: str, intent_id: str, status: str = "succeeded",
                 amount: int = 0) -> dict:
    return {"id": event_id, "object": "event", "type": event_type, "created": int(time.time()),
            "data": {"object": {"id": intent_id, "object": "payment_intent", "status": status,
                                "amount": amount}}}


@pytest.fixture
def shop(create_trainee, create_product, create_user):
    """Two trainees with one product each and a buyer; prices 2500 and 4000 minor units."""

    class Shop:
        trainee_a = create_trainee()
        trainee_b = create_trainee()
        product_a = create_product(trainee=trainee_a, price_amount=2500, stock=3)
        product_b = create_product(trainee=trainee_b, price_amount=4000, stock=3)
        buyer = create_user()

    return Shop


@pytest.fixture
def ledger_rows(db):
    from sqlalchemy import select

    from marketplace.payments.models import LedgerEntry

    def rows(**filters):
        query = select(LedgerEntry).order_by(LedgerEntry.id)
        for key, value in filters.items():
            query = query.where(getattr(LedgerEntry, key) == value)
        return list(db.session.scalars(query))

    return rows
