"""End to end: the stand-in itself signs and POSTs `payment_intent.succeeded` to the app served
on 127.0.0.1, as Stripe would; the app verifies it and marks the order paid."""

import threading
import time

import pytest
from localstripe import webhooks as standin_webhooks
from sqlalchemy import select
from werkzeug.serving import make_server

from devtools.stripe_standin import register_webhook
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.gateway import StripeGateway
from marketplace.payments.models import WebhookEvent
from marketplace.payments.services import payments
from tests.payments.conftest import WEBHOOK_SECRET, standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


@pytest.fixture
def served_app(app, standin):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    register_webhook(standin.url, f"{url}/payments/stripe/webhook", WEBHOOK_SECRET,
                     name="served-app")
    yield url
    standin_webhooks._webhooks.pop("served-app", None)
    server.shutdown()
    thread.join(10)


def test_standin_webhook_pays_the_order(db, shop, place_test_order, served_app):
    order = place_test_order(shop.buyer, shop.product_a)
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    order_id, intent_id = order.id, payment.provider_reference
    # The buyer pays in the browser: our app is not involved until the webhook arrives.
    StripeGateway.from_config().confirm_payment_intent(intent_id, "pm_card_visa", "browser")
    db.session.commit()

    status = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = db.session.scalar(select(Order.status).where(Order.id == order_id))
        db.session.rollback()   # end the read so the server's request can write
        if status == OrderStatus.PAID:
            break
        time.sleep(0.2)
    assert status == OrderStatus.PAID
    event = db.session.scalar(select(WebhookEvent).where(WebhookEvent.object_id == intent_id))
    assert event.type == "payment_intent.succeeded"
    assert event.processed_at is not None
