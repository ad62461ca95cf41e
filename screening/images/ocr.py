"""Reading text in a photo (OCR) with RapidOCR's PP-OCRv4 models on onnxruntime.

The models ship inside the `rapidocr-onnxruntime` wheel; nothing is downloaded. The engine is
loaded once per process, on first use, never at import. Library results are converted here
into `TextLine`s: the recognised text, its confidence, the line's quadrilateral in the
coordinates of the picture that was read, and where along the line each character sits, so
that a finding on part of a line can be boxed tightly.

PP-OCRv4's recognition model is trained mostly on Chinese, which is written without spaces:
its greedy CTC decoding rarely emits the space character, and "Sanne de Vries" comes out as
"SannedeVries". The decoder here therefore also inserts a space where the model puts a
clear, if not winning, probability on a space between two letters (see `SPACE_MIN_PROB`).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from rapidocr_onnxruntime import RapidOCR

#: A space is read between two characters when the space class's probabilities over the
#: blank CTC steps between them add up to this. Inside a word the sum stays below 0.005;
#: between words it is 0.03-0.4 for the fonts of benchmarks/bench_ocr.py.
SPACE_MIN_PROB = 0.02

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class TextLine:
    """One recognised line: text, confidence, corners, and each character's place on it.

    `quad` is (top-left, top-right, bottom-right, bottom-left) in reading direction.
    `positions[i]` is where character i sits along the line, from 0 (start) to 1 (end);
    empty when the line was read turned (vertical text), where only the whole quad is known.
    """

    text: str
    confidence: float
    quad: tuple[Point, Point, Point, Point]
    positions: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.positions and len(self.positions) != len(self.text):
            raise ValueError("one position per character")


@dataclass(frozen=True, slots=True)
class OcrEngineInfo:
    """Which OCR package and models read the text (for the decision's versions)."""

    package: str
    version: str


_engine: RapidOCR | None = None
_engine_threads: int | None = None
#: One photo is read at a time per process: the engine's stages keep state between them, and
#: onnxruntime already uses every core it is given for one photo.
_engine_lock = threading.Lock()


@cache  # the installed package does not change under a running process; asking costs ~1 ms
def engine_info() -> OcrEngineInfo:
    """The installed OCR package and its version (without loading the models)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return OcrEngineInfo("rapidocr-onnxruntime", version("rapidocr-onnxruntime"))
    except PackageNotFoundError:
        return OcrEngineInfo("rapidocr-onnxruntime", "absent")


def _load_engine(threads: int | None) -> RapidOCR:
    """The process's OCR engine, created on first use with the wheel's own models.

    Called with `_engine_lock` held.
    """
    global _engine, _engine_threads
    if _engine is None or _engine_threads != threads:
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(intra_op_num_threads=threads or -1, inter_op_num_threads=1)
        recogniser = engine.text_rec
        recogniser.postprocess_op = _Decoder(recogniser.postprocess_op.character)
        _engine, _engine_threads = engine, threads
    return _engine


def _decode_line(
    probs: np.ndarray, characters: Sequence[str], space: int, content: float
) -> tuple[str, float, tuple[float, ...]]:
    """Greedy CTC decoding of one line with spaces restored, and each character's position.

    `probs` is (steps, classes); `content` is the share of the steps that cover the line
    (the rest is padding of the batch).
    """
    steps = probs.shape[0]
    best = probs.argmax(axis=1)
    chars: list[str] = []
    #: Confidence per character; None for a restored space, whose probability is low by
    #: nature and says nothing about how well the line was read.
    scores: list[float | None] = []
    where: list[float] = []
    previous = 0
    gap_space = 0.0
    for t in range(steps):
        k = int(best[t])
        if k == 0:  # blank: add up how likely a space is here
            gap_space += float(probs[t, space])
            previous = 0
            continue
        if k == previous:  # the same character stretched over several steps
            continue
        position = min(1.0, (t + 0.5) / steps / content) if content > 0 else 0.0
        ch = characters[k]
        # Never beside '@': the gap around its wide glyph looks like a space, and an e-mail
        # address split there is no longer one.
        if (
            chars
            and gap_space >= SPACE_MIN_PROB
            and " " not in (ch, chars[-1])
            and "@"
            not in (
                ch,
                chars[-1],
            )
        ):
            chars.append(" ")
            scores.append(None)
            where.append((where[-1] + position) / 2)
        # Full-width forms (a Chinese model's '：' or 'Ａ') as the Latin character they show.
        folded = unicodedata.normalize("NFKC", ch)
        chars.append(folded if len(folded) == 1 else ch)
        scores.append(float(probs[t, k]))
        where.append(position)
        previous = k
        gap_space = 0.0
    text = "".join(chars)
    stripped = text.strip()
    if not stripped:
        return "", 0.0, ()
    lead = len(text) - len(text.lstrip())
    kept = slice(lead, lead + len(stripped))
    read = [score for score in scores[kept] if score is not None]
    confidence = float(np.mean(read)) if read else 0.0
    return stripped, confidence, tuple(where[kept])


class _Decoder:
    """Stands in for RapidOCR's CTC decoder: same call, our decoding (see the module doc)."""

    def __init__(self, characters: Sequence[str]) -> None:
        self.characters = list(characters)
        self.space = self.characters.index(" ")

    def __call__(
        self, preds: np.ndarray, return_word_box: bool = False, **kwargs: Any
    ) -> list[tuple[str, float, tuple[float, ...]]]:
        ratios: Sequence[float] = kwargs.get("wh_ratio_list") or [1.0] * len(preds)
        widest = float(kwargs.get("max_wh_ratio") or 1.0)
        return [
            _decode_line(p, self.characters, self.space, ratio / widest if widest else 1.0)
            for p, ratio in zip(preds, ratios, strict=True)
        ]


def _order(quad: tuple[Point, Point, Point, Point]) -> tuple[float, float]:
    """Reading order: by the top edge (in steps of 10 pixels), then from the left."""
    return (round(min(y for _, y in quad) / 10), min(x for x, _ in quad))


def read_lines(
    picture: Image.Image, *, max_side: int, min_confidence: float, threads: int | None = None
) -> list[TextLine]:
    """Every line of text in `picture` at or above `min_confidence`, in reading order.

    The picture is reduced to `max_side` (longer side, pixels) first; quads are returned in
    the coordinates of `picture` itself.
    """
    width, height = picture.size
    factor = 1.0
    if max(width, height) > max_side:
        factor = max_side / max(width, height)
        picture = picture.resize(
            (max(1, round(width * factor)), max(1, round(height * factor))),
            Image.Resampling.BILINEAR,
            reducing_gap=2.0,
        )
    bgr = np.ascontiguousarray(np.asarray(picture.convert("RGB"))[:, :, ::-1])
    with _engine_lock:
        engine = _load_engine(threads)
        found = _run(engine, bgr)
    if found is None:
        return []
    quads, rec_res, cls_res, turned = found
    cls_thresh = float(engine.text_cls.cls_thresh)

    lines: list[TextLine] = []
    for quad_px, (text, confidence, positions), cls, vertical in zip(
        quads, rec_res, cls_res, turned, strict=True
    ):
        if not text or confidence < min_confidence:
            continue
        corners = [(float(x) / factor, float(y) / factor) for x, y in quad_px]
        flipped = "180" in str(cls[0]) and float(cls[1]) > cls_thresh
        if flipped:  # read upside down: the line starts at the quad's bottom-right corner
            corners = corners[2:] + corners[:2]
        quad = (corners[0], corners[1], corners[2], corners[3])
        lines.append(TextLine(text, confidence, quad, () if vertical else positions))
    lines.sort(key=lambda line: _order(line.quad))
    return lines


def _run(
    engine: RapidOCR, bgr: np.ndarray
) -> tuple[np.ndarray, list[Any], list[Any], list[bool]] | None:
    """RapidOCR's own stages, run one by one so that each crop's turn (90 or 180 degrees) is
    known: corners, recognised lines, orientation results, and which crops were turned."""
    raw_h, raw_w = bgr.shape[:2]
    img, ratio_h, ratio_w = engine.preprocess(bgr)
    record: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    img, record = engine.maybe_add_letterbox(img, record)
    boxes, _ = engine.auto_text_det(img)
    if boxes is None or len(boxes) == 0:
        return None
    turned = [h * 1.0 / w >= 1.5 for h, w in _crop_shapes(boxes)]
    crops = engine.get_crop_img_list(img, boxes)
    crops, cls_res, _ = engine.text_cls(crops)
    rec_res, _ = engine.text_rec(crops)
    quads = engine._get_origin_points(boxes, record, raw_h, raw_w)
    return quads, list(rec_res), list(cls_res), turned


def _crop_shapes(boxes: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """(height, width) of each crop before RapidOCR turns tall ones by 90 degrees."""
    shapes = []
    for points in boxes:
        w = max(np.linalg.norm(points[0] - points[1]), np.linalg.norm(points[2] - points[3]))
        h = max(np.linalg.norm(points[0] - points[3]), np.linalg.norm(points[1] - points[2]))
        shapes.append((max(1, int(h)), max(1, int(w))))
    return shapes


def span_box(
    line: TextLine, start: int, end: int, pad: float = 1.0
) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) around characters [start, end) of `line`.

    The box runs from `pad` character widths before the first character to `pad` after the
    last, across the line's full height: generous, because the box is what gets blurred.
    """
    quad = line.quad
    a, b = 0.0, 1.0
    n = len(line.positions)
    if n >= 2 and 0 <= start < end <= n:
        step = (line.positions[-1] - line.positions[0]) / (n - 1)
        a = max(0.0, line.positions[start] - pad * step)
        b = min(1.0, line.positions[end - 1] + pad * step)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    points = [
        (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
        (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
        (x3 + (x2 - x3) * a, y3 + (y2 - y3) * a),
        (x3 + (x2 - x3) * b, y3 + (y2 - y3) * b),
    ]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))
