"""The OpenAPI description loads in schemathesis, and fuzzed catalogue reads never fail with a
server error or break their documented response schemas."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance


@pytest.fixture
def api_schema(app, create_product, carpet_category):
    create_product(category=carpet_category, title_fa="تابلو فرش", attributes={"width_cm": 40})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_the_schema_lists_the_catalogue_operations(api_schema):
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/v1/categories", "/api/v1/products", "/api/v1/products/{product_id}",
            "/api/v1/products/{product_id}/images", "/api/v1/products/{product_id}/submit",
            "/api/v1/products/{product_id}/approve"} <= paths


@pytest.mark.parametrize("path", ["/api/v1/categories", "/api/v1/products",
                                  "/api/v1/products/{product_id}"])
def test_fuzzed_reads_never_fail(api_schema, path):
    operation = api_schema[path]["GET"]

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    run()


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
