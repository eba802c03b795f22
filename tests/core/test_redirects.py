"""Open redirects: `next=` on /login, /language and /cart/add only ever leads to this site.

Each payload is the value the server receives (the test client encodes it). Whatever the
endpoint answers, the Location it sends must resolve, the way a browser resolves it, to this
host — and must not carry a second header.
"""

from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.urls import iri_to_uri

from marketplace.core.redirects import is_safe_redirect_target
from tests.factories.accounts import PASSWORD

HOST = "localhost"

OPEN_REDIRECT_PAYLOADS = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",  # what next=/%09/evil.example arrives as
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "\u3000//evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%09/evil.example",  # double-encoded: the browser would keep it, a proxy might not
    "https://evil.example",
    "HTTPS://evil.example/",
    "http:evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    "//localhost@evil.example",
    "http://localhost@evil.example",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\r\nSet-Cookie: injected=1",
    "/%0d%0aSet-Cookie:%20injected=1",
    "evil.example",
    "",
]

SAFE_TARGETS = [
    "/products?q=%D9%81%D8%B1%D8%B4&page=2",
    "/p/12",
    "/cart#lines",
    "/فروشگاه/نمونه",
]


def as_browser_resolves(location: str, base: str = f"http://{HOST}/somewhere") -> str:
    """The host a browser would go to: tabs and line breaks dropped, leading controls and
    spaces stripped, backslashes read as slashes (WHATWG URL parsing for http URLs)."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").lstrip("\x00 \x01\x1f")
    cleaned = cleaned.replace("\\", "/")
    return urlsplit(urljoin(base, cleaned)).hostname or ""


def assert_stays_here(response, default_path: str, target: str):
    if response.status_code == 422:  # a control character in any input (core.input)
        assert any(c in target for c in "\x00\x0b"), target
        assert "Location" not in response.headers
        return
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert as_browser_resolves(location) == HOST, (target, location)
    assert urlsplit(location).path == default_path, (target, location)
    assert not any("injected" in v for v in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("target", OPEN_REDIRECT_PAYLOADS)
def test_the_helper_refuses_every_payload(target):
    assert not is_safe_redirect_target(target)


@pytest.mark.parametrize("target", SAFE_TARGETS)
def test_the_helper_keeps_paths_of_this_site(target):
    assert is_safe_redirect_target(target)


@pytest.fixture
def member(create_user):
    return create_user(email="member@example.org")


@pytest.mark.parametrize("target", OPEN_REDIRECT_PAYLOADS)
def test_login_next_stays_on_this_site(client, member, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": member.email, "password": PASSWORD})
    assert_stays_here(response, "/", target)


@pytest.mark.parametrize("target", OPEN_REDIRECT_PAYLOADS)
def test_login_next_in_the_form_stays_on_this_site(client, member, target):
    response = client.post("/login", data={"email": member.email, "password": PASSWORD,
                                           "next": target})
    assert_stays_here(response, "/", target)


@pytest.mark.parametrize("target", OPEN_REDIRECT_PAYLOADS)
def test_language_next_stays_on_this_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert_stays_here(response, "/", target)


@pytest.mark.parametrize("target", OPEN_REDIRECT_PAYLOADS)
def test_add_to_cart_next_stays_on_this_site(client, create_product, target):
    product = create_product()
    response = client.post("/cart/add", data={"product_id": product.id, "quantity": "1",
                                              "next": target})
    assert_stays_here(response, "/cart", target)


def test_the_literal_issue_payload_through_the_query_string(client, member):
    response = client.post("/login?next=/%09/evil.example",
                           data={"email": member.email, "password": PASSWORD})
    assert_stays_here(response, "/", "/%09/evil.example")
    response = client.post("/login?next=/%0d%0aSet-Cookie:injected=1",
                           data={"email": member.email, "password": PASSWORD})
    assert_stays_here(response, "/", "CRLF")


@pytest.mark.parametrize("target", SAFE_TARGETS)
def test_paths_of_this_site_are_followed(client, member, create_product, target):
    expected = iri_to_uri(target)  # what Werkzeug sends for a Persian path
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == expected
    response = client.post("/login", query_string={"next": target},
                           data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == expected
    product = create_product()
    response = client.post("/cart/add", data={"product_id": product.id, "quantity": "1",
                                              "next": target})
    assert response.status_code == 302 and response.headers["Location"] == expected


@pytest.mark.parametrize("referrer", ["https://evil.example/x", "http://evil.example/",
                                      "http://localhost.evil.example/", "//evil.example/"])
def test_an_error_never_sends_a_form_back_to_a_foreign_referrer(client, referrer):
    response = client.post("/cart/add", data={"product_id": "999999", "quantity": "1"},
                           headers={"Referer": referrer})
    location = response.headers.get("Location")
    assert location is None or as_browser_resolves(location) == HOST


def test_an_error_sends_a_form_back_to_the_page_it_came_from(client):
    response = client.post("/cart/add", data={"product_id": "999999", "quantity": "1"},
                           headers={"Referer": f"http://{HOST}/p/5?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/p/5?x=1"
