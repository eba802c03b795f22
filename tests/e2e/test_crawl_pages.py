"""The browser crawler (issue 18): every demo role, in Persian and in English, on a desktop and
on a 390 px phone, visits the pages it reaches from its own pages, and each page

- answers (no 4xx or 5xx) in the language asked,
- is no wider than the window (`document.documentElement.scrollWidth <= innerWidth`; the
  elements sticking out are named),
- logs no console error and throws no script error,
- has no serious or critical axe-core violation (axe-core from npm, vendored by `make vendor`
  into static/vendor/axe-core and loaded into the page from there — never from a CDN),
- in Persian, shows no Latin digit, English word or Gregorian date: `persian_text.leaks`, the
  server-side crawler's check and allow-list, run on the DOM the page's scripts leave,

and leaves a screenshot, test-artifacts/crawl-<locale>-<viewport>-<role>-<page>.jpg.

Kept to about 50 CPU-seconds per language, seeding and browser included (about 130 pages,
each at two widths; measured on a shared two-CPU machine, both languages used 101 CPU-seconds).
Each language is a test of its own, so pytest-xdist runs them side by side:
- the demo world is seeded once per module (per xdist worker);
- one browser context per role and language, signed in once; each page is loaded once and
  looked at 1280 px wide, then 390 px wide (the window resized, as a phone turned) — a second
  load would cost a server render and the page's scripts again;
- the pages are found breadth first from the home page: same-origin GET links, two levels
  deep, one page per Flask endpoint per role (the second product page finds little the first
  did not), at most PER_ROLE; logout, downloads, QR images, the API and payment callbacks are
  left out, and so are the endpoints already checked for everyone (PERSONAL, SHARED below);
- axe runs once per page and language, at the phone width: contrast and names do not change
  with the width, and the phone layout is the one with collapsed menus and tables as cards;
- the Persian text is read once per page: it is the same at any width;
- every problem of every page is collected first and reported together, one line each.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, ViewportSize, expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from marketplace.accounts.models import User
from marketplace.demo import seed
from marketplace.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from marketplace.extensions import db
from tests.conftest import wipe_tables
from tests.e2e.persian_pages import account_menu
from tests.storefront.persian_text import leaks

AXE_URL = "/static/vendor/axe-core/axe.min.js"
VIEWPORTS: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 900},
                                      "phone": {"width": 390, "height": 844}}
BROWSER_LOCALES = {"fa": "fa-IR", "en": "en-US"}
# One of each kind of person (the other centres' and municipalities' staff see the same pages),
# named for the screenshots.
ROLES = {"anonymous": None} | {
    name: email for label, email in DEMO_LOGINS
    for wanted, name in (("platform admin", "admin"), ("centre staff (Osku)", "centre-staff"),
                         ("municipal staff (Sardrud)", "municipal-staff"),
                         ("trainee, verified", "trainee"), ("buyer", "buyer"))
    if label == wanted}
PER_KIND = 1
PER_ROLE = 30
# Public pages (those the anonymous visitor is served as asked) are checked once, as the
# anonymous visitor: signed in, they differ little but by the header, which the role's own
# pages show. The cart is the exception: the same address, the visitor's own goods.
PERSONAL = {"orders.cart"}
# The same form for every signed-in person: checked for the first role only.
SHARED = {"accounts.phone_add", "accounts.tokens"}
DEPTH = 2
SKIPPED_PATHS = re.compile(
    r"^/(static|media|api)/|/logout|\.(csv|png|svg|ico|json)$|/qr\b|/callback|/return$|"
    r"^/healthz$")
JPEG_QUALITY = 60

# What one page is: its language, whether it is wider than the window (and what sticks out:
# the innermost elements past either edge), and the links to follow (an <a> in an SVG map
# too, whose .href is no string).
PAGE_FACTS = """() => {
  const width = window.innerWidth, root = document.documentElement;
  let overflow = null;
  if (root.scrollWidth > width) {
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      [...e.classList].map(c => '.' + c).join('');
    const out = [...document.body.querySelectorAll('*')].filter(e => {
      const box = e.getBoundingClientRect();
      return box.width && (box.right > width + 1 || box.left < -1);
    });
    const culprits = out.filter(e => !out.some(o => o !== e && e.contains(o)));
    overflow = `${root.scrollWidth} px wide in a ${width} px window: ` +
      culprits.slice(0, 5).map(name).join(', ');
  }
  const links = [...document.querySelectorAll('a[href]:not([download])')].map(
    a => new URL(a.getAttribute('href'), document.baseURI).href);
  return {lang: root.lang, overflow, links};
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
    `axe ${v.impact} ${v.id} (${v.help}): ` +
    v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
}"""


@dataclass
class Tab:
    """The browser tab of one role and language, and the console errors it logged."""
    page: Page
    errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, context: BrowserContext) -> Tab:
        tab = cls(context.new_page())
        tab.page.on("console", tab.console)
        tab.page.on("pageerror", lambda error: tab.errors.append(f"script error: {error}"))
        return tab

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


def _address(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Crawl:
    """The pages of one language, role by role, and every problem found on them."""
    app: Flask
    base: str
    locale: str
    screenshot: Callable[..., Path]
    problems: list[str] = field(default_factory=list)
    # Endpoints checked once for all: the anonymous visitor's public pages, then the first
    # signed-in role's account pages.
    done: set[str] = field(default_factory=set)

    def endpoint(self, path: str) -> str | None:
        try:
            endpoint, _ = self.app.url_map.bind("localhost").match(path, method="GET")
        except (HTTPException, RequestRedirect):
            return None
        return endpoint

    def followed(self, links: list[str]) -> Iterator[tuple[str, str]]:
        """(url, endpoint) of each link to follow."""
        for href in links:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != self.base or "lang=" in parts.query \
                    or SKIPPED_PATHS.search(parts.path):
                continue
            endpoint = self.endpoint(parts.path)
            if endpoint is not None:
                yield _address(href), endpoint

    def note(self, where: str, url: str, found: list[str]) -> None:
        self.problems += [f"{where} {url}: {problem}" for problem in found]

    def look(self, tab: Tab, viewport: str) -> list[str]:
        """The problems of the page at one width, and its screenshot there."""
        page = tab.page
        page.set_viewport_size(VIEWPORTS[viewport])
        facts = page.evaluate(PAGE_FACTS)
        found = [facts["overflow"]] if facts["overflow"] else []
        if viewport == "phone":
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.add_script_tag(url=AXE_URL)
            found += page.evaluate(AXE_RUN)
        return found

    def check(self, tab: Tab, url: str, role: str) -> tuple[list[str], bool]:
        """Visit `url` once and look at it on the desktop, then on the phone; the links on it
        and whether it was served as asked (no redirect, no error)."""
        page = tab.page
        tab.errors.clear()
        page.set_viewport_size(VIEWPORTS["desktop"])
        response = page.goto(url)
        facts = page.evaluate(PAGE_FACTS)
        found = []
        if response is None or response.status >= 400:
            found.append(f"HTTP {response.status if response else 'no response'}")
        if facts["lang"] != self.locale:
            found.append(f"the page is in {facts['lang']!r}")
        if self.locale == "fa":
            found += [f"not Persian: {text[:160]}" for text in leaks(page.content())]
        for viewport in VIEWPORTS:
            where = f"{self.locale}-{viewport}-{role}"
            self.note(where, url, self.look(tab, viewport))
            self.screenshot(page, f"crawl-{where}-{url}", jpeg_quality=JPEG_QUALITY)
        self.note(f"{self.locale}-{role}", url,
                  found + [f"console: {error[:300]}" for error in tab.errors])
        as_asked = response is not None and response.ok and _address(page.url) == url
        return facts["links"], as_asked

    def crawl(self, tab: Tab, role: str) -> int:
        """Breadth first from the home page; how many pages were checked."""
        kinds: dict[str, int] = {}
        queue, queued, visited = deque([("/", 0)]), {"/"}, 0
        for_all: set[str] = set()  # endpoints this role checks for the roles after it
        while queue and visited < PER_ROLE:
            url, depth = queue.popleft()
            links, as_asked = self.check(tab, url, role)
            visited += 1
            here = self.endpoint(urlsplit(url).path)
            if here is not None and as_asked and (
                    here in SHARED or (role == "anonymous" and here not in PERSONAL)):
                for_all.add(here)
            if depth >= DEPTH:
                continue
            for link, endpoint in self.followed(links):
                if link in queued or kinds.get(endpoint, 0) >= PER_KIND or \
                        endpoint in self.done:
                    continue
                kinds[endpoint] = kinds.get(endpoint, 0) + 1
                queued.add(link)
                queue.append((link, depth + 1))
        self.done |= for_all
        return visited

@pytest.fixture(scope="module")
def demo_world(live_app, live_server) -> Iterator[None]:
    """The demo world `make run` starts (in rials, every page served fresh), seeded once for
    the module's tests and wiped after them."""
    with pytest.MonkeyPatch.context() as settings, live_app.test_request_context("/"):
        settings.setitem(live_app.config, "MARKETPLACE_CURRENCY", "IRR")
        settings.setitem(live_app.config, "PAGE_CACHE_SECONDS", 0)
        seed(lambda _message: None)
        db.session.commit()
        db.session.rollback()  # hold no transaction while the browser reads
        yield
        db.session.rollback()
        wipe_tables()
        db.session.remove()


