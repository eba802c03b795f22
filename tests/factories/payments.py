"""Shared fixtures for payments wherever a test needs them: the Zarinpal stand-in (one per session,
reset per test) and its settings, and the 200-buyer crowd racing for 50 one-of-a-kind items.

Registered in tests/conftest.py's `pytest_plugins`, so tests in any package use them without
importing fixtures from another package's modules.
"""

import pytest
from sqlalchemy import insert, select

from marketplace.accounts.models import User
from marketplace.catalogue.models import ProductKind
from marketplace.orders.models import Cart, CartLine

ZARINPAL_MERCHANT = "bazaarche-test-merchant-000000000000"  # any 36 characters
assert len(ZARINPAL_MERCHANT) == 36


@pytest.fixture(scope="session")
def zarinpal_server():
    from devtools.zarinpal_standin import ZarinpalStandIn

    server = ZarinpalStandIn(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def zarinpal_standin(zarinpal_server):
    """The session's Zarinpal stand-in, with no failure mode left over from another test."""
    with zarinpal_server.state.lock:
        zarinpal_server.state.failures.clear()
    yield zarinpal_server
    with zarinpal_server.state.lock:
        zarinpal_server.state.failures.clear()


def zarinpal_config(server) -> dict:
    """Zarinpal (and pay at pickup) in rials against the stand-in, quick to give up."""
    return {"PAYMENT_PROVIDERS": ("zarinpal", "pay_at_pickup"), "MARKETPLACE_CURRENCY": "IRR",
            "ZARINPAL_MERCHANT_ID": ZARINPAL_MERCHANT, "ZARINPAL_API_BASE": server.url,
            "ZARINPAL_TIMEOUT_SECONDS": 1, "ZARINPAL_VERIFY_ATTEMPTS": 2,
            "ZARINPAL_RETRY_BACKOFF_SECONDS": 0, "DEFAULT_LOCALE": "en"}


CROWD_BUYERS = 200
CROWD_ITEMS = 50


@pytest.fixture
def crowd(db, app, create_trainee, create_product):
    """50 one-of-a-kind items from 10 trainees; 200 buyers, four after each item."""
    trainees = [create_trainee() for _ in range(10)]
    items = [create_product(trainee=trainees[i % 10], kind=ProductKind.ONE_OF_A_KIND,
                            price_amount=10_000 + i) for i in range(CROWD_ITEMS)]
    db.session.execute(insert(User), [
        {"email": f"crowd{i}@example.org", "display_name": f"Buyer {i}", "locale": "en",
         "password_hash": "x"} for i in range(CROWD_BUYERS)])
    buyer_ids = list(db.session.scalars(
        select(User.id).where(User.email.like("crowd%")).order_by(User.id)))
    db.session.execute(insert(Cart), [{"user_id": uid} for uid in buyer_ids])
    carts = dict(db.session.execute(select(Cart.user_id, Cart.id)).all())
    db.session.execute(insert(CartLine), [
        {"cart_id": carts[uid], "product_id": items[i % CROWD_ITEMS].id, "quantity": 1,
         "unit_price_amount": items[i % CROWD_ITEMS].price_amount,
         "currency": app.config["MARKETPLACE_CURRENCY"]}
        for i, uid in enumerate(buyer_ids)])
    db.session.commit()
    return buyer_ids, items
