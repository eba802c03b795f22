"""core.fast_writes: insert_now and update_now leave the rows and objects as a flush would."""

from datetime import timedelta

from sqlalchemy import select

from marketplace.core.db import utcnow
from marketplace.core.fast_writes import insert_now, update_now
from marketplace.orders.models import (
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    VendorOrder,
    VendorOrderStatus,
)


def _new_order(buyer, trainee) -> Order:
    order = Order(number="BZ-TESTROWS", buyer_id=buyer.id, total_amount=5_000, currency="IRR",
                  contact_name="Sara", contact_email="sara@example.org",
                  expires_at=utcnow() + timedelta(minutes=30))
    vendor_order = VendorOrder(trainee=trainee, fulfilment=Fulfilment.PICKUP,
                               subtotal_amount=5_000, total_amount=5_000, currency="IRR")
    vendor_order.lines.append(OrderLine(product_id=None, title="Tableau", quantity=1,
                                        unit_price_amount=5_000, currency="IRR"))
    order.vendor_orders.append(vendor_order)
    return order


def _insert_order(db, order: Order) -> None:
    """Parents first; then the order joins the session with everything hanging from it."""
    (vendor_order,) = order.vendor_orders
    insert_now(db.session, order)
    insert_now(db.session, vendor_order)
    if vendor_order.lines:
        insert_now(db.session, vendor_order.lines[0])
    db.session.add(order)


def test_insert_now_writes_rows_with_defaults_and_foreign_keys_without_a_flush(
        db, create_user, create_trainee, create_product):
    buyer, trainee = create_user(), create_trainee()
    product = create_product(trainee=trainee)
    order = _new_order(buyer, trainee)
    order.vendor_orders[0].lines[0].product_id = product.id

    _insert_order(db, order)

    vendor_order = order.vendor_orders[0]
    line = vendor_order.lines[0]
    assert order.id and vendor_order.id and line.id
    # Foreign keys come from the relationships set in memory, as a flush would set them.
    assert vendor_order.order_id == order.id and line.vendor_order_id == vendor_order.id
    assert vendor_order.trainee_id == trainee.id
    # Python defaults filled in, so nothing is left for a refresh to read.
    assert order.status == OrderStatus.PENDING_PAYMENT and order.note == ""
    assert vendor_order.status == VendorOrderStatus.PENDING_PAYMENT
    assert vendor_order.refunded_amount == 0 and line.restocked_quantity == 0
    assert order.created_at.tzinfo is not None
    # Persistent as loaded: nothing pending, nothing for the unit of work to do.
    assert not db.session.new and not db.session.dirty
    assert order in db.session and line in db.session
    order_id, trainee_id, product_id = order.id, trainee.id, product.id
    db.session.commit()

    db.session.expunge_all()
    stored = db.session.scalar(select(Order).where(Order.number == "BZ-TESTROWS"))
    assert stored.id == order_id and stored.total_amount == 5_000
    assert [vo.trainee_id for vo in stored.vendor_orders] == [trainee_id]
    assert [ln.product_id for ln in stored.vendor_orders[0].lines] == [product_id]


def test_update_now_sets_the_row_and_the_object_and_renews_updated_at(
        db, create_user, create_trainee):
    order = _new_order(create_user(), create_trainee())
    order.vendor_orders[0].lines.clear()
    _insert_order(db, order)
    before = order.updated_at

    update_now(db.session, order, payment_provider="pay_at_pickup", expires_at=None)

    assert order.payment_provider == "pay_at_pickup" and order.expires_at is None
    assert order.updated_at > before
    assert not db.session.dirty
    order_id, updated_at = order.id, order.updated_at
    db.session.commit()
    db.session.expunge_all()
    stored = db.session.get(Order, order_id)
    assert stored.payment_provider == "pay_at_pickup" and stored.expires_at is None
    assert stored.updated_at == updated_at
