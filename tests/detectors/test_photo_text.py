"""Text written in a photo: read by OCR, screened by the caption's detectors, boxed, blurred.

Every photo here is drawn by the test (Pillow's own scalable font), small enough to read in
well under a second.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from kernel.settings import Settings
from kernel.types import (
    Action,
    Box,
    Channel,
    Decision,
    Finding,
    ImageInput,
    Post,
    PostContext,
    Severity,
)
from screening.detectors.base import ImageDetector
from screening.detectors.names import register_names
from screening.detectors.photo_text import PhotoTextDetector, join_lines
from screening.detectors.pii import register_pii
from screening.detectors.registry import DetectorRegistry
from screening.images.intake import DecodedImage, decode_image
from screening.images.ocr import TextLine, _decode_line, span_box
from screening.images.redaction import photo_findings, redaction_resolves
from screening.images.render import annotate, redact
from screening.pipeline import Pipeline, build_pipeline

Rect = tuple[int, int, int, int]
INK = (20, 20, 60)
PAPER = (235, 240, 220)


class NoFaces(ImageDetector):
    """A face detector that sees no faces: the photos here are drawn, not photographed."""

    name = "no_faces"
    version = "0.1"
    checks_faces = True

    def detect(self, image: DecodedImage, index: int, context: PostContext) -> Sequence[Finding]:
        return []


def _pipeline(settings: Settings, photo_text: PhotoTextDetector) -> Pipeline:
    registry = DetectorRegistry()
    register_pii(registry)
    register_names(registry, settings)
    registry.register_image(NoFaces.name, NoFaces)
    registry.register_image(PhotoTextDetector.name, lambda: photo_text)
    return build_pipeline(settings, registry)


def _ocr(settings: Settings) -> PhotoTextDetector:
    return PhotoTextDetector(
        max_side=settings.ocr_max_side,
        min_confidence=settings.ocr_min_confidence,
        threads=settings.ocr_threads,
    )


@pytest.fixture(scope="module")
def photo_pipeline() -> Pipeline:
    settings = Settings(detection_max_side=800)
    return _pipeline(settings, _ocr(settings))


def _post(*images: bytes) -> Post:
    return Post(
        text="Wat een mooie sportdag!",
        channel=Channel.INSTAGRAM,
        publish_on=date(2026, 6, 1),
        images=tuple(ImageInput(f"foto-{n}.png", data) for n, data in enumerate(images)),
    )


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _poster(size: tuple[int, int] = (560, 260), scale: int = 1) -> tuple[bytes, Rect, Rect]:
    """A poster with a Dutch name and a mobile number; the two texts' drawn rectangles."""
    img = Image.new("RGB", (size[0] * scale, size[1] * scale), PAPER)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=34 * scale)
    name_at, phone_at = (30 * scale, 50 * scale), (30 * scale, 150 * scale)
    draw.text(name_at, "Sanne de Vries", font=font, fill=INK)
    draw.text(phone_at, "Bel 06-12345678", font=font, fill=INK)
    number_at = (phone_at[0] + round(draw.textlength("Bel ", font=font)), phone_at[1])
    name_box = draw.textbbox(name_at, "Sanne de Vries", font=font)
    phone_box = draw.textbbox(number_at, "06-12345678", font=font)
    return _png(img), _rect(name_box), _rect(phone_box)