def _speak(live_app: Flask, email: str, locale: str) -> None:
    """The account's saved language, which outranks the browser's (as the language switch)."""
    with live_app.test_request_context("/"):
        db.session.scalars(select(User).where(User.email == email)).one().locale = locale
        db.session.commit()
        db.session.remove()


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("main form #email").fill(email)
    page.locator("main form #password").fill(DEMO_PASSWORD)
    page.locator("main form #password").press("Enter")
    expect(account_menu(page)).to_be_visible()


# A minute or two on CI; on a machine shared with other runs it took 230 s, near the suite's
# 300 s. Every browser action still gives up after 15 s, so a hang is still caught.
@pytest.mark.timeout(600)
@pytest.mark.parametrize("locale", ["fa", "en"])
def test_every_page_of_every_role_at_both_widths(
        locale, demo_world, browser, live_app, live_server, screenshot):
    crawl = Crawl(live_app, live_server.url, locale, screenshot)
    reached = {}
    for role, email in ROLES.items():
        if email is not None:
            _speak(live_app, email, locale)
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["desktop"],
                                      locale=BROWSER_LOCALES[locale])
        context.set_default_timeout(15_000)
        tab = Tab.open(context)
        if email is not None:
            _sign_in(tab.page, email)
        reached[role] = crawl.crawl(tab, role)
        context.close()
    # A role that checked almost nothing was not signed in, or its links were not followed.
    assert all(count >= 5 for count in reached.values()), f"pages reached: {reached}"
    assert not crawl.problems, \
        f"{len(crawl.problems)} problems ({reached} pages):\n" + "\n".join(crawl.problems)
