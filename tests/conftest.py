"""Shared fixtures: the development data folder, an isolated environment, a built pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from screening.nlp import build_nlp
from screening.pipeline import Pipeline, build_pipeline
from screening.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the calling test with a visible reason if absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"development data {path} is absent (../shared is not beside the repo)")
    return path


@pytest.fixture(scope="session", autouse=True)
def _session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session and module fixtures, built before any per-test environment, get a temporary
    data dir too: a pipeline opens the consent registry there when a post names someone."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCREENING_DATA_DIR", str(tmp_path_factory.mktemp("session-data")))
        patch.delenv("SCREENING_DATABASE_URL", raising=False)
        yield


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads the developer's own configuration or data directory."""
    for name in (
        "SCREENING_DEFAULT_POLICY",
        "SCREENING_POLICY_DIRS",
        "SCREENING_LANG",
        "SCREENING_MIN_SCORE",
        "SCREENING_TEXT_DETECTORS",
        "SCREENING_SPACY_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    yield


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The text pipeline (no face detector: photos hold as not screened), built once.

    Its data dir is a temporary one: a session fixture is built before the per-test
    environment, and the name detector opens the consent registry under the data dir.
    """
    data = tmp_path_factory.mktemp("pipeline-data")
    return build_pipeline(Settings(data_dir=data, database_url=None), faces=False)


@pytest.fixture(scope="session")
def nlp_nl() -> Language:
    """The shipped Dutch spaCy pipeline (blank Dutch if its files are absent), loaded once
    for all text-detector tables."""
    return build_nlp()


@pytest.fixture(scope="session")
def face_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The full pipeline with the face detector, on an empty registry of its own."""
    return build_pipeline(Settings(data_dir=tmp_path_factory.mktemp("face-registry")), faces=True)
