"""50 booth sales and online checkouts at once for the last 10 pieces: exactly 10 are sold.

25 threads record a booth sale of one piece as the trainee, 25 buyers check out one piece
online; each thread has its own app context (its own session and connection), and all start
together at a barrier, committing like a request would. Both paths take stock with the same
conditional UPDATE (catalogue.services.stock.take_stock). Runs on SQLite by default and on
PostgreSQL with TEST_DATABASE_URL.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from marketplace.accounts.models import User
from marketplace.booths.models import BoothSale, BoothSalePayment
from marketplace.catalogue.models import Product, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.core.errors import DomainError
from marketplace.extensions import db as _db
from marketplace.orders.models import Cart, CartLine, OrderLine
from marketplace.orders.services.cart import find_cart
from marketplace.payments.models import LedgerEntry, LedgerKind
from marketplace.payments.services.booth_sales import BoothSaleData, record_booth_sale

PIECES = 10
BOOTH_SALES = 25
BUYERS = 25


@pytest.fixture
def last_pieces(db, app, create_trainee, create_product):
    trainee = create_trainee()
    product = create_product(trainee=trainee, stock=PIECES, price_amount=3000)
    db.session.execute(insert(User), [
        {"email": f"rush{i}@example.org", "display_name": f"Buyer {i}", "locale": "en",
         "password_hash": "x"} for i in range(BUYERS)])
    buyer_ids = list(db.session.scalars(
        select(User.id).where(User.email.like("rush%")).order_by(User.id)))
    db.session.execute(insert(Cart), [{"user_id": uid} for uid in buyer_ids])
    carts = dict(db.session.execute(select(Cart.user_id, Cart.id)).all())
    db.session.execute(insert(CartLine), [
        {"cart_id": carts[uid], "product_id": product.id, "quantity": 1,
         "unit_price_amount": product.price_amount,
         "currency": app.config["MARKETPLACE_CURRENCY"]} for uid in buyer_ids])
    db.session.commit()
    return trainee.user_id, product.id, buyer_ids


def run(app, work, barrier: threading.Barrier, outcomes: list, lock: threading.Lock) -> None:
    with app.app_context():
        session = _db.session
        try:
            prepared = work.prepare(session)
            session.commit()  # end the read transaction before the race
            barrier.wait(timeout=60)
            work.go(prepared)
            session.commit()
            result = (work.kind, "sold")
        except DomainError as error:
            session.rollback()
            result = (work.kind, error.code)
        except Exception as error:  # reported to the test, which fails on it
            session.rollback()
            result = (work.kind, f"crashed: {error!r}")
        finally:
            session.remove()
        with lock:
            outcomes.append(result)


class BoothSaleWork:
    kind = "booth"

    def __init__(self, user_id: int, product_id: int):
        self.user_id, self.product_id = user_id, product_id

    def prepare(self, session):
        user = session.get(User, self.user_id)
        _ = user.trainee  # loaded before the race
        return user

    def go(self, user) -> None:
        record_booth_sale(user, BoothSaleData(product_id=self.product_id, quantity=1,
                                              payment_kind=BoothSalePayment.CASH))


class CheckoutWork:
    kind = "online"

    def __init__(self, buyer_id: int):
        self.buyer_id = buyer_id

    def prepare(self, session):
        buyer = session.get(User, self.buyer_id)
        cart = find_cart(buyer, None)
        return buyer, cart, cart.lines[0].product.trainee_id

    def go(self, prepared) -> None:
        buyer, cart, trainee_id = prepared
        place_order(buyer, cart, CheckoutChoices(contact_name=buyer.display_name,
                                                 fulfilment={trainee_id: "pickup"}), "en")


@pytest.mark.timeout(300)
def test_50_booth_sales_and_checkouts_for_the_last_10_pieces_sell_exactly_10(app, db,
                                                                            last_pieces):
    user_id, product_id, buyer_ids = last_pieces
    works = [BoothSaleWork(user_id, product_id) for _ in range(BOOTH_SALES)]
    works += [CheckoutWork(buyer_id) for buyer_id in buyer_ids]
    # Interleave the two kinds so neither starts first as a block.
    works = [w for pair in zip(works[:BOOTH_SALES], works[BOOTH_SALES:], strict=True)
             for w in pair]
    barrier = threading.Barrier(len(works))
    outcomes: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=run, args=(app, work, barrier, outcomes, lock))
               for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "a thread hung"

    results = Counter(detail for _kind, detail in outcomes)
    crashes = [detail for _kind, detail in outcomes if detail.startswith("crashed")]
    assert not crashes, crashes[:5]
    assert results == {"sold": PIECES, "out_of_stock": len(works) - PIECES}, results
    booth_won = sum(1 for kind, detail in outcomes if kind == "booth" and detail == "sold")

    db.session.expire_all()
    product = db.session.get(Product, product_id)
    assert (product.stock, product.status) == (0, ProductStatus.SOLD_OUT)
    # What the winners wrote, and nothing from the losers.
    assert db.session.scalar(select(func.count(BoothSale.id))) == booth_won
    assert db.session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0))) == \
        PIECES - booth_won
    sales = db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == LedgerKind.SALE, LedgerEntry.vendor_order_id.is_(None)))
    assert sales == booth_won


class SameKeyWork(BoothSaleWork):
    """The phone's queue sending one sale again while the first send is still running."""

    def go(self, user) -> None:
        record_booth_sale(user, BoothSaleData(product_id=self.product_id, quantity=1,
                                              payment_kind=BoothSalePayment.CASH,
                                              client_key="one-sale-sent-ten-times"))


@pytest.mark.timeout(120)
def test_one_sale_sent_ten_times_at_once_is_recorded_once(app, db, last_pieces):
    user_id, product_id, _buyers = last_pieces
    works = [SameKeyWork(user_id, product_id) for _ in range(10)]
    barrier = threading.Barrier(len(works))
    outcomes: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=run, args=(app, work, barrier, outcomes, lock))
               for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=100)
    assert [detail for _kind, detail in outcomes] == ["sold"] * 10, outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(BoothSale.id))) == 1
    assert db.session.get(Product, product_id).stock == PIECES - 1
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 3
