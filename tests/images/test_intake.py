"""Image intake: every accepted format decodes, orientation first, limits before decoding."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from kernel.errors import UnreadableImageError
from screening.images.intake import decode_image
from tests.images.drawing import _picture

LIMITS: dict[str, Any] = {"max_bytes": 40 * 1024 * 1024, "max_pixels": 50_000_000}


def _save(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _marked(width: int = 120, height: int = 80) -> Image.Image:
    """A picture with a red block in the top-left corner, to check orientation."""
    img = _picture(width, height)
    img.paste((255, 0, 0), (0, 0, width // 4, height // 4))
    return img


@pytest.mark.parametrize(
    ("fmt", "mode", "kw"),
    [
        ("JPEG", "RGB", {}),
        ("JPEG", "CMYK", {}),
        ("JPEG", "L", {}),
        ("PNG", "RGBA", {}),
        ("PNG", "P", {}),
        ("PNG", "LA", {}),
        ("PNG", "I;16", {}),
        ("WEBP", "RGB", {}),
        ("GIF", "P", {}),
        ("TIFF", "RGB", {}),
        ("TIFF", "CMYK", {}),
        ("HEIF", "RGB", {}),
    ],
)
def test_formats_and_modes_decode_to_rgb(fmt: str, mode: str, kw: dict[str, object]) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    base = _marked()
    if mode == "I;16":
        arr = (np.asarray(base.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
        img = Image.fromarray(arr)
        assert img.mode.startswith("I;16")
    else:
        img = base.convert(mode)
    decoded = decode_image(_save(img, fmt, **kw), **LIMITS)
    frame = decoded.frame
    assert frame.mode == "RGB" and frame.size == (120, 80)
    # 16-bit is scaled, not clipped to white; the marked corner stays dark/red.
    r, g, b = frame.getpixel((5, 5))  # type: ignore[misc]
    assert r > 150 or mode in ("L", "LA", "I;16")
    assert (r, g, b) != (255, 255, 255)


def test_exif_orientation_is_applied_first() -> None:
    img = _marked(120, 80)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = _save(img, "JPEG", exif=exif.tobytes(), quality=95)
    decoded = decode_image(data, **LIMITS)
    assert decoded.full_size == (80, 120)
    assert decoded.frame.size == (80, 120)
    # The red corner was top-left in the stored pixels; displayed, it is top-right.
    red, green, _ = decoded.frame.getpixel((75, 5))  # type: ignore[misc]
    assert red > 200 and green < 60
    red, green, _ = decoded.frame.getpixel((5, 5))  # type: ignore[misc]
    assert green > 150


def test_large_jpeg_is_reduced_for_detection() -> None:
    data = _save(_marked(4000, 3000), "JPEG", quality=80)
    decoded = decode_image(data, **LIMITS, max_side=1000)
    assert decoded.full_size == (4000, 3000)
    assert decoded.frame.size == (1000, 750)
    assert decoded.scale == pytest.approx(0.25)


def test_every_gif_frame_is_kept() -> None:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [_marked().convert("P")] + [
        Image.new("RGB", (120, 80), c).convert("P") for c in colours
    ]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100)
    decoded = decode_image(buf.getvalue(), **LIMITS)
    assert len(decoded.frames) == 4
    with pytest.raises(UnreadableImageError) as err:
        decode_image(buf.getvalue(), **LIMITS, max_frames=3)
    assert err.value.reason == "too_many_frames"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.5\n%\xe2\xe3", "not_an_image"),
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "not_an_image"),
        (b"PK\x03\x04rest-of-a-docx", "not_an_image"),
        (b"GIF89a\x01", "truncated"),
        (_save(Image.new("RGB", (8, 8)), "BMP"), "unsupported_format"),
        (_save(Image.new("RGB", (8, 8)), "ICO"), "unsupported_format"),
    ],
)
def test_bad_files_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableImageError) as err:
        decode_image(data, **LIMITS)
    assert (
        err.value.reason in {reason, "corrupt", "unknown_format"}
        if reason == "truncated"
        else err.value.reason == reason
    )
    assert err.value.message_nl and err.value.message_en


def test_limits_are_checked_before_decoding() -> None:
    # A 20000x20000 PNG header with almost no data: refused on its size, never decoded.
    bomb = _save(Image.new("1", (20000, 20000)), "PNG")
    with pytest.raises(UnreadableImageError) as err:
        decode_image(bomb, max_bytes=LIMITS["max_bytes"], max_pixels=100_000_000)
    assert err.value.reason == "too_many_pixels"
    with pytest.raises(UnreadableImageError) as err:
        decode_image(b"\xff" * 2048, max_bytes=1024, max_pixels=10)
    assert err.value.reason == "too_large"
