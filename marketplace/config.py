"""Settings read from the environment.

`create_app` picks a class by `FLASK_ENV`-like `MARKETPLACE_ENV` (development, testing,
production) and then overlays any mapping passed to it.
"""

import json
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("MARKETPLACE_INSTANCE", ROOT / "instance"))
# Each currency's demo world in a development database of its own (`make run` is in rials,
# `MARKETPLACE_CURRENCY=USD make run` in dollars), so switching never mixes the two.
DEV_SQLITE_URL = "sqlite:///{}".format(
    INSTANCE / f"marketplace-{os.environ.get('MARKETPLACE_CURRENCY', 'USD').lower()}.sqlite3")


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_json(name: str, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError as error:
        raise RuntimeError(f"{name} is not valid JSON: {error}") from None


def development_secret_key() -> str:
    """A per-checkout key kept in instance/, so sessions survive restarts in development."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEV_SQLITE_URL)
    # A ping before every checkout costs a round trip per request; recycling old connections
    # covers most dropped ones. Turn the ping on where a proxy drops idle connections.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": _env_bool("DATABASE_PRE_PING"),
                                 "pool_recycle": 1800}
    # Any request body (photo uploads are the largest); a JSON body gets far less: no call
    # needs more, and decoding and validating megabytes of JSON costs seconds (core.input).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    MAX_JSON_BODY = _env_int("MAX_JSON_BODY", 256 * 1024)
    # Public pages rendered for anonymous visitors are kept this long at most (core.page_cache;
    # any change they show forgets them sooner); 0 turns the page cache off.
    PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 60)
    # redis | folder | memory; empty: Redis when REDIS_URL is set, else instance/page-cache.
    PAGE_CACHE_STORE = os.environ.get("PAGE_CACHE_STORE", "")
    # Searches are logged in batches: at most this many seconds or rows wait (catalogue.search_log).
    SEARCH_LOG_FLUSH_SECONDS = _env_int("SEARCH_LOG_FLUSH_SECONDS", 2)
    SEARCH_LOG_BATCH = _env_int("SEARCH_LOG_BATCH", 200)
    # Product page views are counted in each process and written as one upsert per batch
    # (catalogue.product_views): at most this many seconds or views wait.
    PRODUCT_VIEWS_FLUSH_SECONDS = _env_int("PRODUCT_VIEWS_FLUSH_SECONDS", 30)
    PRODUCT_VIEWS_BATCH = _env_int("PRODUCT_VIEWS_BATCH", 500)
    # Reports (issue 19): a search term seen by fewer distinct visitors than this in a period
    # is never shown (k-anonymity); searches with at most REPORTS_FEW_RESULTS hits count as
    # "found little"; `flask prune-search-log` deletes search-log rows older than the retention.
    REPORTS_MIN_VISITORS = _env_int("REPORTS_MIN_VISITORS", 5)
    REPORTS_FEW_RESULTS = _env_int("REPORTS_FEW_RESULTS", 2)
    SEARCH_LOG_RETENTION_DAYS = _env_int("SEARCH_LOG_RETENTION_DAYS", 400)

    MARKETPLACE_NAME = os.environ.get("MARKETPLACE_NAME", "Bazaarche")
    MARKETPLACE_CURRENCY = os.environ.get("MARKETPLACE_CURRENCY", "USD").upper()
    # IRR is stored in rials; pages show it, and forms take it, in toman or rial (core.money).
    IRR_DISPLAY_UNIT = os.environ.get("IRR_DISPLAY_UNIT", "toman").strip().lower()
    MARKETPLACE_TIMEZONE = os.environ.get("MARKETPLACE_TIMEZONE", "Asia/Tehran")
    # Absolute base for links that leave the site (mail, QR codes); request host when empty.
    MARKETPLACE_BASE_URL = os.environ.get("MARKETPLACE_BASE_URL", "")
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "fa")
    LANGUAGES = ("fa", "en")
    BABEL_DEFAULT_LOCALE = DEFAULT_LOCALE
    BABEL_DEFAULT_TIMEZONE = "UTC"

    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "marketplace")  # the RQ queue `flask worker` serves
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per minute")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Bazaarche <noreply@localhost>")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE / "outbox"))
    MEDIA_DIR = os.environ.get("MEDIA_DIR", str(INSTANCE / "media"))

    # SMS (core.sms): "outbox" writes each message to SMS_OUTBOX_DIR (development, tests);
    # "kavenegar" sends through Kavenegar's HTTP API. Codes go as template ("pattern") sends,
    # so the operator's approved template names are settings.
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "outbox")
    SMS_OUTBOX_DIR = os.environ.get("SMS_OUTBOX_DIR", str(INSTANCE / "sms-outbox"))
    SMS_PER_NUMBER_LIMIT = os.environ.get("SMS_PER_NUMBER_LIMIT", "10 per hour")
    SMS_TIMEOUT_SECONDS = _env_int("SMS_TIMEOUT_SECONDS", 10)
    KAVENEGAR_API_KEY = os.environ.get("KAVENEGAR_API_KEY", "")
    KAVENEGAR_SENDER = os.environ.get("KAVENEGAR_SENDER", "")
    KAVENEGAR_API_BASE = os.environ.get("KAVENEGAR_API_BASE", "https://api.kavenegar.com/v1")
    SMS_TEMPLATE_CODE_FA = os.environ.get("SMS_TEMPLATE_CODE_FA", "bazaarche-code-fa")
    SMS_TEMPLATE_CODE_EN = os.environ.get("SMS_TEMPLATE_CODE_EN", "bazaarche-code-en")
    # Notices by SMS as templates approved in the Kavenegar panel, which reach numbers on the
    # operators' advertising blacklist: kind of notice → template name, or one per language
    # ({"pickup_reminder": {"fa": "bz-pickup-fa", "en": "bz-pickup-en"}}). A kind (or a
    # reader's language) without one is texted as plain text (notifications.events: tokens).
    SMS_NOTICE_TEMPLATES = _env_json("SMS_NOTICE_TEMPLATES", {})

    # One-time phone codes (accounts.phone_codes).
    PHONE_CODE_TTL_SECONDS = _env_int("PHONE_CODE_TTL_SECONDS", 300)
    PHONE_CODE_MAX_ATTEMPTS = _env_int("PHONE_CODE_MAX_ATTEMPTS", 5)
    # At most this many codes to one number per window (checked on our own rows, so the
    # answer can say when the next code may be asked for).
    PHONE_CODE_PER_NUMBER = _env_int("PHONE_CODE_PER_NUMBER", 3)
    PHONE_CODE_WINDOW_SECONDS = _env_int("PHONE_CODE_WINDOW_SECONDS", 600)
    PHONE_CODE_IP_RATE_LIMIT = os.environ.get("PHONE_CODE_IP_RATE_LIMIT", "10 per 10 minutes")

    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
    # How long a staff invitation's link stays good (accounts.invitations).
    STAFF_INVITATION_TTL_DAYS = _env_int("STAFF_INVITATION_TTL_DAYS", 7)
    PASSWORD_MIN_LENGTH = 10
    # argon2id cost; lowered only in tests.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    PAYMENT_PROVIDERS = tuple(
        p.strip() for p in os.environ.get("PAYMENT_PROVIDERS", "pay_at_pickup").split(",")
        if p.strip()
    )
    COMMISSION_PERCENT = _env_int("COMMISSION_PERCENT", 10)
    # Sales become payable this many days after payment; batches pay balances above the minimum.
    PAYOUT_HOLD_DAYS = _env_int("PAYOUT_HOLD_DAYS", 14)
    PAYOUT_MINIMUM = _env_int("PAYOUT_MINIMUM", 1000)
    # A trainee who owes more than this (minor units) takes no new pay-at-pickup orders until
    # they pay; empty: no limit.
    PICKUP_DEBT_LIMIT = (int(os.environ["PICKUP_DEBT_LIMIT"])
                         if os.environ.get("PICKUP_DEBT_LIMIT", "").strip() else None)
    STRIPE_TIMEOUT_SECONDS = _env_int("STRIPE_TIMEOUT_SECONDS", 10)
    # Zarinpal (Iranian cards through Shaparak, in rials): the merchant id from Zarinpal's panel;
    # ZARINPAL_API_BASE points at https://sandbox.zarinpal.com or the local stand-in.
    ZARINPAL_MERCHANT_ID = os.environ.get("ZARINPAL_MERCHANT_ID", "")
    ZARINPAL_API_BASE = os.environ.get("ZARINPAL_API_BASE", "https://payment.zarinpal.com")
    ZARINPAL_TIMEOUT_SECONDS = _env_int("ZARINPAL_TIMEOUT_SECONDS", 10)
    ZARINPAL_VERIFY_ATTEMPTS = _env_int("ZARINPAL_VERIFY_ATTEMPTS", 3)
    # The smallest request Zarinpal takes, in rials ("Amount should be greater than 1000").
    ZARINPAL_MINIMUM_AMOUNT = _env_int("ZARINPAL_MINIMUM_AMOUNT", 1_000)
    # Zarinpal settles each trainee's share (sale + shipping − commission) straight to their
    # Sheba at payment (its "wages"); switch on once Zarinpal has enabled it for the merchant.
    ZARINPAL_SPLIT_SETTLEMENT = _env_bool("ZARINPAL_SPLIT_SETTLEMENT")
    ORDER_HOLD_MINUTES = _env_int("ORDER_HOLD_MINUTES", 30)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    API_TITLE = "Bazaarche API"
    # The OpenAPI document's description: what every amount counts (and core.api's
    # amount_rules says it beside each amount field).
    API_SPEC_OPTIONS = {"info": {"description": (
        "Every `amount` and `*_amount` is an integer of the currency's minor unit beside its "
        "ISO 4217 `currency`: cents for USD, whole rials for IRR (the web pages may show IRR "
        "in toman, a tenth of that number; the API never does).")}}
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - fixed key for reproducible tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    RATELIMIT_STORAGE_URI = "memory://"
    # Page tests post forms directly; tests/core/test_security.py turns CSRF back on.
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = ""
    SMS_PROVIDER = "outbox"
    REDIS_URL = ""
    SEARCH_LOG_FLUSH_SECONDS = 0  # each search written at once, so tests can read it
    PAGE_CACHE_STORE = "memory"  # one app per test; tests/core/test_page_cache.py tries the others


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class() -> type[Config]:
    name = os.environ.get("MARKETPLACE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"MARKETPLACE_ENV={name!r} is not one of {', '.join(CONFIGS)}"
        ) from None


def check_production_settings(config) -> None:
    """Refuse to start production with settings that are only safe on a developer's machine."""
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append("set SECRET_KEY to a long random value (python -c 'import secrets; "
                        "print(secrets.token_hex(32))')")
    if config.get("SQLALCHEMY_DATABASE_URI") == DEV_SQLITE_URL:
        problems.append("set DATABASE_URL (postgresql+psycopg://… or a SQLite file of its own); "
                        "the development SQLite file is not for production")
    if config.get("SMS_PROVIDER") == "kavenegar" and not config.get("KAVENEGAR_API_KEY"):
        problems.append("set KAVENEGAR_API_KEY, or SMS_PROVIDER=outbox")
    if problems:
        raise RuntimeError("Production settings are incomplete: " + "; ".join(problems))
