"""Fixtures for the web pages: a text-only app on its own registry, and signed-in clients.

Page tests sign in the way a person does (the login form, its CSRF cookie, the session
cookie) and read each form's CSRF token from the page, so nothing about the sign-in is
faked.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.auth import Role
from api.services import Services, build_services
from consent_store.repository import init_registry
from kernel.settings import Settings
from screening.pipeline import Pipeline

_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


def web_settings(folder: Path) -> Settings:
    """Settings on a registry of the test's own (never the developer's), made as
    `screening registry init` makes it (a registry is never created on the fly)."""
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'registry.sqlite3'}",
        template_key=None,
    )
    init_registry(settings)
    return settings


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF_RE.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match[1]


def sign_in(client: TestClient, raw_key: str, next_url: str = "/") -> str:
    """Sign in through the login form; returns the CSRF token of the page signed in to."""
    page = client.get("/login", params={"next": next_url})
    assert page.status_code == 200
    response = client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "api_key": raw_key, "next": next_url},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    landing = client.get(response.headers["location"])
    assert landing.status_code == 200, landing.text
    return csrf_of(landing.text)


def jpeg(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (90, 140, 200)) -> bytes:
    """A small plain JPEG (no face)."""
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def astronaut_jpeg() -> bytes:
    """scikit-image's astronaut photo (one clear face) as a JPEG."""
    from skimage import data

    pixels = data.astronaut()  # type: ignore[no-untyped-call]
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=92)
    return buf.getvalue()


@pytest.fixture(scope="module")
def web_services(
    tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline
) -> Iterator[Services]:
    """Text-only services (photos hold as not screened) on a fresh registry per module."""
    built = build_services(web_settings(tmp_path_factory.mktemp("web")), pipeline=pipeline)
    yield built
    built.close()


@pytest.fixture(scope="module")
def raw_keys(web_services: Services) -> dict[str, str]:
    """A raw key per role, and 'staff' with officer + registry administrator."""
    keys = {r.value: web_services.keys.create(f"test {r.value}", [r])[1] for r in Role}
    keys["staff"] = web_services.keys.create("Anna de Boer", [Role.OFFICER, Role.REGISTRY_ADMIN])[1]
    return keys


@pytest.fixture
def app_client(web_services: Services) -> Iterator[TestClient]:
    """A fresh browser-like client (its own cookies) of an app on the module's services."""
    with TestClient(
        create_app(services=web_services),
        raise_server_exceptions=False,
        base_url="http://testserver",
    ) as client:
        yield client


@pytest.fixture
def signed_in(app_client: TestClient, raw_keys: dict[str, str]) -> Callable[[str], str]:
    """Sign the client in with the key of a role (or 'staff'); returns the CSRF token."""

    def _sign_in(who: str) -> str:
        return sign_in(app_client, raw_keys[who])

    return _sign_in
