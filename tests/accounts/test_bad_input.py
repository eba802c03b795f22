"""Bad input gets a clear 4xx with an error code, and nothing is written."""

import re

import pytest
from sqlalchemy import func, select

from marketplace.accounts import services
from marketplace.accounts.models import ApiToken, Trainee, User
from marketplace.core.auth import verify_password
from tests.errors import assert_error
from tests.factories.accounts import PASSWORD
from tests.tokens import with_changed_signature

GOOD = {"email": "new@example.org", "password": "a long enough password",
        "display_name": "Parisa"}


def users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def trainees(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Trainee))




# --- registration through the API ------------------------------------------------------------

def test_the_same_email_in_another_case_is_refused(client, db, create_user):
    create_user(email="parisa@example.org")
    before = users(db)
    response = client.post("/api/v1/accounts/register",
                           json={**GOOD, "email": "Parisa@Example.ORG"})
    assert_error(response, 409, "email_taken", "email")
    assert users(db) == before


def test_the_same_email_in_another_case_is_refused_on_the_page(client, db, create_user):
    create_user(email="parisa@example.org")
    before = users(db)
    response = client.post("/signup", data={**GOOD, "email": "PARISA@example.org"})
    assert response.status_code == 200
    assert "This email is already registered." in response.get_data(as_text=True)
    assert users(db) == before


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.org", "a b@example.org", ""])
def test_a_malformed_email_is_refused(client, db, email):
    response = client.post("/api/v1/accounts/register", json={**GOOD, "email": email})
    assert_error(response, 422, "validation_error", "email")
    assert users(db) == 0
    response = client.post("/signup", data={**GOOD, "email": email})
    assert response.status_code == 200 and 'class="field has-error"' in response.get_data(True)
    assert users(db) == 0


def test_a_short_password_is_refused(client, db):
    response = client.post("/api/v1/accounts/register", json={**GOOD, "password": "short"})
    assert_error(response, 422, "weak_password", "password")
    assert users(db) == 0
    response = client.post("/signup", data={**GOOD, "password": "short"})
    assert "At least 10 characters." in response.get_data(as_text=True)
    assert users(db) == 0


def test_an_unknown_centre_is_refused_and_no_account_is_left_behind(client, db):
    body = {**GOOD, "centre_id": 9999, "trade": "carpet_weaving", "store_name": "Mine"}
    response = client.post("/api/v1/accounts/register-trainee", json=body)
    assert_error(response, 404, "unknown_centre", "centre_id")
    assert users(db) == 0 and trainees(db) == 0


def test_an_unknown_centre_is_refused_on_the_page(client, db, create_centre):
    create_centre()
    response = client.post("/signup/trainee", data={**GOOD, "centre_id": "9999",
                                                   "trade": "carpet_weaving", "store_name": "Mine"})
    assert response.status_code == 200
    assert 'class="field has-error"' in response.get_data(as_text=True)
    assert users(db) == 0 and trainees(db) == 0


def test_unknown_fields_are_refused(client, db):
    response = client.post("/api/v1/accounts/register", json={**GOOD, "is_admin": True})
    assert_error(response, 422, "validation_error", "is_admin")
    assert users(db) == 0


