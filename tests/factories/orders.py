"""Factory fixtures for the orders domain: shipping fees, carts and placed orders.

`place_test_order(buyer, *products, fulfilment="pickup")` goes the real way (cart →
checkout.services.place_order) so stock is taken as in production; pass `paid=True` to have it
paid by card (payments.services.payments.record_paid_order: a succeeded payment, sales
booked). Each factory commits and returns the object.
"""

from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.core.db import utcnow
from marketplace.extensions import db as _db
from marketplace.orders.models import Order, ShippingRate


@pytest.fixture
def set_shipping_fee(db, app):
    def make(trainee, amount: int = 700) -> ShippingRate:
        rate = ShippingRate(trainee_id=trainee.id, amount=amount,
                            currency=app.config["MARKETPLACE_CURRENCY"])
        db.session.add(rate)
        db.session.commit()
        return rate

    return make


@pytest.fixture
def fill_cart(db):
    """fill_cart(user, *products_or_(product, qty)) -> the user's cart with those lines."""
    from marketplace.orders.services import cart as carts

    def make(user, *items):
        cart = carts.get_or_create_cart(user, None)
        for item in items:
            product, quantity = item if isinstance(item, tuple) else (item, 1)
            carts.add_to_cart(user, cart, product.id, quantity)
        db.session.commit()
        return cart

    return make


@pytest.fixture
def place_test_order(db, create_user, fill_cart):
    from marketplace.checkout.services import CheckoutChoices, place_order
    from marketplace.payments.services.payments import record_paid_order

    def make(buyer=None, *products, fulfilment="pickup", address="Tabriz, Valiasr St. 12",
             paid=False):
        buyer = buyer or create_user()
        cart = fill_cart(buyer, *products)
        trainee_ids = {(p[0] if isinstance(p, tuple) else p).trainee_id for p in products}
        choices = CheckoutChoices(contact_name=buyer.display_name,
                                  shipping_address=address,
                                  fulfilment=dict.fromkeys(trainee_ids, fulfilment))
        order = place_order(buyer, cart, choices)
        db.session.commit()
        if paid:
            record_paid_order(order, "stripe", f"pi_test_{order.number}")
            db.session.commit()
        return order

    return make


def make_due(order) -> None:
    """Move `order`'s hold into the past, as if its time to pay had run out."""
    _db.session.execute(update(Order).where(Order.id == order.id)
                        .values(expires_at=utcnow() - timedelta(minutes=1)))
    _db.session.commit()
