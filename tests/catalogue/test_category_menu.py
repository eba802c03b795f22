"""The header's shop bar: a search box and the category tree on every page, built once per
process and language and rebuilt when categories change."""

import re

import pytest

from marketplace.catalogue import category_menu
from marketplace.extensions import cache
from tests.sql import statements


@pytest.fixture
def app_config():
    """Pages rendered every time, so what the header costs shows."""
    return {"PAGE_CACHE_SECONDS": 0}


@pytest.fixture
def tree(create_category):
    carpets = create_category(slug="carpets", name_fa="فرش", name_en="Carpets", position=1)
    create_category(carpets, slug="tableaux", name_fa="تابلو فرش", name_en="Tableaux",
                    position=2)
    create_category(carpets, slug="kilims", name_fa="گلیم", name_en="Kilims", position=1)
    create_category(slug="pottery", name_fa="سفال", name_en="Pottery", position=2)
    return carpets


def _shop_bar(html: str) -> str:
    return re.search(r'<div class="shop-bar">.*?</form>', html, re.S).group(0)


def test_every_page_has_search_and_the_category_tree_in_both_languages(
        app, client, login, create_trainee, tree):
    pages = {"/": "fa", "/no-such-page": "fa", "/centres?lang=en": "en"}
    for path, language in pages.items():
        bar = _shop_bar(client.get(path).text)
        assert '<form class="shop-search" method="get" action="/products" role="search">' in bar
        assert 'name="q"' in bar
        names = re.findall(r'href="/products\?category=([a-z]+)">([^<]+)</a>', bar)
        # Roots in order, each followed by its children in order, inside its own <li>.
        assert names == ([("carpets", "فرش"), ("kilims", "گلیم"), ("tableaux", "تابلو فرش"),
                          ("pottery", "سفال")] if language == "fa" else
                         [("carpets", "Carpets"), ("kilims", "Kilims"),
                          ("tableaux", "Tableaux"), ("pottery", "Pottery")])
        assert re.search(r"<li>\s*<a class=\"shop-menu-root\"[^>]*>[^<]+</a>\s*<ul><li>", bar)
    login(create_trainee().user)
    assert "/products?category=pottery" in _shop_bar(client.get("/").text)


def test_the_tree_costs_no_query_and_follows_category_changes(
        app, db, client, tree, monkeypatch):
    client.get("/")  # built on this process's first page
    with statements(db.engine) as seen:
        assert "فرش" in _shop_bar(client.get("/").text)
    assert not [s for s in seen if "categories" in s]

    tree.name_fa = "فرش دستباف"  # a change through the ORM, in this process
    db.session.commit()
    assert ">فرش دستباف<" in _shop_bar(client.get("/").text)

    # Another process's change reaches this one through the shared store, without a query,
    # once the recheck delay has passed.
    cache.set(category_menu.SHARED_KEY, ("elsewhere", [(1, None, "rugs", "قالی", "Rugs")]),
              timeout=0)
    assert ">فرش دستباف<" in _shop_bar(client.get("/").text)  # not checked yet
    monkeypatch.setattr(category_menu, "RECHECK_SECONDS", 0)
    with statements(db.engine) as seen:
        assert '<a class="shop-menu-root" href="/products?category=rugs">قالی</a>' in \
            _shop_bar(client.get("/").text)
    assert not [s for s in seen if "categories" in s]
