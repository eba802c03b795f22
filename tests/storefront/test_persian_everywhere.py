"""Persian all the way down (issue 18): a crawler signs in as every role of the demo world and
visits, in Persian, every page it can reach from the header's menus (the home page, each menu
entry and the links on those pages, a few of each kind): no page fails, and no visible text
has a Latin digit, an English word or a Gregorian date (`persian_text.leaks`; its allow-list
names the codes people copy — e-mail and web addresses, order numbers, Sheba numbers — and
text marked `lang="en"`).

The Flask test client reads the HTML the server sends, so the crawl is fast; what scripts add
later is the browser tests' to check.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from marketplace.accounts.models import User
from marketplace.demo import seed
from marketplace.demo.people import DEMO_LOGINS
from tests.storefront.persian_text import leaks

# How many pages of one kind (the same path with its numbers taken out) to read per role: the
# second product page finds little the first did not.
PER_KIND = 2
PER_ROLE = 120
SKIPPED = re.compile(r"^/(static|media|api)/|/logout|\.csv$|\.png$|\.svg$|/qr\b")



def _kind(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def _links(html: str) -> list[str]:
    return re.findall(r'<a\b[^>]*\bhref="([^"#]+)', html)


def _crawl(client) -> tuple[dict[str, list[str]], list[str]]:
    """{url: leaked texts} and the urls that failed, reading from the home page outwards."""
    seen_kinds: dict[str, int] = {}
    queue = deque([("/", 0)])
    queued = {"/"}
    found: dict[str, list[str]] = {}
    failed: list[str] = []
    visited = 0
    while queue and visited < PER_ROLE:
        url, depth = queue.popleft()
        response = client.get(url, headers={"Accept-Language": "fa"})
        visited += 1
        if response.status_code >= 500:
            failed.append(f"{url} → {response.status_code}")
            continue
        if response.status_code in (301, 302, 303):
            target = urlsplit(response.headers["Location"])
            url, depth = target.path + (f"?{target.query}" if target.query else ""), depth
            if url in queued:
                continue
            queued.add(url)
            response = client.get(url, headers={"Accept-Language": "fa"})
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert '<html lang="fa" dir="rtl">' in html, url
        problems = leaks(html)
        if problems:
            found[url] = problems
        if depth >= 2:
            continue
        for link in _links(html):
            parts = urlsplit(link.replace("&amp;", "&"))
            if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path) \
                    or "lang=" in parts.query:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = _kind(parts.path)
            if target in queued or seen_kinds.get(kind, 0) >= PER_KIND:
                continue
            seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
            queued.add(target)
            queue.append((target, depth + 1))
    return found, failed


def _listed(found: dict[str, list[str]]) -> list[str]:
    return [f"{url}: {text[:160]}" for url, texts in found.items() for text in texts]


@pytest.fixture
def app_config():
    """The Iranian deployment the demo world describes: rials, shown in toman."""
    return {"MARKETPLACE_CURRENCY": "IRR", "PAYMENT_PROVIDERS": ("pay_at_pickup",),
            "PAGE_CACHE_SECONDS": 0}


# One of each kind of person: the other centres' and municipalities' staff see the same pages.
ROLES = [("anonymous", None)] + [(role, email) for role, email in DEMO_LOGINS
                                  if role not in ("centre staff (Sahand)",
                                                  "centre staff (Sardrud)",
                                                  "municipal staff (Sahand)")]


def test_every_page_each_role_reaches_is_persian(app, db, login):
    """One demo world for every role (seeding it takes a while)."""
    seed(lambda _message: None)
    for user in db.session.query(User):
        user.locale = "fa"
    db.session.commit()
    failed, leaked = [], []
    for role, email in ROLES:
        client = app.test_client()
        if email is not None:
            login(db.session.query(User).filter_by(email=email).one(), client)
        found, broken = _crawl(client)
        failed += [f"{role}: {url}" for url in broken]
        leaked += [f"{role}: {leak}" for leak in _listed(found)]
    assert failed == []
    assert leaked == []
