"""Cart rules: quantities within stock, only active products, lines of one's own cart only.
A quantity's shape (a whole number, 1 … 100) is the forms' and schemas' (test_cart_forms)."""

import pytest
from sqlalchemy import func, select

from marketplace.catalogue.models import ProductKind, ProductStatus
from marketplace.core.errors import NotFound, RuleViolation
from marketplace.orders.models import Cart, CartLine
from marketplace.orders.services import cart as carts


@pytest.fixture
def buyer(create_user):
    return create_user()


def line_count(db) -> int:
    return db.session.scalar(select(func.count(CartLine.id)))


def test_add_keeps_price_seen_and_sums_quantities(db, buyer, create_product):
    product = create_product(stock=5, price_amount=1200)
    cart = carts.get_or_create_cart(buyer, None)
    carts.add_to_cart(buyer, cart, product.id, 2)
    line = carts.add_to_cart(buyer, cart, product.id, 1)
    db.session.commit()
    assert (line.quantity, line.unit_price_amount) == (3, 1200)
    assert line_count(db) == 1
    assert cart.user_id == buyer.id and cart.token is None


def test_quantity_above_stock_is_refused(db, buyer, create_product):
    product = create_product(stock=3)
    cart = carts.get_or_create_cart(buyer, None)
    carts.add_to_cart(buyer, cart, product.id, 3)
    db.session.commit()
    with pytest.raises(RuleViolation) as error:
        carts.add_to_cart(buyer, cart, product.id, 1)
    assert error.value.code == "not_enough_stock" and error.value.status == 422
    db.session.rollback()
    assert db.session.scalar(select(CartLine.quantity)) == 3


def test_one_of_a_kind_is_limited_to_one(db, buyer, create_product):
    product = create_product(kind=ProductKind.ONE_OF_A_KIND)
    cart = carts.get_or_create_cart(buyer, None)
    with pytest.raises(RuleViolation):
        carts.add_to_cart(buyer, cart, product.id, 2)
    carts.add_to_cart(buyer, cart, product.id, 1)
    with pytest.raises(RuleViolation):
        carts.add_to_cart(buyer, cart, product.id, 1)


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.SUBMITTED,
                                    ProductStatus.PAUSED, ProductStatus.REJECTED,
                                    ProductStatus.ARCHIVED])
def test_inactive_products_cannot_be_added(db, buyer, create_product, status):
    product = create_product(status=status)
    cart = carts.get_or_create_cart(buyer, None)
    with pytest.raises(RuleViolation) as error:
        carts.add_to_cart(buyer, cart, product.id, 1)
    assert error.value.code == "product_unavailable"


def test_sold_out_and_missing_products(db, buyer, create_product):
    product = create_product(stock=0, status=ProductStatus.SOLD_OUT)
    cart = carts.get_or_create_cart(buyer, None)
    with pytest.raises(RuleViolation):
        carts.add_to_cart(buyer, cart, product.id, 1)
    with pytest.raises(NotFound):
        carts.add_to_cart(buyer, cart, 999_999, 1)


def test_own_product_cannot_be_bought(db, create_product, create_trainee):
    trainee = create_trainee()
    product = create_product(trainee=trainee)
    cart = carts.get_or_create_cart(trainee.user, None)
    with pytest.raises(RuleViolation) as error:
        carts.add_to_cart(trainee.user, cart, product.id, 1)
    assert error.value.code == "own_product"


def test_line_of_another_cart_is_not_found(db, buyer, create_user, create_product):
    other = create_user()
    product = create_product(stock=5)
    theirs = carts.get_or_create_cart(other, None)
    line = carts.add_to_cart(other, theirs, product.id, 1)
    mine = carts.get_or_create_cart(buyer, None)
    db.session.commit()
    with pytest.raises(NotFound):
        carts.update_cart_line(buyer, mine, line.id, 2)
    with pytest.raises(NotFound):
        carts.remove_cart_line(buyer, mine, line.id)
    db.session.rollback()
    assert db.session.get(CartLine, line.id).quantity == 1


def test_update_and_remove(db, buyer, create_product):
    product = create_product(stock=4)
    cart = carts.get_or_create_cart(buyer, None)
    line = carts.add_to_cart(buyer, cart, product.id, 1)
    carts.update_cart_line(buyer, cart, line.id, 4)
    assert line.quantity == 4
    with pytest.raises(RuleViolation):
        carts.update_cart_line(buyer, cart, line.id, 5)
    carts.remove_cart_line(buyer, cart, line.id)
    db.session.commit()
    assert line_count(db) == 0


def test_price_and_stock_changes_show_on_the_line(db, buyer, create_product):
    product = create_product(stock=3, price_amount=1000)
    cart = carts.get_or_create_cart(buyer, None)
    line = carts.add_to_cart(buyer, cart, product.id, 3)
    db.session.commit()
    assert not line.price_changed and not line.stock_short
    product.price_amount, product.stock = 1500, 2
    db.session.commit()
    assert line.price_changed and line.stock_short
    assert line.seen_price.amount == 1000 and line.line_total.amount == 4500
    carts.accept_cart_changes(cart)
    assert not line.price_changed


def test_guest_cart_merges_into_the_users_cart(db, buyer, create_product):
    shared = create_product(stock=2)
    only_guest = create_product(stock=5)
    unique = create_product(kind=ProductKind.ONE_OF_A_KIND)
    mine = carts.get_or_create_cart(buyer, None)
    carts.add_to_cart(buyer, mine, shared.id, 1)
    guest = carts.get_or_create_cart(None, None)
    carts.add_to_cart(None, guest, shared.id, 2)
    carts.add_to_cart(None, guest, only_guest.id, 3)
    carts.add_to_cart(None, guest, unique.id, 1)
    token = guest.token
    db.session.commit()

    merged = carts.merge_guest_cart(buyer, token)
    db.session.commit()
    quantities = {line.product_id: line.quantity for line in merged.lines}
    assert quantities == {shared.id: 2, only_guest.id: 3, unique.id: 1}  # capped by stock
    assert db.session.scalar(select(func.count(Cart.id))) == 1
    assert carts.merge_guest_cart(buyer, token) is None  # the guest cart is gone


def test_stale_guest_carts_are_deleted(db, create_product):
    from datetime import timedelta

    from marketplace.core.db import utcnow

    old = carts.get_or_create_cart(None, None)
    fresh = carts.get_or_create_cart(None, None)
    db.session.commit()
    old.updated_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert carts.delete_stale_guest_carts() == 1
    db.session.commit()
    assert [c.id for c in db.session.scalars(select(Cart))] == [fresh.id]


def test_a_cart_read_in_one_statement_has_every_line_in_order(db, buyer, create_product):
    """find_cart joins the lines in: every line comes back (not just the first row's), in
    line order, with its product and trainee."""
    products = [create_product(stock=3) for _ in range(3)]
    cart = carts.get_or_create_cart(buyer, None)
    for product in products:
        carts.add_to_cart(buyer, cart, product.id, 1)
    db.session.commit()
    buyer_id, product_ids = buyer.id, [p.id for p in products]
    db.session.expunge_all()
    found = carts.find_cart(db.session.get(type(buyer), buyer_id), None)
    assert [line.product_id for line in found.lines] == product_ids
    assert all(line.product.trainee is not None for line in found.lines)
