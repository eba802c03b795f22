"""Rendered public pages kept for anonymous visitors (ARCHITECTURE §10).

Browsing, search results, product and store pages look the same to every visitor who is not
signed in, so the HTML a view rendered for one of them is kept and served to the next one
without running the view. What stays personal is punched back in on the way out: the CSRF
token of the forms in the page (the language switch, "add to cart") is rendered as a
placeholder and replaced by the visitor's own token on every answer.

    @bp.get("/p/<int:product_id>")
    @cached_page
    def product(product_id): ...

    @bp.get("/products")
    @cached_page(on_hit=log_cached_search)   # work that must happen on every request
    def search(): ...

Kept under (host, locale, path and query string). A page is served from the cache only when:
the request is a GET/HEAD, nobody is signed in (no user in the session, no remember-me cookie,
no bearer token), no flashed message waits, and this request's own session has no unwritten
changes. It is stored only when the view answered 200 without touching the session or
setting a cookie.

Freshness: every commit that writes a table public pages show (anything but the tables in
`PRIVATE_TABLES`) starts a new *generation*, a random token in the shared cache; an entry
from an older generation is never served. `PAGE_CACHE_SECONDS` bounds the age of an entry
for what changes with time alone (the day's markets). The store is Redis when `REDIS_URL` is
set, a folder under instance/ shared by every worker otherwise, and memory in tests.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Response, current_app, g, has_app_context, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import TextClause

from marketplace.core.i18n import locale_code
from marketplace.extensions import cache, db

GENERATION_KEY = "page-generation"
# Rendered where a form's CSRF token goes. Page text has no NUL bytes (PostgreSQL cannot even
# store them), and a hole filled by mistake would only show visitors their own token.
CSRF_HOLE = "\x00bz-csrf\x00"
_CSRF_HOLE_BYTES = CSRF_HOLE.encode()
# Tables no public page shows: writing them leaves every cached page true.
PRIVATE_TABLES = frozenset({
    "search_log", "api_tokens", "carts", "cart_lines", "orders", "vendor_orders",
    "order_lines", "payments", "refunds", "webhook_events", "ledger_entries", "payout_accounts",
    "payout_batches", "payouts", "payout_items", "product_status_changes", "booth_fees",
    "booth_subsidies",
    # Counted and summarised for the reports, shown on no public page: their batched and
    # maintenance writes must not throw every kept page away.
    "product_view_days", "product_requests", "report_sales_days", "report_sales_summary",
    "report_search_days", "report_search_summary",
})
_CHANGED = "page_cache_changed_tables"
log = logging.getLogger(__name__)
# Part of every key: a release that changes what an Entry holds never reads older entries.
ENTRY_FORMAT = 2


@dataclass
class Entry:
    generation: str
    body: bytes  # encoded once, when stored: a hit only swaps the CSRF holes
    mimetype: str
    stored_at: float
    meta: dict = field(default_factory=dict)


# --- configuration ---------------------------------------------------------------------------

def init_app(app) -> None:
    """Choose the store, hook the hit and store steps around every request, and render CSRF
    tokens as holes while a page is being rendered for the cache."""
    cache.init_app(app, config={**_store_settings(app),
                                "CACHE_DEFAULT_TIMEOUT": app.config.get("PAGE_CACHE_SECONDS", 60)})
    # First of all before_request hooks: a hit skips the rest of the request's work.
    app.before_request_funcs.setdefault(None, []).insert(0, serve_cached_page)
    app.after_request(store_page)
    # Flask-WTF offers csrf_token() both as a global and from a context processor; this later
    # processor wins.
    app.jinja_env.globals["csrf_token"] = csrf_token_or_hole
    app.context_processor(lambda: {"csrf_token": csrf_token_or_hole})


def _store_settings(app) -> dict:
    """PAGE_CACHE_STORE: `redis` (shared by every machine), `folder` (instance/page-cache,
    shared by one machine's workers) or `memory` (one process: tests); by default Redis when
    REDIS_URL is set, else the folder."""
    config = app.config
    store = config.get("PAGE_CACHE_STORE") or ("redis" if config.get("REDIS_URL") else "folder")
    if store == "redis":
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config["REDIS_URL"],
                "CACHE_KEY_PREFIX": config.get("PAGE_CACHE_KEY_PREFIX", "bz-page:")}
    if store == "memory":
        return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 10_000}
    folder = config.get("PAGE_CACHE_DIR") or str(Path(app.instance_path) / "page-cache")
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": folder,
            "CACHE_THRESHOLD": config.get("PAGE_CACHE_MAX_ENTRIES", 20_000)}


def enabled() -> bool:
    return current_app.config.get("PAGE_CACHE_SECONDS", 0) > 0


# --- marking views ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PageOptions:
    on_hit: Callable[[dict], None] | None = None


def cached_page(view=None, *, on_hit: Callable[[dict], None] | None = None):
    """Mark a public GET view as cacheable for anonymous visitors. `on_hit(meta)` runs on
    every cache hit with what the view left in `remember_for_hits` (a search log, say)."""

    def decorate(function):
        function.page_cache = PageOptions(on_hit)
        return function

    return decorate(view) if view is not None else decorate


@dataclass
class RequestState:
    """What this request knows about its page in the cache (in `g.page_cache`)."""

    key: str
    generation: str
    hit: bool = False
    keep: bool = True
    meta: dict = field(default_factory=dict)


def _state() -> RequestState | None:
    return g.get("page_cache")


def remember_for_hits(**meta) -> None:
    """Data the view's `on_hit` needs when the page it is rendering is served again."""
    if (state := _state()) is not None:
        state.meta.update(meta)


def skip_this_page() -> None:
    """The view found something personal in its answer: do not keep it."""
    if (state := _state()) is not None:
        state.keep = False


def _options() -> PageOptions | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "page_cache", None)


