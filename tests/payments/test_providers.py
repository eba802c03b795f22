"""Providers declare their currencies; the app refuses to start with one that cannot take
MARKETPLACE_CURRENCY, and says why."""

import pytest

from marketplace import create_app
from marketplace.payments.providers import check_providers, get_provider


def test_stripe_cannot_take_irr_and_the_app_refuses_to_start(database_url):
    with pytest.raises(RuntimeError) as error:
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MARKETPLACE_CURRENCY": "IRR",
                    "PAYMENT_PROVIDERS": ("stripe", "pay_at_pickup")})
    message = str(error.value)
    assert "'stripe' cannot take IRR" in message
    assert "PAYMENT_PROVIDERS" in message


def test_pay_at_pickup_takes_irr(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MARKETPLACE_CURRENCY": "IRR",
                      "PAYMENT_PROVIDERS": ("pay_at_pickup",)})
    assert app.config["MARKETPLACE_CURRENCY"] == "IRR"


def test_unknown_provider_is_refused():
    with pytest.raises(RuntimeError, match="unknown payment provider 'paypal'"):
        check_providers({"MARKETPLACE_CURRENCY": "USD", "PAYMENT_PROVIDERS": ("paypal",)})


def test_production_stripe_needs_its_keys():
    with pytest.raises(RuntimeError, match="STRIPE_SECRET_KEY"):
        check_providers({"MARKETPLACE_CURRENCY": "EUR", "PAYMENT_PROVIDERS": ("stripe",),
                         "ENV_NAME": "production", "STRIPE_SECRET_KEY": ""})


@pytest.mark.parametrize(("name", "currency", "ok"), [
    ("stripe", "USD", True), ("stripe", "JPY", True), ("stripe", "IRR", False),
    ("pay_at_pickup", "IRR", True), ("pay_at_pickup", "USD", True),
])
def test_declared_currencies(name, currency, ok):
    assert get_provider(name).accepts(currency) is ok


def test_csp_allows_stripe_only_when_a_publishable_key_is_set(client, app):
    plain = client.get("/").headers["Content-Security-Policy"]
    assert "js.stripe.com" not in plain
    app.config["STRIPE_PUBLISHABLE_KEY"] = "pk_test_x"
    with_stripe = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com" in with_stripe
    assert "frame-src 'self' https://js.stripe.com" in with_stripe
    assert "'unsafe-inline'" not in with_stripe


def test_production_stripe_needs_a_webhook_secret_too():
    with pytest.raises(RuntimeError, match="STRIPE_WEBHOOK_SECRET"):
        check_providers({"MARKETPLACE_CURRENCY": "EUR", "PAYMENT_PROVIDERS": ("stripe",),
                         "ENV_NAME": "production", "STRIPE_SECRET_KEY": "sk_live_x",
                         "STRIPE_WEBHOOK_SECRET": ""})
    check_providers({"MARKETPLACE_CURRENCY": "EUR", "PAYMENT_PROVIDERS": ("stripe",),
                     "ENV_NAME": "production", "STRIPE_SECRET_KEY": "sk_live_x",
                     "STRIPE_WEBHOOK_SECRET": "whsec_x"})
