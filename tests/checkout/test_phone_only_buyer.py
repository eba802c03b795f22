"""A buyer who signed up by phone alone (no email, issue 17) checks out and pays at pickup:
the order is placed and paid, the trainees get their mail, the buyer none."""

from sqlalchemy import select

from marketplace.core.db import utcnow
from marketplace.orders.models import Order
from tests.checkout.test_pages import checkout_form


def test_a_phone_only_buyer_checks_out(client, db, login, shop, fill_cart, outbox):
    buyer = shop.buyer
    buyer.email, buyer.password_hash = None, ""
    buyer.phone, buyer.phone_verified_at = "+989121234567", utcnow()
    db.session.commit()
    fill_cart(buyer, shop.tableau_a, shop.tableau_b)
    login(buyer)
    response = client.post("/checkout", data=checkout_form(shop, expected_subtotal="215000"))
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert order.contact_email == ""
    response = client.post(f"/checkout/{order.number}/pay", data={"provider": "pay_at_pickup"})
    assert response.status_code == 302
    assert client.get(f"/orders/{order.number}").status_code == 200
    recipients = [mail["To"] for mail in outbox()]
    assert len(recipients) == 2 and all(recipients)  # the two trainees, not the buyer
