"""200 buyers check out and pay at once for 50 one-of-a-kind items: exactly 50 win.

Real threads, each with its own app context (so its own session and connection), start
together at a barrier and run place_order + start_payment with a provider that succeeds at
once, committing like a request would. Run on SQLite by default and on PostgreSQL with
TEST_DATABASE_URL.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from marketplace.accounts.models import User
from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.core.errors import DomainError
from marketplace.extensions import db as _db
from marketplace.orders.models import Cart, CartLine, Order, OrderLine, OrderStatus
from marketplace.orders.services.cart import find_cart
from marketplace.payments import providers
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.providers import PaymentProvider, ProviderPayment, ProviderRefund
from marketplace.payments.services import payments

BUYERS = 200
ITEMS = 50


class InstantProvider(PaymentProvider):
    """A card provider that says yes at once (what a fast Stripe would do)."""

    name = "test_instant"

    def start_payment(self, payment) -> ProviderPayment:
        return ProviderPayment(status=PaymentStatus.SUCCEEDED, reference=f"inst_{payment.id}",
                               amount=payment.amount, currency=payment.currency)

    def fetch_payment(self, payment) -> ProviderPayment:
        return ProviderPayment(status=payment.status, reference=payment.provider_reference,
                               amount=payment.amount, currency=payment.currency)

    def refund(self, payment, refund) -> ProviderRefund:
        return ProviderRefund(status="succeeded", reference=f"re_{refund.id}")


@pytest.fixture
def instant_provider(app, monkeypatch):
    monkeypatch.setitem(providers.PROVIDERS, InstantProvider.name, InstantProvider())
    app.config["PAYMENT_PROVIDERS"] = (*app.config["PAYMENT_PROVIDERS"], InstantProvider.name)
    return InstantProvider.name


@pytest.fixture
def crowd(db, app, create_trainee, create_product):
    """50 one-of-a-kind items from 10 trainees; 200 buyers, four after each item."""
    trainees = [create_trainee() for _ in range(10)]
    items = [create_product(trainee=trainees[i % 10], kind=ProductKind.ONE_OF_A_KIND,
                            price_amount=10_000 + i) for i in range(ITEMS)]
    db.session.execute(insert(User), [
        {"email": f"crowd{i}@example.org", "display_name": f"Buyer {i}", "locale": "en",
         "password_hash": "x"} for i in range(BUYERS)])
    buyer_ids = list(db.session.scalars(
        select(User.id).where(User.email.like("crowd%")).order_by(User.id)))
    db.session.execute(insert(Cart), [{"user_id": uid} for uid in buyer_ids])
    carts = dict(db.session.execute(select(Cart.user_id, Cart.id)).all())
    db.session.execute(insert(CartLine), [
        {"cart_id": carts[uid], "product_id": items[i % ITEMS].id, "quantity": 1,
         "unit_price_amount": items[i % ITEMS].price_amount,
         "currency": app.config["MARKETPLACE_CURRENCY"]}
        for i, uid in enumerate(buyer_ids)])
    db.session.commit()
    return buyer_ids, items


def checkout_and_pay(app, buyer_id: int, provider: str, barrier: threading.Barrier,
                     outcomes: list, lock: threading.Lock) -> None:
    with app.app_context():
        session = _db.session
        try:
            buyer = session.get(User, buyer_id)
            cart = find_cart(buyer, None)
            trainee_id = cart.lines[0].product.trainee_id
            session.commit()  # end the read transaction before the race
            barrier.wait(timeout=60)
            order = place_order(buyer, cart, CheckoutChoices(
                contact_name=buyer.display_name, fulfilment={trainee_id: "pickup"}), "en")
            session.commit()
            payment = payments.start_payment(buyer, order, provider)
            session.commit()
            result = ("paid", order.id) if payment.status == PaymentStatus.SUCCEEDED \
                else ("unpaid", payment.status.value)
        except DomainError as error:
            session.rollback()
            result = ("refused", error.code)
        except Exception as error:  # reported to the test, which fails on it
            session.rollback()
            result = ("crashed", repr(error))
        finally:
            session.remove()
        with lock:
            outcomes.append(result)


@pytest.mark.timeout(600)
def test_200_concurrent_checkouts_for_50_unique_items(app, db, crowd, instant_provider):
    buyer_ids, items = crowd
    barrier = threading.Barrier(BUYERS)
    outcomes: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=checkout_and_pay,
                                args=(app, buyer_id, instant_provider, barrier, outcomes, lock))
               for buyer_id in buyer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=540)
    assert not any(t.is_alive() for t in threads), "a checkout thread hung"

    kinds = Counter(kind for kind, _detail in outcomes)
    crashes = [detail for kind, detail in outcomes if kind == "crashed"]
    assert not crashes, crashes[:5]
    assert kinds == {"paid": ITEMS, "refused": BUYERS - ITEMS}, kinds
    assert {detail for kind, detail in outcomes if kind == "refused"} == {"out_of_stock"}

    db.session.expire_all()
    # Exactly 50 orders exist and all are paid; the losers wrote nothing.
    assert db.session.scalar(select(func.count(Order.id))) == ITEMS
    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.status == OrderStatus.PAID)) == ITEMS
    assert db.session.scalar(select(func.count(Payment.id)).where(
        Payment.status == PaymentStatus.SUCCEEDED)) == ITEMS
    # No stock below zero, every item gone, none sold twice.
    stocks = dict(db.session.execute(select(Product.id, Product.stock)).all())
    assert min(stocks.values()) == 0 and all(stocks[p.id] == 0 for p in items)
    assert db.session.scalar(select(func.count(Product.id)).where(
        Product.status == ProductStatus.SOLD_OUT)) == ITEMS
    sold = Counter(db.session.scalars(select(OrderLine.product_id)))
    assert set(sold) == {p.id for p in items} and set(sold.values()) == {1}
