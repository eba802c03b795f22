"""The page cache: public pages kept for anonymous visitors, never stale, never personal."""

import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from marketplace.catalogue.models import SearchLog
from marketplace.catalogue.services import products, stock
from marketplace.catalogue.services.listing_data import ListingData
from marketplace.core import page_cache
from tests.redis_server import TEST_REDIS_URL, skip_without_redis
from tests.sql import statements


def csrf_tokens(page: str) -> list[str]:
    return re.findall(r'name="csrf_token" value="([^"]+)"', page)


@pytest.fixture
def product(create_product, create_trainee, create_centre):
    # Its centre publishes edits at once (elsewhere an edited title waits for review).
    trainee = create_trainee(centre=create_centre(auto_approve_listings=True))
    return create_product(trainee, title_fa="تابلو فرش گل و مرغ", stock=3)


def get_twice(client, db, path, **kwargs):
    first = client.get(path, **kwargs)
    with statements(db.engine) as seen:
        second = client.get(path, **kwargs)
    assert first.status_code == second.status_code == 200
    return first, second, seen


def test_a_public_page_is_served_again_without_running_the_view(client, db, product):
    first, second, seen = get_twice(client, db, f"/p/{product.id}")
    assert seen == []  # not one query: the page came from the cache
    assert second.get_data(as_text=True).replace(
        csrf_tokens(second.get_data(as_text=True))[0], "") == first.get_data(
        as_text=True).replace(csrf_tokens(first.get_data(as_text=True))[0], "")
    assert "تابلو فرش گل و مرغ" in second.get_data(as_text=True)
    assert page_cache.CSRF_HOLE not in second.get_data(as_text=True)


def test_every_visitor_gets_a_working_csrf_token_of_their_own(app, db, product):
    app.config["WTF_CSRF_ENABLED"] = True
    alice, bob = app.test_client(), app.test_client()
    page_alice = alice.get(f"/p/{product.id}").get_data(as_text=True)
    page_bob = bob.get(f"/p/{product.id}").get_data(as_text=True)  # from the cache
    token_alice, token_bob = csrf_tokens(page_alice)[0], csrf_tokens(page_bob)[0]
    assert token_alice != token_bob
    # Bob's token from the cached page is good for Bob's add-to-cart, not for Alice's.
    assert alice.post("/cart/add", data={"product_id": product.id, "quantity": "1",
                                           "csrf_token": token_bob}).status_code == 400
    response = bob.post("/cart/add", data={"product_id": product.id, "quantity": "1",
                                             "csrf_token": token_bob})
    assert response.status_code == 302


def test_a_change_that_pages_show_is_seen_at_once(client, db, product):
    get_twice(client, db, f"/p/{product.id}")
    products.update_product(product.trainee.user, product, replace(
        ListingData.of(product), title_fa="تابلو فرش حافظ", price_amount=1200, stock=3))
    db.session.commit()
    page = client.get(f"/p/{product.id}").get_data(as_text=True)
    assert "تابلو فرش حافظ" in page
    assert "گل و مرغ" not in page


def test_a_sale_is_seen_at_once(client, db, product):
    get_twice(client, db, f"/p/{product.id}")
    assert stock.take_stock(product.id, 3)
    db.session.commit()
    with statements(db.engine) as seen:
        client.get(f"/p/{product.id}")
    assert seen  # rendered again: the product sold out


