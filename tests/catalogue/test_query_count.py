"""Every list page and API call runs the same number of SQL queries whatever the page size."""

import io

import pytest

from tests.factories.catalogue import png_bytes
from tests.sql import statements as count_queries


@pytest.fixture
def app_config():
    """Count what rendering a page costs, not what answering it from the page cache costs."""
    return {"PAGE_CACHE_SECONDS": 0}


@pytest.fixture
def catalogue(db, client, login, create_product, create_trainee, create_centre, api_token,
              carpet_category):
    centres = [create_centre(city=city) for city in ("سردرود", "اسکو", "سهند")]
    trainees = [create_trainee(centre=centres[n % 3]) for n in range(6)]
    for n in range(30):
        product = create_product(trainee=trainees[n % 6], category=carpet_category,
                                 title_fa=f"تابلو فرش شماره {n}", price_amount=1000 + n,
                                 attributes={"width_cm": 30 + n, "knot_density": "60",
                                             "material": "silk"})
        if n % 10 == 0:
            login(trainees[n % 6].user)
            client.post(f"/my/products/{product.id}/images",
                        data={"image": (io.BytesIO(png_bytes()), "p.png")},
                        content_type="multipart/form-data")
    return trainees


def _queries(db, client, url, **params):
    client.get(url, query_string=params)  # warm caches (templates)
    with count_queries(db.engine) as statements:
        response = client.get(url, query_string=params)
    assert response.status_code == 200, response.text[:500]
    return len(statements)


@pytest.mark.parametrize("url", ["/products", "/api/v1/products"])
@pytest.mark.parametrize("params", [
    {}, {"q": "تابلو فرش ابريشم"}, {"q": "۶۰ رج", "sort": "price_asc"},
    {"category": "carpet-tableaux", "attr.knot_density.min": "60", "attr.material": "silk",
     "min_price": "10", "in_stock": "1", "sort": "price_desc"},
])
def test_search_runs_the_same_queries_for_1_and_24_results(app, db, catalogue, url, params):
    buyer = app.test_client()  # anonymous: a signed-in maker's own row would hit the cache
    one = _queries(db, buyer, url, per_page=1, **params)
    many = _queries(db, buyer, url, per_page=24, **params)
    assert one == many
    assert many <= 12


def test_product_page_and_api_run_a_constant_number_of_queries(db, client, create_product,
                                                               create_trainee, login,
                                                               carpet_category, create_centre):
    # The photos are public at once (elsewhere a new photo waits for review).
    trainee = create_trainee(centre=create_centre(auto_approve_listings=True))
    plain = create_product(trainee=trainee, category=carpet_category,
                           attributes={"width_cm": 20})
    rich = create_product(trainee=trainee, category=carpet_category,
                          attributes={"width_cm": 40, "height_cm": 60, "knot_density": "70",
                                      "material": "silk", "framed": True, "colour_count": 12})
    login(trainee.user)
    for _ in range(4):
        client.post(f"/my/products/{rich.id}/images",
                    data={"image": (io.BytesIO(png_bytes()), "p.png")},
                    content_type="multipart/form-data")
    for url in ("/p/{}", "/api/v1/products/{}"):
        assert _queries(db, client, url.format(plain.id)) == _queries(
            db, client, url.format(rich.id))


def test_my_products_and_review_queue_are_constant(db, client, login, create_product,
                                                   create_trainee, create_centre_staff):
    from marketplace.catalogue.models import ProductStatus

    trainee = create_trainee()
    staff = create_centre_staff(centre=trainee.centre)
    for _ in range(6):
        create_product(trainee=trainee, status=ProductStatus.SUBMITTED)
    login(trainee.user)
    assert _queries(db, client, "/my/products", per_page=1) == _queries(
        db, client, "/my/products", per_page=6)
    login(staff)
    assert _queries(db, client, "/centre/listings", per_page=1) == _queries(
        db, client, "/centre/listings", per_page=6)
