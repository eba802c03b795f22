"""Writing new rows and updating one row without the unit of work's flush: a benchmark trick for
the checkout's hot paths, kept because it still pays (issue 14 §5), and fenced here.

`insert_now(session, obj)` INSERTs one new object's row with a Core statement (RETURNING its
id) and marks the object as loaded; `update_now(session, obj, **values)` UPDATEs one row by id
and sets the values as loaded. Used only by: add to cart (`orders.services.cart`), place
(`checkout.services`), pay at pickup (`orders.services.orders`, `payments.services.payments`).
Everything else flushes.

What it pays (bench/README.md, "Issue 14 §5"): the same statements as the flush, without the
unit of work's bookkeeping (dependency sort, history, cascades), which cost about as much as
the statements: in-process (bench.checkout_cpu), the burst's requests cost 14–32 % more CPU
with plain flushes in each of three alternating pairs.

What it costs to keep:
- the caller does the unit of work's job: parents are inserted before children (foreign keys
  are copied from the many-to-one relationships set in memory), the root object is then
  `session.add()`ed so everything related joins the session as loaded, and collections the
  response shows are set by hand (`set_committed_value`);
- only what a flush of these models needs is supported: one-column primary keys, Python-side
  defaults and `onupdate` (a server default raises ValueError), no events, no versioning, no
  inheritance. A model that gains one of those must leave these paths for a flush;
- `tests/core/test_fast_writes.py` pins the rows and objects against what a flush gives, and
  `tests/checkout/test_api_queries.py` the statements.

Dropping it: replace each call with `session.add(...)` and one `session.flush()`, and delete
this module and its tests.
"""

import functools

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm import MANYTOONE, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value


def insert_now(session, obj) -> None:
    """INSERT a new object's row with one Core statement (RETURNING its primary key), without
    a unit-of-work flush, and mark the object as if a query had loaded it (detached).

    For the checkout's hot paths only (add to cart, place, pay at pickup), where the unit of
    work issues the same INSERTs at about twice the CPU (bench/README.md, checkout burst).
    Insert parents first: foreign keys are copied from the many-to-one relationships set in
    memory, as a flush does. Then `session.add()` the root object, and everything related to it
    in memory joins the session as loaded. A column left unset takes its Python default, else
    NULL."""
    mapper = inspect(obj).mapper
    table = mapper.local_table
    _copy_foreign_keys(mapper, obj)
    values = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.primary_key:
            continue
        if prop.key not in obj.__dict__:
            setattr(obj, prop.key, _python_default(column))
        values[column.key] = obj.__dict__[prop.key]
    row_id = session.execute(_insert_returning_id(table), values).scalar_one()
    setattr(obj, mapper.get_property_by_column(_primary_key(table)).key, row_id)
    make_transient_to_detached(obj)


def update_now(session, obj, **values) -> None:
    """UPDATE a persistent object's row with one Core statement, without a unit-of-work flush,
    and give the object the new values as loaded. Columns with an `onupdate` default (such as
    `updated_at`) get it, as a flush would give them. For the same hot paths as insert_now."""
    mapper = inspect(obj).mapper
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.onupdate is not None and prop.key not in values:
            values[prop.key] = column.onupdate.arg(None)
    table = mapper.local_table
    row_id = getattr(obj, mapper.get_property_by_column(_primary_key(table)).key)
    columns = {mapper.get_property(key).columns[0].key: value for key, value in values.items()}
    session.execute(_update_by_id(table, tuple(sorted(columns))), {**columns, "_row_id": row_id})
    for key, value in values.items():
        set_committed_value(obj, key, value)


# Each statement is built once per table (and set of columns): a reused statement keeps its
# SQL-cache key instead of computing it again on every call.
@functools.cache
def _insert_returning_id(table):
    return insert(table).returning(_primary_key(table))


@functools.cache
def _update_by_id(table, column_keys: tuple[str, ...]):
    return (update(table).where(_primary_key(table) == bindparam("_row_id"))
            .values({key: bindparam(key) for key in column_keys}))


def _primary_key(table):
    (column,) = table.primary_key.columns
    return column


def _copy_foreign_keys(mapper, obj) -> None:
    for relationship in mapper.relationships:
        parent = obj.__dict__.get(relationship.key)
        if relationship.direction is not MANYTOONE or parent is None:
            continue
        parent_mapper = inspect(parent).mapper
        for local, remote in relationship.local_remote_pairs:
            setattr(obj, mapper.get_property_by_column(local).key,
                    getattr(parent, parent_mapper.get_property_by_column(remote).key))


def _python_default(column):
    if column.server_default is not None:
        # Its value would be known only by reading the row back.
        raise ValueError(f"{column} has a server default; set it before insert_now()")
    default = column.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg
