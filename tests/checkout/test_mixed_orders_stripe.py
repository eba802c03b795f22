"""Mixed orders in the dollar world (the Stripe stand-in and pay at pickup): the shipped part is
paid by card, the pickup part at the booth; the PaymentIntent is for the online part only, and
each trainee's statement is right to the cent. (The rial world: test_mixed_orders.py.)"""

import pytest
from sqlalchemy import select

from marketplace.orders.models import Order, OrderStatus, PaymentMethod, VendorOrderStatus
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.providers import get_provider
from tests.checkout.conftest import standin_settings
from tests.checkout.test_mixed_orders import SHIPPING_FEE, mixed_form, parts, statement


@pytest.fixture
def app_config(stripe_standin):
    return standin_settings(stripe_standin)


def test_shipped_part_paid_by_card_and_pickup_part_at_the_booth(
        app, db, client, login, shop, fill_cart, set_shipping_fee):
    set_shipping_fee(shop.trainee_a, SHIPPING_FEE)
    fill_cart(shop.buyer, shop.tableau_a, shop.tableau_b)
    login(shop.buyer)
    response = client.post("/checkout?lang=en", data=mixed_form(shop))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    order = db.session.scalar(select(Order))
    assert order.currency == "USD" and order.online_amount == 150_000

    page = client.get(f"/checkout/{order.number}/pay?lang=en").get_data(as_text=True)
    assert "paid at the booth" in page
    response = client.post(f"/checkout/{order.number}/pay/test-card",
                           data={"card": "pm_card_visa"})
    assert response.status_code == 302
    db.session.expire_all()
    payment = db.session.scalars(select(Payment)).one()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.amount == 150_000
    # Stripe holds the same amount (settling checks it too).
    assert get_provider("stripe").fetch_payment(payment).amount == 150_000
    assert db.session.get(Order, order.id).status == OrderStatus.PAID
    shipped, picked_up = parts(db, order.id)
    assert picked_up.payment_method == PaymentMethod.AT_PICKUP
    assert (shipped.status, picked_up.status) == \
        (VendorOrderStatus.PAID, VendorOrderStatus.PENDING_PAYMENT)

    login(shop.trainee_b.user)
    assert client.post(f"/payments/vendor-orders/{picked_up.id}/paid-at-pickup").status_code \
        == 302
    assert statement(client, login, shop.trainee_a.user) == [
        ["opening_balance", "", "0.00"],
        ["sale", "1200.00", "1200.00"], ["shipping", "300.00", "1500.00"],
        ["commission", "-120.00", "1380.00"], ["closing_balance", "", "1380.00"]]
    assert statement(client, login, shop.trainee_b.user) == [
        ["opening_balance", "", "0.00"],
        ["sale", "950.00", "950.00"], ["commission", "-95.00", "855.00"],
        ["payout", "-950.00", "-95.00"], ["closing_balance", "", "-95.00"]]
