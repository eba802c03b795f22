"""Bazaarche: a marketplace for vocational trainees' online stores and municipal booths."""

import logging
from pathlib import Path

from flask import Flask, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from marketplace import config as config_module
from marketplace.accounts import api as accounts_api
from marketplace.accounts import (  # noqa: F401 - routes join accounts'
    invitation_api,
    invitation_views,
    phone_api,
    phone_views,
)
from marketplace.accounts import views as accounts_views
from marketplace.accounts.errors import AccountErrorCode
from marketplace.accounts.login import register_loaders
from marketplace.accounts.signals import (
    staff_invitation_accepted,
    staff_invited,
    trainee_registered,
    trainee_status_changed,
)
from marketplace.booths import api as booths_api
from marketplace.booths import views as booths_views
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.services.assignments import (
    on_trainee_status_changed as free_booths_on_status_change,
)
from marketplace.booths.signals import booth_day_lost, pickups_counted
from marketplace.catalogue import admin_views as category_admin_views
from marketplace.catalogue import api as catalogue_api
from marketplace.catalogue import views as catalogue_views
from marketplace.catalogue.category_menu import register_category_menu
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.signals import listing_approved
from marketplace.checkout import api as checkout_api
from marketplace.checkout import views as checkout_views
from marketplace.checkout.errors import CheckoutErrorCode
from marketplace.cli import register_commands
from marketplace.core import page_cache
from marketplace.core import views as core_views
from marketplace.core.errors import (
    CoreErrorCode,
    DomainError,
    ErrorCode,
    handle_http_exception,
    register_error_handlers,
)
from marketplace.core.i18n import register_template_helpers, select_locale
from marketplace.core.input import check_request_text
from marketplace.core.money import check_display_unit
from marketplace.core.nav import register_nav
from marketplace.core.pg_lazy_begin import read_outside_transactions
from marketplace.core.security import register_security_headers
from marketplace.extensions import api, babel, csrf, db, limiter, login_manager, migrate
from marketplace.navigation import MAIN_MENU, USER_MENU
from marketplace.notifications import api as notifications_api
from marketplace.notifications import views as notifications_views
from marketplace.notifications.errors import NotificationErrorCode
from marketplace.notifications.events import check_sms_templates
from marketplace.notifications.feed import BELL_COLUMN, unread_count_column
from marketplace.notifications.receivers import (
    on_staff_invitation_accepted,
    on_staff_invited,
    on_trainee_registered,
    on_trainee_status_changed,
)
from marketplace.orders import api as orders_api
from marketplace.orders import views as orders_views
from marketplace.orders.errors import OrderErrorCode
from marketplace.orders.services.pickups import on_booth_day_lost, on_pickups_counted
from marketplace.orders.signals import vendor_order_cancelled
from marketplace.payments import api as payments_api
from marketplace.payments import (
    booth_sale_views,
    debt_views,
    pickup_views,
    test_card_views,  # noqa: F401 - routes join payments'
)
from marketplace.payments import gateway as stripe_gateway
from marketplace.payments import views as payments_views
from marketplace.payments.errors import PaymentErrorCode
from marketplace.payments.providers import check_providers
from marketplace.payments.services.pay_at_pickup import on_vendor_order_cancelled
from marketplace.reports import api as reports_api
from marketplace.reports import headlines as reports_headlines
from marketplace.reports import views as reports_views
from marketplace.reports.errors import ReportErrorCode
from marketplace.storefront import api as storefront_api
from marketplace.storefront import views as storefront_views
from marketplace.storefront.errors import StorefrontErrorCode
from marketplace.storefront.headlines import register_headlines
from marketplace.training import api as training_api
from marketplace.training import views as training_views
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.services.work_alerts import on_listing_approved

ROOT = Path(__file__).resolve().parent.parent

# Every package's error codes, lowest first: the OpenAPI error schema lists them all.
ERROR_CODES: tuple[type[ErrorCode], ...] = (
    CoreErrorCode, AccountErrorCode, NotificationErrorCode, CatalogueErrorCode, BoothErrorCode,
    TrainingErrorCode, OrderErrorCode, PaymentErrorCode, CheckoutErrorCode, StorefrontErrorCode,
    ReportErrorCode)

