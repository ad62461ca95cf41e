"""The service's stores (keys, decision log, overrides) on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from api.auth import KeyStore, Role
from api.decision_log import DecisionLog, fast_commit_engine
from api.override_store import OverrideStore
from consent_store.database import create_registry_engine
from consent_store.repository import open_registry
from screening.pipeline import Pipeline
from screening.types import Channel, Post

# The registry tests' backends: a fresh SQLite file, and a fresh schema on PostgreSQL.
from tests.consent_store.conftest import Backend, backend, pg_database  # noqa: F401


@pytest.fixture
def engine(backend: Backend) -> Iterator[Engine]:  # noqa: F811
    open_registry(backend.settings()).close()  # creates and migrates the database
    made = create_registry_engine(backend.url)
    yield made
    made.dispose()


def test_keys(engine: Engine) -> None:
    store = KeyStore(engine)
    key, raw = store.create("Anna", [Role.OFFICER, Role.REGISTRY_ADMIN])
    assert store.verify(raw) == key
    assert store.any_active()
    store.revoke(key.id)
    assert store.verify(raw) is None and not store.any_active()
    [listed] = store.list()
    assert listed.revoked_at is not None and listed.roles == key.roles


def test_decisions_and_overrides(engine: Engine, backend: Backend, pipeline: Pipeline) -> None:  # noqa: F811
    decision = pipeline.screen(
        Post(text="Bel 06-12345678", channel=Channel.X, publish_on=date(2026, 3, 1))
    )
    log_engine = fast_commit_engine(backend.url)
    try:
        log = DecisionLog(log_engine)
        logged = log.record("p" * 20, decision, "k1")
        assert log.get("p" * 20) == logged
        assert log.get("q" * 20) is None
        assert logged.hold_ids == {r.id for r in decision.findings if r.severity.value == "hold"}
    finally:
        log_engine.dispose()
    key = KeyStore(engine).create("Anna", [Role.OFFICER])[0]
    overrides = OverrideStore(engine)
    made = overrides.record(logged, sorted(logged.hold_ids), "Het nummer van de school", key)
    assert overrides.list() == [made]
    assert overrides.list(post_id="other") == []
    with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("UPDATE overrides SET reason = 'weg'"))
