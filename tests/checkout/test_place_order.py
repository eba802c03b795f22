"""Placing an order: one vendor order per trainee, stock taken once, nothing written on failure."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.catalogue.models import Product, ProductKind, ProductStatus
from marketplace.checkout.services import CheckoutChoices, place_order
from marketplace.core.errors import BadRequest, Conflict, NotFound, RuleViolation
from marketplace.orders.models import (
    CartLine,
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    VendorOrder,
    VendorOrderStatus,
)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def two_stores(create_trainee, create_product, set_shipping_fee):
    first, second = create_trainee(), create_trainee()
    set_shipping_fee(first, 700)
    a = create_product(trainee=first, price_amount=10_000, kind=ProductKind.ONE_OF_A_KIND)
    b = create_product(trainee=first, price_amount=2_500, stock=4)
    c = create_product(trainee=second, price_amount=30_000, kind=ProductKind.ONE_OF_A_KIND)
    return first, second, a, b, c


def test_two_trainees_make_two_vendor_orders(app, db, create_user, fill_cart, two_stores):
    first, second, a, b, c = two_stores
    buyer = create_user()
    cart = fill_cart(buyer, a, (b, 2), c)
    choices = CheckoutChoices(contact_name="Sara", contact_phone="0912",
                              shipping_address="Tabriz, Valiasr 12",
                              fulfilment={first.id: "shipping", second.id: "pickup"},
                              expected_subtotal=10_000 + 5_000 + 30_000)
    order = place_order(buyer, cart, choices)
    db.session.commit()

    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.number.startswith("BZ-") and len(order.number) == 11
    assert order.total_amount == 45_700
    assert order.expires_at is not None
    parts = {vo.trainee_id: vo for vo in order.vendor_orders}
    assert set(parts) == {first.id, second.id}
    shipped, picked = parts[first.id], parts[second.id]
    assert (shipped.fulfilment, shipped.subtotal_amount, shipped.shipping_amount,
            shipped.total_amount) == (Fulfilment.SHIPPING, 15_000, 700, 15_700)
    assert shipped.shipping_address == "Tabriz, Valiasr 12"
    assert (picked.fulfilment, picked.shipping_amount) == (Fulfilment.PICKUP, 0)
    assert second.centre.city in picked.pickup_place
    assert {vo.status for vo in order.vendor_orders} == {VendorOrderStatus.PENDING_PAYMENT}
    assert count(db, OrderLine) == 3
    db.session.expire_all()
    assert [db.session.get(Product, p.id).stock for p in (a, b, c)] == [0, 2, 0]
    assert db.session.get(Product, a.id).status == ProductStatus.SOLD_OUT
    assert count(db, CartLine) == 0


def test_out_of_stock_writes_nothing(app, db, create_user, fill_cart, two_stores):
    first, second, _a, b, c = two_stores
    buyer = create_user()
    cart = fill_cart(buyer, (b, 2), c)
    # Someone else buys the one-of-a-kind item meanwhile.
    db.session.execute(Product.__table__.update().where(Product.id == c.id).values(stock=0))
    db.session.commit()
    with pytest.raises(Conflict) as error:
        place_order(buyer, cart, CheckoutChoices(
            contact_name="Sara", fulfilment={first.id: "pickup", second.id: "pickup"}))
    assert error.value.code == "out_of_stock"
    db.session.rollback()
    db.session.expire_all()
    assert count(db, Order) == 0 and count(db, VendorOrder) == 0
    assert db.session.get(Product, b.id).stock == 4  # b's take was rolled back
    assert count(db, CartLine) == 2


def test_changed_total_is_a_conflict(app, db, create_user, fill_cart, two_stores):
    first, _second, a, _b, _c = two_stores
    buyer = create_user()
    cart = fill_cart(buyer, a)
    a.price_amount = 12_000
    db.session.commit()
    with pytest.raises(Conflict) as error:
        place_order(buyer, cart, CheckoutChoices(contact_name="S", expected_subtotal=10_000,
                                                 fulfilment={first.id: "pickup"}))
    assert error.value.code == "prices_changed"
    db.session.rollback()
    assert count(db, Order) == 0 and db.session.get(Product, a.id).stock == 1


# What needs the cart and the database; the shape of each field (an unknown fulfilment, a
# name too long) is the form's and the schema's: tests/checkout/test_checkout_input.py.
@pytest.mark.parametrize("choices, field", [
    (lambda t: CheckoutChoices(contact_name="S", fulfilment={}), "fulfilment_{}"),
    (lambda t: CheckoutChoices(contact_name="S", fulfilment={t: "shipping"}),
     "shipping_address"),
    (lambda t: CheckoutChoices(contact_name="S", fulfilment={t: "pickup"},
                               pickup={t: "day-999"}), "pickup_{}"),
])
def test_bad_choices_are_400(app, db, create_user, fill_cart, two_stores, choices, field):
    first, _second, a, _b, _c = two_stores
    buyer = create_user()
    cart = fill_cart(buyer, a)
    with pytest.raises(BadRequest) as error:
        place_order(buyer, cart, choices(first.id))
    assert field.format(first.id) in error.value.fields
    db.session.rollback()
    assert count(db, Order) == 0 and db.session.get(Product, a.id).stock == 1


def test_shipping_needs_the_trainees_fee(app, db, create_user, fill_cart, two_stores):
    _first, second, _a, _b, c = two_stores
    buyer = create_user()
    cart = fill_cart(buyer, c)
    with pytest.raises(BadRequest) as error:
        place_order(buyer, cart, CheckoutChoices(contact_name="S", shipping_address="X",
                                                 fulfilment={second.id: "shipping"}))
    assert f"fulfilment_{second.id}" in error.value.fields


def test_someone_elses_or_empty_cart(app, db, create_user, fill_cart, two_stores):
    first, _second, a, _b, _c = two_stores
    owner, intruder = create_user(), create_user()
    cart = fill_cart(owner, a)
    with pytest.raises(NotFound):
        place_order(intruder, cart, CheckoutChoices(fulfilment={first.id: "pickup"}))
    empty = fill_cart(intruder)
    with pytest.raises(RuleViolation) as error:
        place_order(intruder, empty, CheckoutChoices(fulfilment={}))
    assert error.value.code == "empty_cart"


def test_product_withdrawn_after_adding(app, db, create_user, fill_cart, two_stores):
    first, _second, a, _b, _c = two_stores
    buyer = create_user()
    cart = fill_cart(buyer, a)
    a.status = ProductStatus.PAUSED
    db.session.commit()
    with pytest.raises(RuleViolation) as error:
        place_order(buyer, cart, CheckoutChoices(fulfilment={first.id: "pickup"}))
    assert error.value.code == "product_unavailable"


def test_pickup_at_a_booth_day(app, db, create_user, fill_cart, two_stores):
    from marketplace.booths.models import (
        Assignment,
        AssignmentSource,
        Booth,
        Market,
        MarketDay,
        MarketKind,
        Venue,
    )
    from marketplace.core.db import utcnow

    first, _second, a, _b, _c = two_stores
    venue = Venue(municipality_id=_municipality(db).id, name_fa="بازارچه سهند",
                  name_en="Sahand bazaar", currency=app.config["MARKETPLACE_CURRENCY"])
    booth = Booth(venue=venue, code="A-7", currency=venue.currency)
    now = utcnow()
    market = Market(venue=venue, kind=MarketKind.ONE_OFF, name_fa="جشنواره", name_en="Festival",
                    starts_on=date.today(), ends_on=date.today() + timedelta(days=10),
                    applications_open_at=now - timedelta(days=20),
                    applications_close_at=now - timedelta(days=10), published_seed=7)
    day = MarketDay(market=market, day=date.today() + timedelta(days=3), opens_at=now)
    db.session.add_all([venue, booth, market, day])
    db.session.flush()
    db.session.add(Assignment(booth=booth, market_day=day, trainee_id=first.id,
                              source=AssignmentSource.MANUAL, check_in_code="ABCD1234"))
    db.session.commit()

    buyer = create_user()
    cart = fill_cart(buyer, a)
    order = place_order(buyer, cart, CheckoutChoices(
        contact_name="S", fulfilment={first.id: "pickup"}, pickup={first.id: f"day-{day.id}"}),
        locale="en")
    db.session.commit()
    part = order.vendor_orders[0]
    assert part.pickup_market_day_id == day.id and part.pickup_day == day.day
    assert "A-7" in part.pickup_place and "Festival" in part.pickup_place


def _municipality(db):
    from marketplace.accounts.models import Municipality

    municipality = Municipality(name_fa="شهرداری سهند", slug="sahand", city="سهند")
    db.session.add(municipality)
    db.session.flush()
    return municipality