# Packages with a Persian catalogue of their own (`<package>/translations`), besides the root's.
TRANSLATED_PACKAGES = ("booths", "catalogue", "checkout", "notifications", "orders", "payments",
                       "storefront", "training", "reports")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config_module.INSTANCE),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(config_module.config_class())
    if config:
        app.config.from_mapping(config)
    if app.config["ENV_NAME"] == "development" and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.development_secret_key()
    if app.config["ENV_NAME"] == "production":
        config_module.check_production_settings(app.config)
    check_providers(app.config)
    check_sms_templates(app.config)
    check_display_unit(app.config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_extensions(app)
    _register_blueprints(app)
    _connect_signals()
    _register_request_hooks(app)
    _register_cli(app)
    logging.basicConfig(level=logging.INFO)
    return app


class IdConverter(IntegerConverter):
    """`<int:…>` URL parts no larger than a database id can be: a larger one is a 404, not an
    overflow inside the database driver."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(url_map, fixed_digits, min, MAX_DATABASE_ID if max is None else max,
                         signed)


MAX_DATABASE_ID = 2**31 - 1  # PostgreSQL INTEGER


def translation_directories() -> list[str]:
    """The root catalogue and each package's own, so each domain owns its Persian strings."""
    here = Path(__file__).resolve().parent
    dirs = [here / "translations"] + [here / name / "translations" for name in TRANSLATED_PACKAGES]
    return [str(d) for d in dirs]


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            read_outside_transactions(engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    register_loaders(login_manager, app,
                     extra_columns={BELL_COLUMN: unread_count_column()})
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: "UTC")
    limiter.init_app(app)
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer"}}}}, error_codes=ERROR_CODES)
    stripe_gateway.init_app(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_nav(app, main=MAIN_MENU, user=USER_MENU)
    register_headlines(app, reports_headlines.headlines)  # the reports' figures on /my
    notifications_views.register_bell(app)
    register_category_menu(app)
    register_security_headers(app)
    # After csrf.init_app: it replaces the csrf_token() template global that CSRF set.
    page_cache.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return handle_http_exception(error)


def _register_blueprints(app: Flask) -> None:
    """Every page and API blueprint, in dependency order."""
    for page_blueprint in (core_views.bp, accounts_views.bp, notifications_views.bp,
                           catalogue_views.bp,
                           category_admin_views.bp, storefront_views.bp, booths_views.bp,
                           training_views.bp, orders_views.bp, payments_views.bp,
                           debt_views.bp, booth_sale_views.bp, pickup_views.bp, checkout_views.bp,
                           reports_views.bp):
        app.register_blueprint(page_blueprint)
    for api_blueprint in (accounts_api.blp, notifications_api.blp, catalogue_api.blp,
                          storefront_api.blp, booths_api.blp, training_api.blp, orders_api.blp,
                          payments_api.blp, checkout_api.blp, reports_api.blp):
        # API calls authenticate with a bearer token and never with the session cookie (see
        # accounts.auth), so CSRF protection has nothing to protect.
        csrf.exempt(api_blueprint)
        api.register_blueprint(api_blueprint)


def _connect_signals() -> None:
    """Reactions across packages: a lower package sends a signal, a higher one acts on it
    (blinker keeps one connection however many apps are made)."""
    trainee_status_changed.connect(free_booths_on_status_change)
    trainee_status_changed.connect(on_trainee_status_changed)
    trainee_registered.connect(on_trainee_registered)
    staff_invited.connect(on_staff_invited)
    staff_invitation_accepted.connect(on_staff_invitation_accepted)
    vendor_order_cancelled.connect(on_vendor_order_cancelled)
    booth_day_lost.connect(on_booth_day_lost)
    pickups_counted.connect(on_pickups_counted)
    listing_approved.connect(on_listing_approved)


def _register_request_hooks(app: Flask) -> None:
    @app.teardown_request
    def rollback_uncommitted(_exc):
        # A request is one transaction: whatever the view did not commit is dropped here.
        db.session.rollback()

    @app.before_request
    def text_is_text():
        # Control characters and broken Unicode in a query string or form (core.input).
        check_request_text(request)

    @app.before_request
    def api_bodies_are_json():
        if not request.path.startswith("/api/") or request.method not in (
                "POST", "PUT", "PATCH"):
            return None
        if not request.content_length and not request.data:
            return None
        if request.mimetype == "application/json" or request.mimetype.startswith("multipart/"):
            return None
        raise DomainError(_("Send the body as JSON (Content-Type: application/json)."),
                          code=CoreErrorCode.UNSUPPORTED_MEDIA_TYPE, status=415)


def _register_cli(app: Flask) -> None:
    register_commands(app)
