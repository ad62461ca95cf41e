"""Shared fixtures: the development data folder, an isolated environment, a built pipeline.

Every test that reads the development data in ../shared goes through the helpers here
(`shared_path`, `shared_params` and the `shared` marker). Where the data is absent such a
test skips with a visible reason; with SCREENING_REQUIRE_SHARED=1 (CI) it fails instead, so a
run without the data cannot pass for a complete one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from spacy.language import Language

from consent_store.location import DEFAULT_DB_NAME, KEY_FILE_NAME
from consent_store.repository import init_registry
from kernel.settings import Settings
from screening.nlp import build_nlp
from screening.pipeline import Pipeline, build_pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: Set to 1 (as .ci/run does) to make absent development data a failure, not a skip.
REQUIRE_SHARED = "SCREENING_REQUIRE_SHARED"
#: The id of the one case a parametrisation over absent development data collects.
SHARED_ABSENT_ID = "shared-data-absent"


def shared_required() -> bool:
    """Whether absent development data fails the tests that need it (CI) or skips them."""
    return os.environ.get(REQUIRE_SHARED) == "1"


def shared_missing(path: Path) -> NoReturn:
    """Skip the calling test with a visible reason, or fail it when the data is required."""
    reason = f"development data {path} is absent (../shared is not beside the repo)"
    if shared_required():
        pytest.fail(f"{reason}; {REQUIRE_SHARED}=1 requires it", pytrace=False)
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path under ../shared; if absent, the calling test skips or fails (`shared_missing`)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        shared_missing(path)
    return path


def shared_params(
    parts: tuple[str, ...], cases: Callable[[Path], Iterable[Any]], *, arity: int = 1
) -> list[Any]:
    """Parametrisation cases made at collection time from the data at ../shared/`parts`.

    When that path is absent, one placeholder case (id "shared-data-absent", `arity` Nones)
    is collected instead, marked `shared(*parts)`: it skips with the reason, or fails when
    the data is required, before the test body runs. The cases never just vanish.
    """
    path = SHARED.joinpath(*parts)
    if path.exists():
        return list(cases(path))
    return [pytest.param(*([None] * arity), id=SHARED_ABSENT_ID, marks=pytest.mark.shared(*parts))]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `shared` (optionally with the path parts it needs) checks the data first."""
    for mark in item.iter_markers("shared"):
        shared_path(*mark.args)


@pytest.fixture(scope="session")
def registry_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a new, empty registry and its key, made once (`registry init`)."""
    folder = tmp_path_factory.mktemp("registry-template")
    init_registry(Settings(data_dir=folder, database_url=None))
    return folder


def with_registry(template: Path, folder: Path) -> Path:
    """`folder` as a data dir holding a copy of the empty registry in `template`.

    A registry is never created on the fly (only by `screening registry init`), so every
    data dir a test screens with gets one; copying two files is cheaper than migrating.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in (DEFAULT_DB_NAME, KEY_FILE_NAME):
        shutil.copy2(template / name, folder / name)
    return folder


@pytest.fixture(scope="session", autouse=True)
def _session_data_dir(
    tmp_path_factory: pytest.TempPathFactory, registry_template: Path
) -> Iterator[None]:
    """Session and module fixtures, built before any per-test environment, get a temporary
    data dir too: a pipeline opens the consent registry there when a post names someone."""
    folder = with_registry(registry_template, tmp_path_factory.mktemp("session-data"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCREENING_DATA_DIR", str(folder))
        patch.delenv("SCREENING_DATABASE_URL", raising=False)
        yield


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    registry_template: Path,
) -> Iterator[None]:
    """No test reads the developer's own configuration or data directory; each test's data
    dir holds an empty registry of its own."""
    for name in (
        "SCREENING_DEFAULT_POLICY",
        "SCREENING_POLICY_DIRS",
        "SCREENING_LANG",
        "SCREENING_MIN_SCORE",
        "SCREENING_TEXT_DETECTORS",
        "SCREENING_SPACY_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    folder = with_registry(registry_template, tmp_path_factory.mktemp("data"))
    monkeypatch.setenv("SCREENING_DATA_DIR", str(folder))
    yield


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory, registry_template: Path) -> Pipeline:
    """The text pipeline (no face detector: photos hold as not screened), built once.

    Its data dir is a temporary one: a session fixture is built before the per-test
    environment, and the name detector opens the consent registry under the data dir.
    """
    data = with_registry(registry_template, tmp_path_factory.mktemp("pipeline-data"))
    return build_pipeline(Settings(data_dir=data, database_url=None), faces=False)


@pytest.fixture(scope="session")
def nlp_nl() -> Language:
    """The shipped Dutch spaCy pipeline (blank Dutch if its files are absent), loaded once
    for all text-detector tables."""
    return build_nlp()


@pytest.fixture(scope="session")
def face_pipeline(tmp_path_factory: pytest.TempPathFactory, registry_template: Path) -> Pipeline:
    """The full pipeline with the face detector, on an empty registry of its own."""
    folder = with_registry(registry_template, tmp_path_factory.mktemp("face-registry"))
    return build_pipeline(Settings(data_dir=folder), faces=True)
