"""The service's stores (keys, sessions, photo outputs, decision log, overrides) on SQLite and
on PostgreSQL; stores on engines of their own stand for the processes of one service."""

from __future__ import annotations

import hashlib
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
from api.outputs import OutputStore
from api.override_store import OverrideStore, RecordedOverride
from api.sessions import SessionStore, csrf_for
from consent_store.database import create_registry_engine
from consent_store.repository import open_registry
from kernel.errors import PermissionDeniedError
from kernel.types import Channel, ImageInput, Post
from screening.pipeline import Pipeline
from tests.api.conftest import jpeg_bytes

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


@pytest.fixture
def two_processes(backend: Backend) -> Iterator[tuple[Engine, Engine]]:  # noqa: F811
    """Two engines of the service's stores, as two processes of one service have."""
    made = (fast_commit_engine(backend.url), fast_commit_engine(backend.url))
    yield made
    for each in made:
        each.dispose()


def test_a_first_key_is_made_once_however_many_services_start_at_once(
    backend: Backend,  # noqa: F811
    two_processes: tuple[Engine, Engine],
) -> None:
    stores = [KeyStore(e) for e in (*two_processes, *two_processes)]
    made: list[object] = []
    start = threading.Barrier(len(stores))

    def first(store: KeyStore) -> None:
        start.wait(10)
        made.append(store.create_first("eerste sleutel", [Role.OFFICER]))

    threads = [threading.Thread(target=first, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(made) == len(stores) and sum(m is not None for m in made) == 1
    assert len(stores[0].list()) == 1


def test_sessions_are_shared_by_processes_and_kept_hashed(
    two_processes: tuple[Engine, Engine],
) -> None:
    one, other = (SessionStore(e, minutes=5) for e in two_processes)
    keys = KeyStore(two_processes[0])
    anna = keys.create("Anna", [Role.OFFICER])[0]
    token = one.create(anna)
    assert other.resolve(token) == anna
    assert one.csrf_token(token) == other.csrf_token(token) == csrf_for(token)
    with two_processes[0].connect() as conn:
        stored = repr(conn.execute(text("SELECT * FROM web_sessions")).all())
    assert token not in stored and csrf_for(token) not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    other.end(token)  # signed out in one process: in every process
    assert one.resolve(token) is None
    again = one.create(anna)
    keys.revoke(anna.id)  # a revoked key's sessions end at once, in every process
    assert other.lookup(again) is None
    with two_processes[0].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM web_sessions")).scalar_one() == 0


def test_photo_outputs_are_shared_by_processes_and_rendered_once(
    backend: Backend,  # noqa: F811
    two_processes: tuple[Engine, Engine],
    pipeline: Pipeline,
) -> None:
    settings = backend.settings()
    one, other = (OutputStore(settings, e) for e in two_processes)
    photos = (ImageInput("veld.jpg", jpeg_bytes((80, 60))), ImageInput("klas.png", b"kapot"))
    post = Post(text="Sportdag", channel=Channel.X, publish_on=date(2026, 3, 1), images=photos)
    decision = pipeline.screen(post)
    one.put("a" * 20, decision, photos, "nl", owner="k1")
    assert other.owner("a" * 20) == "k1"
    assert other.available("a" * 20, 0) and not other.available("a" * 20, 1)
    annotated = other.get("a" * 20, 0, "annotated")
    assert annotated is not None and annotated.media_type == "image/jpeg"
    assert one.get("a" * 20, 0, "annotated") == annotated  # read back, not rendered again
    assert one.get("a" * 20, 1, "redacted") is None
    with two_processes[1].connect() as conn:
        size = conn.execute(text("SELECT size FROM screening_outputs")).scalar_one()
    assert size == len(photos[0].data) + len(photos[1].data) + len(annotated.data)


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
