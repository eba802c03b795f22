"""core.db's hot-path writes (insert_now, update_now) and, on PostgreSQL, reads outside
transactions: a transaction starts at the first statement that needs one."""

from datetime import timedelta

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from marketplace.core.db import insert_now, needs_transaction, update_now, utcnow
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


@pytest.mark.parametrize(("statement", "needed"), [
    ("SELECT users.id FROM users WHERE users.id = %(id)s", False),
    ("  select 1", False),
    ("WITH tree AS (SELECT 1) SELECT * FROM tree", False),
    ("SELECT products.updated_at FROM products", False),
    ("INSERT INTO carts (user_id) VALUES (1)", True),
    ("UPDATE products SET stock = 0", True),
    ("DELETE FROM cart_lines WHERE cart_id = 1", True),
    ("SAVEPOINT sa_savepoint_1", True),
    ("SELECT orders.id FROM orders FOR UPDATE OF orders", True),
    ("SELECT 1 FOR SHARE", True),
    ("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)", True),
    ("SELECT pg_advisory_xact_lock(1)", True),
    ("WITH gone AS (DELETE FROM carts RETURNING id) SELECT * FROM gone", True),
    ("SET LOCAL statement_timeout = 1000", True),
])
def test_which_statements_need_a_transaction(statement, needed):
    assert needs_transaction(statement) is needed


# --- PostgreSQL: reads outside transactions ---------------------------------------------------

postgres_only = pytest.mark.postgres_only("SQLite's transactions are set up in core.db")


def _transaction_status(db) -> TransactionStatus:
    return db.session.connection().connection.dbapi_connection.info.transaction_status


@postgres_only
def test_a_read_runs_outside_a_transaction_and_a_write_opens_one(db, create_user):
    user_id = create_user(display_name="Before").id
    db.session.commit()

    db.session.execute(select(1))
    assert _transaction_status(db) == TransactionStatus.IDLE

    db.session.execute(text("UPDATE users SET display_name = 'After' WHERE id = :id"),
                       {"id": user_id})
    assert _transaction_status(db) == TransactionStatus.INTRANS
    db.session.rollback()  # the write and whatever followed it are one transaction
    assert db.session.scalar(text("SELECT display_name FROM users WHERE id = :id"),
                             {"id": user_id}) == "Before"


@postgres_only
def test_a_row_lock_is_held_until_the_commit(db, create_user, app):
    from marketplace.accounts.models import User

    user_id = create_user().id
    db.session.commit()
    db.session.scalar(select(User).where(User.id == user_id).with_for_update())

    with db.engine.connect() as other, pytest.raises(OperationalError):
        other.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"),
                      {"id": user_id})
    db.session.commit()
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"),
                      {"id": user_id})


@postgres_only
def test_a_transaction_local_setting_lasts_for_the_next_statements(db):
    db.session.execute(text("SELECT set_config('random_page_cost', '1.7', true)"))
    assert db.session.scalar(text("SHOW random_page_cost")) == "1.7"
    db.session.rollback()
    assert db.session.scalar(text("SHOW random_page_cost")) != "1.7"


@postgres_only
def test_a_chosen_isolation_level_is_kept(db):
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
        assert connection.connection.dbapi_connection.autocommit
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        connection.execute(select(1))  # a read, yet inside the transaction asked for
        status = connection.connection.dbapi_connection.info.transaction_status
        assert status == TransactionStatus.INTRANS


@postgres_only
def test_a_refused_add_to_a_cart_opens_no_transaction(db, client, create_user,
                                                     create_product, api_token):
    from marketplace.catalogue.models import ProductStatus

    item_id = create_product(stock=0, status=ProductStatus.SOLD_OUT).id
    headers = api_token(create_user())
    db.session.commit()
    seen = []

    def note_transaction(conn, *_args):
        seen.append(conn.connection.dbapi_connection.info.transaction_status)

    event.listen(db.engine, "after_cursor_execute", note_transaction)
    try:
        response = client.post("/api/v1/cart/lines", headers=headers,
                               json={"product_id": item_id})
    finally:
        event.remove(db.engine, "after_cursor_execute", note_transaction)
    assert response.status_code == 422
    assert seen == [TransactionStatus.IDLE, TransactionStatus.IDLE]  # the user, the product
