"""Declarative base, naming convention and column types shared by all models."""

import contextvars
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, MetaData, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def partial_index(name: str, *columns, where: str) -> Index:
    """An index of the rows WHERE holds, on PostgreSQL and on SQLite alike."""
    return Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC time is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Let SQLAlchemy, not pysqlite, open transactions on SQLite, so SAVEPOINTs work; use WAL so
    readers never wait for the writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL keeps every commit through a crash of the process (SIGKILL included);
        # only a power cut may lose the last commits. It saves an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


_reading = contextvars.ContextVar("odr_reading", default=False)
ONE_STATEMENT = "one statement"


@contextmanager
def reading(only=True):
    """Transactions begun inside only read (ONLY=False: they may write again). On SQLite they then
    begin DEFERRED and, in WAL mode, take no lock at all: readers never queue behind a writer. On
    PostgreSQL their statements run without BEGIN and COMMIT (each is its own transaction)."""
    token = _reading.set(only)
    try:
        yield
    finally:
        _reading.reset(token)


@contextmanager
def one_statement():
    """Transactions begun inside write with a single statement, atomic by itself: on PostgreSQL it
    is sent without BEGIN and COMMIT; on SQLite the transaction begins IMMEDIATE as any write."""
    token = _reading.set(ONE_STATEMENT)
    try:
        yield
    finally:
        _reading.reset(token)


@event.listens_for(Engine, "begin")
def _on_begin(connection):
    dialect = connection.dialect.name
    if dialect == "sqlite":
        # BEGIN IMMEDIATE takes the write lock up front: concurrent requests of the embedded default
        # queue for it (busy_timeout) instead of deadlocking when a read-then-write transaction would
        # need to upgrade its lock. PostgreSQL, for scale, locks rows instead.
        connection.exec_driver_sql("BEGIN" if _reading.get() is True else "BEGIN IMMEDIATE")
    elif dialect == "postgresql" and "isolation_level" not in connection.get_execution_options():
        # (An isolation level must therefore be set per connection, with execution_options: one
        # given to create_engine would be overridden here.)
        # Under READ COMMITTED every statement reads its own snapshot, in a transaction or not: a
        # read sends no BEGIN and no COMMIT, two round trips fewer for each room event.
        dbapi_connection = connection.connection.dbapi_connection
        autocommit = _reading.get() in (True, ONE_STATEMENT)
        if dbapi_connection.autocommit != autocommit:
            dbapi_connection.autocommit = autocommit


# A pooled connection unused this long is checked before it is handed out (PostgreSQL may have been
# restarted meanwhile); one in steady use is not, which saves a round trip per checkout.
PING_AFTER_IDLE_SECONDS = 30


@event.listens_for(Pool, "checkin")
def _note_checkin(dbapi_connection, record):
    record.info["odr_idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, proxy):
    since = record.info.get("odr_idle_since")  # None: a connection just opened
    if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # the pool drops this connection and hands out a fresh one
        raise DisconnectionError(str(error)) from error
