"""The face-consent detector on real faces while one pupil is enrolled: a stranger holds.

Self-contained and offline: scikit-image ships both faces. The astronaut (Eileen Collins) is
enrolled as a pupil with consent for face matching and social media; a face from
scikit-image's LFW sample (another real person, enrolled by nobody) is the stranger. The
whole pipeline runs (real dlib models, a registry of its own), so what is asserted is the
decision a school would get; nothing is timed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from PIL import Image
from skimage import data as skimage_data

from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo, Role
from consent_store.repository import init_registry, open_registry
from consent_store.school_year import SchoolYear
from kernel.settings import Settings
from kernel.types import Action, Channel, Decision, Finding, ImageInput, Post, Severity
from screening.detectors.faces import FaceConsentDetector
from screening.faces.enroll import enroll
from screening.pipeline import Pipeline, build_pipeline

PUPIL = "P1"
#: The stranger: this face of scikit-image's LFW sample (see `stranger`).
LFW_STRANGER = 89


def jpeg(img: Image.Image) -> bytes:
    """`img` as JPEG bytes."""
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=92)
    return out.getvalue()


def astronaut() -> Image.Image:
    """scikit-image's astronaut: one real, frontal face (512 x 512)."""
    return Image.fromarray(skimage_data.astronaut())  # type: ignore[no-untyped-call]


def stranger() -> Image.Image:
    """A face of scikit-image's LFW sample, enlarged: a real person nobody enrolled.

    LFW_STRANGER is picked for its margins, measured over enlargements to 200-300 px
    (bicubic, Lanczos) and JPEG qualities 75-92: sharpness >= 295 (recognizable from 80),
    HOG score >= 0.98 (a face from 0.0), distance to the astronaut >= 0.83 (unknown beyond
    0.7). The sample's faces are 25 px, and several end up barely sharp enough when enlarged.
    """
    faces = skimage_data.lfw_subset()  # type: ignore[no-untyped-call]
    face = Image.fromarray((faces[LFW_STRANGER] * 255).astype(np.uint8))
    return face.resize((300, 300), Image.Resampling.BICUBIC)


