"""Personal data in photo metadata is reported by kind, never by value."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from kernel.types import Action, Channel, ImageInput, Post
from screening.pipeline import Pipeline
from tests.images.drawing import _picture


def _jpeg(exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    _picture(64, 48).save(buf, "JPEG", exif=exif.tobytes() if exif else b"")
    return buf.getvalue()


def _screen(pipeline: Pipeline, data: bytes) -> list[tuple[str, str]]:
    post = Post("", Channel.INSTAGRAM, date(2026, 11, 22), (ImageInput("f.jpg", data),))
    d = pipeline.screen(post)
    assert d.action is Action.HOLD  # no face detector yet: never published unchecked
    return [(r.finding.kind, r.finding.evidence.explanation) for r in d.findings]


def test_gps_and_owner_name_are_reported_without_their_values(pipeline: Pipeline) -> None:
    exif = Image.Exif()
    exif[0x013B] = "Marieke Jansen"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 22.0, 1.0), "E", (4.0, 38.0, 2.0)
    found = dict(_screen(pipeline, _jpeg(exif)))
    assert "GPS position" in found["image.metadata"]
    assert "Artist" in found["image.metadata"]
    assert "Marieke" not in found["image.metadata"] and "52" not in found["image.metadata"]


def test_png_author_text_is_reported(pipeline: Pipeline) -> None:
    info = PngInfo()
    info.add_text("Author", "Sanne de Vries")
    buf = io.BytesIO()
    _picture(64, 48).save(buf, "PNG", pnginfo=info)
    found = dict(_screen(pipeline, buf.getvalue()))
    assert "text:Author" in found["image.metadata"]


def test_clean_photo_has_no_metadata_finding(pipeline: Pipeline) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # camera make is not personal data
    kinds = [k for k, _ in _screen(pipeline, _jpeg(exif))]
    assert kinds == ["image.not_screened"]