def _rect(box: tuple[float, float, float, float]) -> Rect:
    return (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def _plain_photo() -> bytes:
    """A gradient with shapes: no text, no face."""
    x, y = np.meshgrid(np.linspace(0, 1, 480), np.linspace(0, 1, 320))
    channels = [x * 200 + 30, y * 180 + 40, (1 - x) * 150 + 60]
    pixels = np.stack(channels, axis=2).astype(np.uint8)
    img = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(img)
    draw.ellipse((60, 60, 200, 200), fill=(250, 200, 60))
    draw.rectangle((260, 140, 420, 290), fill=(40, 120, 40))
    draw.polygon([(300, 40), (360, 120), (240, 120)], fill=(200, 60, 60))
    return _png(img)


def _overlap(box: Box, rect: Rect) -> float:
    """Share of `rect` that `box` covers."""
    w = min(box.right, rect[2]) - max(box.left, rect[0])
    h = min(box.bottom, rect[3]) - max(box.top, rect[1])
    area = (rect[2] - rect[0]) * (rect[3] - rect[1])
    return max(0, w) * max(0, h) / area


def _photo_findings(decision: Decision, kind_prefix: str) -> list[Finding]:
    return [
        r.finding
        for r in decision.findings
        if r.finding.kind.startswith(kind_prefix) and r.finding.detector == "photo_text"
    ]


def test_a_name_and_a_phone_number_in_a_photo_hold_with_their_boxes(
    photo_pipeline: Pipeline,
) -> None:
    data, name_rect, phone_rect = _poster()
    decision = photo_pipeline.screen(_post(data))

    assert decision.action is Action.HOLD
    [phone] = _photo_findings(decision, "pii.phone")
    [name] = _photo_findings(decision, "pii.name")
    for finding, rect, other in ((phone, phone_rect, name_rect), (name, name_rect, phone_rect)):
        assert finding.span is None and finding.region is not None
        assert finding.region.image_index == 0
        box = finding.region.box
        assert box is not None
        assert _overlap(box, rect) > 0.9, (finding.kind, box, rect)
        assert _overlap(box, other) == 0
    # The number's box covers the number, not the word before it on the same line.
    assert phone.region is not None and phone.region.box is not None
    assert phone.region.box.left > phone_rect[0] - 40
    rated = {r.finding.kind: r for r in decision.findings}
    assert rated["pii.phone"].severity is Severity.HOLD
    assert rated["pii.phone"].articles == ("III.A.3", "III.B.5")  # as in a caption
    assert "'06-12345678' read in photo 1" in phone.evidence.explanation
    assert decision.detector_versions["photo_text.ocr"].startswith("rapidocr-onnxruntime==")


def test_boxes_are_in_full_size_coordinates_when_the_photo_is_reduced(
    photo_pipeline: Pipeline,
) -> None:
    data, _, phone_rect = _poster(scale=2)  # 1120 wide, reduced to 800 for detection
    decision = photo_pipeline.screen(_post(data))
    [phone] = _photo_findings(decision, "pii.phone")
    assert phone.region is not None and phone.region.box is not None
    assert _overlap(phone.region.box, phone_rect) > 0.9


def test_a_photo_without_text_or_faces_publishes(photo_pipeline: Pipeline) -> None:
    decision = photo_pipeline.screen(_post(_plain_photo()))
    assert decision.action is Action.PUBLISH
    assert not [r for r in decision.findings if r.finding.detector == "photo_text"]


def test_the_publishable_version_blurs_the_text_that_blocks(photo_pipeline: Pipeline) -> None:
    data, _, phone_rect = _poster()
    decision = photo_pipeline.screen(_post(data))
    boxed = photo_findings(decision, 0)
    assert {r.finding.kind for r in boxed} >= {"pii.phone", "pii.name"}
    assert redaction_resolves(decision)

    annotated = annotate(data, boxed, "nl")
    assert annotated.size == Image.open(io.BytesIO(data)).size
    redacted = redact(data, boxed)
    again = photo_pipeline.screen(_post(_png(redacted)))
    assert not _photo_findings(again, "pii.phone")
    # The name is a notice (a name that may be shown): it stays readable, as in a caption.
    assert _photo_findings(again, "pii.name")
    original = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)
    changed = np.abs(np.asarray(redacted, dtype=np.int16) - original).sum(axis=2) > 0
    left, top, right, bottom = phone_rect
    assert changed[top:bottom, left:right].mean() > 0.3


