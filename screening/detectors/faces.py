"""Faces in a photo against the consent registry: who is it, and may they appear here?

Stages, each in its own module: detect (screening.faces.detect), judge recognizability
(screening.faces.quality), encode (screening.faces.encode), match against the enrolled
templates (screening.faces.match), then look up consent for the post's channel and date.
This detector only reports what it found, with the measurements; the policy pack decides.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from kernel.errors import RegistryError
from kernel.types import Evidence, Finding, ImageRegion, PostContext
from screening.detectors.base import ImageDetector
from screening.faces.cache import (
    AnalysedFace,
    FaceAnalysis,
    FaceAnalysisCache,
    analysis_key,
    config_id,
)
from screening.faces.detect import DetectionConfig, detect_faces
from screening.faces.encode import encode_faces
from screening.faces.match import (
    CalibrationConfig,
    Gallery,
    MatchThresholds,
    decide,
    load_calibration_config,
)
from screening.faces.models import FaceModels
from screening.faces.quality import RecognizabilityConfig, assess, identification_limits
from screening.faces.types import DetectedFace, Match, Recognizability
from screening.images.intake import DecodedImage

if TYPE_CHECKING:
    from consent_store.purposes import Purpose
    from consent_store.repository import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FaceVerdict:
    """One face as the detector saw it: where, how recognizable, who, and the finding kind."""

    face: DetectedFace
    quality: Recognizability
    match: Match | None
    kind: str
    person_name: str | None
    reason: str


class FaceConsentDetector(ImageDetector):
    """Reports every face with its consent verdict for the post's channel and date."""

    name: ClassVar[str] = "faces"
    version: ClassVar[str] = "1.0"
    checks_faces: ClassVar[bool] = True

    def __init__(
        self,
        models: FaceModels,
        detection: DetectionConfig,
        recognizability: RecognizabilityConfig,
        thresholds: MatchThresholds,
        registry: Callable[[], Registry],
        cache: FaceAnalysisCache | None = None,
        max_side: int | None = None,
        calibration: CalibrationConfig | Literal["default"] | None = "default",
    ) -> None:
        self.models = models
        self.detection = detection
        self.recognizability = recognizability
        self.thresholds = thresholds
        #: The calibrated rule (models/faces/matching.toml); None matches raw distances.
        self.calibration = load_calibration_config() if calibration == "default" else calibration
        self.flip_average = self.calibration is not None and self.calibration.flip_average
        #: Optional store of detection + recognizability + templates per photo (the audit's).
        self.cache = cache
        # Everything that changes what detection reports is part of the cache key; the frame
        # size (max_side) too, since detection runs on the reduced frame, and flip averaging,
        # since it changes the templates.
        self._config_id = config_id(
            self.version, detection, recognizability, max_side, self.flip_average
        )
        self._registry_factory = registry
        self._registry: Registry | None = None
        self._gallery: tuple[tuple[date, tuple[int, int, int]], Gallery] | None = None
        self._lock = threading.Lock()

    def _open_registry(self) -> Registry:
        if self._registry is None:
            self._registry = self._registry_factory()
        return self._registry

    def _current_gallery(self, registry: Registry, today: date) -> Gallery:
        """The enrolled templates usable today, rebuilt only when the registry changed."""
        key = (today, registry.gallery_revision())
        with self._lock:
            if self._gallery is None or self._gallery[0] != key:
                candidates = registry.face_candidates(self.models.encoder_id, today)
                self._gallery = (key, Gallery([(c.person_id, c.vector) for c in candidates]))
            return self._gallery[1]

    def analyse(self, image: DecodedImage) -> FaceAnalysis:
        """Detect, judge and encode every face, or take that from the cache when it has it."""
        key = None
        if self.cache is not None and image.sha256:
            key = analysis_key(image.sha256, self.models.encoder_id, self._config_id)
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        faces = detect_faces(self.models, image, self.detection)
        qualities = [assess(self.models, image, f, self.recognizability) for f in faces]
        # Templates only for faces that can be identified: the encoder is the costly stage,
        # and a face too small or turned to identify is held without one.
        encoded = [self._identifiable(f, q) for f, q in zip(faces, qualities, strict=True)]
        wanted = [f for f, e in zip(faces, encoded, strict=True) if e]
        vectors = iter(
            encode_faces(self.models, image, wanted, flip_average=self.flip_average)
            if wanted
            else []
        )
        # Landmarks are dropped once used: nothing downstream needs them, and a cached
        # analysis holds only what matching and the report need.
        analysis = FaceAnalysis(
            tuple(
                AnalysedFace(
                    replace(f, landmarks5=()),
                    q,
                    np.asarray(next(vectors), dtype=np.float32) if e else None,
                )
                for f, q, e in zip(faces, qualities, encoded, strict=True)
            )
        )
        if key is not None and self.cache is not None:
            self.cache.put(key, analysis)
        return analysis

    def _identifiable(self, face: DetectedFace, quality: Recognizability) -> bool:
        return quality.recognizable and not identification_limits(
            face, quality, self.recognizability
        )

    def verdicts(self, image: DecodedImage, context: PostContext) -> list[FaceVerdict]:
        """Every face in `image` with its verdict (used for findings and for annotation)."""
        from consent_store.purposes import purpose_for_channel

        analysed = self.analyse(image).faces
        if not analysed:
            return []
        faces = [a.face for a in analysed]
        qualities = [a.quality for a in analysed]
        recognizable = [i for i, a in enumerate(analysed) if self._identifiable(a.face, a.quality)]
        verdicts: list[FaceVerdict | None] = [
            None if i in recognizable else self._unmatched(f, q)
            for i, (f, q) in enumerate(zip(faces, qualities, strict=True))
        ]
        if recognizable:
            # Biometric processing happens now, so the consent for it must hold today; the
            # consent to appear is judged on the publication date.
            registry = self._open_registry()
            gallery = self._current_gallery(registry, date.today())
            templates = [analysed[i].template for i in recognizable]
            vectors = np.stack([t for t in templates if t is not None])
            matches = (
                gallery.match(vectors)
                if self.calibration is None
                else gallery.match_calibrated(vectors, self.calibration)
            )
            purpose = purpose_for_channel(context.channel)
            for i, match in zip(recognizable, matches, strict=True):
                verdicts[i] = self._judge(registry, faces[i], qualities[i], match, purpose, context)
        return [v for v in verdicts if v is not None]

    def _unmatched(self, face: DetectedFace, quality: Recognizability) -> FaceVerdict:
        """A face that is not matched: not recognizable (a notice), or held because it is
        recognizable but too small or turned to identify - present, so never silence."""
        if not quality.recognizable:
            reason = "not recognizable: " + ", ".join(quality.reasons)
            return FaceVerdict(face, quality, None, "face.not_recognizable", None, reason)
        limits = identification_limits(face, quality, self.recognizability)
        return FaceVerdict(
            face,
            quality,
            None,
            "face.ambiguous",
            None,
            "recognizable face that cannot be identified with confidence ("
            + ", ".join(limits)
            + f", {face.frame_box.width}px as analysed); ask the officer who it is",
        )

    def _judge(
        self,
        registry: Registry,
        face: DetectedFace,
        quality: Recognizability,
        match: Match,
        purpose: Purpose,
        context: PostContext,
    ) -> FaceVerdict:
        verdict = decide(match, self.thresholds, self.calibration)
        if verdict == "unknown":
            return FaceVerdict(
                face,
                quality,
                match,
                "face.unknown",
                None,
                "recognizable face matching nobody enrolled",
            )
        if verdict == "ambiguous":
            return FaceVerdict(
                face,
                quality,
                match,
                "face.ambiguous",
                None,
                "no single enrolled person is clearly nearest",
            )
        assert match.person_id is not None
        name, state = registry.named_consent_on(
            match.person_id, purpose, context.publish_on, context.consent_view
        )
        kind = "face.consented" if state.valid else "face.no_consent"
        return FaceVerdict(
            face,
            quality,
            match,
            kind,
            name,
            f"{purpose.value} on {context.publish_on.isoformat()}: {state.reason_en}",
        )

    def detect(self, image: DecodedImage, index: int, context: PostContext) -> Sequence[Finding]:
        """One finding per face; a registry that cannot be reached is a hold, not a crash."""
        try:
            verdicts = self.verdicts(image, context)
        except RegistryError as err:
            log.warning("face screening: registry unavailable (%s)", err.code)
            return [
                Finding(
                    kind="registry.unavailable",
                    detector=self.name,
                    detector_version=self.version,
                    score=1.0,
                    evidence=Evidence(explanation=f"consent registry error {err.code}"),
                    region=ImageRegion(index),
                )
            ]
        return [self._finding(v, index) for v in verdicts]

    def _finding(self, v: FaceVerdict, index: int) -> Finding:
        q = v.quality
        measured = f"face {q.face_px}px, sharpness {q.sharpness:.0f}" + (
            "" if q.yaw_degrees is None else f", yaw {q.yaw_degrees:.0f}°"
        )
        identified = v.kind in ("face.consented", "face.no_consent")
        return Finding(
            kind=v.kind,
            detector=self.name,
            detector_version=self.version,
            score=round(min(1.0, max(0.0, v.face.score)), 4),
            evidence=Evidence(
                explanation=f"{v.reason} ({measured})",
                pattern=v.face.detector,
                validation="; ".join(q.reasons) or None,
            ),
            region=ImageRegion(index, v.face.box),
            person_id=v.match.person_id if v.match and identified else None,
            person_name=v.person_name if identified else None,
            distance=v.match.distance if v.match else None,
            margin=v.match.margin if v.match else None,
        )
