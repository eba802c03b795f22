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
from marketplace.notifications.models import EventKind, Notification

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


def test_a_trainee_signs_up_with_a_number_then_asks_to_sell(
        client, db, create_centre, create_centre_staff):
    """Phone first for trainees too: a number and a code make the account, then the training
    and store part of the trainee form (no email, no password) makes a pending trainee whose
    centre's staff are told; asking twice changes nothing."""
    centre = create_centre()
    staff = create_centre_staff(centre=centre)
    sign_up(client, name="رضا")
    client.post("/signup/phone/code", data={"code": outbox_messages()[0]["code"]})
    form = client.get("/signup/trainee?lang=fa").get_data(as_text=True)
    assert 'name="email"' not in form and 'name="password"' not in form
    assert 'name="centre_id"' in form
    assert 'id="become-trainee"' in client.get("/account").get_data(as_text=True)

    response = client.post("/signup/trainee", data={
        "centre_id": centre.id, "trade": "carpet_weaving", "store_name": "کارگاه رضا"})
    assert response.status_code == 302 and response.location.endswith("/account")
    user = db.session.scalars(select(User).where(User.phone == PHONE)).one()
    assert user.email is None and user.trainee is not None
    assert user.trainee.status.value == "pending" and user.trainee.centre_id == centre.id
    assert db.session.scalar(select(Notification).where(
        Notification.recipient_id == staff.id,
        Notification.kind == EventKind.TRAINEE_REGISTERED)) is not None

    again = client.get("/signup/trainee")
    assert again.status_code == 302 and again.location.endswith("/account")
    with pytest.raises(DomainError) as refused:
        services.become_trainee(user, services.TraineeDetails(centre_id=centre.id,
                                                              trade="carpet_weaving"))
    assert refused.value.code == "already_trainee"


def test_asking_to_sell_needs_a_real_centre(client, db):
    sign_up(client)
    client.post("/signup/phone/code", data={"code": outbox_messages()[0]["code"]})
    response = client.post("/signup/trainee", data={
        "centre_id": 999999, "trade": "carpet_weaving", "store_name": "y"})
    assert response.status_code == 200  # the form again, with the error; nothing written
    assert db.session.scalars(select(User)).one().trainee is None
