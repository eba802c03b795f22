"""Fixtures for payments tests: the Stripe stand-in, Stripe settings, signed webhooks, orders.

`standin` runs localstripe (through devtools.stripe_standin) on a free 127.0.0.1 port for
the whole session; modules that talk to it set `app_config` to `standin_config(standin)`.
Unit tests fake Stripe's HTTP with `responses` and use `STRIPE_UNIT_CONFIG` instead.
"""

import json
import time
from dataclasses import dataclass

import pytest
import stripe
from sqlalchemy import select

from devtools.stripe_standin import StandIn
from marketplace.booths.models import ApplicationDayStatus
from marketplace.booths.services import markets
from marketplace.orders.models import ShippingRate
from marketplace.payments.services.payments import record_paid_order

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


# --- pickups whose booth-day went away (issue 17) ---------------------------------------

SHIPPING_FEE = 150_000  # what the trainee of `lost_pickup` charges to ship

@dataclass
class Stall:
    staff: object
    trainee: object
    product: object
    market: object
    days: list
    booths: list
    assignments: list
    application: object


@pytest.fixture
def stall(db, create_municipality, create_municipal_staff, create_venue, create_booth,
          create_market, create_trainee, create_product, create_application,
          create_assignment, set_shipping_fee):
    """A trainee with booths on the first two days of a three-day market (booth A-1 then
    B-2), a product with plenty of stock, and free shipping."""
    municipality = create_municipality()
    staff = create_municipal_staff(municipality=municipality)
    venue = create_venue(municipality=municipality)
    booths = [create_booth(venue=venue, code="A-1"), create_booth(venue=venue, code="B-2")]
    market = create_market(venue=venue, days=3, name_fa="جشنواره تابلو فرش")
    trainee = create_trainee(store_name="تابلو فرش رحیمی")
    product = create_product(trainee=trainee, stock=200, price_amount=1_200_000)
    application = create_application(market, trainee=trainee, days=market.days[:2])
    for entry in application.days:
        entry.status = ApplicationDayStatus.ACCEPTED
    assignments = [create_assignment(booths[i], market.days[i], trainee, application=application)
                   for i in range(2)]
    set_shipping_fee(trainee, 0)
    return Stall(staff, trainee, product, market, list(market.days), booths, assignments,
                 application)


@pytest.fixture
def lost_pickup(db, stall, place_test_order, create_user):
    """A paid pickup order (Zarinpal in rials, Stripe in dollars) whose booth-day was
    closed; the trainee ships for SHIPPING_FEE."""
    rate = db.session.scalar(select(ShippingRate).where(ShippingRate.trainee_id
                                                        == stall.trainee.id))
    rate.amount = SHIPPING_FEE
    buyer = create_user()
    order = place_test_order(buyer, stall.product)
    if order.currency == "IRR":
        record_paid_order(order, "zarinpal", "A" + str(order.id).rjust(35, "0"))
    else:
        record_paid_order(order, "stripe", f"pi_paid_{order.id}")
    markets.close_market_day(stall.staff, stall.days[0], "Storm warning")
    db.session.commit()
    return buyer, order, order.vendor_orders[0].id


@pytest.fixture
def lost_cash_pickup(db, stall, place_test_order, create_user):
    """Like `lost_pickup`, but the buyer was to pay the trainee in cash at the booth (nothing
    paid yet); the trainee ships for SHIPPING_FEE."""
    from marketplace.payments.services import payments

    rate = db.session.scalar(select(ShippingRate).where(ShippingRate.trainee_id
                                                        == stall.trainee.id))
    rate.amount = SHIPPING_FEE
    buyer = create_user()
    order = place_test_order(buyer, stall.product)
    payments.start_payment(buyer, order, "pay_at_pickup")
    markets.close_market_day(stall.staff, stall.days[0], "Storm warning")
    db.session.commit()
    return buyer, order, order.vendor_orders[0].id
