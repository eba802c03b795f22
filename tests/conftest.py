"""Fixtures shared by every test: app, db, client, login helpers and factory plugins.

The schema is created once per run; each test starts from empty tables. SQLite by default (a
file, so threads and processes share it); PostgreSQL when TEST_DATABASE_URL is set.
"""

import os
from functools import partial

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import text

os.environ.setdefault("MARKETPLACE_ENV", "testing")

# MARKETPLACE_ENV must be set before the app's modules are imported.
from marketplace import create_app
from marketplace.catalogue import category_menu
from marketplace.catalogue.models import search_words
from marketplace.extensions import db as _db
from tests.sql import queries

pytest_plugins = [
    "tests.factories.accounts",
    "tests.factories.catalogue",
    "tests.factories.booths",
    "tests.factories.orders",
    "tests.factories.payments",
]


class Client(FlaskClient):
    """Tests keep an app context open, which Flask reuses for requests; forget the signed-in
    user between requests, as a real server would."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # the locale Flask-Babel picked for the last request
        g.pop("csrf_token", None)  # Flask-WTF's token of the last request's session
        try:
            return super().open(*args, **kwargs)
        finally:
            g.pop("_login_user", None)
            g.pop("_flask_babel", None)


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def worker_database(url: str) -> str:
    """Under pytest-xdist (`-n auto`) each worker gets a PostgreSQL database of its own,
    `<name>_gw0`, … , made like the one TEST_DATABASE_URL names (same LC_CTYPE)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not is_postgres(url):
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            collate, ctype = connection.execute(text(
                "SELECT datcollate, datctype FROM pg_database "
                "WHERE datname = current_database()")).one()
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    url = worker_database(url) if url else \
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if is_postgres(url):
            _db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            _db.session.commit()
        _db.drop_all()
        _db.create_all()
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()  # else its pooled connection is closed by GC mid-run (warning)
    return url


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """`@pytest.mark.postgres_only("why")`: the test is skipped on SQLite, with that reason;
    CI's PostgreSQL step runs it."""
    marker = request.node.get_closest_marker("postgres_only")
    if marker and not is_postgres(request.getfixturevalue("database_url")):
        pytest.skip(f"PostgreSQL only: {marker.args[0] if marker.args else 'needs PostgreSQL'}")


_serial_sequences: dict[str, list[str]] = {}


def _pg_serial_sequences() -> list[str]:
    key = _db.engine.url.render_as_string()
    if key not in _serial_sequences:
        rows = _db.session.execute(text(
            "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')")).scalars()
        _serial_sequences[key] = [name for name in rows if name]
    return _serial_sequences[key]


def wipe_tables() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    for table in tables:
        _db.session.execute(table.delete())
    if _db.engine.dialect.name == "postgresql":
        # Made by DDL, not a model (catalogue.search_ddl): each test starts with no search words.
        _db.session.execute(search_words.delete())
        # DELETE and setval, not TRUNCATE: TRUNCATE gives every table new files and syncs them
        # to disk, about a second per test with fifty tables; this takes a few milliseconds.
        sequences = _pg_serial_sequences()
        if sequences:
            _db.session.execute(text("SELECT " + ", ".join(
                f"setval('{name}', 1, false)" for name in sequences)))
    _db.session.commit()


@pytest.fixture
def app_config(tmp_path):
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_config):
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SMS_OUTBOX_DIR": str(tmp_path / "sms-outbox"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "SERVER_NAME": None,
        **app_config,
    }
    app = create_app(config)
    app.test_client_class = Client
    with app.app_context():
        # The header's category tree, loaded as in a process that has served pages: a test
        # counting a page's queries counts what every later page runs.
        category_menu.prime()
        yield app
        _db.session.rollback()
        wipe_tables()
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login(user) signs the test client in as `user` (through the session, not the form)."""

    def sign_in(user, a_client=None):
        target = a_client or client
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return target

    return sign_in


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counted:` … `counted.n` is the number of SQL queries run
    (tests/sql.py: transaction control is not counted); `counted.statements` lists them."""
    return partial(queries, db.engine)


@pytest.fixture
def outbox(app):
    from marketplace.core.mail import outbox_messages

    return outbox_messages
