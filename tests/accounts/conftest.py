"""Helpers for the accounts tests: counting SQL statements."""

import contextlib

import pytest
from sqlalchemy import event


@pytest.fixture
def count_queries(db):
    """with count_queries() as counter: ...; counter.n is the number of SQL statements run."""

    @contextlib.contextmanager
    def counting():
        class Counter:
            n = 0

        counter = Counter()

        def before(*_args, **_kwargs):
            counter.n += 1

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture(autouse=True)
def english_pages(client):
    """The deployment default is Persian; these tests read English messages unless they ask
    for Persian (tests/core/test_i18n.py covers the choice of language itself)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
