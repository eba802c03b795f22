"""200 buyers check out and pay at once for 50 one-of-a-kind items: exactly 50 win.

Real threads, each with its own app context (so its own session and connection), start
together at a barrier and run place_order + start_payment with a provider that succeeds at
once, committing like a request would. Run on SQLite by default and on PostgreSQL with
TEST_DATABASE_URL.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalogue.models import Product, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.core.errors import DomainError
from marketplace.extensions import db as _db
from marketplace.orders.models import Order, OrderLine, OrderStatus
from marketplace.orders.services.cart import find_cart
from marketplace.payments import providers
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.providers import PaymentProvider, ProviderPayment, ProviderRefund
from marketplace.payments.services import payments
from tests.factories.payments import CROWD_BUYERS, CROWD_ITEMS


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
    barrier = threading.Barrier(CROWD_BUYERS)
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
    assert kinds == {"paid": CROWD_ITEMS, "refused": CROWD_BUYERS - CROWD_ITEMS}, kinds
    assert {detail for kind, detail in outcomes if kind == "refused"} == {"out_of_stock"}

    db.session.expire_all()
    # Exactly 50 orders exist and all are paid; the losers wrote nothing.
    assert db.session.scalar(select(func.count(Order.id))) == CROWD_ITEMS
    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.status == OrderStatus.PAID)) == CROWD_ITEMS
    assert db.session.scalar(select(func.count(Payment.id)).where(
        Payment.status == PaymentStatus.SUCCEEDED)) == CROWD_ITEMS
    # No stock below zero, every item gone, none sold twice.
    stocks = dict(db.session.execute(select(Product.id, Product.stock)).all())
    assert min(stocks.values()) == 0 and all(stocks[p.id] == 0 for p in items)
    assert db.session.scalar(select(func.count(Product.id)).where(
        Product.status == ProductStatus.SOLD_OUT)) == CROWD_ITEMS
    sold = Counter(db.session.scalars(select(OrderLine.product_id)))
    assert set(sold) == {p.id for p in items} and set(sold.values()) == {1}
