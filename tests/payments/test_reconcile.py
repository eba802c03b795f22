"""A crash between charging and committing: Stripe has the money, our database never heard of
it. `flask reconcile-payments` asks Stripe (the stand-in) and repairs the order."""

import pytest
from sqlalchemy import func, select

from marketplace.orders.models import OrderStatus
from marketplace.payments.models import LedgerEntry, LedgerKind, Payment, PaymentStatus
from marketplace.payments.services import payments
from tests.factories.orders import make_due
from tests.payments.conftest import standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


def test_crash_after_charging_is_repaired_by_reconcile(db, shop, place_test_order, runner,
                                                       outbox):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    payment_id = payment.id

    payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")  # Stripe charges …
    db.session.rollback()                                               # … the commit is lost

    payment = db.session.get(Payment, payment_id)
    assert payment.status == PaymentStatus.PENDING
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT

    result = runner.invoke(args=["reconcile-payments"])
    assert result.exit_code == 0, result.output
    assert "1 succeeded" in result.output
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    assert db.session.get(Payment, payment_id).status == PaymentStatus.SUCCEEDED
    sales = db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == LedgerKind.SALE))
    assert sales == 2

    # Running it again finds nothing open and changes nothing.
    result = runner.invoke(args=["reconcile-payments"])
    assert "nothing open" in result.output
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 4


def test_the_retried_confirmation_after_a_crash_does_not_charge_twice(db, shop,
                                                                      place_test_order):
    order = place_test_order(shop.buyer, shop.product_a)
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")
    db.session.rollback()
    # The buyer presses the button again: same confirmation key, Stripe's answer is replayed.
    payment = payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")
    db.session.commit()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.confirm_attempts == 1
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID


def test_reconcile_closes_the_intent_of_an_expired_order(db, shop, place_test_order, runner):
    from marketplace.orders.services import orders as order_life
    from marketplace.payments.gateway import StripeGateway

    order = place_test_order(shop.buyer, shop.product_a)
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    make_due(order)
    assert order_life.expire_order(order)
    db.session.commit()
    result = runner.invoke(args=["reconcile-payments"])
    assert "1 cancelled" in result.output, result.output
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.CANCELLED
    assert StripeGateway.from_config().retrieve_payment_intent(
        payment.provider_reference).status == "canceled"
    assert "nothing open" in runner.invoke(args=["reconcile-payments"]).output


def test_switching_to_pay_at_pickup_closes_the_card_payment(db, shop, place_test_order, runner):
    """The card payment is cancelled with Stripe when the buyer switches (not only later by
    reconcile), so a forgotten tab's card form can no longer pay it."""
    from marketplace.payments.gateway import StripeGateway

    order = place_test_order(shop.buyer, shop.product_a)
    card = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    cash = payments.start_payment(shop.buyer, order, "pay_at_pickup")
    db.session.commit()
    assert cash.id != card.id
    db.session.expire_all()
    assert card.status == PaymentStatus.CANCELLED
    assert StripeGateway.from_config().retrieve_payment_intent(
        card.provider_reference).status == "canceled"
    assert cash.status == PaymentStatus.PENDING
    assert order.status == OrderStatus.PENDING_PAYMENT
    result = runner.invoke(args=["reconcile-payments"])
    assert "nothing open" in result.output, result.output


def test_reconcile_closes_a_card_payment_whose_order_went_to_pickup(db, shop, place_test_order,
                                                                    runner):
    """A card payment left open while its order is held for pickup (switches made before the
    card payment was cancelled at once) is closed by reconcile."""
    order = place_test_order(shop.buyer, shop.product_a)
    card = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    order.payment_provider, order.expires_at = "pay_at_pickup", None
    db.session.commit()
    result = runner.invoke(args=["reconcile-payments"])
    assert "1 cancelled" in result.output, result.output
    db.session.expire_all()
    assert card.status == PaymentStatus.CANCELLED
    assert order.status == OrderStatus.PENDING_PAYMENT
