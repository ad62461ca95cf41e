"""Pictures people would rather look at than read: annotated and redacted photos.

Both work from the decision's face findings and its findings on text written in the photo
(boxes in full-size photo coordinates) and the original bytes, decoded again at full size.
Neither output carries any of the original's metadata: the pixels are written into a fresh
file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from kernel.types import Box, Decision, Post, RatedFinding, Severity
from screening.images.intake import decode_image
from screening.images.redaction import (
    KEEP_VISIBLE,
    RESOLVED_BY_REDACTION,
    face_findings,
    is_photo_text,
    photo_findings,
    redaction_resolves,
)
from screening.messages import Lang, kind_label

__all__ = [
    "KEEP_VISIBLE",
    "RESOLVED_BY_REDACTION",
    "face_findings",
    "photo_findings",
    "redaction_resolves",
]

_COLOURS = {
    "face.consented": (0, 160, 60),
    "face.not_recognizable": (120, 120, 120),
    "face.no_consent": (220, 0, 0),
    "face.unknown": (220, 0, 0),
    "face.ambiguous": (240, 140, 0),
}
_LABELS: dict[str, tuple[str, str]] = {
    "face.consented": ("toestemming", "consent"),
    "face.not_recognizable": ("niet herkenbaar", "not recognizable"),
    "face.no_consent": ("GEEN toestemming", "NO consent"),
    "face.unknown": ("onbekend", "unknown"),
    "face.ambiguous": ("onzeker wie", "not sure who"),
}
#: Text written in a photo: red when it blocks, grey when it is only shown.
_TEXT_COLOURS = {Severity.HOLD: (220, 0, 0), Severity.NOTICE: (120, 120, 120)}
#: Label text height as a share of the photo's shorter side, and its floor in pixels: a
#: 12 MP phone photo is shown at a fraction of its size, and its labels must still read.
_LABEL_SHARE = 0.03
_LABEL_MIN_PX = 12


def _full_size(data: bytes) -> Image.Image:
    decoded = decode_image(data, max_bytes=len(data) + 1, max_pixels=10**9)
    return decoded.frame


def _padded(box: Box, size: tuple[int, int], pad: float) -> tuple[int, int, int, int]:
    dx, dy = round(box.width * pad), round(box.height * pad)
    return (
        max(0, box.left - dx),
        max(0, box.top - dy),
        min(size[0], box.right + dx),
        min(size[1], box.bottom + dy),
    )


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType support
        return ImageFont.load_default()


def label_font_size(size: tuple[int, int]) -> int:
    """The labels' font size in pixels for a photo of `size` (width, height)."""
    return max(_LABEL_MIN_PX, round(min(size) * _LABEL_SHARE))


def _label_origin(
    box: Box, text: tuple[int, int], size: tuple[int, int], gap: int
) -> tuple[int, int]:
    """Where a label of `text` (width, height) goes: under the box, or above it when the
    box is at the bottom, and never past the photo's edges."""
    x = max(0, min(box.left, size[0] - text[0]))
    y = box.bottom + gap
    if y + text[1] > size[1]:
        y = box.top - gap - text[1] if box.top - gap - text[1] >= 0 else size[1] - text[1]
    return x, max(0, y)


def annotate(data: bytes, findings: Sequence[RatedFinding], lang: Lang) -> Image.Image:
    """The photo with every face boxed in its verdict's colour, and every finding in text
    written on it boxed in red (blocking) or grey (notice), all labelled."""
    img = _full_size(data).copy()
    draw = ImageDraw.Draw(img)
    width = max(2, round(max(img.size) / 400))
    font_size = label_font_size(img.size)
    font = _font(font_size)
    pad = max(2, font_size // 6)
    for r in findings:
        f = r.finding
        assert f.region is not None and f.region.box is not None
        box = f.region.box
        if is_photo_text(f):
            colour = _TEXT_COLOURS[r.severity]
            nl, en = kind_label(f.kind, "nl"), kind_label(f.kind, "en")
        else:
            colour = _COLOURS.get(f.kind, (220, 0, 0))
            nl, en = _LABELS.get(f.kind, (f.kind, f.kind))
        draw.rectangle(
            (box.left, box.top, box.right - 1, box.bottom - 1), outline=colour, width=width
        )
        label = (f.person_name + ": " if f.person_name else "") + (nl if lang == "nl" else en)
        left, top, right, bottom = (round(v) for v in draw.textbbox((0, 0), label, font=font))
        outer = (right - left + 2 * pad, bottom - top + 2 * pad)
        x, y = _label_origin(box, outer, img.size, width)
        draw.rectangle((x, y, x + outer[0] - 1, y + outer[1] - 1), fill=colour)
        draw.text((x + pad - left, y + pad - top), label, fill=(255, 255, 255), font=font)
    return img


def redact(data: bytes, findings: Sequence[RatedFinding]) -> Image.Image:
    """The photo with every face that may not be shown, and every blocking finding in text
    written on it, blurred beyond recognition."""
    img = _full_size(data).copy()
    for r in findings:
        if r.finding.kind in KEEP_VISIBLE:
            continue
        text = is_photo_text(r.finding)
        if text and r.severity is not Severity.HOLD:
            continue  # a notice (a name that may be shown) stays as the caption keeps it
        assert r.finding.region is not None and r.finding.region.box is not None
        # A text box already has the OCR's margin around the letters.
        area = _padded(r.finding.region.box, img.size, pad=0.1 if text else 0.25)
        patch = img.crop(area)
        w, h = patch.size
        # Pixelate to a few blocks, then blur: neither a person nor a face model can
        # recover the face, and no face detector finds one there.
        small = patch.resize((max(1, w // 16), max(1, h // 16)), Image.Resampling.BILINEAR)
        patch = small.resize((w, h), Image.Resampling.NEAREST)
        patch = patch.filter(ImageFilter.GaussianBlur(radius=max(2, min(w, h) // 12)))
        img.paste(patch, area[:2])
    return img


def save_clean(img: Image.Image, path: Path) -> Path:
    """Write `img` as JPEG (or PNG for .png) without any metadata."""
    buf = io.BytesIO()
    if path.suffix.lower() == ".png":
        img.save(buf, "PNG")
    else:
        path = path.with_suffix(".jpg")
        img.convert("RGB").save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())
    return path


def write_outputs(
    decision: Decision, post: Post, folder: Path, *, kind: str, lang: Lang = "nl"
) -> list[Path]:
    """Write the annotated (`kind='annotate'`) or redacted photos of a post into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index, image in enumerate(post.images):
        findings = photo_findings(decision, index)
        unreadable = any(
            r.finding.kind == "image.unreadable"
            and r.finding.region is not None
            and r.finding.region.image_index == index
            for r in decision.findings
        )
        if unreadable:
            continue
        out = (
            annotate(image.data, findings, lang)
            if kind == "annotate"
            else redact(image.data, findings)
        )
        stem = Path(image.name).stem or f"foto-{index + 1}"
        suffix = ".png" if Path(image.name).suffix.lower() == ".png" else ".jpg"
        tag = "geannoteerd" if kind == "annotate" else "publiceerbaar"
        written.append(save_clean(out, folder / f"{index + 1:02d}-{stem}-{tag}{suffix}"))
    return written
