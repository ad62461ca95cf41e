"""Finding every face in every frame of a photo (dlib HOG, optionally the CNN), with landmarks.

HOG runs on the reduced frame; small frames are upsampled so that small faces in group
photos are found. HOG hits are judged by their SVM score per filter, because dlib's two
in-plane-rotated filters fire on round non-faces (badges, clocks). The CNN (mmod) detector is
an optional second pass on a further reduced frame for turned faces; detections of all passes
are merged by IoU. Boxes are reported in full-size photo coordinates; the five-point
landmarks the encoder needs are computed here, once. Thresholds live in
models/faces/detection.toml.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from kernel.errors import ConfigError
from kernel.types import Box
from screening.faces.models import FaceModels
from screening.faces.types import DetectedFace, Point
from screening.images.intake import DecodedImage
from screening.resources import models_dir

_C = TypeVar("_C")

#: dlib's HOG detector filter indices that are in-plane-rotated frontal faces.
_ROTATED_FILTERS = frozenset({3, 4})


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    """Which detectors run and with which thresholds (the [detection] table of the TOML)."""

    hog_upsample: int = 0
    hog_upsample_small: int = 1
    small_frame_side: int = 1000
    hog_candidate_score: float = -0.5
    hog_min_score: float = 0.0
    hog_min_score_rotated: float = 0.3
    hog_grayscale: bool = True
    #: Second look where HOG is unsure: at most this many candidates scoring below the
    #: acceptance threshold (and above hog_candidate_score) that overlap no accepted face are
    #: re-scanned on a crop around them, upsampled once more; 0 turns it off.
    second_look_max: int = 12
    #: The crop's side as a multiple of the candidate's box side.
    second_look_context: float = 2.0
    #: A hit of the second look confirms the candidate when this share of the hit's own box
    #: lies inside the candidate's box (a partly hidden face is often re-found as its visible
    #: upper part, a smaller box inside the first one).
    second_look_inside: float = 0.5
    cnn_enabled: bool = False
    cnn_max_side: int = 600
    cnn_upsample: int = 1
    cnn_min_confidence: float = 0.3
    nms_iou: float = 0.3

    def __post_init__(self) -> None:
        if not 0 <= self.hog_upsample <= 3 or not 0 <= self.hog_upsample_small <= 3:
            raise ValueError("hog upsampling must be 0..3")
        if not 0 <= self.cnn_upsample <= 3:
            raise ValueError("cnn_upsample must be 0..3")
        if self.hog_candidate_score > min(self.hog_min_score, self.hog_min_score_rotated):
            raise ValueError("hog_candidate_score must not exceed the minimum scores")
        if not 0.0 < self.nms_iou <= 1.0:
            raise ValueError("nms_iou must be in (0, 1]")
        if self.cnn_max_side < 32 or self.small_frame_side < 0:
            raise ValueError("cnn_max_side must be >= 32 and small_frame_side >= 0")
        if self.second_look_max < 0 or self.second_look_context < 1.0:
            raise ValueError("second_look_max must be >= 0 and second_look_context >= 1")
        if not 0.0 < self.second_look_inside <= 1.0:
            raise ValueError("second_look_inside must be in (0, 1]")


def _default_path() -> Path:
    return models_dir() / "faces" / "detection.toml"


def read_table(path: Path | None, table: str) -> dict[str, Any]:
    """One table of detection.toml (default: the shipped one), or ConfigError saying why."""
    path = path or _default_path()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(
            f"face detection configuration {path} cannot be read: {err}",
            f"de instellingen voor gezichtsdetectie {path} zijn niet te lezen: {err}",
        ) from None
    section = data.get(table)
    if not isinstance(section, dict):
        raise ConfigError(
            f"{path} has no [{table}] table",
            f"{path} heeft geen tabel [{table}]",
        )
    return section


def build_config(cls: type[_C], section: dict[str, Any], path: Path | None) -> _C:
    """A frozen config dataclass from a TOML table; unknown keys and bad values are refused."""
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(
            f"{path or _default_path()}: unknown keys {', '.join(unknown)}",
            f"{path or _default_path()}: onbekende sleutels {', '.join(unknown)}",
        )
    try:
        return cls(**section)
    except (TypeError, ValueError) as err:
        raise ConfigError(
            f"{path or _default_path()}: {err}", f"{path or _default_path()}: {err}"
        ) from None


def load_detection_config(path: Path | None = None) -> DetectionConfig:
    """The [detection] table of models/faces/detection.toml (or of `path`)."""
    return build_config(DetectionConfig, read_table(path, "detection"), path)


@dataclass(frozen=True, slots=True)
class _Hit:
    """A detection in frame coordinates (float, right/bottom exclusive) before merging."""

    left: float
    top: float
    right: float
    bottom: float
    score: float
    detector: str
    #: Order of preference when two passes find the same face (lower wins).
    rank: int


def _iou(a: _Hit, b: _Hit) -> float:
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a.right - a.left) * (a.bottom - a.top) + (b.right - b.left) * (b.bottom - b.top)
    return inter / (union - inter)


def _merge(hits: list[_Hit], iou: float) -> list[_Hit]:
    """Greedy NMS: the preferred pass first, then the higher score."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.rank, -h.score)):
        if all(_iou(hit, k) < iou for k in kept):
            kept.append(hit)
    return kept


