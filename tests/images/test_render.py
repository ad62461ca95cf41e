"""The annotated photo's labels: they grow with the photo and stay inside it (issue 16 point 5)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from kernel.types import Box, Evidence, Finding, ImageRegion, RatedFinding, Severity
from screening.images.render import annotate, label_font_size

_BACKGROUND = (200, 220, 255)
_RED = (220, 0, 0)


def _photo(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), _BACKGROUND).save(buf, "PNG")
    return buf.getvalue()


def _face(box: Box) -> RatedFinding:
    finding = Finding(
        kind="face.no_consent",
        detector="faces",
        detector_version="1.0",
        score=0.8,
        evidence=Evidence("identified, no consent for social_media"),
        region=ImageRegion(0, box),
        person_id="123456",
        person_name="Zoë de Vries",
    )
    return RatedFinding("f1", finding, Severity.HOLD, ())


def _scaled_box(width: int, height: int, left: float, top: float, side: float) -> Box:
    """A square face box given as shares of the photo's size (the same place in any size)."""
    s = round(side * min(width, height))
    x, y = round(left * width), round(top * height)
    return Box(left=x, top=y, right=x + s, bottom=y + s)


def _label_rows(img: Image.Image, box: Box) -> tuple[int, int]:
    """The first and last row of the red label outside the face box (its filled rectangle)."""
    pixels = np.asarray(img.convert("RGB"), dtype=np.int16)
    red = (np.abs(pixels - np.array(_RED)).sum(axis=2) < 60).copy()
    red[box.top : box.bottom, box.left : box.right] = False  # the box and its outline
    pad = max(2, round(max(img.size) / 400)) + 1
    red[max(0, box.top - pad) : box.bottom + pad, max(0, box.left - pad) : box.right + pad] = False
    rows = np.flatnonzero(red.any(axis=1))
    assert rows.size, "no label drawn"
    return int(rows[0]), int(rows[-1])


def _label_height(width: int, height: int, box: Box) -> int:
    annotated = annotate(_photo(width, height), [_face(box)], "nl")
    first, last = _label_rows(annotated, box)
    return last - first + 1


def test_the_label_on_a_12_megapixel_photo_is_larger_than_on_a_small_one() -> None:
    small = _label_height(640, 480, _scaled_box(640, 480, 0.3, 0.2, 0.3))
    large = _label_height(4000, 3000, _scaled_box(4000, 3000, 0.3, 0.2, 0.3))
    assert large > 4 * small  # it grows with the photo (4000 / 640 = 6.25 times as wide)
    assert large >= 0.025 * 3000  # about 3% of the shorter side, with padding


@pytest.mark.parametrize(
    ("size", "expected"),
    [((320, 240), 12), ((640, 480), 14), ((4032, 3024), 91), ((3024, 4032), 91)],
)
def test_the_font_scales_with_the_shorter_side_and_has_a_floor(
    size: tuple[int, int], expected: int
) -> None:
    assert label_font_size(size) == expected


def test_a_label_at_the_bottom_right_stays_inside_the_photo() -> None:
    """A face in the corner gets its label above it, shifted left: nothing is cut off."""
    width, height = 1600, 1200
    box = Box(left=1450, top=1050, right=1590, bottom=1190)
    annotated = annotate(_photo(width, height), [_face(box)], "nl")
    first, last = _label_rows(annotated, box)
    assert last < box.top  # above the face, because there is no room under it
    assert last - first + 1 >= label_font_size((width, height))
    pixels = np.asarray(annotated.convert("RGB"), dtype=np.int16)
    rows = pixels[first : last + 1]
    red_cols = np.flatnonzero((np.abs(rows - np.array(_RED)).sum(axis=2) < 60).any(axis=0))
    assert red_cols[0] < box.left  # shifted left to fit the whole label in
    assert red_cols[-1] < width
