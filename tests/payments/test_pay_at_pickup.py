"""Only payments makes an order paid: a pay-at-pickup order is paid once no part of it waits,
whether its last waiting part was paid at the booth or cancelled by its trainee; and the
demo's and tests' paid orders are recorded by payments (record_paid_order) as a payment that
succeeded."""

import pytest
from sqlalchemy import select

from marketplace.core.errors import Conflict
from marketplace.orders.models import Order, OrderStatus, VendorOrderStatus
from marketplace.orders.services import fulfilment
from marketplace.orders.services.orders import expire_order
from marketplace.payments.models import LedgerKind, Payment, PaymentStatus
from marketplace.payments.services import pay_at_pickup, payments
from tests.factories.orders import make_due
from tests.payments.conftest import STRIPE_UNIT_CONFIG


@pytest.fixture
def app_config():
    return STRIPE_UNIT_CONFIG


@pytest.fixture
def held(db, shop, place_test_order):
    """A two-part order the buyer pays at pickup: (order, part of trainee a, part of b)."""
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    payments.start_payment(shop.buyer, order, "pay_at_pickup")
    db.session.commit()
    one, two = order.vendor_orders
    return order, one, two


def pickup_payment(db, order) -> Payment:
    db.session.expire_all()
    return db.session.scalars(select(Payment).where(Payment.order_id == order.id)).one()


def test_cancelling_the_last_waiting_part_makes_the_order_paid(db, held):
    order, one, two = held
    pay_at_pickup.confirm_paid_at_pickup(one.trainee.user, one)
    db.session.commit()
    assert db.session.get(Order, order.id).status == OrderStatus.PENDING_PAYMENT
    assert pickup_payment(db, order).status == PaymentStatus.PENDING
    fulfilment.mark_vendor_order(two.trainee.user, two, "cancel")
    db.session.commit()
    order = db.session.get(Order, order.id)
    assert order.status == OrderStatus.PAID and order.paid_at is not None
    assert order.total == one.total
    payment = pickup_payment(db, order)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.settled_at is not None


def test_paying_the_last_waiting_part_makes_the_order_paid(db, held):
    order, one, two = held
    fulfilment.mark_vendor_order(two.trainee.user, two, "cancel")
    db.session.commit()
    assert db.session.get(Order, order.id).status == OrderStatus.PENDING_PAYMENT
    pay_at_pickup.confirm_paid_at_pickup(one.trainee.user, one)
    db.session.commit()
    assert db.session.get(Order, order.id).status == OrderStatus.PAID
    assert pickup_payment(db, order).status == PaymentStatus.SUCCEEDED


def test_cancelling_every_part_does_not_make_it_paid(db, held):
    order, one, two = held
    for part in (one, two):
        fulfilment.mark_vendor_order(part.trainee.user, part, "cancel")
    db.session.commit()
    assert db.session.get(Order, order.id).status == OrderStatus.CANCELLED
    assert pickup_payment(db, order).status == PaymentStatus.PENDING


def test_record_paid_order_is_a_payment_that_succeeded(db, shop, place_test_order, ledger_rows):
    order = place_test_order(shop.buyer, shop.product_a)
    payment = payments.record_paid_order(order, "stripe", "pi_recorded")
    db.session.commit()
    assert (payment.status, payment.provider, payment.provider_reference) == \
        (PaymentStatus.SUCCEEDED, "stripe", "pi_recorded")
    assert payment.money == order.total and payment.settled_at is not None
    assert order.status == OrderStatus.PAID and order.payment_provider == "stripe"
    assert order.vendor_orders[0].status == VendorOrderStatus.PAID
    booked = {row.kind for row in ledger_rows(vendor_order_id=order.vendor_orders[0].id)}
    assert LedgerKind.SALE in booked


def test_record_paid_order_refuses_an_order_whose_stock_went(db, shop, place_test_order):
    order = place_test_order(shop.buyer, (shop.product_a, 3))
    make_due(order)
    assert expire_order(order)
    place_test_order(None, (shop.product_a, 3))  # someone else takes the stock back
    with pytest.raises(Conflict) as error:
        payments.record_paid_order(order, "stripe", "pi_late")
    assert error.value.code == "not_pending"
