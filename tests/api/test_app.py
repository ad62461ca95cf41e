"""The app's wiring: start-up in the background, readiness, CORS, the OpenAPI document."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import api.app
from api.app import create_app
from api.services import Services
from kernel.errors import PolicyPackError
from kernel.settings import Settings
from tests.api.conftest import Keys, api_settings


def _wait_for(check: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_health_answers_at_once_and_ready_only_once_built(
    monkeypatch: pytest.MonkeyPatch, services: Services, keys: Keys, tmp_path: Path
) -> None:
    release = threading.Event()
    built: list[Settings] = []

    def slow_build(settings: Settings) -> Services:
        built.append(settings)
        release.wait(60)
        return services

    monkeypatch.setattr(api.app, "build_services", slow_build)
    settings = api_settings(tmp_path)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        starting = c.get("/readyz")
        assert starting.status_code == 503
        assert starting.json()["status"] == "starting"
        assert starting.json()["error"]["code"] == "E609"
        early = c.post("/v1/precheck", json={"text": "hoi"}, headers=keys.headers("officer"))
        assert early.status_code == 503 and early.json()["error"]["code"] == "E609"
        release.set()
        assert _wait_for(lambda: c.get("/readyz").status_code == 200)
        assert c.get("/readyz").json() == {"status": "ready"}
        ok = c.post("/v1/precheck", json={"text": "hoi"}, headers=keys.headers("officer"))
        assert ok.status_code == 200
    assert built == [settings]


def test_a_failed_start_says_why_on_readyz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(_settings: Settings) -> Services:
        raise PolicyPackError("policy pack x.toml: it has no [fallback] rule", "beleidspakket ...")

    monkeypatch.setattr(api.app, "build_services", broken)
    with TestClient(create_app(api_settings(tmp_path))) as c:
        assert _wait_for(lambda: c.get("/readyz").json().get("status") == "failed")
        body = c.get("/readyz", params={"lang": "en"}).json()
        assert body["error"]["code"] == "E101"
        assert "fallback" in body["error"]["message"]
        assert c.get("/healthz").status_code == 200


def test_cors_allows_only_configured_origins(services: Services, keys: Keys) -> None:
    allowed = "https://intranet.school.nl"
    services_with_cors = Services(
        **{
            **services.__dict__,
            "settings": services.settings.model_copy(update={"cors_origins": [allowed]}),
        }
    )
    app = create_app(services=services_with_cors)
    with TestClient(app) as c:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        }
        ok = c.options("/v1/precheck", headers={"Origin": allowed, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == allowed
        other = c.options("/v1/precheck", headers={"Origin": "https://evil.example", **preflight})
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers
        simple = c.post(
            "/v1/precheck",
            json={"text": "hoi"},
            headers={"Origin": "https://evil.example", **keys.headers("officer")},
        )
        assert "access-control-allow-origin" not in simple.headers
    # Without configured origins no CORS headers are sent at all.
    with TestClient(create_app(services=services)) as c:
        response = c.options("/v1/precheck", headers={"Origin": allowed, **preflight})
        assert "access-control-allow-origin" not in response.headers


def test_the_openapi_document_is_versioned_and_documents_keys_and_errors(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "School post screening"
    assert all(p.startswith("/v1/") for p in schema["paths"] if p not in ("/healthz", "/readyz"))
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    screening = schema["paths"]["/v1/screenings"]["post"]
    assert "multipart/form-data" in screening["requestBody"]["content"]
    assert {"200", "401", "403", "413", "415", "422"} <= set(screening["responses"])
    assert client.get("/docs").status_code == 200


def test_services_passed_in_are_not_closed_by_the_app(services: Services, keys: Keys) -> None:
    with TestClient(create_app(services=services)) as c:
        c.get("/healthz")
    # Still usable: the module's other tests share these services.
    assert services.keys.verify(keys.raw["officer"]) is not None


def test_a_bug_is_a_500_that_quotes_nothing(
    client: TestClient,
    keys: Keys,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Jantje de Vries, Dorpsstraat 12")

    monkeypatch.setattr(services.pipeline, "screen", broken)
    response = client.post(
        "/v1/precheck", json={"text": "Jantje de Vries"}, headers=keys.headers("officer")
    )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "E000"
    assert "Jantje" not in response.text
    assert "action" not in response.json()
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert not any(
        "Jantje" in r.getMessage() or "Jantje" in str(r.exc_info) for r in caplog.records
    )
