"""Fixtures for the service: a text-only app on its own SQLite registry, keys for each role.

The text pipeline is shared with the rest of the suite (the session `pipeline` fixture);
tests that need faces build a face pipeline on their own registry once per module
(`face_services` in those modules).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role
from api.services import Services, build_services
from consent_store.repository import init_registry
from kernel.settings import Settings
from screening.pipeline import Pipeline


def api_settings(folder: Path, **overrides: object) -> Settings:
    """Settings on a registry of the test's own (never the developer's), made as
    `screening registry init` makes it (a registry is never created on the fly)."""
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'registry.sqlite3'}",
        template_key=None,
        **overrides,  # type: ignore[arg-type]
    )
    init_registry(settings)
    return settings


@dataclass(frozen=True)
class Keys:
    """A raw key per role, one with every role, and the headers that send them."""

    raw: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        """Authorization headers for `who` (a role name, 'all', 'none' or 'bad')."""
        if who == "none":
            return {}
        if who == "bad":
            return {"Authorization": "Bearer sps_000000000000_" + "x" * 43}
        return {"Authorization": f"Bearer {self.raw[who]}"}


def make_keys(services: Services) -> Keys:
    """One key per role, and one with all roles."""
    raw = {role.value: services.keys.create(f"test {role.value}", [role])[1] for role in Role}
    raw["all"] = services.keys.create("test all", list(Role))[1]
    return Keys(raw)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[Services]:
    """Text-only services (photos hold as not screened) on a fresh registry per module."""
    folder = tmp_path_factory.mktemp("api")
    built = build_services(api_settings(folder), pipeline=pipeline)
    yield built
    built.close()


@pytest.fixture(scope="module")
def keys(services: Services) -> Keys:
    """Keys for every role on the module's registry."""
    return make_keys(services)


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    """A client of the app with prebuilt services (no start-up wait)."""
    with TestClient(create_app(services=services), raise_server_exceptions=False) as c:
        yield c


def jpeg_bytes(
    size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (90, 140, 200)
) -> bytes:
    """A small valid JPEG without a face."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def astronaut_jpeg(scale: float = 1.0) -> bytes:
    """scikit-image's astronaut (one clear face), as a JPEG."""
    from PIL import Image
    from skimage import data

    img = Image.fromarray(data.astronaut())  # type: ignore[no-untyped-call]
    if scale != 1.0:
        img = img.resize((round(img.width * scale), round(img.height * scale)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()
