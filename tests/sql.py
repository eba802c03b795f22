"""Counting the SQL statements a piece of code sends (constant-query and page-cache tests)."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements(engine):
    """Collect every statement sent on `engine` inside the block, as a list of strings."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
