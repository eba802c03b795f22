"""GET /api/v1/stores/<slug> and GET /api/v1/centres/<slug>/stores."""

from marketplace.accounts.models import TraineeStatus
from marketplace.catalogue.models import ProductStatus


def test_store_api_returns_the_store_and_a_page_of_products(client, create_trainee,
                                                            create_centre, make_product):
    centre = create_centre(slug="sardrud", name_fa="مرکز سردرود", city="سردرود")
    store = create_trainee(centre=centre, store_slug="maryam-tableaux",
                           store_name="تابلو فرش مریم", trade="carpet_weaving")
    older = make_product(store, title_fa="قدیمی", price_amount=900_000)
    newer = make_product(store, title_fa="تازه")
    make_product(store, status=ProductStatus.DRAFT)

    response = client.get("/api/v1/stores/maryam-tableaux?per_page=1")

    assert response.status_code == 200
    body = response.get_json()
    assert body["store"]["slug"] == "maryam-tableaux"
    assert body["store"]["name"] == "تابلو فرش مریم"
    assert body["store"]["trade"] == "carpet_weaving"
    assert body["store"]["trade_label"] == "بافت فرش"
    assert body["store"]["city"] == "سردرود"
    assert body["store"]["centre"]["slug"] == "sardrud"
    assert body["store"]["centre"]["url"] == "http://localhost/c/sardrud"
    assert body["store"]["url"] == "http://localhost/s/maryam-tableaux"
    assert body["store"]["qr_png"] == "http://localhost/s/maryam-tableaux/qr.png"
    assert body["products"]["total"] == 2
    assert body["products"]["pages"] == 2
    [item] = body["products"]["items"]
    assert item["id"] == newer.id
    assert item["url"] == f"http://localhost/p/{newer.id}"
    assert item["cover"] is None

    second = client.get("/api/v1/stores/maryam-tableaux?per_page=1&page=2").get_json()
    assert second["products"]["items"][0]["id"] == older.id
    assert second["products"]["items"][0]["price"] == {"amount": 900_000, "currency": "USD"}


def test_store_api_errors(client, create_trainee):
    create_trainee(store_slug="suspended-store", status=TraineeStatus.SUSPENDED)

    missing = client.get("/api/v1/stores/suspended-store")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "store_not_found"
    bad_page = client.get("/api/v1/stores/suspended-store?per_page=1000")
    assert bad_page.status_code == 422
    assert "per_page" in bad_page.get_json()["error"]["fields"]


def test_store_api_query_count_is_constant(client, create_trainee, make_product,
                                           count_queries):
    store = create_trainee(store_slug="busy")
    make_product(store)
    with count_queries() as one:
        client.get("/api/v1/stores/busy")
    for _ in range(9):
        make_product(store)
    with count_queries() as ten:
        client.get("/api/v1/stores/busy")
    assert one.n == ten.n <= 4


def test_centre_stores_api(client, create_centre, create_trainee, make_product, count_queries):
    centre = create_centre(slug="osku")
    zahra = create_trainee(centre=centre, store_slug="zahra", store_name="الف زهرا")
    create_trainee(centre=centre, store_slug="ali", store_name="ب علی")
    create_trainee(centre=centre, store_slug="pending", status=TraineeStatus.PENDING)
    create_trainee(store_slug="elsewhere")
    make_product(zahra)
    make_product(zahra)

    with count_queries() as counted:
        response = client.get("/api/v1/centres/osku/stores")

    assert response.status_code == 200
    body = response.get_json()
    assert body["centre"]["slug"] == "osku"
    assert [s["slug"] for s in body["items"]] == ["zahra", "ali"]
    assert [s["active_products"] for s in body["items"]] == [2, 0]
    assert body["total"] == 2
    assert counted.n <= 4
    assert client.get("/api/v1/centres/nowhere/stores").status_code == 404


def test_store_endpoints_are_in_the_openapi_description(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/stores/{store_slug}" in paths
    assert "/api/v1/centres/{centre_slug}/stores" in paths