def test_writing_only_private_tables_keeps_the_pages(client, db, product):
    get_twice(client, db, "/products")
    db.session.add(SearchLog(query="x", filters={}, result_count=0, duration_ms=1))
    db.session.commit()
    with statements(db.engine) as seen:
        client.get("/products")
    written = [s for s in seen if s not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    assert written and all("search_log" in s for s in written)  # this request's own log


def test_signed_in_users_never_get_a_kept_page(client, db, login, product, create_user):
    get_twice(client, db, f"/p/{product.id}")
    buyer = create_user(display_name="Parisa Buyer")
    login(buyer)
    with statements(db.engine) as seen:
        page = client.get(f"/p/{product.id}").get_data(as_text=True)
    assert seen
    assert "Log out" in page or "خروج" in page


def test_a_bearer_token_or_a_remember_cookie_skips_the_cache(client, db, product):
    get_twice(client, db, f"/p/{product.id}")
    for kwargs in ({"headers": {"Authorization": "Bearer nonsense"}},):
        with statements(db.engine) as seen:
            client.get(f"/p/{product.id}", **kwargs)
        assert seen
    client.set_cookie("remember_token", "whatever")
    with statements(db.engine) as seen:
        client.get(f"/p/{product.id}")
    assert seen


def test_each_language_has_its_own_page(client, db, product):
    fa = client.get(f"/p/{product.id}", headers={"Accept-Language": "fa"})
    en = client.get(f"/p/{product.id}", headers={"Accept-Language": "en"})
    assert 'lang="fa"' in fa.get_data(as_text=True)
    assert 'lang="en"' in en.get_data(as_text=True)
    again = client.get(f"/p/{product.id}?lang=en").get_data(as_text=True)
    assert 'lang="en"' in again


def test_a_waiting_flash_message_is_shown_not_hidden_by_a_kept_page(client, db, product):
    get_twice(client, db, f"/p/{product.id}")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Added to your cart.")]
    page = client.get(f"/p/{product.id}").get_data(as_text=True)
    assert "Added to your cart." in page


def test_uncommitted_changes_of_the_same_session_skip_the_cache(client, db, product):
    get_twice(client, db, f"/p/{product.id}")
    product.title_fa = "تابلو فرش سعدی"
    db.session.flush()
    assert "تابلو فرش سعدی" in client.get(f"/p/{product.id}").get_data(as_text=True)
    db.session.rollback()


def test_a_search_served_from_the_cache_is_still_logged(client, db, product):
    _first, _second, seen = get_twice(client, db, "/products?q=گل")
    assert not [s for s in seen if "products" in s]  # served from the cache
    db.session.expire_all()
    logs = db.session.scalars(select(SearchLog)).all()
    assert [(log.query, log.result_count) for log in logs] == [("گل", 1), ("گل", 1)]


def test_store_and_centre_pages_are_kept_too(client, db, product):
    trainee = product.trainee
    for path in (f"/s/{trainee.store_slug}", f"/c/{trainee.centre.slug}", "/centres"):
        _first, _second, seen = get_twice(client, db, path)
        assert seen == [], path


def test_error_pages_are_not_kept(client, db):
    client.get("/p/999999")
    with statements(db.engine) as seen:
        assert client.get("/p/999999").status_code == 404
    assert seen


def test_a_fresh_search_page_reuses_the_kept_categories_and_centres(client, db, product):
    assert client.get("/products?q=" + "گل").status_code == 200
    with statements(db.engine) as seen:
        page = client.get("/products?q=" + "مرغ")  # another page: rendered, not kept
    assert page.status_code == 200 and "تابلو فرش گل و مرغ" in page.get_data(as_text=True)
    loaded = " ".join(seen)
    assert seen and "FROM categories" not in loaded and "FROM training_centres" not in loaded


def test_kept_categories_follow_a_change_and_outlive_commits(client, db, product):
    client.get("/products?q=" + "گل")
    db.session.add(SearchLog(query="x", filters={}, result_count=0, duration_ms=1))
    db.session.commit()  # a private table: the kept tree stays, and must still be readable
    assert client.get("/api/v1/categories").status_code == 200
    product.category.name_fa = "تابلوهای بافته"
    db.session.commit()
    assert "تابلوهای بافته" in client.get("/products?q=" + "مرغ").get_data(as_text=True)
    assert "تابلوهای بافته" in category_names(client.get("/api/v1/categories").get_json())


def category_names(nodes: list[dict]) -> list[str]:
    return [name for node in nodes
            for name in (node["name_fa"], *category_names(node["children"]))]


class TestSearchLogInBatches:
    """As deployed: searches are logged in batches, so nothing else commits during the request."""

    @pytest.fixture
    def app_config(self):
        return {"SEARCH_LOG_FLUSH_SECONDS": 60}

    def test_a_word_search_is_kept(self, client, db, product):
        _first, _second, seen = get_twice(client, db, "/products?q=گل")
        assert seen == []


class TestTurnedOff:
    @pytest.fixture
    def app_config(self):
        return {"PAGE_CACHE_SECONDS": 0}

    def test_every_request_renders_the_page(self, client, db, product):
        _first, _second, seen = get_twice(client, db, f"/p/{product.id}")
        assert seen


def test_a_lost_generation_forgets_every_page(app, client, db, product):
    get_twice(client, db, f"/p/{product.id}")
    page_cache.cache.delete(page_cache.GENERATION_KEY)  # evicted from Redis, say
    with statements(db.engine) as seen:
        client.get(f"/p/{product.id}")
    assert seen
    assert db.session.scalar(select(func.count()).select_from(SearchLog)) == 0


class TestSharedStores:
    """What production uses: a folder shared by one machine's workers, or Redis."""

    @pytest.fixture(params=["folder", "redis"])
    def app_config(self, request, tmp_path):
        if request.param == "redis":
            skip_without_redis()
            return {"PAGE_CACHE_STORE": "redis", "REDIS_URL": TEST_REDIS_URL,
                    "PAGE_CACHE_KEY_PREFIX": f"bz-test-{tmp_path.name}:"}
        return {"PAGE_CACHE_STORE": "folder", "PAGE_CACHE_DIR": str(tmp_path / "pages")}

    def test_a_kept_page_is_served_and_a_change_forgets_it(self, app, client, db, product):
        _first, _second, seen = get_twice(client, db, f"/p/{product.id}")
        assert seen == []
        product.title_fa = "تابلو فرش سعدی"
        db.session.commit()
        assert "تابلو فرش سعدی" in client.get(f"/p/{product.id}").get_data(as_text=True)
        page_cache.cache.clear()


def test_a_store_that_fails_means_rendering_not_an_error(app, client, db, product,
                                                          monkeypatch):
    backend = page_cache.cache.cache

    def broken(*_args, **_kwargs):
        raise ConnectionError("the cache store is down")

    for method in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(backend, method, broken)
    for path in (f"/p/{product.id}", "/products?q=گل", "/products?category=" +
                 product.category.slug):
        response = client.get(path)
        assert response.status_code == 200, path
        assert page_cache.CSRF_HOLE not in response.get_data(as_text=True)
    products.update_product(product.trainee.user, product, replace(
        ListingData.of(product), title_fa="تابلو فرش حافظ", price_amount=1200, stock=3))
    db.session.commit()  # the generation cannot be renewed: logged, the commit stands
    assert "تابلو فرش حافظ" in client.get(f"/p/{product.id}").get_data(as_text=True)
