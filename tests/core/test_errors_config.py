"""Error pages in both languages, the JSON error envelope, health check and production settings."""

import pytest
from flask import render_template

from marketplace import config as config_module
from marketplace import create_app
from marketplace.core.errors import ERROR_PAGES


def test_404_page_in_persian(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "fa"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in body
    assert "این صفحه را پیدا نکردیم." in body and "۴۰۴" in body


def test_404_page_in_english(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in body
    assert "We could not find that page." in body and "404" in body


def test_api_404_is_a_json_envelope(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found",
                                       "message": "We could not find that page.",
                                       "fields": {}}}


def test_api_errors_follow_the_language(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "fa"})
    assert response.json["error"]["message"] == "این صفحه را پیدا نکردیم."


def test_405_as_json_and_as_a_page(client):
    response = client.delete("/api/v1/centres")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    response = client.get("/logout?lang=en")
    assert response.status_code == 405
    assert "That method is not allowed here." in response.get_data(as_text=True)


@pytest.mark.parametrize("status", ERROR_PAGES)
@pytest.mark.parametrize(("lang", "digits"), [("fa", "۰۱۲۳۴۵۶۷۸۹"), ("en", "0123456789")])
def test_every_error_page_renders_in_both_languages(app, status, lang, digits):
    with app.test_request_context(f"/?lang={lang}"):
        body = render_template(f"errors/{status}.html", status=status, message="Message here")
    shown = str(status).translate(str.maketrans("0123456789", digits))
    assert f'<html lang="{lang}"' in body
    assert shown in body and "Message here" in body
    assert ("بازگشت به صفحه‌ی اصلی" in body) is (lang == "fa")


def test_an_unexpected_error_gives_a_500_page_and_json_and_rolls_back(app, client, db):
    from marketplace.accounts.models import User

    def explode():
        db.session.add(User(email="half@example.org", display_name="Half", password_hash="x"))
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    app.add_url_rule("/api/v1/explode", "api_explode", explode)
    response = client.get("/explode?lang=en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    response = client.get("/api/v1/explode")
    assert response.status_code == 500 and response.json["error"]["code"] == "server_error"
    assert db.session.query(User).count() == 0


def test_a_domain_error_after_a_form_post_is_flashed_on_the_previous_page(client, login,
                                                                         create_user):
    login(create_user())
    response = client.post("/account/tokens/9999/revoke?lang=en",
                           headers={"Referer": "http://localhost/account/tokens"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tokens")
    page = client.get("/account/tokens?lang=en").get_data(as_text=True)
    assert "That token does not exist." in page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_healthz_says_503_when_the_database_does_not_answer(client, db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "database_unavailable"


# --- production settings --------------------------------------------------------------------

@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("MARKETPLACE_ENV", "production")


def test_production_refuses_to_start_without_a_secret_key(production):
    with pytest.raises(RuntimeError) as caught:
        create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite:///elsewhere.db"})
    assert "SECRET_KEY" in str(caught.value)
    assert "DATABASE_URL" not in str(caught.value)


def test_production_refuses_to_start_on_the_development_sqlite_file(production):
    with pytest.raises(RuntimeError) as caught:
        create_app({"SECRET_KEY": "s" * 64,
                    "SQLALCHEMY_DATABASE_URI": config_module.DEV_SQLITE_URL})
    assert "DATABASE_URL" in str(caught.value)
    assert "set SECRET_KEY" not in str(caught.value)


def test_production_names_every_missing_setting_at_once(production):
    with pytest.raises(RuntimeError) as caught:
        create_app({"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": config_module.DEV_SQLITE_URL})
    assert "SECRET_KEY" in str(caught.value) and "DATABASE_URL" in str(caught.value)


def test_production_starts_with_proper_settings(production):
    app = create_app({"SECRET_KEY": "s" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "production"
    assert app.config.get("WTF_CSRF_ENABLED") is not False


def test_an_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("MARKETPLACE_ENV", "staging")
    with pytest.raises(RuntimeError, match="staging"):
        config_module.config_class()
