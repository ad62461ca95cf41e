"""A registry database that is down: 503 that says only that, detail in the log, /readyz 503.

Two ways down, both without any network: PostgreSQL on a closed port of this machine, and a
SQLite file that is not a database. Callers learn that the registry is unreachable, never
where it is or what the driver said; the operator finds that in the log (never a password).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.auth import KeyStore
from api.decision_log import DecisionLog
from api.override_store import OverrideStore
from api.readiness import RegistryProbe
from api.services import Services
from consent_store.database import create_registry_engine
from kernel.settings import Settings
from tests.api.conftest import Keys

#: A closed port on this machine: the connection is refused at once, nothing leaves the host.
CLOSED_PG_URL = "postgresql+psycopg://dbgebruiker:geheim@127.0.0.1:1/leerlingen"


def _wait_for(check: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


@dataclass(frozen=True)
class Down:
    """A registry engine that cannot be used, and what must never reach a caller."""

    name: str
    engine: Engine
    secrets: tuple[str, ...]


def _driver_message(engine: Engine) -> str:
    """The first line of what the driver says when asked for a connection."""
    with pytest.raises(DBAPIError) as caught:
        engine.connect().close()
    return str(caught.value.orig).strip().splitlines()[0]


def _closed_postgres() -> Down:
    engine = create_registry_engine(CLOSED_PG_URL)
    said = _driver_message(engine)
    return Down(
        "postgresql",
        engine,
        ("127.0.0.1", "geheim", "leerlingen", "dbgebruiker", "postgres", "psycopg", ":1", said),
    )


def _broken_sqlite(folder: Path) -> Down:
    path = folder / "kapot.sqlite3"
    path.write_bytes(b"dit is geen database\n" * 400)
    engine = create_registry_engine(f"sqlite:///{path}")
    said = _driver_message(engine)
    return Down("sqlite", engine, (str(folder), "kapot", "sqlite", said))


@pytest.fixture(params=["postgresql", "sqlite"])
def down(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Down]:
    """A registry that is down, on each backend."""
    made = _closed_postgres() if request.param == "postgresql" else _broken_sqlite(tmp_path)
    yield made
    made.engine.dispose()


def _with_registry_down(services: Services, down: Down, *, keys_too: bool) -> Services:
    """The module's services with the service's stores on the broken database."""
    return Services(
        **{
            **services.__dict__,
            "keys": KeyStore(down.engine) if keys_too else services.keys,
            "overrides": OverrideStore(down.engine),
            "decisions": DecisionLog(down.engine),
            "engine": down.engine,
            "log_engine": down.engine,
            # A generous limit: the test waits for the driver's own answer, on any machine.
            "probe": RegistryProbe(down.engine, timeout=60),
        }
    )


def _assert_says_only_unreachable(response: httpx.Response, down: Down, lang: str) -> None:
    assert response.status_code == 503, response.text
    for secret in down.secrets:
        assert secret not in response.text, secret
    error = response.json()["error"]
    assert error["code"] == "E201"
    assert "niet bereikbaar" in error["nl"] and "unreachable" in error["en"]
    assert error["message"] == error[lang]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_verifying_a_key_on_a_registry_that_is_down_names_no_address(
    services: Services,
    keys: Keys,
    down: Down,
    lang: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(services=_with_registry_down(services, down, keys_too=True))
    with caplog.at_level(logging.INFO), TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/v1/policies", params={"lang": lang}, headers=keys.headers("officer"))
    _assert_says_only_unreachable(response, down, lang)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    # The operator learns what happened; the password is hidden even there.
    assert down.secrets[-1] in logged
    assert "geheim" not in logged


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/overrides", None),
        (
            "POST",
            "/v1/overrides",
            {"post_id": "p" * 20, "finding_ids": ["f1"], "reason": "Een reden van genoeg tekens"},
        ),
    ],
)
def test_a_route_whose_store_is_down_names_no_address(
    services: Services, keys: Keys, down: Down, method: str, path: str, body: object
) -> None:
    app = create_app(services=_with_registry_down(services, down, keys_too=False))
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.request(method, path, json=body, headers=keys.headers("officer"))
    _assert_says_only_unreachable(response, down, "nl")


def test_readyz_is_503_while_the_registry_is_down(
    services: Services, down: Down, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(services=_with_registry_down(services, down, keys_too=True))
    with caplog.at_level(logging.INFO), TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/readyz", params={"lang": "en"})
    _assert_says_only_unreachable(response, down, "en")
    assert response.json()["status"] == "unavailable"
    assert down.secrets[-1] in "\n".join(r.getMessage() for r in caplog.records)


def test_readyz_is_200_while_the_registry_answers(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_a_start_on_a_registry_that_is_down_says_so_on_readyz_without_its_address(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=CLOSED_PG_URL, template_key=None)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert _wait_for(lambda: c.get("/readyz").json().get("status") == "failed")
        response = c.get("/readyz", params={"lang": "en"})
    assert response.status_code == 503
    for secret in ("127.0.0.1", "geheim", "leerlingen", "dbgebruiker", "postgres", ":1"):
        assert secret not in response.text, secret
    assert response.json()["error"]["code"] == "E201"
    assert "unreachable" in response.json()["error"]["message"]


def test_a_start_on_a_registry_that_is_not_there_answers_every_route_with_503(
    tmp_path: Path,
) -> None:
    """Issue 19: a registry file that is not there is never made by the service; every
    route says the registry is unreachable (not "still starting" forever), and no path."""
    typo = tmp_path / "no-such-dir" / "registry.sqlite3"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{typo}", template_key=None)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert _wait_for(lambda: c.get("/readyz").json().get("status") == "failed")
        ready = c.get("/readyz")
        screened = c.post(
            "/v1/screenings",
            json={"text": "Sanne uit groep 7 was jarig."},
            headers={"Authorization": "Bearer whatever"},
        )
    for response in (ready, screened):
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "E205"
        assert "no-such-dir" not in response.text
    assert not typo.parent.exists()


def test_a_probe_that_gets_no_answer_in_time_is_not_ready_and_is_not_repeated(
    services: Services,
) -> None:
    release = threading.Event()
    attempts: list[int] = []

    def hanging(_engine: Engine) -> None:
        attempts.append(1)
        release.wait(60)

    assert services.engine is not None
    probe = RegistryProbe(services.engine, timeout=0.01, check=hanging)
    try:
        assert not probe.reachable()
        # A second probe while the first still hangs waits for that one: the database is
        # not asked again, so a hanging registry does not pile up connection attempts.
        assert not probe.reachable()
        assert attempts == [1]
    finally:
        release.set()


def test_a_probe_of_a_registry_that_answers_is_ready(services: Services) -> None:
    assert services.engine is not None
    assert RegistryProbe(services.engine).reachable()