def side_by_side(left: Image.Image, right: Image.Image) -> Image.Image:
    """Both pictures in one photo, `right` centred vertically beside `left`."""
    height = max(left.height, right.height)
    photo = Image.new("RGB", (left.width + right.width, height), (128, 128, 128))
    photo.paste(left.convert("RGB"), (0, (height - left.height) // 2))
    photo.paste(right.convert("RGB"), (left.width, (height - right.height) // 2))
    return photo


@dataclass(frozen=True)
class Screening:
    """The pipeline with the face detector, on a registry where only the astronaut is enrolled."""

    pipeline: Pipeline
    detector: FaceConsentDetector

    def screen(self, photo: Image.Image) -> Decision:
        """The decision for an Instagram post of today with `photo`."""
        post = Post(
            text="Sportdag groep 7",
            channel=Channel.INSTAGRAM,
            publish_on=date.today(),
            images=(ImageInput("foto.jpg", jpeg(photo)),),
        )
        return self.pipeline.screen(post)


@pytest.fixture(scope="module")
def screening(tmp_path_factory: pytest.TempPathFactory) -> Screening:
    """Pupil P1 (the astronaut's face) enrolled, with consent for social media today."""
    root = tmp_path_factory.mktemp("face-consent")
    settings = Settings(data_dir=root / "data", database_url=None)
    pipeline = build_pipeline(settings, faces=True)
    [detector] = [d for d in pipeline.image_detectors if isinstance(d, FaceConsentDetector)]
    today = date.today()
    # Ten years old whatever today is: a parent's consent counts for her.
    birth = date(today.year - 10, 1, 1)
    photo = root / "pasfoto.jpg"
    # Another crop than the photos screened below, as a real enrolment photo would be.
    photo.write_bytes(jpeg(astronaut().crop((40, 0, 512, 472))))
    init_registry(settings)
    with open_registry(settings) as registry:
        registry.add_person(PersonInfo(PUPIL, "Anna Jansen", Role.PUPIL, birth), recorded_by="t")
        for purpose in (Purpose.BIOMETRIC_MATCHING, Purpose.SOCIAL_MEDIA):
            registry.grant(
                PUPIL, purpose, SchoolYear.of(today), GivenBy.PARENT, "formulier", on=today
            )
        enroll(
            registry,
            PUPIL,
            [photo],
            detector.models,
            detector.detection,
            detector.recognizability,
            settings,
        )
    return Screening(pipeline, detector)


def faces(decision: Decision) -> list[Finding]:
    """The face findings of a decision, left to right in the photo."""
    found = [r.finding for r in decision.findings if r.finding.kind.startswith("face.")]
    return sorted(found, key=lambda f: f.region.box.left if f.region and f.region.box else 0)


def holding(decision: Decision) -> list[str]:
    """The kinds of the findings that hold the post."""
    return sorted(r.finding.kind for r in decision.findings if r.severity is Severity.HOLD)


def test_the_enrolled_face_alone_publishes(screening: Screening) -> None:
    decision = screening.screen(astronaut())
    [face] = faces(decision)
    assert (face.kind, face.person_id) == ("face.consented", PUPIL)
    assert holding(decision) == []
    assert decision.action is Action.PUBLISH


def test_a_stranger_holds_because_nobody_gave_consent(screening: Screening) -> None:
    decision = screening.screen(stranger())
    [face] = faces(decision)
    assert face.kind == "face.unknown"
    assert face.person_id is None and face.person_name is None
    # Far from the one enrolled face: unknown, not merely too close to call.
    reject = screening.detector.thresholds.reject_distance
    assert face.distance is not None and reject is not None
    assert face.distance > reject
    assert holding(decision) == ["face.unknown"]
    assert decision.action is Action.HOLD


def test_a_stranger_beside_the_enrolled_pupil_holds(screening: Screening) -> None:
    decision = screening.screen(side_by_side(astronaut(), stranger()))
    assert [(f.kind, f.person_id) for f in faces(decision)] == [
        ("face.consented", PUPIL),
        ("face.unknown", None),
    ]
    # The pupil's consent does not carry the stranger: the stranger's face alone holds it.
    assert holding(decision) == ["face.unknown"]
    [reason] = [r for r in decision.reasons if r.severity is Severity.HOLD]
    [held] = [r for r in decision.findings if r.id in reason.finding_ids]
    assert held.finding.kind == "face.unknown"
    assert decision.action is Action.HOLD


def small(photo: Image.Image, scale: float) -> Image.Image:
    """`photo` reduced by `scale` on a grey 640 x 480 canvas: a face in the back of a crowd."""
    reduced = photo.resize((round(photo.width * scale), round(photo.height * scale)))
    canvas = Image.new("RGB", (640, 480), (128, 128, 128))
    canvas.paste(reduced.convert("RGB"), (240, 160))
    return canvas


def test_the_enrolled_pupil_too_small_to_identify_holds(screening: Screening) -> None:
    """Present and recognizable, but too small for the encoder: held, never named, never
    silence - even though she is enrolled and has consent."""
    decision = screening.screen(small(astronaut(), 0.4))
    [face] = faces(decision)
    assert face.kind == "face.ambiguous"
    assert face.person_id is None and face.distance is None
    assert "small_for_identification" in face.evidence.explanation
    assert holding(decision) == ["face.ambiguous"]
    assert decision.action is Action.HOLD


def test_the_enrolled_pupil_large_enough_is_still_identified(screening: Screening) -> None:
    decision = screening.screen(small(astronaut(), 0.9).resize((1280, 960)))
    [face] = faces(decision)
    assert (face.kind, face.person_id) == ("face.consented", PUPIL)
    assert decision.action is Action.PUBLISH
