"""Fixtures for the audit's tests: face models once, a published state per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.faces.models import FaceModels, load_face_models
from tests.audit.library import PublishedState, build_published_state


@pytest.fixture(scope="session")
def face_models() -> FaceModels:
    """dlib's models, loaded once for every audit test."""
    return load_face_models()


@pytest.fixture
def published(tmp_path: Path, face_models: FaceModels) -> PublishedState:
    """P1 enrolled with consent as on the publication day, and the folder of items."""
    return build_published_state(tmp_path, face_models)
