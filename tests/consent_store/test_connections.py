"""PostgreSQL connections: a pooled connection that sat idle is checked before use, and
screening's lookups run without a transaction of their own (no BEGIN/ROLLBACK round trips)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

import consent_store.database as database
from consent_store.database import create_registry_engine, reader
from kernel.errors import RegistryUnavailableError


@pytest.fixture
def pg_engine(pg_database: str) -> Iterator[Engine]:
    engine = create_registry_engine(pg_database)
    yield engine
    engine.dispose()


def _kill_pooled_connection(engine: Engine, pg_database: str) -> None:
    """End the server side of the pool's one connection (a database restart, a firewall)."""
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    conninfo = make_url(pg_database).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_an_idle_dead_connection_is_replaced_before_use(
    pg_engine: Engine, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.05)
    _kill_pooled_connection(pg_engine, pg_database)
    time.sleep(0.1)
    with pg_engine.connect() as conn:  # pinged, found dead, replaced: no error
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_a_recently_used_connection_is_not_pinged(
    pg_engine: Engine, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within the idle window nothing is checked: a connection that died just now fails its
    statement once (the caller's retry or 503), and the pool replaces it."""
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 3600.0)
    _kill_pooled_connection(pg_engine, pg_database)
    with (
        pytest.raises(RegistryUnavailableError),
        database.unavailable_on_error(pg_database),
        pg_engine.connect() as conn,
    ):
        conn.execute(text("SELECT 1"))
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_lookups_send_no_begin_or_rollback(pg_engine: Engine) -> None:
    statements: list[str] = []

    @event.listens_for(pg_engine, "before_cursor_execute")
    def _seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    with reader(pg_engine).connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.execute(text("SELECT 2"))
        assert conn.connection.dbapi_connection is not None
        assert conn.connection.dbapi_connection.autocommit
    assert statements == ["SELECT 1", "SELECT 2"]
    with pg_engine.connect() as conn:  # the pool's connection is back to transactions
        assert conn.connection.dbapi_connection is not None
        assert not conn.connection.dbapi_connection.autocommit
