"""Pictures for the report: each photo small with its faces boxed and numbered, and the
replacement photo (faces without consent blurred, metadata gone).

The boxes are drawn on the reduced photo, so the numbers stay readable at any photo size;
the report lists per number who it is and what the audit found (the legend), in text a
screen reader and a phone can show. The replacement is made by the same
`screening.images.render.redact` as `check --redact` and written without any metadata.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kernel.types import Decision
from screening.images.intake import decode_image
from screening.images.redaction import KEEP_VISIBLE, face_findings

#: Longer side of a thumbnail in pixels.
THUMBNAIL_SIDE = 480
_LABEL_PX = 18

_COLOURS = {
    "face.consented": (0, 130, 50),
    "face.not_recognizable": (110, 110, 110),
    "face.no_consent": (200, 0, 0),
    "face.unknown": (200, 0, 0),
    "face.ambiguous": (200, 110, 0),
}

Legend = tuple[tuple[int, str, str | None], ...]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType support
        return ImageFont.load_default()


def _decoded(data: bytes) -> Image.Image:
    return decode_image(data, max_bytes=len(data) + 1, max_pixels=10**9).frame


def thumbnail(data: bytes, decision: Decision, image_index: int) -> tuple[str | None, Legend]:
    """The photo at `image_index` of the screened post, small, with numbered face boxes,
    as a data: URI JPEG, and its legend; (None, ()) if the photo cannot be read."""
    try:
        picture = _decoded(data).convert("RGB")
    except Exception:  # an unreadable photo has no thumbnail; its finding says why
        return None, ()
    scale = min(1.0, THUMBNAIL_SIDE / max(picture.size))
    if scale < 1.0:
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(picture)
    font = _font(_LABEL_PX)
    legend: list[tuple[int, str, str | None]] = []
    for n, rated in enumerate(face_findings(decision, image_index), start=1):
        f = rated.finding
        assert f.region is not None and f.region.box is not None
        b = f.region.box
        box = (
            round(b.left * scale),
            round(b.top * scale),
            max(round(b.left * scale) + 1, round(b.right * scale) - 1),
            max(round(b.top * scale) + 1, round(b.bottom * scale) - 1),
        )
        colour = _COLOURS.get(f.kind, (200, 0, 0))
        draw.rectangle(box, outline=colour, width=3)
        label = str(n)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        w, h = right - left + 8, bottom - top + 6
        x = box[0]
        y = box[1] - h if box[1] - h >= 0 else box[3]
        y = min(y, picture.height - h)
        draw.rectangle((x, y, x + w, y + h), fill=colour)
        draw.text((x + 4 - left, y + 3 - top), label, fill=(255, 255, 255), font=font)
        legend.append((n, f.kind, f.person_name))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80, optimize=True)
    uri = "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
    return uri, tuple(legend)


def needs_replacement(decision: Decision, image_index: int) -> bool:
    """Whether the photo has a face to blur or metadata to remove."""
    faces = face_findings(decision, image_index)
    if any(r.finding.kind not in KEEP_VISIBLE for r in faces):
        return True
    return any(
        r.finding.kind == "image.metadata"
        and r.finding.region is not None
        and r.finding.region.image_index == image_index
        for r in decision.findings
    )


def replacement(data: bytes, decision: Decision, image_index: int) -> bytes | None:
    """The photo with every face that may not be shown blurred, as a JPEG without metadata;
    None if the photo cannot be read."""
    from screening.images.render import redact

    try:
        picture = redact(data, face_findings(decision, image_index))
    except Exception:
        return None
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def replacement_name(ref: str, photo: int) -> str:
    """The file name of an item's replacement photo (its number, never its id)."""
    return f"{ref}-foto-{photo}.jpg"


def write_replacement(folder: Path, name: str, data: bytes) -> Path:
    """Write a replacement photo into `folder` (made with mode 0750), mode 0640."""
    from screening.audit.report import write_private

    folder.mkdir(mode=0o750, parents=True, exist_ok=True)
    path = folder / name
    write_private(path, data)
    return path
