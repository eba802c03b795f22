"""Paying orders through the Stripe stand-in: test cards, declines, authentication, somebody
else's order, and the ledger rows a paid order books."""

import pytest
from sqlalchemy import func, select

from marketplace.core.errors import BadRequest, NotFound
from marketplace.orders.models import OrderStatus, VendorOrderStatus
from marketplace.payments.models import LedgerKind, Payment, PaymentStatus
from marketplace.payments.services import payments
from tests.payments.conftest import standin_config


@pytest.fixture
def app_config(standin):
    return standin_config(standin)


def _pay(db, buyer, order, card="pm_card_visa"):
    payment = payments.start_payment(buyer, order, "stripe")
    db.session.commit()
    payment = payments.confirm_test_payment(buyer, payment, card)
    db.session.commit()
    return payment


def test_visa_pays_the_order_and_books_each_trainee(db, shop, place_test_order, ledger_rows,
                                                     outbox):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    assert payment.provider_reference.startswith("pi_")
    assert payment.client_secret.startswith(payment.provider_reference)
    assert payment.idempotency_key == f"order-{order.number}-payment-1"
    payment = payments.confirm_test_payment(shop.buyer, payment, "pm_card_visa")
    db.session.commit()

    assert payment.status == PaymentStatus.SUCCEEDED
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert {vo.status for vo in order.vendor_orders} == {VendorOrderStatus.PAID}
    rows = {(r.trainee_id, r.kind): r.amount for r in ledger_rows()}
    assert rows == {
        (shop.trainee_a.id, LedgerKind.SALE): 2500,
        (shop.trainee_a.id, LedgerKind.COMMISSION): -250,
        (shop.trainee_b.id, LedgerKind.SALE): 4000,
        (shop.trainee_b.id, LedgerKind.COMMISSION): -400,
    }
    # Settling again (a late webhook, the reconcile command) changes nothing.
    payments.settle_payment(payment)
    db.session.commit()
    assert len(ledger_rows()) == 4


def test_shipping_is_booked_and_commission_is_on_goods_only(db, shop, place_test_order,
                                                            set_shipping_fee, ledger_rows,
                                                            app):
    app.config["COMMISSION_PERCENT"] = 15
    set_shipping_fee(shop.trainee_a, 700)
    order = place_test_order(shop.buyer, (shop.product_a, 3), fulfilment="shipping")
    _pay(db, shop.buyer, order)
    rows = {r.kind: r.amount for r in ledger_rows(trainee_id=shop.trainee_a.id)}
    # 15 % of 7500 = 1125 exactly; shipping 700 is not commissioned.
    assert rows == {LedgerKind.SALE: 7500, LedgerKind.SHIPPING: 700,
                    LedgerKind.COMMISSION: -1125}


def test_commission_rounds_half_up_without_losing_a_unit(db, shop, create_product, ledger_rows,
                                                         place_test_order, app):
    app.config["COMMISSION_PERCENT"] = 10
    odd = create_product(trainee=shop.trainee_a, price_amount=1235, stock=2)
    _pay(db, shop.buyer, place_test_order(shop.buyer, odd))
    rows = {r.kind: r.amount for r in ledger_rows()}
    assert rows[LedgerKind.COMMISSION] == -124   # 123.5 → 124
    assert rows[LedgerKind.SALE] + rows[LedgerKind.COMMISSION] == 1235 - 124


def test_declined_card_keeps_the_order_pending_and_a_retry_pays(db, shop, place_test_order,
                                                                ledger_rows):
    order = place_test_order(shop.buyer, shop.product_a)
    declined = _pay(db, shop.buyer, order, "pm_card_chargeCustomerFail")
    assert declined.status == PaymentStatus.FAILED
    assert declined.error_code == "card_declined"
    assert "declined" in payments.payment_message(declined)
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert ledger_rows() == []

    paid = _pay(db, shop.buyer, order, "pm_card_visa")
    assert paid.id != declined.id
    assert paid.idempotency_key == f"order-{order.number}-payment-2"
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert len(ledger_rows(kind=LedgerKind.SALE)) == 1


def test_authentication_required_waits(db, shop, place_test_order):
    order = place_test_order(shop.buyer, shop.product_a)
    payment = _pay(db, shop.buyer, order, "pm_card_authenticationRequired")
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert "confirm" in payments.payment_message(payment)
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_paying_an_order_that_is_not_yours_is_404(db, shop, place_test_order, create_user,
                                                  create_admin, client, login):
    order = place_test_order(shop.buyer, shop.product_a)
    stranger = create_user()
    for actor in (stranger, create_admin(), None):
        with pytest.raises(NotFound):
            payments.start_payment(actor, order, "stripe")
    db.session.rollback()
    login(stranger)
    response = client.post(f"/checkout/{order.number}/pay/test-card",
                           data={"card": "pm_card_visa"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    db.session.refresh(order)
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_someone_elses_payment_cannot_be_confirmed(db, shop, place_test_order, create_user):
    order = place_test_order(shop.buyer, shop.product_a)
    payment = payments.start_payment(shop.buyer, order, "stripe")
    db.session.commit()
    with pytest.raises(NotFound):
        payments.confirm_test_payment(create_user(), payment, "pm_card_visa")


def test_the_buyer_pays_with_the_test_card_buttons(db, shop, place_test_order, client, login):
    order = place_test_order(shop.buyer, shop.product_a, shop.product_b)
    login(shop.buyer)
    response = client.post(f"/checkout/{order.number}/pay/test-card",
                           data={"card": "pm_card_chargeDeclined"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Your card was declined" in response.get_data(as_text=True)
    response = client.post(f"/checkout/{order.number}/pay/test-card",
                           data={"card": "pm_card_visa"}, follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID


def test_a_provider_that_is_not_enabled_is_refused(db, shop, place_test_order, app):
    app.config["PAYMENT_PROVIDERS"] = ("pay_at_pickup",)
    order = place_test_order(shop.buyer, shop.product_a)
    with pytest.raises(BadRequest):
        payments.start_payment(shop.buyer, order, "stripe")
