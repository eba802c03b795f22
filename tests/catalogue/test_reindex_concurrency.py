"""`flask reindex-search` beside a concurrent edit on PostgreSQL: neither deadlocks.

Both add new words to `search_words`. An edit locks its product row, then its new words in
sorted order; the reindex must take its locks in that order too (rows first, then all of a
batch's words sorted), or a batch that adds words row by row can hold one word an edit needs
while it waits for another the edit holds.
"""

import threading
import time

import pytest
from sqlalchemy import text

from marketplace.catalogue.search_index import reindex_in_batches


@pytest.mark.postgres_only("SQLite runs one writer at a time")
def test_reindex_and_an_edit_adding_the_same_new_words_do_not_deadlock(app, db, create_product):
    a, b, x, y = (create_product() for _ in range(4))
    # Titles changed behind the keys' back (a bulk import, say), so the reindex meets new words:
    # the first row it rewrites adds "wordtwoq", the second "wordoneq".
    db.session.execute(text("UPDATE products SET title_en = :t WHERE id = :id"),
                       [{"t": "Alpha wordtwoq", "id": a.id}, {"t": "Beta wordoneq", "id": b.id}])
    db.session.commit()
    ids = {"x": x.id, "y": y.id}
    db.session.remove()

    with db.engine.connect() as edit:
        # An edit holds product x and the new word "wordoneq", not yet committed …
        edit.execute(text("UPDATE products SET search_key = search_key || ' wordoneq' "
                          "WHERE id = :x"), ids)
        reindex = threading.Thread(target=reindex_all_committing, args=(app, errors := []))
        reindex.start()
        wait_until_blocked(edit, other_than=edit.connection.dbapi_connection.info.backend_pid)
        # … and then adds "wordtwoq" to product y.
        edit.execute(text("UPDATE products SET search_key = search_key || ' wordtwoq' "
                          "WHERE id = :y"), ids)
        edit.commit()
    reindex.join(timeout=30)
    assert not reindex.is_alive() and errors == []
    words = db.session.scalars(text("SELECT word FROM search_words WHERE word LIKE 'word%q' "
                                    "ORDER BY word")).all()
    assert words == ["wordoneq", "wordtwoq"]


def reindex_all_committing(app, errors: list) -> None:
    from marketplace.extensions import db

    with app.app_context():
        try:
            for _done in reindex_in_batches():
                db.session.commit()
        except Exception as error:  # reported by the test
            errors.append(error)
            db.session.rollback()
        finally:
            db.session.remove()


def wait_until_blocked(connection, other_than: int, seconds: float = 10) -> None:
    """Until another backend waits for a lock (the reindex, behind the edit)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # Inside a transaction the activity view is read once; this reads it again.
        connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        waiting = connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND pid <> :me AND datname = current_database()"), {"me": other_than}).scalar()
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("the reindex never waited for the edit")
