"""Security headers, CSP without inline code, CSRF, cookies."""

import re

import pytest

from tests.factories.accounts import PASSWORD

PAGES = ["/", "/login", "/signup", "/signup/trainee", "/password/forgot", "/no-such-page"]


@pytest.mark.parametrize("path", [*PAGES, "/api/v1/centres", "/healthz"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_styles_or_handlers(client, login, create_admin,
                                                        create_trainee):
    admin = create_admin()
    create_trainee()
    bodies = [client.get(path).get_data(as_text=True) for path in PAGES]
    login(admin)
    bodies += [client.get(path).get_data(as_text=True)
               for path in ("/account", "/account/tokens", "/centre/trainees",
                            "/admin/organisations")]
    for body in bodies:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline <script>"
        assert "<style" not in body
        assert not re.search(r"\sstyle=", body), "inline style attribute"
        assert not re.search(r"\son[a-z]+=", body), "inline event handler"


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_form_post_without_the_token_is_refused(self, client, db, create_user):
        from sqlalchemy import func, select

        from marketplace.accounts.models import User

        user = create_user()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        assert client.get("/account").status_code == 302
        response = client.post("/signup", data={"email": "x@example.org", "password": "x" * 12,
                                                "display_name": "X"})
        assert response.status_code == 400
        assert db.session.scalar(select(func.count()).select_from(User)) == 1

    def test_a_form_post_with_the_token_is_accepted(self, client, create_user):
        user = create_user()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302
        assert client.get("/account").status_code == 200

    def test_the_language_switch_and_logout_need_the_token_too(self, client):
        assert client.post("/language", data={"locale": "en"}).status_code == 400
        assert client.post("/logout").status_code == 400

    def test_the_bearer_token_api_is_exempt(self, client):
        response = client.post("/api/v1/accounts/register", json={
            "email": "api@example.org", "password": "a long enough password",
            "display_name": "API"})
        assert response.status_code == 201


def test_session_cookies_are_http_only_and_same_site(client, create_user):
    user = create_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_hsts_is_sent(monkeypatch, database_url):
    from marketplace import create_app

    monkeypatch.setenv("MARKETPLACE_ENV", "production")
    app = create_app({"SECRET_KEY": "p" * 64, "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        response = app.test_client().get("/healthz")
        assert "max-age=" in response.headers["Strict-Transport-Security"]
        from marketplace.extensions import db

        db.session.remove()
        db.engine.dispose()
