"""Bazaarche: a marketplace for vocational trainees' online stores and municipal booths."""

import importlib
import logging
from pathlib import Path

from flask import Flask, request
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from marketplace import config as config_module
from marketplace.core.errors import handle_http_exception

ROOT = Path(__file__).resolve().parent.parent

# Domain packages in dependency order. Each may have `views.bp` (HTML), `api.blp` (JSON),
# `translations/` (its own Persian catalogue) and `cli.commands` (flask commands).
DOMAINS = ("accounts", "catalogue", "storefront", "booths", "orders", "payments", "checkout",
           "reports")


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
    importlib.import_module("marketplace.payments.providers").check_providers(app.config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_extensions(app)
    _register_blueprints(app)
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
    """Every package's own translations/ folder, so each domain owns its Persian strings."""
    here = Path(__file__).resolve().parent
    dirs = [here / "translations"] + [here / name / "translations" for name in DOMAINS]
    return [str(d) for d in dirs if d.is_dir()]


def _init_extensions(app: Flask) -> None:
    from marketplace.accounts.login import register_loaders
    from marketplace.core import page_cache
    from marketplace.core.db import read_outside_transactions
    from marketplace.core.errors import register_error_handlers
    from marketplace.core.i18n import register_template_helpers, select_locale
    from marketplace.core.nav import register_nav
    from marketplace.core.security import register_security_headers
    from marketplace.extensions import api, babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            read_outside_transactions(engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    register_loaders(login_manager)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: "UTC")
    limiter.init_app(app)
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer"}}}})
    register_error_handlers(app)
    register_template_helpers(app)
    register_nav(app)
    register_security_headers(app)
    # After csrf.init_app: it replaces the csrf_token() template global that CSRF set.
    page_cache.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return handle_http_exception(error)


def _register_blueprints(app: Flask) -> None:
    from marketplace.core.views import bp as core_bp
    from marketplace.extensions import api, csrf

    app.register_blueprint(core_bp)
    for name in DOMAINS:
        for module_name, attribute in (("views", "bp"), ("api", "blp")):
            try:
                module = importlib.import_module(f"marketplace.{name}.{module_name}")
            except ModuleNotFoundError as error:
                if error.name != f"marketplace.{name}.{module_name}" and \
                        error.name != f"marketplace.{name}":
                    raise
                continue
            blueprint = getattr(module, attribute, None)
            if blueprint is None:
                continue
            if attribute == "blp":
                # API calls authenticate with a bearer token and never with the session
                # cookie (see accounts.auth), so CSRF protection has nothing to protect.
                csrf.exempt(blueprint)
                api.register_blueprint(blueprint)
            else:
                app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from marketplace.core.errors import DomainError
    from marketplace.extensions import db

    @app.teardown_request
    def rollback_uncommitted(_exc):
        # A request is one transaction: whatever the view did not commit is dropped here.
        db.session.rollback()

    @app.before_request
    def text_is_text():
        # Control characters and broken Unicode in a query string or form (core.input).
        from marketplace.core.input import check_request_text

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
        from flask_babel import gettext as _

        raise DomainError(_("Send the body as JSON (Content-Type: application/json)."),
                          code="unsupported_media_type", status=415)


def _register_cli(app: Flask) -> None:
    from marketplace.cli import register_commands

    register_commands(app)
