"""Small images drawn by the tests themselves."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def _picture(width: int, height: int) -> Image.Image:
    img = Image.new("RGB", (width, height), (200, 220, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((width // 4, height // 2, 3 * width // 4, height - 1), fill=(40, 120, 40))
    draw.ellipse((width // 3, height // 8, 2 * width // 3, height // 2), fill=(250, 200, 60))
    return img


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A PNG with a few shapes and no faces."""
    buf = io.BytesIO()
    _picture(width, height).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(width: int = 320, height: int = 240) -> bytes:
    """A JPEG with a few shapes and no faces."""
    buf = io.BytesIO()
    _picture(width, height).save(buf, "JPEG", quality=90)
    return buf.getvalue()
