"""Fixtures for checkout pages: the Stripe stand-in, and the small shop of the order pages'
tests (tests/orders/conftest.py)."""

import pytest

from devtools.stripe_standin import StandIn
from tests.orders.conftest import shop  # noqa: F401  (a fixture: the same small shop)

STANDIN_CONFIG = {
    "PAYMENT_PROVIDERS": ("stripe", "pay_at_pickup"),
    "STRIPE_SECRET_KEY": "sk_test_standin",
    "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
    "STRIPE_MAX_NETWORK_RETRIES": 0,
    "STRIPE_TIMEOUT_SECONDS": 5,
}


@pytest.fixture(scope="session")
def stripe_standin():
    server = StandIn(port=0).start()
    yield server
    server.stop()


def standin_settings(server: StandIn) -> dict:
    return {**STANDIN_CONFIG, "STRIPE_API_BASE": server.url}
