"""Shipping that costs more in a dollar world: the fee paid on the card page (the Stripe
stand-in's test cards), a declined card leaving the pickup to choose, and Stripe's webhook
finding the paid fee settled (one ledger row)."""

import pytest
from sqlalchemy import select

from marketplace.orders.models import Fulfilment
from marketplace.payments.models import PaymentStatus, ShippingPayment
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
