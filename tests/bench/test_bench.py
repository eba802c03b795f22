"""Smoke tests so the benchmark cannot rot: the generator at a small size, every scenario's
paths answered by the app, and the report's verdicts. (The load run itself is `make bench`.)"""

import random
from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from bench import generate as generator
from bench.run import (
    BUYER_EMAIL,
    USER_AGENT,
    Load,
    Row,
    buyer_cookie,
    count_queries,
    markdown,
    zipf_sequence,
)
from bench.scenarios import Scenario, load_all
from marketplace import create_app
from marketplace.accounts.services import find_user_by_email
from marketplace.catalogue import search_index
from marketplace.catalogue.models import Product
from marketplace.extensions import db
from marketplace.orders.models import Cart, CartLine


@pytest.fixture(scope="module")
def bench_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
    counts = generator.generate(url, products=200, trainees=20, centres=3, seed=7,
                                echo=lambda _message: None)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    yield app, counts
    with app.app_context():
        db.engine.dispose()


def test_generator_writes_the_requested_rows(bench_app):
    app, counts = bench_app
    assert (counts.products, counts.trainees, counts.centres) == (200, 20, 3)
    with app.app_context():
        assert db.session.scalar(select(func.count(Product.id))) == 200


def test_search_keys_are_what_the_catalogue_would_write(bench_app):
    app, _counts = bench_app
    with app.app_context():
        for product in db.session.scalars(select(Product).where(Product.id.in_([1, 77, 200]))):
            assert product.search_key
            assert product.search_key == search_index.build_search_key(product)


def test_the_sqlite_word_index_holds_every_search_key(bench_app):
    """FTS5 compares its index with the content table (products.search_key) and raises
    when they differ: the generator's rows went through the triggers like the app's."""
    app, _counts = bench_app
    with app.app_context():
        db.session.execute(text("INSERT INTO product_search (product_search, rank) "
                                "VALUES ('integrity-check', 1)"))
        assert db.session.scalar(text(
            "SELECT count(*) FROM product_search WHERE product_search MATCH '\"تابلو\"'")) > 40


def test_titles_are_persian_and_attributes_typed(bench_app):
    app, _counts = bench_app
    with app.app_context():
        tableaux = db.session.scalars(select(Product).where(
            Product.title_fa.like("تابلو فرش%"))).all()
        assert len(tableaux) > 40
        keys = {v.definition.key for v in tableaux[0].attribute_values}
        assert {"knot_density", "material", "width_cm", "height_cm"} <= keys


@pytest.mark.parametrize("name", sorted(load_all()))
def test_every_scenario_path_is_answered(bench_app, name):
    app, _counts = bench_app
    scenario = load_all()[name]
    with app.test_request_context():
        paths = scenario.build_paths(random.Random(3), 40)
    assert len(paths) == 40
    if name in ("browse", "search", "product"):
        assert len(set(paths)) > 10
    mean, most = count_queries(app, scenario, paths)  # raises unless every answer is 2xx
    assert mean <= most <= 12


def _load(rps, p50=2.0, p99=9.0, errors=0):
    return Load(rps=rps, p50_ms=p50, p99_ms=p99, requests=1000, errors=errors,
                status_errors=errors)


def test_verdicts_and_report():
    search = Scenario("search", "search", lambda rng, n: [], {"sqlite": 0.10}, 100)
    good = Row(search, "sqlite", _load(400, p99=60), _load(3000), 5.0, 6)
    slow = Row(search, "sqlite", _load(250, p99=140), _load(3000), 5.0, 6)
    broken = Row(search, "sqlite", _load(400, p99=60, errors=3), _load(3000), 5.0, 6)

    assert good.verdict == "ok"
    assert slow.verdict == "FAIL: ratio < 0.10; p99 ≥ 100 ms"
    assert "errors" in broken.verdict
    args = SimpleNamespace(workers=2, threads=2, connections=16, duration=10, warmup=2,
                           paths=100)
    info = {"date": "today", "nproc": 2, "python": "3.11"}
    report = markdown([good, slow], info, args)
    assert "| search | sqlite | 400 | 3,000 | **0.13** | ≥ 0.10, p99 < 100 ms |" in report
    assert report.count("\n| search |") == 2


def test_signed_in_rows_are_judged_by_the_signed_in_targets_and_cold_rows_by_none():
    browse = Scenario("browse", "browse", lambda rng, n: [], {"sqlite": 0.30}, None, {},
                      {"sqlite": 0.25})
    anonymous = Row(browse, "sqlite", _load(810), _load(3000), 5.0, 6)
    signed_in = Row(browse, "sqlite", _load(810), _load(3000), 5.0, 6, mode="signed-in")
    cold = Row(browse, "sqlite", _load(30), _load(3000), 5.0, 6, mode="cold")
    assert anonymous.verdict == "FAIL: ratio < 0.30"
    assert signed_in.verdict == "ok" and signed_in.target == 0.25
    assert cold.verdict == "ok" and cold.target is None


def test_the_zipf_mix_asks_few_paths_often_and_most_rarely():
    paths = [f"/p/{n}" for n in range(10_000)]
    drawn = zipf_sequence(paths + paths[:10], random.Random(1), 50_000)
    counts = sorted(Counter(drawn).values(), reverse=True)
    assert len(drawn) == 60_000 and set(drawn) == set(paths)  # each distinct path asked
    assert counts[0] > 2_000  # the most asked path, ~10 % of the requests
    assert sum(counts[:100]) < 0.6 * len(drawn)  # but no cache of a hundred pages holds it


def test_the_signed_in_mode_sends_a_buyer_session_with_a_cart(bench_app):
    app, _counts = bench_app
    cookie = buyer_cookie(app)
    with app.test_request_context():
        paths = load_all()["product"].build_paths(random.Random(3), 5)
    client = app.test_client()
    name, _, value = cookie.partition("=")
    client.set_cookie(name, value)
    page = client.get(paths[0], headers={"User-Agent": USER_AGENT})
    assert page.status_code == 200
    assert "/logout" in page.text  # signed in
    with app.app_context():
        user = find_user_by_email(BUYER_EMAIL)
        assert db.session.scalar(select(func.count(CartLine.id)).join(Cart).where(
            Cart.user_id == user.id)) == 1
