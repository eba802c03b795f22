"""POST /payments/stripe/webhook: signatures on the raw body, replays, out-of-order and repeated
deliveries, concurrent deliveries, and a payment that lands after its stock was sold."""

import re
import threading
import time

import pytest
from sqlalchemy import func, select

from marketplace.catalogue.models import ProductKind
from marketplace.orders.models import OrderStatus
from marketplace.orders.services import orders as order_life
from marketplace.payments.gateway import GatewayDeclined, StripeGateway
from marketplace.payments.models import (
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from marketplace.payments.services import payments
from tests.factories.orders import make_due
from tests.payments.conftest import WEBHOOK_SECRET, intent_event, signed, standin_config

URL = "/payments/stripe/webhook"


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


@pytest.fixture
def started(db, shop, place_test_order, app):
    """An order whose PaymentIntent the buyer then pays in the browser (not through us)."""

    def make(*products, buyer=None, card="pm_card_visa"):
        buyer = buyer or shop.buyer
        order = place_test_order(buyer, *(products or (shop.product_a,)))
        payment = payments.start_payment(buyer, order, "stripe")
        db.session.commit()
        if card:
            StripeGateway.from_config().confirm_payment_intent(
                payment.provider_reference, card, f"browser-{payment.idempotency_key}")
        return order, payment

    return make


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def deliver(client, event, **kwargs):
    body, headers = signed(event, **kwargs)
    return client.post(URL, data=body, headers=headers)


def test_a_signed_event_settles_the_payment(db, client, started, ledger_rows):
    order, payment = started()
    response = deliver(client, intent_event("evt_ok", "payment_intent.succeeded",
                                            payment.provider_reference))
    assert response.status_code == 200
    assert response.get_json() == {"received": True, "outcome": "processed"}
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    assert payment.status == PaymentStatus.SUCCEEDED
    assert len(ledger_rows()) == 2


@pytest.mark.parametrize("tamper", ["body", "secret", "stale", "missing", "garbage"])
def test_bad_signatures_are_refused_and_nothing_is_written(db, client, started, tamper):
    order, payment = started()
    event = intent_event("evt_bad", "payment_intent.succeeded", payment.provider_reference)
    body, headers = signed(event)
    if tamper == "body":
        body = body.replace('"succeeded"', '"processing"')
    elif tamper == "secret":
        body, headers = signed(event, secret="whsec_not_ours")
    elif tamper == "stale":   # a captured delivery replayed an hour later
        body, headers = signed(event, timestamp=int(time.time()) - 3600)
    elif tamper == "missing":
        headers.pop("Stripe-Signature")
    else:
        headers["Stripe-Signature"] = "t=abc,v1=zzz"
    response = client.post(URL, data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert count(db, WebhookEvent) == 0
    db.session.expire_all()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize("ahead", [3600, 10 * 365 * 86400])
def test_a_signature_dated_in_the_future_is_refused(db, client, started, ahead):
    """The SDK only refuses old signatures; one made for a future time could be replayed
    until then, so it is refused too — a clear 400, nothing written."""
    order, payment = started()
    event = intent_event("evt_future", "payment_intent.succeeded", payment.provider_reference)
    body, headers = signed(event, timestamp=int(time.time()) + ahead)
    response = client.post(f"{URL}?lang=en", data=body, headers=headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "timestamp_in_future"
    assert "too far in the future" in error["message"]
    persian = client.post(f"{URL}?lang=fa", data=body, headers=headers).get_json()["error"]
    assert "آینده" in persian["message"] and not re.search(r"[A-Za-z0-9]", persian["message"])
    assert count(db, WebhookEvent) == 0
    db.session.expire_all()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == PaymentStatus.PENDING


def test_a_signature_a_little_ahead_of_our_clock_is_accepted(db, client, started):
    """Clocks differ by a few seconds; within the tolerance (5 minutes) the event counts."""
    order, payment = started()
    event = intent_event("evt_skew", "payment_intent.succeeded", payment.provider_reference)
    body, headers = signed(event, timestamp=int(time.time()) + 60)
    response = client.post(URL, data=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    assert order.status == OrderStatus.PAID


def test_a_replayed_event_does_nothing(db, client, started, ledger_rows):
    _order, payment = started()
    event = intent_event("evt_once", "payment_intent.succeeded", payment.provider_reference)
    assert deliver(client, event).get_json()["outcome"] == "processed"
    second = deliver(client, event)
    assert second.status_code == 200
    assert second.get_json()["outcome"] == "duplicate"
    assert count(db, WebhookEvent) == 1
    assert len(ledger_rows()) == 2


def test_each_event_ten_times_out_of_order_changes_state_once(db, client, started, outbox,
                                                              ledger_rows):
    order, payment = started(card=None)
    pi = payment.provider_reference
    # What Stripe would send for a decline followed by a successful second card …
    gateway = StripeGateway.from_config()
    with pytest.raises(GatewayDeclined):
        gateway.confirm_payment_intent(pi, "pm_card_chargeDeclined", "browser-1")
    gateway.confirm_payment_intent(pi, "pm_card_visa", "browser-2")
    events = [intent_event("evt_created", "payment_intent.created", pi,
                           status="requires_payment_method"),
              intent_event("evt_failed", "payment_intent.payment_failed", pi,
                           status="requires_payment_method"),
              intent_event("evt_succeeded", "payment_intent.succeeded", pi),
              intent_event("evt_charge", "charge.succeeded", pi)]
    events[3]["data"]["object"] = {"id": "ch_1", "object": "charge", "payment_intent": pi}
    # … delivered newest first, interleaved, each ten times.
    order_of_delivery = [events[2], events[1], events[3], events[0]] * 10
    mails_before = len(outbox())
    outcomes = [deliver(client, e).get_json()["outcome"] for e in order_of_delivery]

    assert outcomes[:4] == ["processed"] * 4
    assert set(outcomes[4:]) == {"duplicate"}
    assert count(db, WebhookEvent) == 4
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    assert payment.status == PaymentStatus.SUCCEEDED
    assert len(ledger_rows()) == 2
    order_mails = len(outbox()) - mails_before
    # One confirmation to the buyer and one "new order" to the trainee, once.
    assert order_mails == 2


def test_concurrent_deliveries_of_one_event_process_it_once(db, app, started, ledger_rows):
    order, payment = started()
    body, headers = signed(intent_event("evt_race", "payment_intent.succeeded",
                                        payment.provider_reference))
    db.session.commit()   # release SQLite's write lock taken by reading the payment above
    statuses, outcomes = [], []
    barrier = threading.Barrier(10)

    def hit():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(URL, data=body, headers=headers)
            statuses.append(response.status_code)
            outcomes.append(response.get_json()["outcome"])

    threads = [threading.Thread(target=hit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 10
    assert sorted(outcomes) == ["duplicate"] * 9 + ["processed"]
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    assert len(ledger_rows()) == 2


def test_unknown_intent_is_acknowledged_and_ignored(db, client):
    response = deliver(client, intent_event("evt_other", "payment_intent.succeeded", "pi_nope"))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored"


def test_webhook_is_404_when_stripe_is_not_enabled(db, client, app):
    app.config["PAYMENT_PROVIDERS"] = ("pay_at_pickup",)
    response = deliver(client, intent_event("evt_x", "payment_intent.succeeded", "pi_x"))
    assert response.status_code == 404
    assert count(db, WebhookEvent) == 0


def test_payment_after_expiry_with_stock_sold_is_refunded_and_the_buyer_told(
        db, client, started, create_product, shop, create_user, place_test_order, outbox,
        ledger_rows):
    tableau = create_product(trainee=shop.trainee_a, kind=ProductKind.ONE_OF_A_KIND)
    order, payment = started(tableau, card=None)
    make_due(order)
    assert order_life.expire_order(order)
    db.session.commit()
    other = place_test_order(create_user(), tableau)      # the stock goes to someone else
    assert other.status == OrderStatus.PENDING_PAYMENT
    StripeGateway.from_config().confirm_payment_intent(payment.provider_reference,
                                                       "pm_card_visa", "late-browser")
    mails_before = len(outbox())

    response = deliver(client, intent_event("evt_late", "payment_intent.succeeded",
                                            payment.provider_reference))
    assert response.status_code == 200
    db.session.expire_all()
    assert order.status == OrderStatus.EXPIRED
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.refunded_amount == payment.amount
    refund = db.session.scalars(select(Refund)).one()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.provider_reference.startswith("re_")
    assert refund.amount == payment.amount
    assert ledger_rows() == []
    assert len(outbox()) == mails_before + 1
    mails = [m for m in outbox() if m["Subject"] == "Your payment was refunded"]
    assert len(mails) == 1
    assert order.number in mails[0].get_content()
    assert "sold to someone else" in mails[0].get_content()
    assert "the way you paid" in mails[0].get_content()  # Stripe refunds to the card
    # A second delivery of another event for the same intent refunds nothing more.
    deliver(client, intent_event("evt_late_2", "charge.succeeded",
                                 payment.provider_reference))
    assert count(db, Refund) == 1


def test_payment_after_expiry_with_stock_still_there_revives_the_order(db, client, started,
                                                                       ledger_rows):
    order, payment = started(card=None)
    make_due(order)
    assert order_life.expire_order(order)
    db.session.commit()
    StripeGateway.from_config().confirm_payment_intent(payment.provider_reference,
                                                       "pm_card_visa", "late-ok")
    deliver(client, intent_event("evt_revive", "payment_intent.succeeded",
                                 payment.provider_reference))
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    assert len(ledger_rows()) == 2
    assert count(db, Refund) == 0


def test_a_second_successful_payment_of_a_paid_order_is_refunded(db, client, shop, started,
                                                                 ledger_rows):
    order, first = started(card=None)
    # The buyer opened two tabs: a second payment exists before the first one is settled.
    second = Payment(order_id=order.id, provider="stripe", amount=first.amount,
                     currency=first.currency, status=PaymentStatus.PENDING,
                     idempotency_key=f"order-{order.number}-payment-2")
    db.session.add(second)
    db.session.commit()
    gateway = StripeGateway.from_config()
    intent = gateway.create_payment_intent(second.money, second.idempotency_key)
    second.provider_reference = intent.id
    db.session.commit()
    for payment, event_id in ((first, "evt_tab_1"), (second, "evt_tab_2")):
        gateway.confirm_payment_intent(payment.provider_reference, "pm_card_visa",
                                       f"tab-{event_id}")
        deliver(client, intent_event(event_id, "payment_intent.succeeded",
                                     payment.provider_reference))
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    assert second.refunded_amount == second.amount
    assert first.refunded_amount == 0
    assert len(ledger_rows()) == 2


def test_signature_uses_the_configured_secret(app):
    assert app.config["STRIPE_WEBHOOK_SECRET"] == WEBHOOK_SECRET


def test_an_event_for_an_intent_the_provider_no_longer_knows_is_acknowledged(db, client,
                                                                           started):
    _order, payment = started(card=None)
    payment.provider_reference = "pi_unknown_to_stripe"
    db.session.commit()
    response = deliver(client, intent_event("evt_gone", "payment_intent.succeeded",
                                            "pi_unknown_to_stripe"))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "unreadable"
    db.session.expire_all()
    assert payment.status == PaymentStatus.PENDING
