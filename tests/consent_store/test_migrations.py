"""The shipped migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from consent_store.database import HEAD_REVISION, head_revision, migrate
from consent_store.repository import Registry, init_registry, open_registry
from consent_store.tables import Base
from kernel.settings import Settings
from tests.consent_store.conftest import Backend


def test_no_drift_between_models_and_migrations(registry: Registry, backend: Backend) -> None:
    engine = create_engine(backend.url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_migrating_again_is_a_no_op(registry: Registry, backend: Backend) -> None:
    engine = create_engine(backend.url)
    migrate(engine)
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    engine.dispose()


def test_head_revision_constant_matches_the_migrations() -> None:
    assert head_revision() == HEAD_REVISION


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    init_registry(Settings(data_dir=tmp_path))
    with open_registry(Settings(data_dir=tmp_path)) as registry, registry._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
