"""Phone first (issue 17): add and verify a number by code; sign in with number + code.
Codes hashed, expiring, a few attempts, limited per number and per address, never logged."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.accounts.models import CodePurpose, PhoneCode, User
from marketplace.core.db import utcnow
from marketplace.core.sms.outbox import outbox_messages

PHONE = "+989121234567"


def last_code() -> str:
    return outbox_messages()[-1]["code"]


def codes(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PhoneCode))


@pytest.fixture
def verified_user(create_user):
    return create_user(phone=PHONE, phone_verified_at=utcnow())


# --- add and verify a number -----------------------------------------------------------------

@pytest.mark.parametrize("typed", ["09121234567", "+989121234567", "۰۹۱۲۱۲۳۴۵۶۷"])
def test_a_user_verifies_a_number_typed_any_way(client, db, login, create_user, typed):
    user = create_user()
    login(user)
    response = client.post("/account/phone", data={"phone": typed})
    assert response.status_code == 302 and response.location.endswith("/account/phone/verify")
    (message,) = outbox_messages()
    assert message["to"] == PHONE
    response = client.post("/account/phone/verify", data={"code": message["code"]})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.phone == PHONE and user.has_verified_phone


@pytest.mark.parametrize("typed", ["0912", "abc", "02122223333", "9" * 40])
def test_a_bad_number_is_a_form_error_not_a_500(client, db, login, create_user, typed):
    login(create_user())
    response = client.post("/account/phone", data={"phone": typed})
    assert response.status_code == 200
    assert 'has-error' in response.get_data(as_text=True) or \
        "Enter a mobile number" in response.get_data(as_text=True)
    assert codes(db) == 0 and outbox_messages() == []


def test_a_number_verified_by_someone_else_is_refused(client, db, login, create_user,
                                                      verified_user):
    login(create_user())
    response = client.post("/account/phone", data={"phone": "09121234567"})
    assert "Another account uses that number." in response.get_data(as_text=True)
    assert outbox_messages() == []


def test_changing_the_number_in_the_profile_drops_its_verification(client, db, login,
                                                                   verified_user):
    login(verified_user)
    client.post("/account", data={"display_name": "Sara", "phone": "09351112233",
                                  "locale": "en"})
    db.session.expire_all()
    user = db.session.get(User, verified_user.id)
    assert user.phone == "+989351112233" and not user.has_verified_phone


# --- sign in by phone ------------------------------------------------------------------------

def test_sign_in_with_number_and_code(client, verified_user):
    assert client.post("/login/phone", data={"phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷"}).status_code == 302
    response = client.post("/login/phone/code", data={"code": last_code()})
    assert response.status_code == 302
    page = client.get("/account")
    assert page.status_code == 200 and verified_user.email in page.get_data(as_text=True)


def test_a_code_works_once(client, verified_user):
    client.post("/login/phone", data={"phone": PHONE})
    code = last_code()
    assert client.post("/login/phone/code", data={"code": code}).status_code == 302
    client.post("/logout")
    client.post("/login/phone", data={"phone": PHONE})  # a new number session…
    client.post("/login/phone/code", data={"code": "000000" if code != "000000" else "111111"})
    assert client.get("/account").status_code == 302  # …but the old code no longer opens it


def test_an_unknown_number_gets_the_same_answer_and_no_text(client, db):
    response = client.post("/login/phone", data={"phone": "09350000000"})
    assert response.status_code == 302
    assert outbox_messages() == [] and codes(db) == 1
    response = client.post("/login/phone/code", data={"code": "123456"})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_a_number_not_yet_verified_cannot_sign_in(client, create_user):
    create_user(phone=PHONE)
    client.post("/login/phone", data={"phone": PHONE})
    assert outbox_messages() == []


def test_an_expired_code_is_refused(client, db, verified_user):
    client.post("/login/phone", data={"phone": PHONE})
    code = last_code()
    db.session.execute(update(PhoneCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post("/login/phone/code", data={"code": code})
    assert response.status_code == 400
    assert "That code has expired" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_attempts_run_out_even_for_the_right_code(app, client, db, verified_user):
    app.config["PHONE_CODE_MAX_ATTEMPTS"] = 3
    client.post("/login/phone", data={"phone": PHONE})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        response = client.post("/login/phone/code", data={"code": wrong})
        assert "That code is not right" in response.get_data(as_text=True)
    assert db.session.scalar(select(PhoneCode.attempts)) == 3  # counted, though refused
    response = client.post("/login/phone/code", data={"code": code})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_codes_are_hashed_at_rest_and_never_logged(client, db, verified_user, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/login/phone", data={"phone": PHONE})
        code = last_code()
        client.post("/login/phone/code", data={"code": code})
    row = db.session.scalars(select(PhoneCode)).one()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.purpose is CodePurpose.SIGN_IN and row.used_at is not None
    assert code not in caplog.text


# --- rate limits -----------------------------------------------------------------------------

class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"PHONE_CODE_PER_NUMBER": 2, "PHONE_CODE_IP_RATE_LIMIT": "4 per minute"}

    def test_per_number(self, client, db, verified_user):
        for _ in range(2):
            assert client.post("/login/phone", data={"phone": PHONE}).status_code == 302
        response = client.post("/login/phone", data={"phone": "09121234567"})
        assert response.status_code == 429
        assert 0 < int(response.headers["Retry-After"]) <= 601
        assert "Too many codes to this number" in response.get_data(as_text=True)
        assert codes(db) == 2 and len(outbox_messages()) == 2

    def test_per_address_across_numbers(self, client, db):
        for n in range(4):
            assert client.post("/login/phone", data={"phone": f"0935000000{n}"}) \
                .status_code == 302
        response = client.post("/login/phone", data={"phone": "09350000009"})
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert codes(db) == 4
        assert client.get("/login/phone").status_code == 200  # looking is not asking

    def test_guessing_codes_is_limited_per_address_too(self, client, verified_user):
        client.post("/login/phone", data={"phone": PHONE})
        statuses = [client.post("/login/phone/code", data={"code": "000001"}).status_code
                    for _ in range(5)]
        assert statuses[-1] == 429


# --- Persian pages ---------------------------------------------------------------------------

def visible_main_text(html: str) -> str:
    main = html[html.index("<main"):html.index("</main>")]
    main = re.sub(r"<input[^>]*type=\"hidden\"[^>]*>", "", main)
    return re.sub(r"<[^>]+>", " ", main)


def test_phone_pages_in_persian_have_no_latin_digits(client, login, create_user):
    verified_user = create_user(phone=PHONE, phone_verified_at=utcnow(), locale="fa",
                                email="sara@example.org")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fa"
    page = client.get("/login/phone").get_data(as_text=True)
    assert "ورود با شمارهٔ همراه" in page
    client.post("/login/phone", data={"phone": "۰۹۱۲۱۲۳۴۵۶۷"})
    page = client.get("/login/phone/code").get_data(as_text=True)
    assert "۰۹۱۲ ۱۲۳ ۴۵۶۷" in page
    wrong = client.post("/login/phone/code", data={"code": "۱"}).get_data(as_text=True)
    assert "این کد درست نیست" in wrong
    bad = client.post("/login/phone", data={"phone": "۰۹۱۲"}).get_data(as_text=True)
    assert "۰۹۱۲ ۳۴۵ ۶۷۸۹" in bad
    sign_up = client.get("/signup/phone").get_data(as_text=True)
    assert "ثبت‌نام با شمارهٔ همراه" in sign_up
    login(verified_user)
    profile = client.get("/account").get_data(as_text=True)
    add = client.get("/account/phone").get_data(as_text=True)
    for html in (page, wrong, bad, sign_up, profile, add):
        assert not re.search(r"[0-9]", visible_main_text(html))
    assert 'value="۰۹۱۲ ۱۲۳ ۴۵۶۷"' in profile  # the number as typed, not +98…
