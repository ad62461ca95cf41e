"""The pipeline as a whole: registration, fail-closed behaviour, versions, validation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from kernel.errors import (
    DetectorRegistryError,
    EmptyTextError,
    TextEncodingError,
    TextTooLongError,
)
from kernel.settings import Settings
from kernel.types import (
    Action,
    Channel,
    Evidence,
    Finding,
    ImageInput,
    Post,
    PostContext,
    Severity,
)
from screening.detectors.base import ImageDetector, TextDetector
from screening.detectors.registry import DetectorRegistry
from screening.images.intake import DecodedImage
from screening.nlp import TextDoc
from screening.pipeline import Pipeline, build_pipeline, default_registry

SECRET = "Sanne heeft een geheim: 0612345678"


class Exploding(TextDetector):
    name = "exploding"
    version = "0.1"

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        raise RuntimeError(f"boom on {doc.text!r}")


class ExplodingImage(ImageDetector):
    name = "exploding_image"
    version = "0.1"

    checks_faces = True

    def detect(self, image: DecodedImage, index: int, context: PostContext) -> Sequence[Finding]:
        raise MemoryError


class Shouting(TextDetector):
    """Reports every exclamation mark as an unknown kind of finding."""

    name = "shouting"
    version = "2.0"

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        return [
            Finding(
                kind="style.shouting",
                detector=self.name,
                detector_version=self.version,
                score=0.3,
                evidence=Evidence("exclamation mark"),
            )
            for ch in doc.text
            if ch == "!"
        ]


def _post(text: str, images: tuple[ImageInput, ...] = ()) -> Post:
    return Post(text=text, channel=Channel.INSTAGRAM, publish_on=date(2026, 11, 22), images=images)


def _registry(*detectors: type[TextDetector]) -> DetectorRegistry:
    reg = DetectorRegistry()
    for d in detectors:
        reg.register_text(d.name, d)
    return reg


def test_registering_a_name_twice_is_an_error() -> None:
    reg = _registry(Exploding)
    with pytest.raises(DetectorRegistryError, match="twice"):
        reg.register_text("exploding", Exploding)
    with pytest.raises(DetectorRegistryError, match="twice"):
        reg.register_image("exploding", ExplodingImage)
    with pytest.raises(DetectorRegistryError, match="unknown detector 'nope'"):
        reg.build_text(["nope"])


def test_default_registry_has_the_pii_detectors() -> None:
    names = set(default_registry().text_names)
    assert {"bsn", "phone", "email", "iban", "address", "date_of_birth", "age"} <= names


def test_a_detector_that_raises_holds_and_never_leaks_the_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pipe = build_pipeline(Settings(), _registry(Exploding))
    decision = pipe.screen(_post(SECRET))
    assert decision.action is Action.HOLD
    [rated] = decision.findings
    assert rated.finding.kind == "screening.error"
    assert rated.severity is Severity.HOLD
    assert "RuntimeError" in rated.finding.evidence.explanation
    assert "Sanne" not in rated.finding.evidence.explanation
    assert [r.citation.article_id for r in decision.reasons] == ["III.B.11"]
    assert "Sanne" not in caplog.text and "0612345678" not in caplog.text


def test_an_image_detector_that_raises_holds() -> None:
    from tests.images.drawing import png_bytes

    reg = DetectorRegistry()
    reg.register_image(ExplodingImage.name, ExplodingImage)
    pipe = build_pipeline(Settings(), reg)
    decision = pipe.screen(_post("", (ImageInput("a.png", png_bytes()),)))
    assert decision.action is Action.HOLD
    assert [f.finding.kind for f in decision.findings] == ["screening.error"]
    assert decision.findings[0].finding.region is not None


def test_an_unknown_finding_kind_falls_back_to_hold_in_every_pack() -> None:
    pipe = build_pipeline(Settings(min_score={}), _registry(Shouting))
    for policy, article in (("svok", "III.B.11"), ("de-korre", "3.4")):
        decision = pipe.screen(_post("Hoera!"), policy)
        assert decision.action is Action.HOLD
        assert decision.reasons[0].citation.article_id == article


def test_thresholds_are_configuration() -> None:
    # The same finding blocks or is only shown depending on the configured minimum score.
    blocking = build_pipeline(Settings(min_score={"style.*": 0.2}), _registry(Shouting))
    shown = build_pipeline(Settings(min_score={"style.shouting": 0.5}), _registry(Shouting))
    assert blocking.screen(_post("Hoera!")).action is Action.HOLD
    relaxed = shown.screen(_post("Hoera!"))
    assert relaxed.action is Action.PUBLISH
    assert [f.severity for f in relaxed.findings] == [Severity.NOTICE]


def test_decision_records_policy_and_detector_versions(pipeline: Pipeline) -> None:
    decision = pipeline.screen(_post("Fijne herfstvakantie allemaal!"))
    assert decision.action is Action.PUBLISH
    assert decision.policy.id == "svok" and decision.policy.version
    assert decision.detector_versions["phone"]
    assert "pipeline" in decision.detector_versions


def test_post_validation(pipeline: Pipeline) -> None:
    with pytest.raises(EmptyTextError):
        pipeline.screen(_post("  \n "))
    with pytest.raises(TextEncodingError):
        pipeline.screen(_post("Hallo \ud800 daar"))
    with pytest.raises(TextTooLongError):
        pipeline.screen(_post("a" * (pipeline.settings.max_text_chars + 1)))


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("leeg.jpg", b"", "empty"),
        ("brief.jpg", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "not_an_image"),
        ("ruis.png", b"\x00\x01garbage" * 50, "unknown_format"),
    ],
)
def test_unreadable_images_hold_with_a_reason(
    pipeline: Pipeline, name: str, data: bytes, code: str
) -> None:
    decision = pipeline.screen(_post("Sportdag!", (ImageInput(name, data),)))
    assert decision.action is Action.HOLD
    [rated] = [f for f in decision.findings if f.finding.kind == "image.unreadable"]
    assert rated.finding.evidence.validation == code
    assert [r.citation.article_id for r in decision.reasons] == ["III.B.8", "III.B.11"]


def test_truncated_photo_holds(pipeline: Pipeline) -> None:
    from tests.images.drawing import jpeg_bytes

    data = jpeg_bytes()
    decision = pipeline.screen(_post("", (ImageInput("half.jpg", data[: len(data) // 2]),)))
    [rated] = decision.findings
    assert rated.finding.kind == "image.unreadable"
    assert rated.finding.evidence.validation in {"truncated", "corrupt"}


def test_readable_photo_without_face_detector_is_not_published(pipeline: Pipeline) -> None:
    # Until a face detector is registered, nobody has checked the photo: fail closed.
    from tests.images.drawing import jpeg_bytes

    decision = pipeline.screen(_post("Sportdag!", (ImageInput("ok.jpg", jpeg_bytes()),)))
    assert decision.action is Action.HOLD
    assert [f.finding.kind for f in decision.findings] == ["image.not_screened"]


def test_decompression_bomb_is_refused_before_decoding(pipeline: Pipeline) -> None:
    from tests.images.drawing import png_bytes

    settings = pipeline.settings.model_copy(update={"max_image_pixels": 10_000})
    small = build_pipeline(settings, faces=False)
    decision = small.screen(_post("", (ImageInput("groot.png", png_bytes(200, 200)),)))
    assert decision.findings[0].finding.evidence.validation == "too_many_pixels"
