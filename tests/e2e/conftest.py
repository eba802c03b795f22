"""Browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1.

- `live_server` serves one app (real CSRF-protected forms) on a free port in a background thread,
  on the same test database as the rest of the suite (`database_url`).
- `app` is overridden here: each e2e test gets an app context of THAT app, so the factory
  fixtures (`create_centre`, `create_trainee`, …) write rows the browser then sees. Tables are
  wiped after each test, as everywhere else.
- `page` is a fresh browser context and tab per test (Persian first, like an Iranian visitor);
  `new_page()` opens another one with its own cookies (a second person). A failing test leaves
  screenshots in test-artifacts/, and `screenshot(page, name)` saves one on purpose.
- Without /usr/bin/chromium (or CHROMIUM_PATH) the tests are skipped with the reason;
  REQUIRE_BROWSER=1 (CI) turns every skipped browser test into a failure instead.

Reading what the browser changed: call `db.session.rollback()` first, so the test's session
starts a new transaction and sees the server's commits instead of cached objects.
"""

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import gettext
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.extensions import db as _db
from tests.conftest import wipe_tables

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As the machine's notes say: without the background-networking flags Chromium keeps trying
# to reach Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def _is_e2e(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before `-m "not e2e"` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not _is_e2e(item):
        return
    setattr(item, f"report_{report.when}", report)
    if report.skipped and browser_required() and not hasattr(report, "wasxfail"):
        # CI must not go green on browser tests that never ran.
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"browser test skipped while REQUIRE_BROWSER=1: {reason}"


# --- the app, served ------------------------------------------------------------------------

@dataclass
class LiveServer:
    app: Flask
    url: str

    def url_for(self, endpoint: str, **values) -> str:
        with self.app.test_request_context():
            from flask import url_for

            return self.url + url_for(endpoint, **values)


@pytest.fixture(scope="session")
def live_app(database_url, tmp_path_factory) -> Flask:
    files = tmp_path_factory.mktemp("e2e")
    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        # Every test logs in from 127.0.0.1; the limits have tests of their own.
        "RATELIMIT_ENABLED": False,
        "MAIL_OUTBOX_DIR": str(files / "outbox"),
        "SMS_OUTBOX_DIR": str(files / "sms-outbox"),
        "MEDIA_DIR": str(files / "media"),
        "SERVER_NAME": None,
    })


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=live_app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with live_app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(autouse=True)
def empty_outboxes(live_app) -> None:
    """Each test starts with no mail and no SMS: the served app's outboxes live as long as the
    worker, and a test that seeds the demo world (the crawler, the seeds' world) fills them."""
    for outbox in ("MAIL_OUTBOX_DIR", "SMS_OUTBOX_DIR"):
        shutil.rmtree(live_app.config[outbox], ignore_errors=True)


@pytest.fixture
def app(live_app, live_server) -> Iterator[Flask]:
    """The served app's context, for factories and assertions (overrides tests/conftest.py).

    A GET request context, not a bare app context: outside a write request core.db starts
    SQLite transactions with BEGIN IMMEDIATE, and a test holding the write lock while the
    browser submits a form would make the server wait.
    """
    with live_app.test_request_context("/"):
        yield live_app
        _db.session.rollback()
        wipe_tables()
        _db.session.remove()


# --- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    reason = None
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        reason = (f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or set "
                  "CHROMIUM_PATH)")
    else:
        try:
            from playwright.sync_api import expect, sync_playwright
        except ImportError:
            reason = "Playwright is not installed (pip install -e '.[dev]')"
    if reason:
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)

    # Assertions wait as long as actions do (15 s, below): CI runs these beside a second test
    # worker and the database on two CPUs, where a script's form reload took over expect's 5 s.
    expect.set_options(timeout=15_000)
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


@pytest.fixture
def browser_locale() -> str:
    """Override in a module for another Accept-Language (the site defaults to Persian anyway)."""
    return "fa-IR"


@pytest.fixture
def new_page(request, browser, app, live_server, browser_locale):
    """new_page() -> a tab in a browser context of its own (its own cookies: another person).

    Every context is closed after the test; a failing test leaves a screenshot of each tab.
    """
    opened = []
    errors: list[str] = []

    def open_page(locale: str | None = None):
        context = browser.new_context(base_url=live_server.url, locale=locale or browser_locale,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        opened.append((context, tab))
        return tab

    yield open_page
    report = getattr(request.node, "report_call", None)
    for number, (context, tab) in enumerate(opened, start=1):
        if report is not None and report.failed:
            save_screenshot(tab, f"{request.node.name}-failure-{number}")
        context.close()
    # A script error (say, one the Content-Security-Policy blocked) is a failure too.
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()


def save_screenshot(page, name: str, *, jpeg_quality: int | None = None) -> Path:
    """The whole page as test-artifacts/<name>.png, or .jpg at `jpeg_quality` (half the time
    for a crawler taking hundreds)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    if jpeg_quality is None:
        path = stem.with_name(f"{stem.name}.png")
        page.screenshot(path=str(path), full_page=True)
    else:
        path = stem.with_name(f"{stem.name}.jpg")
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=jpeg_quality)
    return path


@pytest.fixture
def screenshot():
    """screenshot(page, name) -> path of test-artifacts/<name>.png (the whole page)."""
    return save_screenshot


PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
def fa(app):
    """fa(msgid, **values) -> the Persian text the pages show for it; fails if untranslated."""

    def translate(msgid: str, **values) -> str:
        with app.test_request_context("/?lang=fa"):
            text = gettext(msgid, **values)
        assert PERSIAN_LETTERS.search(text), f"no Persian translation for {msgid!r}"
        return text

    return translate
