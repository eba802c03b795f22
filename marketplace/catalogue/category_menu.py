"""The category tree in every page's header: top-level categories with their children, as
links to the search page.

Every page shows it, so like the header's other menus (core.nav) it is kept per process, and
its HTML for each (language, script root) is rendered once; a page pays no query and no
template for it. The categories it is made of (a few short rows) live in the shared cache store (the
page cache's: Redis, a folder or memory) under a *version* token:

- a commit that writes the categories table reads them again just before committing (in its
  own transaction, one query) and publishes them under a new version when it commits; the
  writing process uses them at once;
- every other process reads the store at most every RECHECK_SECONDS and takes the new rows
  from there, without a query, so a renamed category reaches every header within that delay;
- a process loads the rows from the database only when the store has none (the first process
  to start, after the store was emptied, or once the shared rows are SHARED_SECONDS old).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from itertools import chain

from flask import current_app, has_app_context, request, url_for
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from marketplace.catalogue.models import Category
from marketplace.core.i18n import locale_code
from marketplace.core.nav import render_fragment
from marketplace.extensions import cache, db

MENU_TEMPLATE = "catalogue/_category_menu.html"
SHARED_KEY = "category-menu"  # (version, rows) in the shared store
RECHECK_SECONDS = 5.0
# The shared rows expire after this long, and some process reads them again: a database
# changed behind the app's back (restored, regenerated) shows its categories within the hour.
SHARED_SECONDS = 3600
_APP_KEY = "category_menu"
_CHANGED = "category_menu_changed"  # session.info: categories written in this transaction
_ROWS = "category_menu_rows"  # session.info: the rows read just before its commit
log = logging.getLogger(__name__)

# (id, parent id, slug, Persian name, English name) in display order (position, id).
Row = tuple[int, int | None, str, str, str]


@dataclass
class _Kept:
    version: str
    rows: list[Row]
    checked_at: float
    menus: dict = field(default_factory=dict)  # (locale, script root) -> the menu's HTML


def category_menu() -> Markup:
    """The top-level categories in display order with their children, as links."""
    kept = _kept()
    if _categories_unwritten():  # shown to this session only: neither kept nor shared
        return _html(_load_rows())
    key = (locale_code(), request.script_root)
    menu = kept.menus.get(key)
    if menu is None:
        menu = kept.menus[key] = _html(kept.rows)
    return menu


def _html(rows: list[Row]) -> Markup:
    return render_fragment(MENU_TEMPLATE, categories=_links(rows, locale_code()))


def _links(rows: list[Row], locale: str) -> list[dict]:
    children: dict[int | None, list[Row]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)

    def link(row: Row) -> dict:
        label = row[4] if locale == "en" and row[4] else row[3]
        return {"label": label, "url": url_for("catalogue.search", category=row[2])}

    return [{**link(root), "children": [link(child) for child in children.get(root[0], [])]}
            for root in children.get(None, [])]


def _load_rows(session=None) -> list[Row]:
    return [tuple(row) for row in (session or db.session).execute(select(
        Category.id, Category.parent_id, Category.slug, Category.name_fa, Category.name_en,
    ).order_by(Category.position, Category.id))]


def _kept() -> _Kept:
    """This process's rows and menus, replaced when the shared version moved on (checked at
    most every RECHECK_SECONDS: reading the store on every request would cost more than the
    menu does)."""
    kept: _Kept | None = current_app.extensions.get(_APP_KEY)
    now = time.monotonic()
    if kept is not None and now - kept.checked_at < RECHECK_SECONDS:
        return kept
    try:
        shared = cache.get(SHARED_KEY)
    except Exception:  # the store is down: keep what this process has
        log.warning("cache unavailable; the category menu may be stale", exc_info=True)
        if kept is not None:
            kept.checked_at = now
            return kept
        shared = None
    if shared is None:
        shared = _publish(_load_rows(), only_if_missing=True)
    if kept is not None and kept.version == shared[0]:
        kept.checked_at = now
        return kept
    kept = current_app.extensions[_APP_KEY] = _Kept(shared[0], shared[1], now)
    return kept


def _publish(rows: list[Row], only_if_missing: bool = False) -> tuple[str, list[Row]]:
    shared = (secrets.token_hex(8), rows)
    try:
        if only_if_missing:
            # Another process may have published meanwhile; theirs wins.
            if not cache.add(SHARED_KEY, shared, timeout=SHARED_SECONDS):
                return cache.get(SHARED_KEY) or shared
        else:
            cache.set(SHARED_KEY, shared, timeout=SHARED_SECONDS)
    except Exception:  # the commit stands; other processes keep their menus a while
        log.error("cache unavailable: other processes keep their category menus", exc_info=True)
    return shared


def prime() -> None:
    """Load the menu's rows now, outside any request (tests: a page's queries are then
    counted as a process that has served pages runs them)."""
    _kept()
    # End the transaction the load began: outside a request SQLite's takes the write lock
    # (core.db), which would hold off every other connection until this session ends.
    db.session.rollback()


def _categories_unwritten() -> bool:
    """This session holds category changes not committed yet (tests share their session with
    the requests they make)."""
    session = db.session()
    return bool(session.info.get(_CHANGED)) or any(
        isinstance(o, Category) for o in chain(session.new, session.deleted, session.dirty))


@event.listens_for(Session, "after_flush")
def _note_category_writes(session, _flush_context):
    if any(isinstance(o, Category) for o in chain(session.new, session.deleted)) or any(
            isinstance(o, Category) and session.is_modified(o) for o in session.dirty):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_category_statements(state):
    statement = state.statement
    if isinstance(statement, UpdateBase) and \
            getattr(getattr(statement, "table", None), "name", None) == Category.__tablename__:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _read_rows_before_commit(session):
    # After commit the session may not query; the rows read here are the ones committed.
    session.flush()
    if session.info.get(_CHANGED) and has_app_context():
        session.info[_ROWS] = _load_rows(session)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session):
    changed = session.info.pop(_CHANGED, False)
    rows = session.info.pop(_ROWS, None)
    if not changed or not has_app_context() or not current_app.extensions.get("cache"):
        return
    if rows is None:  # written after the rows were read: the next page reads them again
        current_app.extensions.pop(_APP_KEY, None)
        try:
            cache.delete(SHARED_KEY)
        except Exception:  # other processes keep their menus a while
            log.error("cache unavailable: other processes keep their category menus",
                      exc_info=True)
        return
    version, rows = _publish(rows)
    current_app.extensions[_APP_KEY] = _Kept(version, rows, time.monotonic())


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_writes(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_ROWS, None)


def register_category_menu(app) -> None:
    """`category_menu()` in every template (the header's shop menu)."""
    app.context_processor(lambda: {"category_menu": category_menu})