def _hog_scan(
    models: FaceModels, frame: np.ndarray, upsample: int, config: DetectionConfig
) -> tuple[list[_Hit], list[_Hit]]:
    """HOG hits that pass their filter's threshold, and the candidates that do not."""
    rects, scores, filters = models.hog.run(frame, upsample, config.hog_candidate_score)
    hits: list[_Hit] = []
    unsure: list[_Hit] = []
    for rect, score, index in zip(rects, scores, filters, strict=True):
        minimum = (
            config.hog_min_score_rotated if int(index) in _ROTATED_FILTERS else config.hog_min_score
        )
        hit = _Hit(
            rect.left(), rect.top(), rect.right() + 1, rect.bottom() + 1,
            float(score), "dlib_hog", 0,
        )  # fmt: skip
        (hits if score >= minimum else unsure).append(hit)
    return hits, unsure


def _inside(a: _Hit, b: _Hit) -> float:
    """The share of `a`'s area that lies inside `b`."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    area = (a.right - a.left) * (a.bottom - a.top)
    return 0.0 if w <= 0 or h <= 0 or area <= 0 else w * h / area


def _shifted(hit: _Hit, dx: float, dy: float) -> _Hit:
    """`hit` moved by (dx, dy): from a crop's coordinates to the frame's."""
    return replace(
        hit, left=hit.left + dx, right=hit.right + dx, top=hit.top + dy, bottom=hit.bottom + dy
    )


def _second_look(
    models: FaceModels,
    frame: np.ndarray,
    upsample: int,
    unsure: list[_Hit],
    accepted: list[_Hit],
    config: DetectionConfig,
) -> list[_Hit]:
    """Candidates HOG was unsure of, confirmed by HOG on a crop around them upsampled once more.

    Partly hidden and slightly turned faces near the smallest detectable size score just
    below the threshold; at twice the resolution their visible part scores above it. A
    confirmed candidate keeps its own (whole-face) box, so a redaction covers the whole face.
    """
    height, width = frame.shape[:2]
    found: list[_Hit] = []
    open_ = [c for c in unsure if all(_iou(c, a) < config.nms_iou for a in accepted)]
    for cand in sorted(open_, key=lambda c: -c.score)[: config.second_look_max]:
        if any(_iou(cand, f) >= config.nms_iou for f in found):
            continue
        half = config.second_look_context * max(cand.right - cand.left, cand.bottom - cand.top) / 2
        cx, cy = (cand.left + cand.right) / 2, (cand.top + cand.bottom) / 2
        left, top = max(0, math.floor(cx - half)), max(0, math.floor(cy - half))
        right, bottom = min(width, math.ceil(cx + half)), min(height, math.ceil(cy + half))
        crop = np.ascontiguousarray(frame[top:bottom, left:right])
        hits, _ = _hog_scan(models, crop, upsample + 1, config)
        inside = [
            h.score
            for h in hits
            if _inside(_shifted(h, left, top), cand) >= config.second_look_inside
        ]
        if inside:
            found.append(replace(cand, score=max(inside), detector="dlib_hog_second_look"))
    return found


def _hog_hits(models: FaceModels, frame: np.ndarray, config: DetectionConfig) -> list[_Hit]:
    small = max(frame.shape[0], frame.shape[1]) <= config.small_frame_side
    upsample = config.hog_upsample_small if small else config.hog_upsample
    hits, unsure = _hog_scan(models, frame, upsample, config)
    if config.second_look_max and unsure:
        hits += _second_look(models, frame, upsample, unsure, hits, config)
    return hits


def _cnn_hits(models: FaceModels, frame: np.ndarray, config: DetectionConfig) -> list[_Hit]:
    height, width = frame.shape[:2]
    k = min(1.0, config.cnn_max_side / max(height, width))
    small = frame
    if k < 1.0:
        small = np.asarray(
            Image.fromarray(frame).resize(
                (max(1, round(width * k)), max(1, round(height * k))), Image.Resampling.BILINEAR
            )
        )
    hits = []
    for det in models.cnn(np.ascontiguousarray(small), config.cnn_upsample):
        if det.confidence >= config.cnn_min_confidence:
            r = det.rect
            hits.append(
                _Hit(
                    r.left() / k, r.top() / k, (r.right() + 1) / k, (r.bottom() + 1) / k,
                    float(det.confidence), "dlib_cnn_mmod", 1,
                )
            )  # fmt: skip
    return hits


def _clipped(
    left: float, top: float, right: float, bottom: float, width: int, height: int
) -> Box | None:
    """Outward-rounded box clipped to a width x height picture; None when nothing is left."""
    box_left, box_top = max(0, math.floor(left)), max(0, math.floor(top))
    box_right, box_bottom = min(width, math.ceil(right)), min(height, math.ceil(bottom))
    if box_right <= box_left or box_bottom <= box_top:
        return None
    return Box(box_left, box_top, box_right, box_bottom)


def _landmarks5(models: FaceModels, frame: np.ndarray, box: Box) -> tuple[Point, ...]:
    import dlib

    shape = models.landmarks5(
        frame, dlib.rectangle(box.left, box.top, box.right - 1, box.bottom - 1)
    )
    return tuple((float(p.x), float(p.y)) for p in shape.parts())


def detect_frame(
    models: FaceModels, image: DecodedImage, frame_index: int, config: DetectionConfig
) -> list[DetectedFace]:
    """The faces of one frame of `image`, boxes in full-size photo coordinates."""
    picture = image.frames[frame_index]
    # HOG on one grey channel instead of the strongest gradient of three: a quarter faster,
    # same recall on the shared set (MODEL_CARD.md).
    mode = "L" if config.hog_grayscale else "RGB"
    frame = np.ascontiguousarray(picture.convert(mode), dtype=np.uint8)
    hits = _hog_hits(models, frame, config)
    if config.cnn_enabled:
        rgb = np.ascontiguousarray(picture.convert("RGB"), dtype=np.uint8)
        hits += _cnn_hits(models, rgb, config)
    height, width = frame.shape[:2]
    full_width, full_height = image.full_size
    faces = []
    for hit in _merge(hits, config.nms_iou):
        frame_box = _clipped(hit.left, hit.top, hit.right, hit.bottom, width, height)
        if frame_box is None:
            continue
        s = image.scale
        box = _clipped(
            hit.left / s, hit.top / s, hit.right / s, hit.bottom / s, full_width, full_height
        )
        if box is None:
            continue
        faces.append(
            DetectedFace(
                box=box,
                frame_box=frame_box,
                frame_index=frame_index,
                score=hit.score,
                detector=hit.detector,
                landmarks5=_landmarks5(models, frame, frame_box),
            )
        )
    # Reading order (top to bottom, left to right) so reports and tests are stable.
    faces.sort(key=lambda f: (f.box.top, f.box.left))
    return faces


def detect_faces(
    models: FaceModels, image: DecodedImage, config: DetectionConfig
) -> list[DetectedFace]:
    """Every face in every frame of `image`; `box` in full-size coordinates, landmarks added."""
    faces: list[DetectedFace] = []
    previous: tuple[bytes, list[DetectedFace]] | None = None
    for index, frame in enumerate(image.frames):
        # Animated GIFs often repeat a frame unchanged: detect once, report it per frame.
        pixels = frame.tobytes() if len(image.frames) > 1 else b""
        if previous is not None and previous[0] == pixels:
            found = [replace(f, frame_index=index) for f in previous[1]]
        else:
            found = detect_frame(models, image, index, config)
        previous = (pixels, found)
        faces.extend(found)
    return faces