def test_a_non_json_body_is_refused(client, db):
    response = client.post("/api/v1/accounts/register", data="email=new@example.org",
                           content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert users(db) == 0


def test_malformed_json_is_refused(client, db):
    response = client.post("/api/v1/accounts/register", data='{"email": "new@example.org",',
                           content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert users(db) == 0


def test_a_json_body_that_is_not_an_object_is_refused(client, db):
    response = client.post("/api/v1/accounts/register", json=["email", "password"])
    assert response.status_code in (400, 422)
    assert response.json["error"]["code"] in ("bad_request", "validation_error")
    assert users(db) == 0


def test_wrong_types_are_refused(client, db, create_centre):
    centre = create_centre()
    body = {**GOOD, "centre_id": str(centre.id), "trade": "carpet_weaving", "store_name": "Mine"}
    response = client.post("/api/v1/accounts/register-trainee", json=body)
    assert_error(response, 422, "validation_error", "centre_id")
    assert users(db) == 0


class TestBodyOverTheLimit:
    @pytest.fixture
    def app_config(self):
        return {"MAX_CONTENT_LENGTH": 2048}

    def test_api(self, client, db):
        response = client.post("/api/v1/accounts/register",
                               json={**GOOD, "display_name": "x" * 5000})
        assert_error(response, 413, "payload_too_large")
        assert users(db) == 0

    def test_page(self, client, db):
        response = client.post("/signup", data={**GOOD, "display_name": "x" * 5000})
        assert response.status_code == 413
        assert "<html" in response.get_data(as_text=True)
        assert users(db) == 0


# --- password reset links --------------------------------------------------------------------

def reset_path(token: str) -> str:
    return f"/password/reset/{token}"


def test_an_expired_reset_link_is_refused(client, db, create_user, monkeypatch, app):
    user = create_user()
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time",
                        lambda: real_time() - app.config["PASSWORD_RESET_MAX_AGE"] - 60)
    token = services.make_reset_token(user)
    monkeypatch.setattr(itsdangerous.timed.time, "time", real_time)

    assert client.get(reset_path(token)).status_code == 400
    response = client.post(reset_path(token), data={"password": "a brand new password"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    with pytest.raises(services.DomainError) as caught:
        services.user_for_reset_token(token)
    assert caught.value.code == "expired_token"


def test_a_reset_link_works_once(client, db, create_user):
    user = create_user()
    token = services.make_reset_token(user)
    response = client.post(reset_path(token), data={"password": "the first new password"})
    assert response.status_code == 302
    response = client.post(reset_path(token), data={"password": "the second new password"})
    assert response.status_code == 400
    assert "already used" in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, "the first new password")


@pytest.mark.parametrize("tamper", [
    with_changed_signature,  # signature changed
    lambda t: "x" + t,       # payload changed
    lambda t: "not-a-token",
])
def test_a_tampered_reset_link_is_refused(client, db, create_user, tamper):
    user = create_user()
    token = tamper(services.make_reset_token(user))
    response = client.post(reset_path(token), data={"password": "a brand new password"})
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_a_reset_link_signed_with_another_key_is_refused(db, create_user):
    from itsdangerous import URLSafeTimedSerializer

    user = create_user()
    forged = URLSafeTimedSerializer("another key", salt=services.RESET_SALT).dumps(
        {"user": user.id, "since": user.password_stamp})
    with pytest.raises(services.DomainError) as caught:
        services.user_for_reset_token(forged)
    assert caught.value.code == "invalid_token"


def test_a_short_new_password_on_the_reset_page_changes_nothing(client, db, create_user):
    user = create_user()
    token = services.make_reset_token(user)
    response = client.post(reset_path(token), data={"password": "short"})
    assert response.status_code == 200
    assert "At least 10 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


# --- rate limits -----------------------------------------------------------------------------

class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_RATE_LIMIT": "3 per minute", "RESET_RATE_LIMIT": "2 per minute"}

    def test_login(self, client, create_user):
        user = create_user()
        for _ in range(3):
            response = client.post("/login", data={"email": user.email, "password": "wrong"})
            assert response.status_code == 200
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert "Too many attempts" in response.get_data(as_text=True)
        # Looking at the form is not an attempt.
        assert client.get("/login").status_code == 200

    def test_password_reset_request(self, client, create_user, outbox):
        user = create_user()
        for _ in range(2):
            assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
        response = client.post("/password/forgot", data={"email": user.email})
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert len(outbox()) == 2

    def test_api_token_by_password(self, client, db, create_user):
        user = create_user()
        body = {"email": user.email, "password": "wrong", "name": "script"}
        for _ in range(3):
            assert client.post("/api/v1/accounts/tokens", json=body).status_code == 401
        response = client.post("/api/v1/accounts/tokens", json={**body, "password": PASSWORD})
        assert_error(response, 429, "rate_limited")
        assert int(response.headers["Retry-After"]) > 0
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_the_reset_mail_link_is_absolute_and_points_at_the_reset_page(client, create_user,
                                                                      outbox):
    user = create_user()
    client.post("/password/forgot", data={"email": user.email.upper()})
    (mail,) = outbox()
    assert re.search(r"https?://[^\s]+/password/reset/[\w.-]+", mail.get_content())


def test_a_short_password_is_refused_in_persian_digits(client, db):
    """Issue 18: «دست‌کم ۱۰ نویسه», not «10»."""
    response = client.post("/signup?lang=fa", data={**GOOD, "password": "short"})
    html = response.get_data(as_text=True)
    assert "دست‌کم ۱۰ نویسه" in html and "دست‌کم 10" not in html
    assert users(db) == 0
