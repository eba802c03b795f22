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


# Transaction control and connection settings are not queries a page "runs".
NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


class Queries:
    """The statements seen in a `queries` block, without transaction control."""

    def __init__(self, seen: list[str]):
        self._seen = seen

    @property
    def statements(self) -> list[str]:
        return [s for s in self._seen if not s.lstrip().upper().startswith(NOT_QUERIES)]

    @property
    def n(self) -> int:
        return len(self.statements)


@contextmanager
def queries(engine):
    """`with queries(engine) as counted:` … `counted.n` queries the block ran on `engine`."""
    with statements(engine) as seen:
        yield Queries(seen)
