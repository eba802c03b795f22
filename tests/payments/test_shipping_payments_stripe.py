"""Shipping that costs more in a dollar world: the fee paid on the card page (the Stripe
stand-in's test cards), a declined card leaving the pickup to choose, and Stripe's webhook
finding the paid fee settled (one ledger row); the API's card payment; a part that was to be
paid in cash, paid by card with its shipping and refunded by Stripe once."""

import pytest
from sqlalchemy import func, select

from marketplace.orders.models import Fulfilment, VendorOrder, VendorOrderStatus
from marketplace.payments.models import (
    LedgerEntry,
    LedgerKind,
    PaymentStatus,
    Refund,
    RefundStatus,
    ShippingPayment,
)
from marketplace.payments.services import refunds
from tests.payments.conftest import intent_event, signed, standin_config
from tests.payments.test_shipping_payments import ADDRESS, FEE, _ship, _state


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


def test_the_fee_paid_by_card_ships_the_part_once(db, client, login, lost_pickup):
    buyer, order, part_id = lost_pickup
    login(buyer)
    page = _ship(client, order, part_id)
    assert page.status_code == 200 and "Pay for shipping" in page.get_data(as_text=True)
    payment = db.session.scalar(select(ShippingPayment))
    assert payment.provider == "stripe" and payment.provider_reference.startswith("pi_")

    declined = client.post(f"/orders/shipping-payments/{payment.id}/test-card",
                           data={"card": "pm_card_chargeDeclined"})
    assert declined.status_code == 303
    part, (payment,), fees = _state(db, part_id)
    assert payment.status == PaymentStatus.FAILED and part.pickup_needs_choice and not fees

    assert _ship(client, order, part_id).status_code == 200  # a new attempt
    payment = db.session.scalars(select(ShippingPayment).order_by(ShippingPayment.id.desc())
                                 ).first()
    paid = client.post(f"/orders/shipping-payments/{payment.id}/test-card",
                       data={"card": "pm_card_visa"})
    assert paid.status_code == 303 and paid.headers["Location"].endswith(f"/orders/{order.number}")
    body, headers = signed(intent_event("evt_ship_1", "payment_intent.succeeded",
                                        payment.provider_reference, amount=FEE))
    assert client.post("/payments/stripe/webhook", data=body, headers=headers).status_code == 200
    part, payments, fees = _state(db, part_id)
    assert part.fulfilment == Fulfilment.SHIPPING and part.shipping_address == ADDRESS
    assert [p.status for p in payments] == [PaymentStatus.FAILED, PaymentStatus.SUCCEEDED]
    assert [f.amount for f in fees] == [FEE]


def test_the_api_gives_the_card_payment_a_client_secret(db, client, api_token, lost_pickup):
    buyer, _order, part_id = lost_pickup
    answer = client.post(f"/api/v1/vendor-orders/{part_id}/shipping-payments",
                         headers=api_token(buyer), json={"shipping_address": ADDRESS})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["provider"] == "stripe" and body["amount"] == FEE
    assert body["client_secret"] and body["payment_url"] is None
    payment = db.session.get(ShippingPayment, body["id"])
    assert payment.provider_reference.startswith("pi_")


def test_a_cash_part_paid_by_card_is_refunded_by_stripe_once_whatever_is_replayed(
        app, db, client, login, lost_cash_pickup, stall):
    buyer, order, part_id = lost_cash_pickup
    login(buyer)
    assert _ship(client, order, part_id).status_code == 200
    payment = db.session.scalar(select(ShippingPayment))
    client.post(f"/orders/shipping-payments/{payment.id}/test-card",
                data={"card": "pm_card_visa"})
    part, (payment,), _fees = _state(db, part_id)
    goods = part.total_amount
    assert payment.status == PaymentStatus.SUCCEEDED and payment.amount == goods + FEE
    assert part.status == VendorOrderStatus.PAID and part.fulfilment == Fulfilment.SHIPPING

    with app.test_request_context():
        refunds.refund_vendor_order(stall.trainee.user, db.session.get(VendorOrder, part_id),
                                    goods, restock=True, reason="damaged")
        db.session.commit()
    db.session.expire_all()
    rows = db.session.scalars(select(Refund).order_by(Refund.id)).all()
    assert [(r.amount, r.shipping_payment_id, r.status) for r in rows] == \
        [(goods, payment.id, RefundStatus.SUCCEEDED), (FEE, payment.id, RefundStatus.SUCCEEDED)]
    assert all(r.provider_reference and r.provider_reference.startswith("re_") for r in rows)
    assert db.session.get(ShippingPayment, payment.id).refunded_amount == goods + FEE
    booked = db.session.scalars(select(LedgerEntry.amount).where(
        LedgerEntry.vendor_order_id == part_id, LedgerEntry.kind == LedgerKind.REFUND)).all()
    assert sorted(booked) == sorted([-goods, -FEE])

    # Stripe tells us again (a replayed delivery, then the same event under a new id, then
    # the charge's refund): the payment stays settled, nothing is booked or refunded twice.
    event = intent_event("evt_cash_ship_1", "payment_intent.succeeded",
                         payment.provider_reference, amount=goods + FEE)
    for delivery in (event, event, {**event, "id": "evt_cash_ship_2"},
                     {**event, "id": "evt_cash_ship_3", "type": "charge.refunded"}):
        body, headers = signed(delivery)
        assert client.post("/payments/stripe/webhook", data=body,
                           headers=headers).status_code == 200
    db.session.expire_all()
    assert len(db.session.scalars(select(Refund)).all()) == 2
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.vendor_order_id == part_id, LedgerEntry.kind == LedgerKind.REFUND)) == 2
    payment = db.session.get(ShippingPayment, payment.id)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.refunded_amount == goods + FEE
