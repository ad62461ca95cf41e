"""The service's stores (keys, decision log, overrides) on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from api import override_store
from api.auth import ApiKey, KeyStore, Role
from api.decision_log import DecisionLog, LoggedDecision, fast_commit_engine
from api.override_store import OverrideStore, RecordedOverride
from consent_store.database import create_registry_engine
from consent_store.repository import open_registry
from kernel.errors import PermissionDeniedError
from kernel.types import Channel, Post
from screening.pipeline import Pipeline

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


def _logged_hold(backend: Backend, pipeline: Pipeline, key: ApiKey) -> LoggedDecision:  # noqa: F811
    decision = pipeline.screen(
        Post(
            text="Bel 06-12345678 of mail jan.devries@example.nl",
            channel=Channel.X,
            publish_on=date(2026, 3, 1),
        )
    )
    log_engine = fast_commit_engine(backend.url)
    try:
        log = DecisionLog(log_engine)
        logged = log.record("p" * 20, decision, key.id)
        assert log.get("p" * 20) == logged
        assert log.get("q" * 20) is None
        assert logged.hold_ids == {r.id for r in decision.findings if r.severity.value == "hold"}
    finally:
        log_engine.dispose()
    return logged


def test_decisions_and_overrides(engine: Engine, backend: Backend, pipeline: Pipeline) -> None:  # noqa: F811
    key = KeyStore(engine).create("Anna", [Role.OFFICER])[0]
    logged = _logged_hold(backend, pipeline, key)
    overrides = OverrideStore(engine)
    made = overrides.record(
        logged, sorted(logged.hold_ids), "Het nummer van de school", key
    ).override
    assert overrides.list() == [made]
    assert overrides.list(post_id="other") == []
    with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("UPDATE overrides SET reason = 'weg'"))


def test_an_override_is_recorded_once_by_its_own_key_or_an_admin(
    engine: Engine,
    backend: Backend,  # noqa: F811
    pipeline: Pipeline,
) -> None:
    keys = KeyStore(engine)
    anna = keys.create("Anna", [Role.OFFICER])[0]
    bram = keys.create("Bram", [Role.OFFICER])[0]
    admin = keys.create("Beheer", [Role.OFFICER, Role.REGISTRY_ADMIN])[0]
    logged = _logged_hold(backend, pipeline, anna)
    phone, email = sorted(logged.hold_ids)
    overrides = OverrideStore(engine)
    with pytest.raises(PermissionDeniedError):
        overrides.record(logged, [phone], "Het nummer van de school", bram)
    first = overrides.record(logged, [phone], "Het nummer van de school", anna)
    assert first.created
    again = overrides.record(logged, [phone], "Een andere reden, later", admin)
    assert again.override == first.override and not again.created
    rest = overrides.record(logged, [phone, email], "Het adres van de school", admin)
    assert rest.created and rest.override.finding_ids == (email,)
    assert {o.id for o in overrides.list()} == {first.override.id, rest.override.id}


def _waiting_for_a_post_lock(engine: Engine, seconds: float = 30.0) -> bool:
    """Whether a session comes to wait for an override lock of a post (PostgreSQL)."""
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
        "AND NOT granted AND database = (SELECT oid FROM pg_database "
        "WHERE datname = current_database())"
    )
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(query).scalar_one():
                return True
            conn.rollback()
            time.sleep(0.02)
    return False


def test_two_overrides_of_one_finding_at_once_record_it_once(
    engine: Engine,
    backend: Backend,  # noqa: F811
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite serialises every writer already (BEGIN IMMEDIATE)")
    anna = KeyStore(engine).create("Anna", [Role.OFFICER])[0]
    logged = _logged_hold(backend, pipeline, anna)
    phone = sorted(logged.hold_ids)[0]
    overrides = OverrideStore(engine)
    # The first request pauses inside its transaction, just before it writes its record.
    paused, go = threading.Event(), threading.Event()
    new_row = override_store._new_row

    def first_pauses(*args: object) -> object:
        if not paused.is_set():
            paused.set()
            go.wait(30)
        return new_row(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(override_store, "_new_row", first_pauses)
    results: dict[str, RecordedOverride] = {}

    def override(name: str) -> None:
        results[name] = overrides.record(logged, [phone], "Het nummer van de school", anna)

    first = threading.Thread(target=override, args=("first",))
    second = threading.Thread(target=override, args=("second",))
    first.start()
    try:
        assert paused.wait(30)
        second.start()
        # The second waits for the first to finish instead of finding nothing overridden.
        assert _waiting_for_a_post_lock(engine)
    finally:
        go.set()
        first.join(30)
        if second.ident is not None:
            second.join(30)
    assert results["first"].created and not results["second"].created
    assert results["second"].override == results["first"].override
    assert overrides.list(post_id=logged.post_id) == [results["first"].override]
