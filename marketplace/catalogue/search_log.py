"""The search log, written in batches (issue 3: every search is recorded, without personal data).

Each `/products` request and API search adds one row. Writing it as a transaction of its own
on every request made the write the most expensive part of a search answered from the page
cache (and on SQLite every such request queued for the one write lock), so rows wait in a
small per-process buffer and go in as one multi-row INSERT once `SEARCH_LOG_FLUSH_SECONDS`
have passed or `SEARCH_LOG_BATCH` rows wait — after the response is built, in a transaction
of its own. A worker that exits normally writes what is left; a killed one loses at most that
many seconds of searches, which the demand report can afford. 0 seconds writes each search
at once (tests).
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import after_this_request, current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from marketplace.catalogue.models import SearchLog
from marketplace.extensions import db


class RowBuffer:
    """The rows one app's process has not written yet, and how to write them (`write(rows)`,
    in an app context, committing). The search log's, and the product views'
    (catalogue.product_views); `settings` names the config keys of its flush interval and
    batch size."""

    def __init__(self, app, write: Callable[[list[dict]], None],
                 settings: tuple[str, str] = ("SEARCH_LOG_FLUSH_SECONDS", "SEARCH_LOG_BATCH")):
        self.app = app
        self.write = write
        self.seconds_key, self.batch_key = settings
        self.lock = threading.Lock()
        self.rows: list[dict] = []
        self.last_write = time.monotonic()
        atexit.register(self.write_at_exit)

    def add(self, row: dict) -> list[dict]:
        """Queue a row; the rows to write now when the batch is due, else []."""
        config = self.app.config
        with self.lock:
            self.rows.append(row)
            due = (len(self.rows) >= config[self.batch_key] or
                   time.monotonic() - self.last_write >= config[self.seconds_key])
            return self.take() if due else []

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        self.last_write = time.monotonic()
        return rows

    def write_at_exit(self) -> None:
        with self.lock:
            rows = self.take()
        if not rows:
            return
        try:
            with self.app.app_context():
                self.write(rows)
        except Exception:  # exiting anyway: say what was lost, no traceback
            self.app.logger.warning("%d buffered rows not written at exit", len(rows))

    def add_after_response(self, row: dict) -> None:
        """Queue a row; when the batch is due, write it after this request's response."""
        rows = self.add(row)
        if not rows:
            return

        @after_this_request
        def write_rows(response):
            # The page was read in a deferred transaction; on SQLite turning that into a write
            # fails at once if another writer committed meanwhile, so the reads end first and
            # the rows go in under BEGIN IMMEDIATE, which waits its turn.
            db.session.rollback()
            g.sqlite_write_lock = True
            self.write(rows)
            return response


def init_app(app) -> None:
    app.extensions["search_log"] = RowBuffer(app, _insert)


def record_search(query: str, filters: dict, result_count: int, duration_ms: int,
                  source: str) -> None:
    """Queue one search for the log; the batch, when due, is written after this response."""
    row = {"query": query[:500], "filters": filters, "result_count": result_count,
           "duration_ms": duration_ms, "source": source, "created_at": datetime.now(UTC),
           "visitor": visitor_key()}
    current_app.extensions["search_log"].add_after_response(row)


def visitor_key() -> str | None:
    """Who searched, as 16 hex digits of an HMAC under the app's secret: the signed-in user's
    id, else the client address and browser. Nothing personal can be read back from it, and it
    is the same for one visitor all along, so the demand report can count distinct visitors."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        who = f"user:{current_user.id}"
    else:
        who = f"anon:{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, who.encode(), hashlib.sha256).hexdigest()[:16]


def flush() -> None:
    """Write whatever waits now (in an app context)."""
    buffer = current_app.extensions["search_log"]
    with buffer.lock:
        rows = buffer.take()
    if rows:
        db.session.rollback()
        buffer.write(rows)


def _insert(rows: list[dict]) -> None:
    db.session.execute(insert(SearchLog), rows)
    db.session.commit()


@dataclass
class SearchTimer:
    started: float

    @classmethod
    def start(cls) -> SearchTimer:
        return cls(time.perf_counter())

    def elapsed_ms(self) -> int:
        return round((time.perf_counter() - self.started) * 1000)
