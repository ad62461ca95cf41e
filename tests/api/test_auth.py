"""API keys (hashed, revocable) and web sessions, and how requests present them."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.types import Message

from api.app import create_app
from api.auth import VERIFY_CACHE_SECONDS, KeyStore, Role, parse_roles
from api.deps import SESSION_COOKIE
from api.services import Services
from api.sessions import SessionStore
from kernel.errors import InputError, NotFoundError
from tests.api.conftest import Keys


def test_keys_are_stored_hashed_and_verified(services: Services) -> None:
    key, raw = services.keys.create("  Communicatie   De Korre ", [Role.OFFICER, Role.AUDITOR])
    assert key.name == "Communicatie De Korre"
    assert key.roles == frozenset({Role.OFFICER, Role.AUDITOR})
    assert raw.startswith(f"sps_{key.id}_")
    assert services.engine is not None
    with services.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT key_sha256, roles FROM api_keys WHERE id = :id"), {"id": key.id}
        ).one()
        everything = repr(conn.execute(text("SELECT * FROM api_keys")).all())
    assert stored == (hashlib.sha256(raw.encode()).hexdigest(), "auditor,officer")
    assert raw not in everything and raw.split("_")[-1] not in everything
    assert services.keys.verify(raw) == key
    assert services.keys.verify(f"  {raw}\n") == key


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # wrong secret, right id
        lambda raw: raw.replace("sps_", "spx_"),
        lambda raw: raw[:20],
        lambda raw: "",
        lambda raw: "sps_" + "f" * 12 + "_" + "a" * 43,  # unknown id
        lambda raw: raw + "x",
    ],
)
def test_a_wrong_key_verifies_as_nobody(services: Services, mangle: object) -> None:
    _, raw = services.keys.create("mangled", [Role.OFFICER])
    assert callable(mangle)
    assert services.keys.verify(mangle(raw)) is None


def test_a_revoked_key_stops_working_at_once(services: Services, client: TestClient) -> None:
    key, raw = services.keys.create("ex-collega", [Role.OFFICER])
    h = {"X-API-Key": raw}
    assert client.get("/v1/policies", headers=h).status_code == 200
    info = services.keys.revoke(key.id)
    assert info.revoked_at is not None
    assert services.keys.revoke(key.id).revoked_at == info.revoked_at  # idempotent
    response = client.get("/v1/policies", headers=h)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    listed = {k.id: k for k in services.keys.list()}
    assert listed[key.id].revoked_at is not None
    with pytest.raises(NotFoundError):
        services.keys.revoke("000000000000")


@pytest.mark.parametrize(
    ("roles", "ok"),
    [
        (["officer"], True),
        (["Officer", " auditor "], True),
        (["admin"], False),
        ([], False),
    ],
)
def test_role_names(roles: list[str], ok: bool) -> None:
    if ok:
        assert parse_roles(roles)
    else:
        with pytest.raises(InputError):
            parse_roles(roles)


def test_a_key_needs_a_name(services: Services) -> None:
    with pytest.raises(InputError):
        services.keys.create("   ", [Role.OFFICER])
    with pytest.raises(InputError):
        services.keys.create("naam", [])


def test_sessions_resolve_until_they_expire_or_end(services: Services) -> None:
    # The full store, on both backends and across processes: tests/api/test_stores_backends.py.
    clock = [datetime.now(UTC)]
    assert services.log_engine is not None
    store = SessionStore(services.log_engine, minutes=1, clock=lambda: clock[0])
    officer, _ = services.keys.create("Ingrid", [Role.OFFICER])
    token = store.create(officer)
    assert store.resolve(token) == officer
    csrf = store.csrf_token(token)
    assert csrf and csrf == store.csrf_token(token) and csrf != token
    assert store.resolve("not-a-token") is None
    clock[0] += timedelta(seconds=61)
    assert store.resolve(token) is None
    clock[0] = datetime.now(UTC)
    other = store.create(officer)
    store.end(other)
    assert store.resolve(other) is None
    third = store.create(officer)
    store.end_key(officer.id)
    assert store.resolve(third) is None


def test_the_session_cookie_reads_the_api_but_cannot_write_it(
    services: Services, client: TestClient, keys: Keys
) -> None:
    key = services.keys.verify(keys.raw["officer"])
    assert key is not None
    token = services.sessions.create(key)
    client.cookies.set(SESSION_COOKIE, token)
    try:
        assert client.get("/v1/policies").status_code == 200
        assert client.get("/v1/overrides").status_code == 200
        # A cookie-only POST could be forged by another site: it does not authenticate.
        refused = client.post("/v1/precheck", json={"text": "hoi"})
        assert refused.status_code == 401
        client.cookies.set(SESSION_COOKIE, "forged")
        assert client.get("/v1/policies").status_code == 401
    finally:
        client.cookies.clear()


def test_a_session_ends_when_its_key_is_revoked(services: Services, client: TestClient) -> None:
    key, _ = services.keys.create("tijdelijk", [Role.OFFICER])
    token = services.sessions.create(key)
    client.cookies.set(SESSION_COOKIE, token)
    try:
        assert client.get("/v1/policies").status_code == 200
        services.keys.revoke(key.id)
        assert client.get("/v1/policies").status_code == 401
        assert services.sessions.resolve(token) is None
    finally:
        client.cookies.clear()


@pytest.mark.parametrize("scheme", ["Bearer", "X-API-Key"])
def test_both_headers_carry_a_key(client: TestClient, keys: Keys, scheme: str) -> None:
    raw = keys.raw["auditor"]
    headers = {"Authorization": f"Bearer {raw}"} if scheme == "Bearer" else {"X-API-Key": raw}
    assert client.get("/v1/policies", headers=headers).status_code == 200


def test_a_key_revoked_elsewhere_stops_once_the_cache_lapses(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, raw = services.keys.create("cli-ingetrokken", [Role.OFFICER])
    assert services.keys.verify(raw) == key
    assert services.keys.cached(raw) == key
    assert services.engine is not None
    other_process = KeyStore(services.engine)  # as `screening keys revoke` would
    other_process.revoke(key.id)
    assert services.keys.cached(raw) == key  # still trusted for a few seconds
    later = time.monotonic() + VERIFY_CACHE_SECONDS + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert services.keys.cached(raw) is None
    assert services.keys.verify(raw) is None


MB = 1024 * 1024


def _chunks(total: int) -> Iterator[bytes]:
    for _ in range(total // MB):
        yield b"a" * MB


@pytest.mark.parametrize("who", ["none", "bad"])
@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(lambda: b'{"text": ', "application/json", id="malformed JSON"),
        pytest.param(lambda: b'{"tekst": "hoi"}', "application/json", id="invalid fields"),
        pytest.param(lambda: b"text=hoi", "application/x-www-form-urlencoded", id="not JSON"),
        pytest.param(
            lambda: b'{"text": "' + b"a" * (13 * MB) + b'"}',
            "application/json",
            id="over the limit",
        ),
        pytest.param(lambda: _chunks(20 * MB), "application/json", id="over the limit, chunked"),
    ],
)
def test_the_precheck_checks_the_key_before_the_body(
    client: TestClient, keys: Keys, who: str, content: Callable[[], Any], content_type: str
) -> None:
    response = client.post(
        "/v1/precheck",
        content=content(),
        headers={**keys.headers(who), "Content-Type": content_type},
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "E601"


def test_the_precheck_checks_the_role_before_the_body(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/precheck",
        content=b'{"text": ',
        headers={**keys.headers("auditor"), "Content-Type": "application/json"},
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "E602"


def _precheck_reads(services: Services, headers: dict[str, str]) -> tuple[int, int]:
    """POST /v1/precheck at the ASGI level with a 1 GiB body: (status, body reads)."""
    reads = 0

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"{" * 1024, "more_body": True}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/precheck",
        "raw_path": b"/v1/precheck",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(1024 * MB).encode()),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(create_app(services=services)(scope, receive, send))
    return int(sent[0]["status"]), reads


@pytest.mark.parametrize(("who", "status"), [("none", 401), ("bad", 401), ("auditor", 403)])
def test_a_precheck_without_a_valid_key_reads_no_byte_of_its_body(
    services: Services, keys: Keys, who: str, status: int
) -> None:
    assert _precheck_reads(services, keys.headers(who)) == (status, 0)


def test_a_too_large_precheck_with_a_key_is_refused_before_a_byte_is_read(
    services: Services, keys: Keys
) -> None:
    assert _precheck_reads(services, keys.headers("officer")) == (413, 0)
