"""marshmallow's own messages reach API clients in their language (core.schema_messages): a
refused JSON body asked for in Persian names its fields in Persian, in English in English."""

import pytest
from marshmallow import Schema, fields, validate

from marketplace.core.schema_messages import TEMPLATES, translate


@pytest.fixture
def token(create_user, api_token):
    return api_token(create_user(locale="fa"))


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", {"product_id": ["این فیلد لازم است و داده‌ای برایش فرستاده نشده است."],
            "extra": ["فیلد ناشناخته است."]}),
    ("en", {"product_id": ["Missing data for required field."], "extra": ["Unknown field."]}),
])
def test_a_refused_body_is_explained_in_the_readers_language(client, token, lang, expected):
    response = client.post(f"/api/v1/cart/lines?lang={lang}", headers=token,
                           json={"extra": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("fa", "عدد صحیح معتبری نیست."), ("en-GB,en;q=0.8", "Not a valid integer.")])
def test_accept_language_chooses_for_a_client_without_a_saved_language(
        client, create_user, api_token, accept, expected):
    headers = {**api_token(create_user(locale="")), "Accept-Language": accept}
    response = client.patch("/api/v1/cart/lines/1", headers=headers, json={"quantity": "x"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"quantity": [expected]}


def test_a_range_names_its_bounds_in_persian_digits(client, token):
    response = client.get("/api/v1/orders?lang=fa&per_page=0", headers=token)
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["per_page"][0]
    assert message.startswith("باید دست‌کم ۱ و حداکثر ")
    assert not any(c.isascii() and c.isdigit() for c in message)


def test_messages_that_are_not_marshmallows_stay_as_they_are(app):
    with app.test_request_context("/?lang=fa"):
        assert translate("Quantity must be at least 1.") == "Quantity must be at least 1."
        assert translate("Must be one of: pickup, shipping.") == \
            "باید یکی از این‌ها باشد: pickup, shipping."


def _marshmallow_messages() -> set[str]:
    """What marshmallow says today: every field's and schema's default message (temporal
    fields filled in as they are used) and the validators' messages as they compose them."""
    found: set[str] = set()
    for name in dir(fields):
        field = getattr(fields, name)
        # The API takes no IP addresses: their fields' messages are left in English.
        if isinstance(field, type) and issubclass(field, fields.Field) and \
                not name.startswith("IP"):
            for message in getattr(field, "default_error_messages", {}).values():
                if "{obj_type}" in message or "{input" in message or "{awareness}" in message:
                    continue
                found.add(message)
    found |= set(Schema._default_error_messages.values())
    found |= {f"Not a valid {kind}." for kind in ("datetime", "date", "time")}
    ranges = [validate.Range(1, 2), validate.Range(1), validate.Range(max=2),
              validate.Range(1, 2, min_inclusive=False, max_inclusive=False),
              validate.Range(1, min_inclusive=False), validate.Range(max=2, max_inclusive=False)]
    found |= {message for r in ranges for message in (r.message_min, r.message_max,
                                                      r.message_all)
              if "{min}" in message or "{max}" in message}
    found |= {validate.Length.message_min, validate.Length.message_max,
              validate.Length.message_all, validate.Length.message_equal,
              validate.OneOf.default_message, validate.Equal.default_message,
              validate.Regexp.default_message, validate.NoneOf.default_message,
              validate.ContainsOnly.default_message}
    return found


def test_every_marshmallow_message_is_known():
    """A marshmallow upgrade that rewords or adds a message fails here, not in front of a
    Persian client."""
    mixed = {"Must be greater than or equal to {min} and less than {max}.",
             "Must be greater than {min} and less than or equal to {max}."}
    assert _marshmallow_messages() - set(TEMPLATES) - mixed == set()
