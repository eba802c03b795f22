"""A buyer signs up with a mobile number and a code, no email (issue 17); what an account
without an email means elsewhere: no mail is sent, no password opens it."""

import pytest
from sqlalchemy import select

from marketplace.accounts import services
from marketplace.accounts.models import User
from marketplace.core.db import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.mail import send_mail_after_commit
from marketplace.core.sms.outbox import outbox_messages

PHONE = "+989121234567"


def sign_up(client, phone="۰۹۱۲۱۲۳۴۵۶۷", name="مریم"):
    return client.post("/signup/phone", data={"phone": phone, "display_name": name})


def test_a_buyer_signs_up_with_a_number_and_a_code(client, db):
    assert sign_up(client).location.endswith("/signup/phone/code")
    (message,) = outbox_messages()
    response = client.post("/signup/phone/code", data={"code": message["code"]})
    assert response.status_code == 302
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.phone, user.display_name) == (None, PHONE, "مریم")
    assert user.has_verified_phone and not user.is_trainee
    page = client.get("/account")
    assert page.status_code == 200 and "None" not in page.get_data(as_text=True)
    # …and later signs in the same way.
    client.post("/logout")
    client.post("/login/phone", data={"phone": "09121234567"})
    client.post("/login/phone/code", data={"code": outbox_messages()[-1]["code"]})
    assert client.get("/account").status_code == 200


def test_a_wrong_code_makes_no_account(client, db):
    sign_up(client)
    code = outbox_messages()[0]["code"]
    response = client.post("/signup/phone/code",
                           data={"code": "000000" if code != "000000" else "111111"})
    assert response.status_code == 400
    assert db.session.scalars(select(User)).all() == []


def test_a_number_with_an_account_is_sent_to_log_in(client, db, create_user):
    create_user(phone=PHONE, phone_verified_at=utcnow())
    response = sign_up(client)
    assert response.status_code == 200
    assert "Another account uses that number." in response.get_data(as_text=True)
    assert outbox_messages() == []


def test_the_code_page_needs_the_first_step(client):
    assert client.get("/signup/phone/code").location.endswith("/signup/phone")


def test_an_account_without_email_gets_no_mail_and_no_password_opens_it(db, outbox):
    user = User(email=None, password_hash="", display_name="x", phone=PHONE,
                phone_verified_at=utcnow())
    db.session.add(user)
    send_mail_after_commit(user.email, "Subject", "password_reset", user=user, link="x")
    db.session.commit()
    assert outbox() == []
    for email in ("", "None"):
        with pytest.raises(DomainError):
            services.authenticate(email, "")