# --- who gets cached pages -------------------------------------------------------------------

def _is_anonymous_request() -> bool:
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    if session.get("_user_id") or session.get("_flashes"):
        return False
    return not _session_has_unwritten_changes()


def _session_has_unwritten_changes() -> bool:
    """Changes made in this database session and not committed yet (tests share one session
    with the requests they make; a real request starts clean) — the cache knows nothing of them."""
    if not db.session.registry.has():
        return False
    current = db.session()
    return bool(current.new or current.deleted or current.info.get(_CHANGED)
                or any(current.is_modified(o) for o in current.dirty))


def _key() -> str:
    return f"page:{ENTRY_FORMAT}:{request.host}:{locale_code()}:{request.full_path}"


# --- hit --------------------------------------------------------------------------------------

def serve_cached_page():
    """A before_request hook: answer from the cache when this page for this visitor is kept."""
    g.pop("page_cache", None)  # a fresh start, even where one app context serves many requests
    if not enabled():
        return None
    options = _options()
    if options is None or not _is_anonymous_request():
        return None
    started = time.perf_counter()
    key = _key()
    try:
        generation, entry = cache.get_many(GENERATION_KEY, key)
        if generation is None:
            generation = _new_generation(only_if_missing=True)
    except Exception:  # any store failure (Redis down…): render the page
        log.warning("page cache unavailable; rendering", exc_info=True)
        return None
    g.page_cache = state = RequestState(key, generation)
    if not isinstance(entry, Entry) or entry.generation != generation:
        return None
    state.hit = True
    if options.on_hit is not None:
        options.on_hit({**entry.meta, "elapsed_ms": round(
            (time.perf_counter() - started) * 1000)})
    return Response(_fill_holes(entry.body), mimetype=entry.mimetype)


def _fill_holes(body: bytes) -> bytes:
    if _CSRF_HOLE_BYTES not in body:
        return body
    return body.replace(_CSRF_HOLE_BYTES, generate_csrf().encode())


def csrf_token_or_hole() -> str:
    """`csrf_token()` in templates: a hole while a page is rendered for the cache."""
    state = _state()
    if state is not None and not state.hit:
        return CSRF_HOLE
    return generate_csrf()


# --- store ------------------------------------------------------------------------------------

def store_page(response: Response) -> Response:
    """An after_request hook: keep the page a cacheable view rendered, then punch its holes."""
    state = g.pop("page_cache", None)
    if state is None or state.hit or response.direct_passthrough:
        return response
    body = response.get_data()
    if state.keep and _worth_keeping(response):
        _set_quietly(state.key, Entry(state.generation, body, response.mimetype or "", time.time(),
                                      state.meta))
    if _CSRF_HOLE_BYTES in body:
        response.set_data(_fill_holes(body))
    return response


def _worth_keeping(response: Response) -> bool:
    return (response.status_code == 200 and not session.modified
            and "Set-Cookie" not in response.headers and not _session_has_unwritten_changes())


# --- derived data -----------------------------------------------------------------------------

