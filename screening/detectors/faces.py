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
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from screening.detectors.base import ImageDetector
from screening.errors import RegistryError
from screening.faces.detect import DetectionConfig, detect_faces
from screening.faces.encode import encode_faces
from screening.faces.match import Gallery, MatchThresholds, classify
from screening.faces.models import FaceModels
from screening.faces.quality import RecognizabilityConfig, assess
from screening.faces.types import DetectedFace, Match, Recognizability
from screening.images.intake import DecodedImage
from screening.types import Evidence, Finding, ImageRegion, PostContext

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
    ) -> None:
        self.models = models
        self.detection = detection
        self.recognizability = recognizability
        self.thresholds = thresholds
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

    def verdicts(self, image: DecodedImage, context: PostContext) -> list[FaceVerdict]:
        """Every face in `image` with its verdict (used for findings and for annotation)."""
        from consent_store.purposes import purpose_for_channel

        faces = detect_faces(self.models, image, self.detection)
        if not faces:
            return []
        qualities = [assess(self.models, image, f, self.recognizability) for f in faces]
        recognizable = [i for i, q in enumerate(qualities) if q.recognizable]
        verdicts: list[FaceVerdict | None] = [
            None
            if q.recognizable
            else FaceVerdict(
                f,
                q,
                None,
                "face.not_recognizable",
                None,
                "not recognizable: " + ", ".join(q.reasons),
            )
            for f, q in zip(faces, qualities, strict=True)
        ]
        if recognizable:
            # Biometric processing happens now, so the consent for it must hold today; the
            # consent to appear is judged on the publication date.
            registry = self._open_registry()
            gallery = self._current_gallery(registry, date.today())
            vectors = encode_faces(self.models, image, [faces[i] for i in recognizable])
            matches = gallery.match(vectors)
            purpose = purpose_for_channel(context.channel)
            for i, match in zip(recognizable, matches, strict=True):
                verdicts[i] = self._judge(registry, faces[i], qualities[i], match, purpose, context)
        return [v for v in verdicts if v is not None]

    def _judge(
        self,
        registry: Registry,
        face: DetectedFace,
        quality: Recognizability,
        match: Match,
        purpose: Purpose,
        context: PostContext,
    ) -> FaceVerdict:
        verdict = classify(match, self.thresholds)
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
        person = registry.get_person(match.person_id)
        state = registry.consent_on(
            match.person_id, purpose, context.publish_on, context.consent_view
        )
        kind = "face.consented" if state.valid else "face.no_consent"
        return FaceVerdict(
            face,
            quality,
            match,
            kind,
            person.display_name,
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
