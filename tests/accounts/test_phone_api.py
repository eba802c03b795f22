"""Phone sign-in over the API: a code texted to a verified number, traded for a token."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from marketplace.accounts.models import PhoneCode
from marketplace.core.db import utcnow
from marketplace.core.sms.outbox import outbox_messages
from tests.errors import assert_error

PHONE = "+989121234567"


@pytest.fixture
def verified_user(create_user):
    return create_user(phone=PHONE, phone_verified_at=utcnow())


def test_a_code_then_a_token(client, verified_user):
    response = client.post("/api/v1/accounts/phone-codes", json={"phone": "۰۹۱۲۱۲۳۴۵۶۷"})
    assert response.status_code == 202
    assert response.json == {"phone": PHONE, "expires_in": 300}
    code = outbox_messages()[-1]["code"]
    response = client.post("/api/v1/accounts/phone-tokens",
                           json={"phone": "09121234567", "code": code, "name": "app"})
    assert response.status_code == 201
    token = response.json["token"]
    me = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["email"] == verified_user.email


def test_an_unknown_number_gets_the_same_answer(client):
    response = client.post("/api/v1/accounts/phone-codes", json={"phone": "09350000000"})
    assert response.status_code == 202 and outbox_messages() == []


def test_a_bad_number(client):
    assert_error(client.post("/api/v1/accounts/phone-codes", json={"phone": "0912"}),
                 400, "invalid_phone")


def test_a_wrong_code_is_counted_and_refused(client, db, verified_user):
    client.post("/api/v1/accounts/phone-codes", json={"phone": PHONE})
    code = outbox_messages()[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/api/v1/accounts/phone-tokens",
                           json={"phone": PHONE, "code": wrong, "name": "app"})
    assert_error(response, 400, "wrong_code")
    assert db.session.scalar(select(PhoneCode.attempts)) == 1


def test_an_expired_code(client, db, verified_user):
    client.post("/api/v1/accounts/phone-codes", json={"phone": PHONE})
    code = outbox_messages()[-1]["code"]
    db.session.execute(update(PhoneCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post("/api/v1/accounts/phone-tokens",
                           json={"phone": PHONE, "code": code, "name": "app"})
    assert_error(response, 400, "code_expired")


class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"PHONE_CODE_PER_NUMBER": 1}

    def test_per_number_429_with_retry_after(self, client, verified_user):
        client.post("/api/v1/accounts/phone-codes", json={"phone": PHONE})
        response = client.post("/api/v1/accounts/phone-codes", json={"phone": PHONE})
        assert_error(response, 429, "too_many_codes")
        assert int(response.headers["Retry-After"]) > 0
