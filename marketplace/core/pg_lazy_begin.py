"""PostgreSQL: reads run outside transactions; a transaction begins at the first statement
that needs one. A benchmark trick, kept because it still pays (issue 14 §5), and fenced here.

Why: psycopg opens a transaction with a BEGIN of its own, one more round trip before the first
statement, and SQLAlchemy ends it with a ROLLBACK. A request that only reads (a refused add to a
cart, a catalogue page) paid two round trips for a transaction that protected nothing: under
READ COMMITTED each statement sees its own snapshot whether in a transaction or not. So, as
Django's autocommit default does, an app connection starts in autocommit and reads run on their
own; just before the first statement that needs a transaction autocommit goes off, psycopg
sends BEGIN, and from there on everything is one transaction until SQLAlchemy commits or rolls
it back.

What it pays (bench/README.md, the checkout burst's sixth round, and "Issue 14 §5"): a request
that only reads (every catalogue page, a refused add: 41 % of the burst) makes two round trips
fewer; the burst went from 335–362 to 438 requests/s with it and PostgreSQL's CPU per request
from 1.2–1.3 to 0.57 ms. On 2026-12-07, on a still-busy machine, the burst did not show it
paying (plain BEGIN measured as fast): re-measure on a quiet machine before keeping or dropping it.

What it costs to keep:
- a regular expression over every statement's SQL text before it is sent (~1 µs);
- `needs_transaction` must know every kind of statement that needs a transaction. A write,
  `FOR UPDATE`/`FOR SHARE`, a savepoint, `SET`, `set_config`, an advisory lock and a sequence
  are recognised; a new kind of statement that writes or takes a lock from inside a plain
  `SELECT` (a function with side effects, say) must be added to `_NEEDS_TRANSACTION`, or it
  runs on its own in autocommit: its effect is committed at once and not rolled back with the
  request. `tests/core/test_pg_lazy_begin.py` lists the statements and the rules;
- reads made before a request's first write are not in its transaction. Under READ COMMITTED
  that changes nothing; code that needs one snapshot for several reads asks for an isolation
  level (`execution_options(isolation_level=...)`), which is kept exactly;
- SQLite is untouched (core.db begins its transactions itself).

Dropping it: delete this module and its call in the app factory; every transaction then
starts with psycopg's BEGIN.
"""

import re

from sqlalchemy import event

_PLAIN_READ = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_NEEDS_TRANSACTION = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|SHARE|set_config|pg_\w*advisory\w*|nextval|setval)\b",
    re.IGNORECASE)


def needs_transaction(statement: str) -> bool:
    """Anything but a plain read (`SELECT … FOR UPDATE` and `set_config(…)` are not plain)."""
    return not _PLAIN_READ.match(statement) or bool(_NEEDS_TRANSACTION.search(statement))


def read_outside_transactions(engine) -> None:
    """Switch the scheme above on for one of the app's engines (PostgreSQL only)."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", _start_in_autocommit)
        event.listen(engine, "before_cursor_execute", _begin_when_needed)


def _start_in_autocommit(dbapi_connection, _record, _proxy):
    dbapi_connection.autocommit = True


def _begin_when_needed(conn, _cursor, statement, _parameters, _context, _executemany):
    dbapi_connection = conn.connection.dbapi_connection
    if not dbapi_connection.autocommit:
        return  # already in a transaction
    # A caller that chose an isolation level gets exactly that: AUTOCOMMIT stays autocommit
    # (CREATE DATABASE, VACUUM); any other level holds every statement, reads included.
    isolation = conn.get_execution_options().get("isolation_level")
    if isolation == "AUTOCOMMIT":
        return
    if isolation is not None or needs_transaction(statement):
        dbapi_connection.autocommit = False  # psycopg sends BEGIN before this statement
