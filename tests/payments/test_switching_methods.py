"""A second start of an order's payment with another way to pay.

- A card payment left open, then pay at pickup: the buyer gave up on the card form (no card at
  hand, the bank's check failed). As at any shop's checkout, the way to pay can change until the
  order is paid, so the card payment is cancelled with Stripe and pay-at-pickup replaces it —
  unless the card went through meanwhile (409 already_paid; the webhook settles it) or Stripe
  still processes it (409 payment_in_progress). Stripe not answering changes nothing (503).
- Pay at pickup, then a card: 409 pay_at_pickup_chosen. The trainees were told to keep the goods
  for cash at the booth and may have taken cash for their part already; a card payment of the
  whole order could take that part twice.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.core.db import utcnow
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.gateway import GatewayError, GatewayUnavailable, StripeGateway
from marketplace.payments.models import Payment, PaymentStatus, Refund
from marketplace.payments.providers import ProviderPayment, StripeProvider
from tests.payments.conftest import intent_event, signed, standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


@pytest.fixture
def pay(client, db, shop, place_test_order, api_token):
    """pay(provider) starts paying one order of the buyer through the API."""
    order = place_test_order(shop.buyer, shop.product_a)
    headers = api_token(shop.buyer)

    def start(provider, lang="en"):
        return client.post(f"/api/v1/orders/{order.number}/payments?lang={lang}",
                           headers=headers, json={"provider": provider})

    start.order = order
    return start


def payments_of(db, order) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.order_id == order.id)
                                   .order_by(Payment.id)))


def test_pay_at_pickup_cancels_the_open_card_payment_with_stripe(db, pay, outbox):
    card = pay("stripe")
    assert card.status_code == 201, card.get_json()
    cash = pay("pay_at_pickup")
    assert cash.status_code == 201, cash.get_json()
    assert cash.get_json()["provider"] == "pay_at_pickup"

    card_payment, cash_payment = payments_of(db, pay.order)
    assert card_payment.id == card.get_json()["id"] and cash_payment.id == cash.get_json()["id"]
    assert card_payment.status == PaymentStatus.CANCELLED
    assert cash_payment.status == PaymentStatus.PENDING
    assert cash_payment.idempotency_key.endswith("-payment-2")
    gateway = StripeGateway.from_config()
    assert gateway.retrieve_payment_intent(card_payment.provider_reference).status == "canceled"
    # The card form still open in another tab can no longer take the money.
    with pytest.raises(GatewayError):
        gateway.confirm_payment_intent(card_payment.provider_reference, "pm_card_visa",
                                       f"another-tab-{card_payment.provider_reference}")
    order = db.session.get(Order, pay.order.id)
    assert order.payment_provider == "pay_at_pickup" and order.expires_at is None
    assert order.status == OrderStatus.PENDING_PAYMENT
    mails = len(outbox())
    # Choosing pay-at-pickup again answers the same payment and mails nobody again.
    again = pay("pay_at_pickup")
    assert again.status_code == 201 and again.get_json()["id"] == cash_payment.id
    assert len(payments_of(db, pay.order)) == 2 and len(outbox()) == mails


def test_pay_at_pickup_after_the_card_went_through_is_409_and_the_card_pays(db, client, pay,
                                                                            ledger_rows):
    card = pay("stripe")
    reference = payments_of(db, pay.order)[0].provider_reference
    # The buyer pays in the browser; Stripe's webhook has not arrived yet.
    StripeGateway.from_config().confirm_payment_intent(reference, "pm_card_visa",
                                                     f"browser-{reference}")

    cash = pay("pay_at_pickup")
    assert cash.status_code == 409
    error = cash.get_json()["error"]
    assert error["code"] == "already_paid" and "card payment has just gone through" in \
        error["message"]
    # Nothing of the refused request was written: no pickup payment, no hold without expiry.
    (card_payment,) = payments_of(db, pay.order)
    assert card_payment.id == card.get_json()["id"]
    order = db.session.get(Order, pay.order.id)
    assert order.payment_provider == "stripe" and order.expires_at is not None

    body, headers = signed(intent_event("evt_paid", "payment_intent.succeeded", reference))
    assert client.post("/payments/stripe/webhook", data=body, headers=headers).status_code == 200
    (card_payment,) = payments_of(db, pay.order)
    assert card_payment.status == PaymentStatus.SUCCEEDED
    assert db.session.get(Order, pay.order.id).status == OrderStatus.PAID
    assert db.session.scalar(select(func.count(Refund.id))) == 0
    assert len(ledger_rows()) == 2  # one sale, one commission: taken once


def test_pay_at_pickup_while_stripe_processes_the_card_is_409(db, pay, monkeypatch):
    pay("stripe")
    monkeypatch.setattr(StripeProvider, "cancel_payment", lambda self, payment: ProviderPayment(
        status=PaymentStatus.PENDING, reference=payment.provider_reference))
    cash = pay("pay_at_pickup")
    assert cash.status_code == 409
    assert cash.get_json()["error"]["code"] == "payment_in_progress"
    (card_payment,) = payments_of(db, pay.order)
    assert card_payment.status == PaymentStatus.PENDING
    assert db.session.get(Order, pay.order.id).payment_provider == "stripe"


def test_pay_at_pickup_when_stripe_does_not_answer_changes_nothing(db, pay, monkeypatch, outbox):
    pay("stripe")

    def unavailable(self, payment):
        raise GatewayUnavailable("timed out")

    monkeypatch.setattr(StripeProvider, "cancel_payment", unavailable)
    cash = pay("pay_at_pickup")
    assert cash.status_code == 503
    assert cash.get_json()["error"]["code"] == "payment_provider_unavailable"
    (card_payment,) = payments_of(db, pay.order)
    assert card_payment.status == PaymentStatus.PENDING
    order = db.session.get(Order, pay.order.id)
    assert order.payment_provider == "stripe" and order.expires_at is not None
    assert outbox() == []  # no "order placed" mail for a hold that was rolled back


def test_a_card_after_choosing_pay_at_pickup_is_409(db, client, login, shop, pay):
    cash = pay("pay_at_pickup")
    assert cash.status_code == 201

    card = pay("stripe")
    assert card.status_code == 409
    assert card.get_json()["error"]["code"] == "pay_at_pickup_chosen"
    assert "cancel the order and order again" in card.get_json()["error"]["message"]
    persian = pay("stripe", lang="fa").get_json()["error"]["message"]
    assert "هنگام تحویل" in persian and not re.search(r"[A-Za-z0-9]", persian)

    # The pages answer the same: the pay form and the development test card.
    login(shop.buyer)
    number = pay.order.number
    referrer = {"Referer": f"http://localhost/checkout/{number}/pay"}
    page = client.post(f"/checkout/{number}/pay?lang=en", data={"provider": "stripe"},
                       headers=referrer)
    assert page.status_code == 302
    assert "cancel the order and order again" in client.get(
        f"/orders/{number}?lang=en").get_data(as_text=True)
    test_card = client.post(f"/checkout/{number}/pay/test-card?lang=en",
                            data={"card": "pm_card_visa"})
    assert test_card.status_code == 409

    (cash_payment,) = payments_of(db, pay.order)  # no card payment, no PaymentIntent
    assert cash_payment.provider == "pay_at_pickup" and cash_payment.is_open
    order = db.session.get(Order, pay.order.id)
    assert order.payment_provider == "pay_at_pickup" and order.expires_at is None


def test_paying_a_paid_order_again_is_409_already_paid(db, client, shop, place_test_order,
                                                      api_token):
    order = place_test_order(shop.buyer, shop.product_a, paid=True)
    paid_by = [p.id for p in payments_of(db, order)]
    for provider in ("stripe", "pay_at_pickup"):
        response = client.post(f"/api/v1/orders/{order.number}/payments",
                               headers=api_token(shop.buyer), json={"provider": provider})
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "already_paid"
    assert [p.id for p in payments_of(db, order)] == paid_by  # the one that paid it; no new one


@pytest.mark.parametrize("provider", ["stripe", "pay_at_pickup"])
def test_paying_after_the_hold_ran_out_is_refused(db, pay, provider):
    """Past its hold the order's stock is about to go back: a payment now could sell it twice."""
    db.session.execute(update(Order).where(Order.id == pay.order.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    response = pay(provider)

    assert response.status_code == 409
    assert response.json["error"]["code"] == "order_expired"
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    fa = pay(provider, lang="fa").json["error"]["message"]
    assert not re.search(r"[A-Za-z0-9]", fa)
