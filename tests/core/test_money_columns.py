"""Money columns as SQLAlchemy composites (core.money_columns): a model's `<x>_amount` and
`currency` columns read and write as one Money, with the schema unchanged."""

from sqlalchemy import select

from marketplace.catalogue.models import Product
from marketplace.core.money import Money
from marketplace.orders.models import OrderLine, VendorOrder


def test_a_product_price_reads_and_writes_both_columns(db, create_product):
    product = create_product(price_amount=12_000)
    assert product.price == Money(12_000, product.currency)
    product.price = Money(9_500, product.currency)
    assert product.price_amount == 9_500
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Product, product.id).price == Money(9_500, product.currency)


def test_setting_a_column_directly_is_seen_by_the_composite(db, create_product):
    # SQLAlchemy keeps a built composite; core.money_columns forgets it when a column changes.
    product = create_product(price_amount=12_000)
    assert product.price.amount == 12_000
    product.price_amount = 13_000
    assert product.price.amount == 13_000
    product.currency = "EUR"
    assert product.price == Money(13_000, "EUR")


def test_a_composite_compares_in_sql(db, create_product):
    cheap = create_product(price_amount=100)
    create_product(price_amount=200)
    found = db.session.scalars(select(Product).where(Product.price == cheap.price)).all()
    assert [p.id for p in found] == [cheap.id]


def test_amounts_of_one_row_share_its_currency(db, place_test_order, create_product,
                                                 set_shipping_fee):
    product = create_product(price_amount=1_000)
    set_shipping_fee(product.trainee, 300)
    order = place_test_order(None, product, fulfilment="shipping")
    vendor_order = db.session.get(VendorOrder, order.vendor_orders[0].id)
    currency = vendor_order.currency
    assert (vendor_order.subtotal, vendor_order.shipping, vendor_order.total) == \
        (Money(1_000, currency), Money(300, currency), Money(1_300, currency))
    assert vendor_order.refundable == Money(1_300, currency)
    line = vendor_order.lines[0]
    assert line.unit_price == Money(1_000, currency) and line.line_total == Money(1_000, currency)


def test_a_changed_row_with_composites_can_be_flushed_and_inspected(db, create_product):
    # Its history passes None for the unchanged column: no Money is built from half a pair.
    product = create_product(price_amount=500)
    product.price_amount = 600
    assert db.session.is_modified(product)
    db.session.commit()
    assert product.price.amount == 600


def test_an_unfilled_row_has_no_money_yet():
    assert OrderLine(quantity=1).unit_price is None
    assert OrderLine(quantity=2, unit_price_amount=5, currency="USD").line_total == \
        Money(10, "USD")
