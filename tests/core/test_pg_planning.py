"""core.db on PostgreSQL: no statement is prepared on the server, so each is planned for its own
parameters (a word search for its own words)."""

import pytest
from sqlalchemy import select, text


@pytest.mark.postgres_only("a psycopg connection setting")
def test_statements_are_never_prepared_on_the_server(db):
    """A word search is planned for its own words however often its shape has run."""
    words = select(text("1")).where(text("position(:w in 'رج هدیه') > 0"))
    for _ in range(8):  # psycopg would prepare from the sixth run on
        db.session.execute(words, {"w": "رج"})
    connection = db.session.connection().connection.dbapi_connection
    assert connection.prepare_threshold is None
    assert db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")) == 0
