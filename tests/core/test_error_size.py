"""An error reply is bounded: a body with thousands of bad keys gets the first few errors and
a count, not a reply of megabytes that takes seconds to build (issue 13, part 3)."""

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalogue.models import Product
from tests.errors import assert_error

GOOD_SIGNUP = {"email": "new@example.org", "password": "a long enough password",
               "display_name": "Parisa"}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))




@pytest.fixture
def big_bodies(app):
    """Bodies past MAX_JSON_BODY, to reach the validators with many keys."""
    app.config["MAX_JSON_BODY"] = 16 * 1024 * 1024


@pytest.mark.usefixtures("big_bodies")
def test_thousands_of_unknown_attributes_get_a_short_answer(client, db, api_token, owner,
                                                            product_body):
    attributes = {f"k{i}": 1 for i in range(5_000)}
    response = client.post("/api/v1/products", headers=api_token(owner.user),
                           json={**product_body, "attributes": {"width_cm": 40, **attributes}})
    assert_error(response, 422, "validation_error", "attributes")
    error = response.json["error"]
    assert 0 < len(error["fields"]["attributes"]) <= 20
    assert error["fields_total"] == 5_000
    assert len(response.get_data()) < 10_000
    assert count(db, Product) == 0


@pytest.mark.usefixtures("big_bodies")
def test_thousands_of_unknown_fields_get_a_short_answer(client, db):
    response = client.post("/api/v1/accounts/register",
                           json={**GOOD_SIGNUP, **{f"field{i}": 1 for i in range(5_000)}})
    assert_error(response, 422, "validation_error")
    error = response.json["error"]
    assert 0 < len(error["fields"]) <= 20
    assert error["fields_total"] == 5_000
    assert len(response.get_data()) < 10_000
    assert count(db, User) == 0


@pytest.mark.usefixtures("big_bodies")
def test_a_huge_field_name_is_not_echoed_whole(client, db):
    response = client.post("/api/v1/accounts/register", json={**GOOD_SIGNUP, "x" * 100_000: 1})
    assert_error(response, 422, "validation_error")
    assert len(response.get_data()) < 2_000


def test_a_short_error_list_is_unchanged(client):
    response = client.post("/api/v1/accounts/register", json={**GOOD_SIGNUP, "is_admin": True})
    assert_error(response, 422, "validation_error", "is_admin")
    assert "fields_total" not in response.json["error"]


