"""The OpenAPI description of the whole API is generated and valid OpenAPI 3."""

from openapi_spec_validator import validate


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
