"""Small pictures for the report: each photo with its faces boxed, as a data: URI JPEG.

Drawn by `screening.images.render.annotate` (the same boxes and labels as `check
--annotate`), then reduced; the report stays one self-contained file.
"""

from __future__ import annotations

import base64
import io

from PIL import Image

from kernel.types import Decision
from screening.images.redaction import face_findings
from screening.images.render import annotate
from screening.messages import Lang

#: Longer side of a thumbnail in pixels.
THUMBNAIL_SIDE = 360


def thumbnail(data: bytes, decision: Decision, image_index: int, lang: Lang) -> str | None:
    """The photo at `image_index` of the screened post, boxed and small; None if unreadable."""
    try:
        picture = annotate(data, face_findings(decision, image_index), lang)
    except Exception:  # an unreadable photo has no thumbnail; its finding says why
        return None
    picture.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=72, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