def remember(name: str, compute: Callable[[], object]):
    """Data every visitor shares and that is costly to compute (the counts beside a search),
    kept like the pages: the same generation, the same age limit. `name` must say everything
    the value depends on."""
    if not enabled() or _session_has_unwritten_changes():
        return compute()
    try:
        # The generation is read first: a change committed while computing starts a new one,
        # so what is stored under the old one is never served.
        generation = cache.get(GENERATION_KEY) or _new_generation(only_if_missing=True)
        key = f"derived:{generation}:{name}"
        value = cache.get(key)
    except Exception:  # any store failure: compute as if nothing were kept
        log.warning("page cache unavailable; computing %s", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        _set_quietly(key, value)
    return value


def remember_in_process(name: str, load: Callable[[], object]):
    """Data every public page shows and that changes rarely (the category tree, the centres),
    kept in this process's memory under the same generation and age limit as the pages, so a
    page rendered afresh need not load it again. Every later request of this process shares
    the value: `load` must return objects no session holds (ORM objects expunged, so no
    commit can expire them), and callers only read them."""
    if not enabled() or _session_has_unwritten_changes():
        return load()
    try:
        generation = _current_generation()
    except Exception:  # any store failure: load as if nothing were kept
        log.warning("page cache unavailable; loading %s", name, exc_info=True)
        return load()
    kept = current_app.extensions.setdefault("page_cache_in_process", {})
    entry = kept.get(name)
    if entry is not None and entry[0] == generation and \
            time.monotonic() - entry[1] < current_app.config["PAGE_CACHE_SECONDS"]:
        return entry[2]
    value = load()
    kept[name] = (generation, time.monotonic(), value)
    return value


def memo_in_process(name: str, limit: int) -> dict:
    """A dict this process fills piece by piece (the words of a search term, one product's
    card) and keeps like `remember_in_process`: emptied by the next public change or when
    older than PAGE_CACHE_SECONDS. At most `limit` entries, the oldest dropped first; when
    nothing may be kept (cache off, unwritten changes), a new empty dict every call."""
    return remember_in_process(name, lambda: _Bounded(limit))


class _Bounded(dict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value):
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        super().__setitem__(key, value)


def _current_generation() -> str:
    """This request's generation: the one read with its page (a page being rendered) or now."""
    state = _state()
    if state is not None:
        return state.generation
    return cache.get(GENERATION_KEY) or _new_generation(only_if_missing=True)


def _set_quietly(key: str, value) -> None:
    """Keep a value if the store takes it; a store that fails costs a later rendering only."""
    try:
        cache.set(key, value)
    except Exception:  # Redis down, disk full: nothing is kept
        log.warning("page cache unavailable; %s not kept", key, exc_info=True)


# --- generations ------------------------------------------------------------------------------

def _new_generation(only_if_missing: bool = False) -> str:
    token = secrets.token_hex(8)
    if only_if_missing:
        # Another worker may have started one meanwhile; theirs wins, ours is never used.
        if not cache.add(GENERATION_KEY, token, timeout=0):
            return cache.get(GENERATION_KEY) or token
        return token
    cache.set(GENERATION_KEY, token, timeout=0)
    return token


def start_new_generation() -> None:
    """Forget every kept page (the next request for each renders it again)."""
    if not (has_app_context() and current_app.extensions.get("cache")):
        return
    try:
        _new_generation()
    except Exception:  # the commit stands; kept pages age out instead
        log.error("page cache unavailable: pages kept before this change may be served for up "
                  "to PAGE_CACHE_SECONDS", exc_info=True)


@event.listens_for(Session, "after_flush")
def _note_flushed_tables(session, _flush_context):
    # session.dirty also lists objects whose attributes were only touched, not changed.
    changed = [*session.new, *session.deleted,
               *(o for o in session.dirty if session.is_modified(o))]
    if changed:
        session.info.setdefault(_CHANGED, set()).update(
            getattr(instance, "__tablename__", None) or "?" for instance in changed)


@event.listens_for(Session, "do_orm_execute")
def _note_executed_tables(state):
    statement = state.statement
    if isinstance(statement, UpdateBase):
        table = getattr(statement, "table", None)
        state.session.info.setdefault(_CHANGED, set()).add(getattr(table, "name", "?"))
    elif isinstance(statement, TextClause) and not statement.text.lstrip().upper().startswith(
            ("SELECT", "WITH", "PRAGMA", "EXPLAIN", "SET LOCAL")):
        # Hand-written SQL we cannot see into: assume it changed something.
        state.session.info.setdefault(_CHANGED, set()).add("?")


@event.listens_for(Session, "after_commit")
def _start_generation_after_public_change(session):
    tables = session.info.pop(_CHANGED, set())
    if tables - PRIVATE_TABLES:
        start_new_generation()


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_changes(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost transaction: nothing was written
        session.info.pop(_CHANGED, None)
