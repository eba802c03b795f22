"""Product cards kept per process (catalogue.cards) and the words each search term stands for
(PostgreSQL's search_words lookups): reused by later pages, renewed by any public change."""

from dataclasses import replace

import pytest

from marketplace.catalogue.services.listing_data import ListingData
from marketplace.catalogue.services.products import update_product
from tests.sql import statements


@pytest.fixture
def tableaux(create_product, create_trainee, create_centre):
    # Their centre publishes edits at once (elsewhere an edited title waits for review).
    trainee = create_trainee(centre=create_centre(auto_approve_listings=True))
    return [create_product(trainee, title_fa="تابلو فرش گل و مرغ"),
            create_product(trainee, title_fa="تابلو فرش منظره")]


def test_a_second_search_reuses_the_cards_of_products_it_shares(client, db, tableaux):
    first = client.get("/products?q=تابلو")
    with statements(db.engine) as seen:
        second = client.get("/products?q=فرش")
    assert first.status_code == second.status_code == 200
    for title in ("تابلو فرش گل و مرغ", "تابلو فرش منظره"):
        assert title in second.get_data(as_text=True)
    assert not any("product_images" in statement for statement in seen)  # no card was loaded


def test_an_edit_renews_the_card_on_the_next_page(client, db, tableaux):
    client.get("/products?q=تابلو")
    product = tableaux[0]
    update_product(product.trainee.user, product,
                   replace(ListingData.of(product), title_fa="تابلو فرش طاووس"))
    db.session.commit()
    page = client.get("/products?q=فرش").get_data(as_text=True)
    assert "تابلو فرش طاووس" in page
    assert "گل و مرغ" not in page


def test_a_word_first_found_nowhere_is_found_once_a_product_has_it(client, db, tableaux):
    assert "تابلو فرش منظره" not in client.get("/products?q=طاووس").get_data(as_text=True)
    product = tableaux[1]
    update_product(product.trainee.user, product,
                   replace(ListingData.of(product), title_fa="تابلو فرش طاووس"))
    db.session.commit()
    assert "تابلو فرش طاووس" in client.get("/products?q=طاووس&page=1").get_data(as_text=True)


def test_cards_follow_the_language(client, db, create_product):
    create_product(title_fa="تابلو فرش گل و مرغ", title_en="Flower and bird tableau")
    persian = client.get("/products?q=تابلو", headers={"Accept-Language": "fa"})
    english = client.get("/products?q=تابلو", headers={"Accept-Language": "en"})
    assert "تابلو فرش گل و مرغ" in persian.get_data(as_text=True)
    assert "Flower and bird tableau" in english.get_data(as_text=True)
    assert "تابلو فرش گل و مرغ" not in english.get_data(as_text=True)
