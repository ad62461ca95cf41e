"""Hostile and malformed image files: each one decodes cleanly or is a clear 'unreadable'."""

from __future__ import annotations

import io
import random
import struct
from datetime import date
from typing import Any

import pillow_heif
import pytest
from PIL import Image

from kernel.errors import UnreadableImageError
from kernel.types import Action, Channel, ImageInput, Post
from screening.images.intake import decode_image
from screening.pipeline import Pipeline
from tests.images.drawing import _picture

LIMITS: dict[str, Any] = {"max_bytes": 8 * 1024 * 1024, "max_pixels": 40_000_000, "max_side": 1200}


def _seeds() -> dict[str, bytes]:
    pillow_heif.register_heif_opener()
    img = _picture(96, 64)
    out = {}
    for fmt, kw in (
        ("JPEG", {"quality": 85}),
        ("PNG", {}),
        ("GIF", {}),
        ("WEBP", {}),
        ("TIFF", {}),
        ("HEIF", {}),
    ):
        buf = io.BytesIO()
        (img.convert("P") if fmt == "GIF" else img).save(buf, fmt, **kw)
        out[fmt] = buf.getvalue()
    return out


def _mutations(seed: int = 20261122) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    seeds = _seeds()
    cases: list[tuple[str, bytes]] = []
    for fmt, data in seeds.items():
        for _ in range(10):  # truncated at random places
            cut = rng.randrange(1, len(data))
            cases.append((f"{fmt}-truncated-{cut}", data[:cut]))
        for i in range(12):  # random bit flips, few and many
            buf = bytearray(data)
            for _ in range(rng.choice((1, 3, 20, 200))):
                pos = rng.randrange(len(buf))
                buf[pos] ^= 1 << rng.randrange(8)
            cases.append((f"{fmt}-flipped-{i}", bytes(buf)))
        for i in range(4):  # a chunk of the body overwritten with junk or zeros
            buf = bytearray(data)
            start = rng.randrange(len(buf))
            length = rng.randrange(1, 64)
            junk = bytes(rng.randrange(256) for _ in range(length)) if i % 2 else bytes(length)
            buf[start : start + length] = junk
            cases.append((f"{fmt}-overwritten-{i}", bytes(buf)))
        cases.append((f"{fmt}-header-only", data[:32]))
        cases.append((f"{fmt}-doubled", data + data))
    # Dimension fields patched to huge values (decompression bombs by header).
    png = bytearray(seeds["PNG"])
    png[16:24] = struct.pack(">II", 60000, 60000)
    cases.append(("PNG-huge-ihdr", bytes(png)))
    gif = bytearray(seeds["GIF"])
    gif[6:10] = struct.pack("<HH", 65535, 65535)
    cases.append(("GIF-huge-screen", bytes(gif)))
    jpeg = bytearray(seeds["JPEG"])
    sof = jpeg.find(b"\xff\xc0")
    if sof > 0:
        jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
        cases.append(("JPEG-huge-sof", bytes(jpeg)))
    # Other things people upload by mistake, and plain noise.
    cases += [
        ("pdf", b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(500))),
        ("zip", b"PK\x03\x04" + bytes(300)),
        ("html", b"<!DOCTYPE html><html><body>foto</body></html>"),
        ("svg", b"<svg xmlns='http://www.w3.org/2000/svg'><circle r='4'/></svg>"),
        ("text", b"Dit is geen foto, maar een verslag van de sportdag."),
        ("utf16", "foto".encode("utf-16")),
        ("empty", b""),
        ("one-byte", b"\xff"),
        ("jpeg-magic-only", b"\xff\xd8\xff"),
        ("png-magic-only", b"\x89PNG\r\n\x1a\n"),
        ("heic-brand-only", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
        ("bmp", _bmp()),
    ]
    for i in range(20):
        cases.append(
            (f"noise-{i}", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))))
        )
    return cases


def _bmp() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "BMP")
    return buf.getvalue()


CASES = _mutations()


def test_there_are_at_least_200_hostile_files() -> None:
    assert len(CASES) >= 200


@pytest.mark.parametrize(("name", "data"), CASES, ids=[n for n, _ in CASES])
def test_decode_is_clean_or_says_why(name: str, data: bytes) -> None:
    try:
        decoded = decode_image(data, **LIMITS)
    except UnreadableImageError as err:
        assert err.reason in {
            "empty",
            "too_large",
            "not_an_image",
            "unsupported_format",
            "too_many_pixels",
            "too_many_frames",
            "unknown_format",
            "truncated",
            "corrupt",
        }
        assert err.message_nl and err.message_en
        return
    assert decoded.frames and all(f.mode == "RGB" for f in decoded.frames)
    assert all(max(f.size) <= LIMITS["max_side"] for f in decoded.frames)


def test_every_hostile_file_ends_in_a_hold_through_the_pipeline(pipeline: Pipeline) -> None:
    kinds = set()
    for name, data in CASES:
        post = Post("Sportdag", Channel.INSTAGRAM, date(2026, 11, 22), (ImageInput(name, data),))
        decision = pipeline.screen(post)
        assert decision.action is Action.HOLD, name
        image_kinds = {f.finding.kind for f in decision.findings if f.finding.region}
        assert image_kinds and image_kinds <= {
            "image.unreadable",
            "image.not_screened",
            "image.metadata",
        }, (name, image_kinds)
        kinds |= image_kinds
    assert "image.unreadable" in kinds


def test_hostile_files_through_face_screening(face_pipeline: Pipeline) -> None:
    """With the face detector on, a file is published only if it decodes into real pixels.

    Mutations that a decoder still reads (bit flips inside compressed data) give a picture,
    and those pixels are what a platform would show: they are screened like any photo. Every
    file that cannot be decoded holds.
    """
    decodable = 0
    for name, data in CASES:
        post = Post("Sportdag", Channel.INSTAGRAM, date(2026, 11, 22), (ImageInput(name, data),))
        decision = face_pipeline.screen(post)
        kinds = {f.finding.kind for f in decision.findings}
        assert "screening.error" not in kinds, name
        try:
            decode_image(data, **LIMITS)
        except UnreadableImageError:
            assert decision.action is Action.HOLD and "image.unreadable" in kinds, name
            continue
        decodable += 1
        assert "image.not_screened" not in kinds, name
    assert decodable < len(CASES) // 3


@pytest.mark.parametrize(("name", "data"), CASES, ids=[n for n, _ in CASES])
def test_a_lazy_decode_fails_the_same_way_or_gives_the_same_pixels(name: str, data: bytes) -> None:
    """`lazy=True` (the audit's re-checks) refuses the same files for the same reason, at
    the header or when the pixels are first used, and decodes the rest identically."""
    try:
        eager = decode_image(data, **LIMITS)
    except UnreadableImageError as err:
        expected: str | None = err.reason
    else:
        expected = None
    try:
        lazy = decode_image(data, **LIMITS, lazy=True)
        assert not lazy.pixels_decoded
        size = lazy.frame_size
        frames = lazy.frames
    except UnreadableImageError as err:
        assert err.reason == expected, name
        return
    assert expected is None, name
    assert lazy.pixels_decoded and size == frames[0].size
    assert [f.tobytes() for f in frames] == [f.tobytes() for f in eager.frames]
    assert (lazy.format, lazy.full_size, lazy.scale, lazy.sha256) == (
        eager.format,
        eager.full_size,
        eager.scale,
        eager.sha256,
    )
