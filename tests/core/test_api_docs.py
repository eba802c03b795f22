"""The OpenAPI description of the whole API is generated and valid OpenAPI 3."""

from openapi_spec_validator import validate

from marketplace.catalogue.services.listing_data import TITLE_MAX
from marketplace.core.pagination import MAX_PAGE, MAX_PER_PAGE


def test_openapi_json_is_valid(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Bazaarche API"
    validate(spec)


def test_every_operation_has_a_summary(client):
    spec = client.get("/api/openapi.json").json
    missing = [f"{method.upper()} {path}" for path, operations in spec["paths"].items()
               for method, operation in operations.items()
               if method in {"get", "post", "put", "patch", "delete"}
               and not operation.get("summary")]
    assert missing == []


def _parameters(spec, path, method="get") -> dict:
    item = spec["paths"][path]
    listed = item.get("parameters", []) + item[method].get("parameters", [])
    return {p["name"]: p["schema"] for p in listed}


def test_page_arguments_state_their_ranges(client):
    spec = client.get("/api/openapi.json").json
    for path in ("/api/v1/products", "/api/v1/my/products", "/api/v1/centre/listings",
                 "/api/v1/orders", "/api/v1/vendor-orders", "/api/v1/stores/{store_slug}"):
        parameters = _parameters(spec, path)
        assert parameters["page"]["type"] == "integer", path
        assert parameters["page"]["minimum"] == 1, path
        assert parameters["page"]["maximum"] == MAX_PAGE, path
        assert parameters["per_page"]["minimum"] == 1, path
        assert parameters["per_page"]["maximum"] == MAX_PER_PAGE, path


def test_inputs_state_the_limits_the_services_check(client, app):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    password = schemas["Register"]["properties"]["password"]
    assert password["minLength"] == app.config["PASSWORD_MIN_LENGTH"]
    product = schemas["ProductInput"]["properties"]
    assert product["price_amount"]["minimum"] == 1
    assert product["stock"]["minimum"] == 0
    assert product["title_fa"]["maxLength"] == TITLE_MAX and "pattern" in product["title_fa"]
    assert product["category_id"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert schemas["CartLineCreate"]["properties"]["quantity"]["minimum"] == 1


def test_every_error_answer_is_documented_with_the_envelope(client):
    spec = client.get("/api/openapi.json").json
    detail = spec["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message", "fields"}
    missing = [f"{method.upper()} {path}" for path, operations in spec["paths"].items()
               for method, operation in operations.items()
               if method in {"get", "post", "put", "patch", "delete"}
               and "default" not in operation["responses"]]
    assert missing == []
