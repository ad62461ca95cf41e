"""Fixtures for the audit's tests: a published state per test (face models: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.faces.models import FaceModels
from tests.audit.library import PublishedState, build_published_state


@pytest.fixture
def published(tmp_path: Path, face_models: FaceModels) -> PublishedState:
    """P1 enrolled with consent as on the publication day, and the folder of items."""
    return build_published_state(tmp_path, face_models)
