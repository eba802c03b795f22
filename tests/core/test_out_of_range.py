"""Ids and numbers too large for the database are bad input (4xx), never a server error."""

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [
    f"/p/{HUGE}", f"/p/{HUGE}/tag", f"/p/{HUGE}/qr.png", f"/markets/{HUGE}",
    f"/api/v1/products/{HUGE}", f"/api/v1/booths/markets/{HUGE}", "/p/2147483648",
])
def test_an_id_beyond_the_database_range_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/products", "/api/v1/products"])
def test_a_page_number_beyond_the_cap_is_a_bad_request(client, path):
    response = client.get(f"{path}?page={HUGE}")
    assert response.status_code == 400


def test_a_huge_id_in_a_form_is_a_bad_request_not_a_crash(client):
    response = client.post("/cart/add", data={"product_id": HUGE, "quantity": "1"})
    assert 400 <= response.status_code < 500
