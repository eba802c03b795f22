"""Declarative base, column types, and the PostgreSQL and SQLite connection settings shared by
every domain."""

import sqlite3
from datetime import UTC, datetime
from typing import Any, cast

import psycopg
from flask import g, has_request_context, request
from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed. (SQLAlchemy types `Session.execute` as a
    plain Result; for such a statement it is a CursorResult, which counts them.)"""
    return cast(CursorResult[Any], result).rowcount


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def enum_column(enum_class, **kwargs):
    """Enums stored as their string values, with a CHECK constraint on every database."""
    return Enum(enum_class, native_enum=False, length=32, create_constraint=True,
                values_callable=lambda e: [m.value for m in e], validate_strings=True, **kwargs)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- PostgreSQL: every statement planned for its own parameters ----------------------------

@event.listens_for(Engine, "connect")
def _plan_every_statement_afresh(dbapi_connection, _record):
    """psycopg prepares a statement on the server once a connection has run it five times, and
    PostgreSQL may then keep one generic plan for every later run, made without the values: a
    word search planned without its words ran twice as slow for common words («رج هدیه»: 105
    ms instead of 46). With no server-side prepares each statement is planned for its own
    parameters, with no setting per search (psycopg's `prepare_threshold`)."""
    if isinstance(dbapi_connection, psycopg.Connection):
        dbapi_connection.prepare_threshold = None


# --- SQLite: WAL, busy timeout, foreign keys, and BEGIN IMMEDIATE for writers ---------------

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
SQLITE_CACHE_KIB = 32 * 1024
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own is deferred only).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # Read the file through memory mapping and keep more pages per connection than the 2 MB
    # default: catalogue counts visit tens of thousands of rows (measured in bench/README.md).
    cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


def _wants_write_lock() -> bool:
    """Write requests, CLI commands and jobs take SQLite's write lock up front.

    A deferred transaction that reads and then writes can fail at once with "database is locked"
    when another writer got there first (SQLite does not wait in that case); taking the lock at
    BEGIN makes it wait its turn instead. Reads (GET pages) stay deferred so they run in parallel.
    """
    if has_request_context():
        return request.method in WRITE_METHODS or bool(g.get("sqlite_write_lock"))
    return True


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")
