"""Shipping that costs more (issue 17): a buyer whose pickup booth-day went away chooses
shipping, pays the trainee's fee through the order's provider (Zarinpal's stand-in, rials),
and only once it is paid does the part switch to shipping and the fee reach the trainee's
ledger — once, however often the callback comes. Meanwhile the other choices wait; a payment
given up leaves the choice open; nobody else can start or settle one."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from marketplace.orders.models import Fulfilment, VendorOrder
from marketplace.payments.models import LedgerEntry, LedgerKind, PaymentStatus, ShippingPayment
from tests.factories.payments import zarinpal_config
from tests.payments.conftest import SHIPPING_FEE
from tests.payments.test_zarinpal_flow import gateway

FEE = SHIPPING_FEE
ADDRESS = "Tabriz, Valiasr St. 12"


@pytest.fixture
def app_config(zarinpal_standin):
    return {**zarinpal_config(zarinpal_standin), "MARKETPLACE_BASE_URL": "http://shop.test"}


def _ship(client, order, part_id, address=ADDRESS):
    return client.post(f"/orders/{order.number}/pickups/{part_id}/ship?lang=en",
                       data={"shipping_address": address})


def _authority(answer) -> str:
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    location = urlsplit(answer.headers["Location"])
    assert location.path.startswith("/pg/StartPay/")
    return location.path.rsplit("/", 1)[1]


def _state(db, part_id):
    db.session.expire_all()
    part = db.session.get(VendorOrder, part_id)
    payments = db.session.scalars(select(ShippingPayment).order_by(ShippingPayment.id)).all()
    fees = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.vendor_order_id == part_id, LedgerEntry.kind == LedgerKind.SHIPPING)).all()
    return part, payments, fees


def test_the_fee_is_paid_before_the_part_ships_and_settles_once(
        db, client, login, lost_pickup, zarinpal_standin, stall):
    buyer, order, part_id = lost_pickup
    login(buyer)
    page = client.get(f"/orders/{order.number}/pickups/{part_id}?lang=en")
    assert page.status_code == 200 and 'id="shipping-fee"' in page.get_data(as_text=True)

    authority = _authority(_ship(client, order, part_id, "Tabriz, first try"))
    # A double submit answers the same payment (with the address given last).
    assert _authority(_ship(client, order, part_id)) == authority
    part, (payment,), fees = _state(db, part_id)
    assert (payment.amount, payment.currency, payment.status) == (FEE, "IRR",
                                                                  PaymentStatus.PENDING)
    assert payment.shipping_address == ADDRESS and payment.provider == "zarinpal"
    assert part.fulfilment == Fulfilment.PICKUP and part.pickup_needs_choice and not fees
    # While the fee is being paid, the other choices wait.
    for choice, data in (("rebook", {"assignment_id": stall.assignments[1].id}),
                         ("refund", {})):
        answer = client.post(f"/orders/{order.number}/pickups/{part_id}/{choice}", data=data)
        assert answer.status_code == 409, choice

    callback = gateway(zarinpal_standin, authority, "pay")
    for _ in range(2):  # the buyer reloads the callback: settled once
        answer = client.get(callback)
        assert answer.status_code == 303
        assert urlsplit(answer.headers["Location"]).path == f"/orders/{order.number}"
    part, (payment,), fees = _state(db, part_id)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None
    assert part.fulfilment == Fulfilment.SHIPPING and part.shipping_address == ADDRESS
    assert not part.pickup_needs_choice and part.pickup_assignment_id is None
    assert [(f.trainee_id, f.amount) for f in fees] == [(stall.trainee.id, FEE)]


def test_a_payment_given_up_leaves_the_choice_and_nobody_else_pays(
        db, client, login, lost_pickup, zarinpal_standin, stall, create_user):
    buyer, order, part_id = lost_pickup
    login(create_user())  # someone else: the part and its payment are missing to them
    assert _ship(client, order, part_id).status_code == 404
    login(buyer)
    authority = _authority(_ship(client, order, part_id))
    payment_id = _state(db, part_id)[1][0].id
    login(create_user())
    assert client.post(f"/orders/shipping-payments/{payment_id}/test-card",
                       data={"card": "4242424242424242"}).status_code == 404
    # A callback naming another payment than its authority's is refused, nothing written.
    foreign = client.get(f"/payments/zarinpal/shipping-callback/{payment_id + 1}"
                         f"?Authority={authority}&Status=OK")
    assert foreign.status_code == 404

    login(buyer)
    back = client.get(gateway(zarinpal_standin, authority, "cancel"))
    assert back.status_code == 303
    part, (payment,), fees = _state(db, part_id)
    assert payment.status in (PaymentStatus.CANCELLED, PaymentStatus.FAILED)
    assert part.pickup_needs_choice and part.fulfilment == Fulfilment.PICKUP and not fees
    # Nothing open any more: another day can be chosen.
    answer = client.post(f"/orders/{order.number}/pickups/{part_id}/rebook",
                         data={"assignment_id": stall.assignments[1].id})
    assert answer.status_code == 303
    part = _state(db, part_id)[0]
    assert part.pickup_assignment_id == stall.assignments[1].id
