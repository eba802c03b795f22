"""Sign-in, sign-out, remember-me, password reset by mail, password change, tokens and the
one policy that decides who may sell."""

import re
from urllib.parse import urlparse

import pytest
from flask_login import AnonymousUserMixin

from marketplace.accounts.models import TraineeStatus, User
from marketplace.accounts.policies import is_active_vendor
from marketplace.core.sms.outbox import outbox_messages
from tests.factories.accounts import PASSWORD


def log_in(client, email, password=PASSWORD, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_login_with_the_email_in_any_case(client, create_user):
    create_user(email="nasrin@example.org")
    response = log_in(client, "  Nasrin@Example.org ")
    assert response.status_code == 302
    assert signed_in(client)


def test_a_wrong_password_says_so_and_signs_nobody_in(client, create_user):
    user = create_user()
    response = log_in(client, user.email, "not the password")
    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_disabled_account_cannot_log_in(client, create_user):
    user = create_user(is_disabled=True)
    log_in(client, user.email)
    assert not signed_in(client)


def test_login_goes_back_to_a_local_next_page_only(client, create_user):
    user = create_user()
    response = client.post("/login?next=/account/tokens",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/account/tokens")
    client.post("/logout")
    response = client.post("/login?next=//evil.example/",
                           data={"email": user.email, "password": PASSWORD})
    assert urlparse(response.headers["Location"]).netloc in ("", "localhost")
    assert "evil" not in response.headers["Location"]


def test_the_language_chosen_before_signing_in_stays_after(client, db, create_user):
    """The account's saved language used to take over at sign-in; the switch is asked once."""
    nasrin, parisa = create_user(locale="fa"), create_user(locale="fa")
    client.post("/language", data={"locale": "en"})
    log_in(client, nasrin.email)
    assert '<html lang="en" dir="ltr">' in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, nasrin.id).locale == "en"
    # The next person on this browser chose nothing: their own language.
    client.post("/logout")
    log_in(client, parisa.email)
    assert '<html lang="fa" dir="rtl">' in client.get("/").get_data(as_text=True)
    assert db.session.get(User, parisa.id).locale == "fa"


def test_next_survives_sign_up_to_local_pages_only(client, db):
    """From the login page a checkout sent to (?next=), through sign-up, back to the checkout;
    with a mobile number too (two steps); never to another site."""
    login_page = client.get("/login?next=/checkout").get_data(as_text=True)
    assert 'href="/signup?next=/checkout"' in login_page
    assert 'action="/signup?next=/checkout"' in client.get("/signup?next=/checkout").text
    response = client.post("/signup?next=/checkout", data={
        "display_name": "Nasrin", "email": "nasrin@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/checkout"

    client.post("/logout")
    response = client.post("/signup/phone?next=/checkout",
                           data={"phone": "09121234567", "display_name": "Maryam"})
    assert response.location == "/signup/phone/code?next=/checkout"
    code = outbox_messages()[-1]["code"]
    assert client.post(response.location, data={"code": code}).location == "/checkout"

    client.post("/logout")
    evil = client.get("/signup?next=//evil.example/").get_data(as_text=True)
    assert 'action="/signup"' in evil and 'href="/login"' in evil  # not passed on
    response = client.post("/signup?next=//evil.example/", data={
        "display_name": "Parisa", "email": "parisa@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "evil" not in response.location


def test_logout(client, create_user):
    user = create_user()
    log_in(client, user.email)
    assert signed_in(client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert not signed_in(client)


def test_remember_me_keeps_you_signed_in_without_the_session(app, client, create_user):
    user = create_user()
    log_in(client, user.email, remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only

    fresh = app.test_client()  # a browser restart: no session cookie, only the remember cookie
    fresh.set_cookie("remember_token", remember.value)
    assert signed_in(fresh)


def test_without_remember_me_there_is_no_remember_cookie(client, create_user):
    user = create_user()
    log_in(client, user.email)
    assert client.get_cookie("remember_token") is None


def test_password_reset_end_to_end_through_the_mail(client, db, create_user, outbox):
    user = create_user(locale="en")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    (mail,) = outbox()
    assert mail["To"] == user.email
    assert mail["Subject"] == "Reset your password"
    body = mail.get_content()
    assert user.display_name in body
    link = re.search(r"https?://\S+", body).group(0)

    path = urlparse(link).path
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "my new long password"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")

    assert log_in(client, user.email).status_code == 200  # the old password no longer works
    assert not signed_in(client)
    assert log_in(client, user.email, "my new long password").status_code == 302
    assert signed_in(client)


def test_the_reset_mail_is_in_the_users_language(client, create_user, outbox):
    user = create_user(locale="fa", display_name="زهرا")
    client.post("/password/forgot?lang=en", data={"email": user.email})
    (mail,) = outbox()
    assert mail["Subject"] == "بازنشانی رمز عبور"
    body = mail.get_content()
    assert "زهرا" in body and "رمز جدید" in body and "Open this link" not in body


def test_asking_for_a_reset_for_an_unknown_email_tells_nothing_and_sends_nothing(client, outbox):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"},
                           follow_redirects=True)
    assert "If an account uses that email" in response.get_data(as_text=True)
    assert outbox() == []


def test_changing_the_password_signs_out_every_other_session(app, client, create_user):
    user = create_user()
    other = app.test_client()
    log_in(client, user.email, remember=True)
    log_in(other, user.email, remember=True)
    remembered = other.get_cookie("remember_token").value
    assert signed_in(client) and signed_in(other)

    response = client.post("/account/password", data={
        "pw-current_password": PASSWORD, "pw-new_password": "a different long password"})
    assert response.status_code == 302

    assert signed_in(client)          # this session was renewed
    assert not signed_in(other)       # the other session is gone
    stale = app.test_client()
    stale.set_cookie("remember_token", remembered)
    assert not signed_in(stale)       # and so is its remember-me cookie


def test_changing_the_password_needs_the_current_one(client, db, create_user, login):
    user = create_user()
    login(user)
    response = client.post("/account/password", data={
        "pw-current_password": "wrong", "pw-new_password": "a different long password"})
    assert response.status_code == 422
    assert "Not right." in response.get_data(as_text=True)
    assert log_in(client, user.email).status_code == 302


def test_editing_the_profile(client, db, create_trainee, login):
    trainee = create_trainee()
    login(trainee.user)
    response = client.post("/account", data={
        "display_name": "Zahra Rahimi", "phone": "۰۹۱۲ ۳۴۵ ۶۷۸۹", "locale": "fa",
        "store_name": "Rahimi tableaux", "trade": "carpet_weaving", "bio": "Silk and wool."})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, trainee.user_id)
    assert (user.display_name, user.phone, user.locale) == ("Zahra Rahimi", "+989123456789", "fa")
    assert (user.trainee.store_name, user.trainee.trade, user.trainee.bio) == (
        "Rahimi tableaux", "carpet_weaving", "Silk and wool.")


@pytest.mark.parametrize(("status", "shown"), [
    (TraineeStatus.PENDING, "Waiting for verification"),
    (TraineeStatus.VERIFIED, "Verified"),
    (TraineeStatus.REJECTED, "Rejected"),
    (TraineeStatus.SUSPENDED, "Suspended"),
])
def test_the_profile_shows_the_trainee_status_and_reason(client, create_trainee, login, status,
                                                        shown):
    trainee = create_trainee(status=status, status_reason="Blurry certificate photo")
    login(trainee.user)
    body = client.get("/account").get_data(as_text=True)
    assert shown in body
    assert ("Blurry certificate photo" in body) is (status in (TraineeStatus.REJECTED,
                                                               TraineeStatus.SUSPENDED))
    assert "/account/tokens" in body


# --- tokens ----------------------------------------------------------------------------------

def test_tokens_page_shows_a_new_token_once(client, db, create_user, login):
    user = create_user()
    login(user)
    response = client.post("/account/tokens", data={"name": "stock sheet"})
    body = response.get_data(as_text=True)
    token = re.search(r"bzc_[\w-]+", body).group(0)
    assert "stock sheet" in body

    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listing and token[:12] in listing

    api = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json["email"] == user.email


def test_token_create_list_revoke_through_the_api(client, create_user, api_token):
    user = create_user()
    headers = api_token(user)
    created = client.post("/api/v1/accounts/me/tokens", json={"name": "phone app"},
                          headers=headers)
    assert created.status_code == 201
    token = created.json["token"]
    assert token.startswith("bzc_") and created.json["token_prefix"] == token[:12]

    listing = client.get("/api/v1/accounts/me/tokens", headers=headers).json
    assert [t["name"] for t in listing] == ["phone app", "test"]
    assert all("token" not in t for t in listing)

    second = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/accounts/me", headers=second).status_code == 200
    response = client.delete(f"/api/v1/accounts/me/tokens/{created.json['id']}", headers=headers)
    assert response.status_code == 204
    response = client.get("/api/v1/accounts/me", headers=second)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/accounts/me", headers=headers).status_code == 200


def test_a_token_revoked_on_the_page_stops_working(client, db, create_user, login, api_token):
    user = create_user()
    headers = api_token(user)
    from marketplace.accounts.models import ApiToken

    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    login(user)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/accounts/me", headers=headers).status_code == 401


def test_a_token_by_password(client, create_user):
    user = create_user()
    response = client.post("/api/v1/accounts/tokens",
                           json={"email": user.email.upper(), "password": PASSWORD,
                                 "name": "script"})
    assert response.status_code == 201
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    assert client.get("/api/v1/accounts/me", headers=headers).json["id"] == user.id
    response = client.post("/api/v1/accounts/tokens",
                           json={"email": user.email, "password": "wrong", "name": "script"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("header", ["Bearer bzc_made_up", "Bearer ", "Basic abc", "bzc_x"])
def test_bad_bearer_tokens_are_unauthorised(client, header):
    response = client.get("/api/v1/accounts/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_the_api_ignores_the_session_cookie(client, create_user, login):
    login(create_user())
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_a_disabled_users_token_stops_working(client, db, create_user, api_token):
    user = create_user()
    headers = api_token(user)
    user.is_disabled = True
    db.session.commit()
    assert client.get("/api/v1/accounts/me", headers=headers).status_code == 401



def test_a_bearer_token_is_checked_in_one_statement(app, db, create_user, api_token):
    """Every API call authenticates, so the token, its revocation and the user's account are
    read together: one statement, the token joined to its user."""
    from sqlalchemy import event

    from marketplace.accounts.api_tokens import user_for_api_token

    user = create_user()
    token = api_token(user)["Authorization"].removeprefix("Bearer ")
    user_id = user.id
    db.session.expunge_all()  # a server starts each request with an empty session
    db.session.connection()  # and SQLite's BEGIN, if any, is not the lookup's
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = user_for_api_token(token)
        missing = user_for_api_token(token + "x")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert found is not None and found.id == user_id
    assert missing is None
    assert len(statements) == 2  # one per lookup


# --- who may sell ----------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "may_sell"), [
    (TraineeStatus.PENDING, False),
    (TraineeStatus.VERIFIED, True),
    (TraineeStatus.REJECTED, False),
    (TraineeStatus.SUSPENDED, False),
])
def test_is_active_vendor_by_status(create_trainee, status, may_sell):
    assert is_active_vendor(create_trainee(status=status).user) is may_sell


def test_is_active_vendor_for_everyone_else(db, create_user, create_trainee, create_centre_staff,
                                            create_admin):
    assert is_active_vendor(None) is False
    assert is_active_vendor(AnonymousUserMixin()) is False
    assert is_active_vendor(create_user()) is False
    assert is_active_vendor(create_centre_staff()) is False
    assert is_active_vendor(create_admin()) is False
    disabled = create_trainee(status=TraineeStatus.VERIFIED)
    disabled.user.is_disabled = True
    db.session.commit()
    assert is_active_vendor(disabled.user) is False
