"""Fixtures for the consent registry: the same tests against SQLite and PostgreSQL.

PostgreSQL comes from SCREENING_TEST_POSTGRES_URL (default: the local server with trust
auth). Each test session creates its own database and each test its own schema in it, so
tests never see each other's rows. When no server is reachable the PostgreSQL leg is skipped
with a loud reason; with SCREENING_REQUIRE_POSTGRES=1 (CI) it fails instead.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from consent_store.repository import Registry, init_registry, open_registry
from kernel.settings import Settings
from tests.conftest import report_at_end

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def _pg_server_url() -> str:
    return os.environ.get("SCREENING_TEST_POSTGRES_URL", DEFAULT_PG_URL)


@dataclass(frozen=True)
class Backend:
    """A fresh, empty registry database for one test."""

    name: str
    url: str
    data_dir: Path
    #: Set for PostgreSQL (no key file there); None for SQLite, which uses its key file.
    template_key: str | None

    def settings(self) -> Settings:
        """Settings that point at this database."""
        return Settings(
            data_dir=self.data_dir,
            database_url=self.url,
            template_key=self.template_key,  # type: ignore[arg-type]
        )

    def env(self) -> dict[str, str]:
        """Environment for a subprocess that must use this database."""
        env = {**os.environ, "SCREENING_DATA_DIR": str(self.data_dir), "COLUMNS": "200"}
        env["SCREENING_DATABASE_URL"] = self.url
        env.pop("SCREENING_TEMPLATE_KEY", None)
        if self.template_key:
            env["SCREENING_TEMPLATE_KEY"] = self.template_key
        return env


@pytest.fixture(autouse=True)
def _no_registry_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test uses the developer's own registry database or template key."""
    monkeypatch.delenv("SCREENING_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCREENING_TEMPLATE_KEY", raising=False)


@pytest.fixture(scope="session")
def pg_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of our own on the PostgreSQL server for this session (dropped after)."""
    import psycopg

    server = make_url(_pg_server_url())
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        reason = (
            f"PostgreSQL at {server.render_as_string(hide_password=True)} unreachable "
            f"({type(exc).__name__}) — PostgreSQL leg NOT RUN"
        )
        if os.environ.get("SCREENING_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (SCREENING_REQUIRE_POSTGRES=1)")
        # Said once more at the very end, in red: a green run without PostgreSQL is half a
        # run (tests/conftest.py prints it, also when an xdist worker skipped the leg).
        report_at_end(
            request.config, "PostgreSQL", [f"{reason} (set SCREENING_TEST_POSTGRES_URL)"], red=True
        )
        pytest.skip(reason)
    name = f"screening_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A new, empty registry (made as `screening registry init` makes it) on each backend."""
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        made = Backend("sqlite", f"sqlite:///{data_dir / 'registry.sqlite3'}", data_dir, None)
        init_registry(made.settings())  # `screening registry init`: never made on the fly
        yield made
        return
    import psycopg

    db_url: str = request.getfixturevalue("pg_database")
    schema = f"t_{secrets.token_hex(6)}"
    conninfo = make_url(db_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = make_url(db_url).update_query_dict({"options": f"-csearch_path={schema}"})
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    made = Backend("postgresql", url.render_as_string(False), data_dir, key)
    try:
        init_registry(made.settings())
        yield made
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def registry(backend: Backend) -> Iterator[Registry]:
    """An open registry on a fresh database."""
    reg = open_registry(backend.settings())
    try:
        yield reg
    finally:
        reg.close()
