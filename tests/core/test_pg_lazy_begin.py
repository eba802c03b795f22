"""core.pg_lazy_begin: on PostgreSQL reads run outside transactions, and a transaction starts
at the first statement that needs one."""

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from marketplace.core.pg_lazy_begin import needs_transaction


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
    ("SELECT set_config('random_page_cost', '1.1', true)", True),
    ("SELECT pg_advisory_xact_lock(1)", True),
    ("WITH gone AS (DELETE FROM carts RETURNING id) SELECT * FROM gone", True),
    ("SET LOCAL statement_timeout = 1000", True),
])
def test_which_statements_need_a_transaction(statement, needed):
    assert needs_transaction(statement) is needed


# --- PostgreSQL: reads outside transactions ---------------------------------------------------

postgres_only = pytest.mark.postgres_only("a PostgreSQL connection setting")


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

