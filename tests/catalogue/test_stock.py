"""take_stock / return_stock: one conditional UPDATE, never selling more than there is."""

import threading

import pytest

from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.catalogue.services.stock import return_stock, take_stock


def test_take_stock_decrements_and_refuses_when_short(db, create_product):
    product = create_product(stock=3)
    assert take_stock(product.id, 2) is True
    db.session.commit()
    assert product.stock == 1 and product.status == ProductStatus.ACTIVE
    assert take_stock(product.id, 2) is False
    db.session.commit()
    assert product.stock == 1


def test_taking_the_last_unit_marks_sold_out_and_return_reactivates(db, create_product):
    product = create_product(kind=ProductKind.ONE_OF_A_KIND)
    assert product.stock == 1
    assert take_stock(product.id, 1) is True
    db.session.commit()
    assert (product.stock, product.status) == (0, ProductStatus.SOLD_OUT)
    assert take_stock(product.id, 1) is False
    return_stock(product.id, 1)
    db.session.commit()
    assert (product.stock, product.status) == (1, ProductStatus.ACTIVE)


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.PAUSED,
                                    ProductStatus.SUBMITTED, ProductStatus.ARCHIVED])
def test_only_active_products_give_stock(db, create_product, status):
    product = create_product(stock=5, status=status)
    assert take_stock(product.id, 1) is False
    db.session.commit()
    assert product.stock == 5


def test_return_stock_keeps_a_paused_product_paused(db, create_product):
    product = create_product(stock=0, status=ProductStatus.PAUSED)
    return_stock(product.id, 2)
    db.session.commit()
    assert (product.stock, product.status) == (2, ProductStatus.PAUSED)


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5])
def test_quantity_must_be_a_positive_int(create_product, quantity):
    product = create_product()
    with pytest.raises(ValueError):
        take_stock(product.id, quantity)
    with pytest.raises(ValueError):
        return_stock(product.id, quantity)


def test_concurrent_buyers_never_oversell(app, db, create_product):
    """Twelve threads race for 5 units, 1 each, on the real database: exactly 5 succeed."""
    product = create_product(stock=5)
    product_id = product.id
    db.session.rollback()  # outside a request every transaction holds SQLite's write lock
    results, errors = [], []
    barrier = threading.Barrier(12)

    def buy():
        with app.app_context():
            try:
                barrier.wait()
                ok = take_stock(product_id, 1)
                db.session.commit()
                results.append(ok)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False] * 7 + [True] * 5
    db.session.expire_all()
    fresh = db.session.get(Product, product_id)
    assert (fresh.stock, fresh.status) == (0, ProductStatus.SOLD_OUT)
