"""The OpenAPI description loads in schemathesis and lists the catalogue operations. (Every
operation is fuzzed against its documented contract in tests/core/test_api_contract.py.)"""

import pytest
import schemathesis


@pytest.fixture
def api_schema(app, create_product, carpet_category):
    create_product(category=carpet_category, title_fa="تابلو فرش", attributes={"width_cm": 40})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_the_schema_lists_the_catalogue_operations(api_schema):
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/v1/categories", "/api/v1/products", "/api/v1/products/{product_id}",
            "/api/v1/products/{product_id}/images", "/api/v1/products/{product_id}/submit",
            "/api/v1/products/{product_id}/approve"} <= paths


def test_absurd_numbers_in_the_address_are_4xx_not_500(client, login, create_admin):
    huge = "9" * 25
    for number in (huge, str(2**31)):  # 2**31 overflows PostgreSQL's INTEGER ids
        assert client.get(f"/p/{number}").status_code == 404
        assert client.get(f"/api/v1/products/{number}").status_code == 404
    for name in ("centre", "trainee", "min_price", "page"):
        response = client.get("/api/v1/products", query_string={name: huge})
        assert response.status_code == 400, name
    login(create_admin())
    assert client.get(f"/admin/categories/{huge}").status_code == 404
    assert client.get(f"/admin/attributes/{huge}").status_code == 404