def test_an_ocr_crash_holds_and_says_why() -> None:
    def crash(picture: Image.Image, **_: object) -> list[TextLine]:
        raise RuntimeError("onnxruntime failed on 'Sanne'")

    settings = Settings()
    pipe = _pipeline(settings, PhotoTextDetector(max_side=800, min_confidence=0.5, reader=crash))
    decision = pipe.screen(_post(_plain_photo()))
    assert decision.action is Action.HOLD
    [rated] = decision.findings
    assert rated.finding.kind == "screening.error"
    assert rated.severity is Severity.HOLD
    assert rated.finding.region is not None and rated.finding.region.image_index == 0
    assert "'photo_text' failed: RuntimeError" in rated.finding.evidence.explanation
    assert "Sanne" not in rated.finding.evidence.explanation


def test_a_detector_outside_a_pipeline_refuses_to_read() -> None:
    detector = PhotoTextDetector(max_side=800, min_confidence=0.5, reader=lambda *a, **k: [])
    image = decode_image(_plain_photo(), max_bytes=10**7, max_pixels=10**7)
    with pytest.raises(RuntimeError, match="no text screening"):
        detector.detect(image, 0, _post().context)


# --- the parts, without OCR -------------------------------------------------------------------

_LINE = TextLine(
    "Bel 0612345678",
    0.99,
    ((100.0, 10.0), (240.0, 10.0), (240.0, 30.0), (100.0, 30.0)),
    tuple((i + 0.5) / 14 for i in range(14)),
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 14, (100.0, 10.0, 240.0, 30.0)),  # the whole line
        (4, 14, (135.0, 10.0, 240.0, 30.0)),  # the number: one character's width before it
        (0, 3, (100.0, 10.0, 135.0, 30.0)),  # the word before it
    ],
)
def test_a_span_of_a_line_is_boxed_from_its_characters(
    start: int, end: int, expected: tuple[float, float, float, float]
) -> None:
    assert span_box(_LINE, start, end) == pytest.approx(expected)


def test_a_turned_line_is_boxed_whole() -> None:
    turned = TextLine("0612345678", 0.9, ((10.0, 5.0), (30.0, 5.0), (30.0, 105.0), (10.0, 105.0)))
    assert span_box(turned, 2, 5) == (10.0, 5.0, 30.0, 105.0)


def test_lines_are_joined_with_line_breaks() -> None:
    second = TextLine("Utrecht", 0.9, ((0.0, 40.0), (50.0, 40.0), (50.0, 60.0), (0.0, 60.0)))
    text, starts = join_lines([_LINE, second])
    assert text == "Bel 0612345678\nUtrecht" and starts == [0, 15]


def _probs(path: str, space_between: dict[int, float]) -> tuple[np.ndarray, list[str]]:
    """CTC probabilities that spell `path` ('_' is blank), with the space class's share."""
    characters = ["blank", *sorted(set(path) - {"_"}), " "]
    probs = np.full((len(path), len(characters)), 0.001, dtype=np.float32)
    for t, ch in enumerate(path):
        probs[t, 0 if ch == "_" else characters.index(ch)] = 0.9
        probs[t, -1] = space_between.get(t, 0.001)
    return probs, characters


@pytest.mark.parametrize(
    ("path", "spaces", "expected"),
    [
        ("S_a_n__d_e", {}, "Sande"),
        ("S_a_n__d_e", {6: 0.12}, "San de"),  # the model hesitated over a space: keep it
        ("S_a_n__d_e", {6: 0.01}, "Sande"),
        ("__0__6_", {}, "06"),
    ],
)
def test_the_decoder_restores_the_spaces_the_model_hesitates_over(
    path: str, spaces: dict[int, float], expected: str
) -> None:
    probs, characters = _probs(path, spaces)
    text, confidence, positions = _decode_line(probs, characters, len(characters) - 1, 1.0)
    assert text == expected
    assert confidence == pytest.approx(0.9)
    assert len(positions) == len(text) and list(positions) == sorted(positions)
