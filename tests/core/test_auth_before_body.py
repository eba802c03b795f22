"""An API write checks who calls before it reads the body: no token, 401 — whatever the body
(issue 13, part 3); a signed-in non-admin gets 403 before an admin-only body is validated."""

import pytest

from tests.errors import assert_error

DEEP = "[" * 100_000 + "]" * 100_000




@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/products"), ("patch", "/api/v1/products/1"),
    ("post", "/api/v1/products/1/reject"), ("post", "/api/v1/centres"),
    ("post", "/api/v1/cart/lines"), ("post", "/api/v1/checkout"),
    ("post", "/api/v1/booths/venues"),
])
def test_an_unauthenticated_write_is_401_before_its_body_is_read(client, method, path):
    for body in ({"not": "valid"}, {"title_fa": 5}):
        response = getattr(client, method)(path, json=body)
        assert_error(response, 401, "unauthorized")
    response = getattr(client, method)(path, data=DEEP, content_type="application/json")
    assert_error(response, 401, "unauthorized")


def test_a_non_admin_is_403_before_an_admin_body_is_read(client, api_token, create_user):
    response = client.post("/api/v1/centres", json={"nonsense": True},
                           headers=api_token(create_user()))
    assert_error(response, 403, "forbidden")
