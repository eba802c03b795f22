"""Alembic environment for `flask db …` (Flask-Migrate).

The URL and the metadata come from the running app (`create_app`), so migrations always target
the database the app would use (DATABASE_URL). Every domain package's models are imported first,
named one by one, so autogenerate sees every table.
"""

import logging
from logging.config import fileConfig

from alembic import context
from alembic.autogenerate import render, renderers
from alembic.operations import ops
from flask import current_app
from sqlalchemy.types import TypeDecorator

# Every package's tables, named one by one, so autogenerate sees them all.
import marketplace.accounts.models
import marketplace.booths.models
import marketplace.catalogue.models
import marketplace.notifications.models
import marketplace.orders.models
import marketplace.payments.models
import marketplace.reports.models
import marketplace.training.models  # noqa: F401 - imported for its tables

config = context.config
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))
target_db = current_app.extensions["migrate"].db


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def render_item(type_, obj, autogen_context):
    """Write our own column types (TypeDecorators such as core.db.UTCDateTime) as the plain
    SQLAlchemy type they store, so migration files never import application code that may move."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl_instance
        if type(impl).__module__.startswith("sqlalchemy."):
            return f"sa.{impl!r}"
    return False


def generating_revision() -> bool:
    """`flask db migrate` (autogenerate a file), as opposed to `flask db check` (compare)."""
    return bool(getattr(config.cmd_opts, "autogenerate", False))


def only_on_dialects(index) -> tuple[str, ...]:
    """The dialects an index is limited to with `Index(...).ddl_if(dialect=...)`, or ()."""
    ddl_if = getattr(index, "_ddl_if", None)
    dialect = getattr(ddl_if, "dialect", None)
    if not dialect:
        return ()
    return (dialect,) if isinstance(dialect, str) else tuple(dialect)


def is_search_table(name: str) -> bool:
    """SQLite's FTS5 table `product_search` with the shadow tables FTS5 keeps for it, and
    PostgreSQL's `search_words`: made by DDL (catalogue.search_ddl), not by table definitions."""
    from marketplace.catalogue.search_ddl import POSTGRES_SEARCH_WORDS_TABLE, SQLITE_SEARCH_TABLE

    return name in (SQLITE_SEARCH_TABLE, POSTGRES_SEARCH_WORDS_TABLE) or \
        name.startswith(f"{SQLITE_SEARCH_TABLE}_")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and reflected and compare_to is None and is_search_table(name):
        return False
    # Likewise the GIN index of each key's words on PostgreSQL (an expression index).
    if type_ == "index" and reflected and compare_to is None and name == "ix_products_search_words":
        return False
    # An index for another database (the pg_trgm GIN index, say) is not missing here; but a
    # new revision must still contain it, guarded by dialect (see guarded_index_op below).
    if type_ == "index" and not reflected and not generating_revision():
        dialects = only_on_dialects(obj)
        if dialects and get_engine().dialect.name not in dialects:
            return False
    return True


def _model_index(name):
    for table in get_metadata().tables.values():
        for index in table.indexes:
            if index.name == name:
                return index
    return None


def guarded_index_op(text: str, index_name) -> str:
    index = _model_index(index_name)
    dialects = only_on_dialects(index) if index is not None else ()
    if not dialects:
        return text
    # One line, so Alembic's printer keeps the indentation of batch blocks; `on` is defined
    # in every revision by script.py.mako.
    return f"if on({', '.join(repr(d) for d in dialects)}): {text}"


@renderers.dispatch_for(ops.CreateIndexOp, replace=True)
def render_create_index(autogen_context, op):
    return guarded_index_op(render._add_index(autogen_context, op), op.index_name)


@renderers.dispatch_for(ops.DropIndexOp, replace=True)
def render_drop_index(autogen_context, op):
    return guarded_index_op(render._drop_index(autogen_context, op), op.index_name)


def run_migrations_offline():
    """Emit SQL to stdout (`flask db upgrade --sql`) instead of running it."""
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=get_metadata(), literal_binds=True,
                      render_item=render_item, include_object=include_object,
                      compare_type=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # `flask db migrate` with nothing to change writes no empty revision file.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("include_object", include_object)

    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
