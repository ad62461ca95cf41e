"""What the expensive face stages found in one photo, and the hook to cache it.

Detection, recognizability and encoding depend only on the photo's bytes, the face models
and the configuration, never on the registry. A caller that screens the same photos again
and again (the nightly audit) passes a `FaceAnalysisCache` to the face detector; matching
and the consent look-up are then redone against the registry as it is now, without
re-detecting. The cache is keyed by `analysis_key`, so a new model or a changed threshold
never reuses an old result.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from screening.faces.types import DetectedFace, Recognizability


@dataclass(frozen=True, slots=True)
class AnalysedFace:
    """One detected face, how recognizable it is and, if recognizable, its template.

    The face's landmarks are not kept: matching needs only the template, and the report
    only the box.
    """

    face: DetectedFace
    quality: Recognizability
    template: npt.NDArray[np.float32] | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class FaceAnalysis:
    """Every face found in one photo, in detection order."""

    faces: tuple[AnalysedFace, ...]


class FaceAnalysisCache(Protocol):
    """Stores face analyses by key; implementations must fail soft (a miss, not a crash)."""

    def get(self, key: str) -> FaceAnalysis | None:
        """The analysis stored under `key`, or None when there is none (or it is unusable)."""

    def put(self, key: str, analysis: FaceAnalysis) -> None:
        """Store `analysis` under `key`."""


def analysis_key(image_sha256: str, model_id: str, config_id: str) -> str:
    """The cache key of one photo's analysis: its bytes, the face model and the config."""
    return f"{image_sha256}:{model_id}:{config_id}"


def config_id(*parts: object) -> str:
    """A short, stable id of everything that changes what the face stages report."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
