"""Connecting to the registry database, configuring it, and bringing its schema up to date.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys on, and
every write transaction starts with BEGIN IMMEDIATE: a deferred transaction that reads and
then writes can fail at once with "database is locked" when another process wrote in
between, whereas IMMEDIATE waits its turn (busy_timeout) before reading anything.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    NoSuchModuleError,
    SQLAlchemyError,
)

from consent_store.location import DEFAULT_DB_NAME, missing_registry_error, sqlite_path
from kernel.errors import ConfigError, RegistryUnavailableError
from kernel.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest migration in migrations/versions (a test checks this against Alembic). Kept as
#: a constant so that opening an up-to-date registry does not import Alembic at all: every
#: CLI call and pipeline start pays for that otherwise.
HEAD_REVISION = "0005_service_state"
#: Execution option that marks a connection as a writer (BEGIN IMMEDIATE on SQLite).
WRITE_OPTION = "registry_write"
#: A pooled PostgreSQL connection idle for longer than this is pinged before it is used.
IDLE_PING_SECONDS = 10.0
#: pg_advisory_xact_lock key that serialises migrations and imports on PostgreSQL.
PG_LOCK_KEY = 0x5C_0C0E_57


def database_url(settings: Settings) -> str:
    """The configured URL, or the embedded SQLite file in the data directory."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{settings.data_dir / DEFAULT_DB_NAME}"


def create_sqlite_file(path: Path) -> bool:
    """Create an empty SQLite file (owner-only) and its folder; False if it already existed.

    Only `screening registry init` and the first run at the built-in default location
    create a registry: a connection never does (see `create_registry_engine`).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The file holds personal data: owner-only from the start (SQLite gives its -wal
        # and -shm files the same mode).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise RegistryUnavailableError(
            f"cannot create the registry file {path}: {exc.strerror}",
            f"kan het registerbestand {path} niet aanmaken: {exc.strerror}",
        ) from None
    os.close(fd)
    return True


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def create_registry_engine(url: str) -> Engine:
    """An engine for SQLite or PostgreSQL (psycopg 3), configured for the registry."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Not quoted: a malformed URL may still hold a password.
        raise ConfigError(
            "SCREENING_DATABASE_URL is not a database URL (expected e.g. "
            "sqlite:///path/registry.sqlite3 or postgresql+psycopg://user@host/db)",
            "SCREENING_DATABASE_URL is geen database-URL (verwacht bijv. "
            "sqlite:///pad/registry.sqlite3 of postgresql+psycopg://gebruiker@host/db)",
        ) from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            path = sqlite_path(url)
            if path is None:
                engine = create_engine(parsed, connect_args={"timeout": 30})
            else:
                # mode=rw: a connection opens an existing file and never creates one, so a
                # typo in the configuration or a deleted file is an error, not a new, empty
                # registry that knows nobody (which would publish every post).
                target = f"file:{quote(str(path.absolute()))}?mode=rw"
                engine = create_engine(
                    parsed,
                    creator=lambda: sqlite3.connect(
                        target, uri=True, timeout=30, check_same_thread=False
                    ),
                )
            _configure_sqlite(engine)
            return engine
        if backend == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, connect_args={"connect_timeout": 10})
            _ping_when_idle(engine)
            return engine
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigError(
            f"no database driver for {safe_url(url)}: {exc}",
            f"geen databasestuurprogramma voor {safe_url(url)}: {exc}",
        ) from None
    raise ConfigError(
        f"the registry supports SQLite and PostgreSQL, not {backend!r} ({safe_url(url)})",
        f"het register werkt met SQLite en PostgreSQL, niet met {backend!r} ({safe_url(url)})",
    )


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled PostgreSQL connection before use when it sat idle for a while.

    SQLAlchemy's `pool_pre_ping` pings at every checkout: a round trip that the nightly
    audit's workers paid six times per item. A connection that was used a moment ago is
    almost surely alive; one that sat idle longer than IDLE_PING_SECONDS (a database restart,
    a firewall that drops idle connections) is pinged and silently replaced when dead. A
    connection that dies within that window fails its statement, which the pool then
    replaces: a request gets 503 once, a queued item is retried.
    """

    @event.listens_for(engine.pool, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception:
            raise DisconnectionError("idle connection is gone") from None  # the pool retries


def reader(engine: Engine) -> Engine:
    """The engine for single lookups that need no transaction of their own.

    On PostgreSQL each statement runs on its own (autocommit): under PostgreSQL's READ
    COMMITTED every statement takes a fresh snapshot inside a transaction too, so nothing
    changes but the BEGIN and ROLLBACK round trips saved. Never for anything that writes.
    SQLite keeps its transactions (a read snapshot across statements in WAL mode, and
    nothing to save: the file is local).
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module; `_on_begin` issues BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # A consent record must survive a power cut once the CLI said it was saved.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def lock_for_writing(conn: Connection) -> None:
    """On PostgreSQL, serialise with other migrations/imports until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


def head_revision() -> str | None:
    """The newest migration shipped with the package, as Alembic computes it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The migration the database is at (None for an empty database)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def migrate(engine: Engine, *, new: bool = False) -> None:
    """Upgrade the schema to the newest migration (a no-op when it is already there).

    An empty database (no schema at all) is only given one when `new` is set: that is
    creating a registry, which is an explicit act (RegistryMissingError otherwise).
    """
    with engine.connect() as conn:
        current = current_revision(conn)
        conn.rollback()
    if current == HEAD_REVISION:
        return
    if current is None and not new:
        raise missing_registry_error(engine.url.render_as_string(hide_password=True))
    from alembic import command
    from alembic.config import Config

    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        lock_for_writing(conn)
        log.info("upgrading the registry schema from %s to %s", current, HEAD_REVISION)
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def unavailable_on_error(url: str) -> Iterator[None]:
    """Turn a database failure into RegistryUnavailableError; never leak a raw driver error."""
    try:
        yield
    except DBAPIError as exc:
        kind = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
        log.warning("registry database error: %s", kind)
        raise RegistryUnavailableError(
            f"the consent registry at {safe_url(url)} is unavailable ({kind}): "
            f"{_first_line(exc.orig)}",
            f"het toestemmingsregister op {safe_url(url)} is niet bereikbaar ({kind}): "
            f"{_first_line(exc.orig)}",
        ) from None
    except SQLAlchemyError as exc:
        log.warning("registry database error: %s", type(exc).__name__)
        raise RegistryUnavailableError(
            f"the consent registry at {safe_url(url)} failed: {type(exc).__name__}",
            f"het toestemmingsregister op {safe_url(url)} gaf een fout: {type(exc).__name__}",
        ) from None


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
