"""Whether a detected face is recognizable: size, sharpness and pose, each against a threshold.

A face that nobody could recognize needs no consent, but it is still reported. Children are
recognized by the people who know them from much less than a face model needs, so a face is
judged *not* recognizable only when it is clearly too small, too blurred or turned away; the
thresholds (models/faces/detection.toml, [recognizability]) are set on that side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from screening.faces.detect import build_config, read_table
from screening.faces.models import FaceModels
from screening.faces.types import DetectedFace, Point, Recognizability
from screening.images.intake import DecodedImage

TOO_SMALL = "too_small"
BLURRED = "blurred"
PROFILE = "profile"
#: Why a recognizable face is not matched: too small in the analysed frame, or turned too far.
SMALL_FOR_IDENTIFICATION = "small_for_identification"
TURNED_FOR_IDENTIFICATION = "turned_for_identification"


@dataclass(frozen=True, slots=True)
class RecognizabilityConfig:
    """Thresholds below (or beyond) which a face is not recognizable."""

    min_face_px: int = 24
    min_sharpness: float = 80.0
    sharpness_side: int = 64
    max_yaw_degrees: float = 75.0
    #: A recognizable face is *identified* (encoded and matched) only when its box in the
    #: analysed frame is at least this wide and it is turned at most this far; otherwise the
    #: detector holds it as a face nobody can be matched to with confidence.
    min_identify_px: int = 64
    max_identify_yaw: float = 45.0

    def __post_init__(self) -> None:
        if self.min_face_px < 0 or self.min_sharpness < 0 or self.sharpness_side < 8:
            raise ValueError("min_face_px, min_sharpness >= 0 and sharpness_side >= 8 required")
        if not 0.0 < self.max_yaw_degrees <= 90.0:
            raise ValueError("max_yaw_degrees must be in (0, 90]")
        if self.min_identify_px < 0 or not 0.0 < self.max_identify_yaw <= 90.0:
            raise ValueError("min_identify_px must be >= 0 and max_identify_yaw in (0, 90]")


def load_recognizability_config(path: Path | None = None) -> RecognizabilityConfig:
    """The [recognizability] table of models/faces/detection.toml (or of `path`)."""
    return build_config(RecognizabilityConfig, read_table(path, "recognizability"), path)


def sharpness(image: DecodedImage, face: DetectedFace, side: int) -> float:
    """Variance of the Laplacian of the face's grey, contrast-normalised crop (frame pixels)."""
    box = face.frame_box
    # The central part of the box: hair and background edges say nothing about the face.
    dx, dy = box.width // 8, box.height // 8
    # Crop first, then convert: converting the whole frame per face costs a copy of the
    # frame per face (~3 ms each at 2000 px), the result is the same.
    crop = (
        image.frames[face.frame_index]
        .crop((box.left + dx, box.top + dy, box.right - dx, box.bottom - dy))
        .convert("L")
    )
    if max(crop.size) > side:
        # Only ever reduced: enlarging a small face would blur it and call it "blurred".
        k = side / max(crop.size)
        crop = crop.resize(
            (max(1, round(crop.width * k)), max(1, round(crop.height * k))),
            Image.Resampling.BOX,
        )
    grey = np.asarray(crop, dtype=np.float64)
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return 0.0
    low, high = np.percentile(grey, (2, 98))
    # Contrast normalisation, so a dim or hazy but sharp face is not taken for a blurred one.
    grey = (grey - low) * (255.0 / max(float(high - low), 16.0))
    laplacian = (
        grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4 * grey[1:-1, 1:-1]
    )
    return float(laplacian.var())


def yaw_degrees(landmarks5: tuple[Point, ...]) -> float | None:
    """Yaw from dlib's 5 points: where the nose sits between the eyes along the eye line."""
    if len(landmarks5) != 5:
        return None
    points = np.asarray(landmarks5, dtype=np.float64)
    eye_a, eye_b, nose = points[0:2].mean(axis=0), points[2:4].mean(axis=0), points[4]
    axis = eye_a - eye_b
    length = float(np.hypot(*axis))
    if length < 1e-6:
        return None
    axis /= length
    to_a = float(np.dot(eye_a - nose, axis))
    to_b = float(np.dot(nose - eye_b, axis))
    if to_a + to_b <= 1e-6:
        return None
    # 0 when the nose is midway (frontal), +-1 when it is in line with one eye (profile).
    ratio = (to_b - to_a) / (to_a + to_b)
    return math.degrees(math.asin(max(-1.0, min(1.0, ratio))))


def _landmarks(models: FaceModels, image: DecodedImage, face: DetectedFace) -> tuple[Point, ...]:
    if face.landmarks5:
        return face.landmarks5
    import dlib

    frame = np.ascontiguousarray(image.frames[face.frame_index].convert("RGB"), dtype=np.uint8)
    box = face.frame_box
    shape = models.landmarks5(
        frame, dlib.rectangle(box.left, box.top, box.right - 1, box.bottom - 1)
    )
    return tuple((float(p.x), float(p.y)) for p in shape.parts())


def assess(
    models: FaceModels, image: DecodedImage, face: DetectedFace, config: RecognizabilityConfig
) -> Recognizability:
    """Measure `face` and say whether it is recognizable, with short reason codes if not."""
    face_px = face.box.width
    sharp = sharpness(image, face, config.sharpness_side)
    yaw = yaw_degrees(_landmarks(models, image, face))
    reasons = []
    if face_px < config.min_face_px:
        reasons.append(TOO_SMALL)
    if sharp < config.min_sharpness:
        reasons.append(BLURRED)
    if yaw is not None and abs(yaw) > config.max_yaw_degrees:
        reasons.append(PROFILE)
    return Recognizability(
        recognizable=not reasons,
        face_px=face_px,
        sharpness=sharp,
        yaw_degrees=yaw,
        reasons=tuple(reasons),
    )


def identification_limits(
    face: DetectedFace, quality: Recognizability, config: RecognizabilityConfig
) -> tuple[str, ...]:
    """Why a recognizable face cannot be identified reliably (empty: it can be).

    The chip the encoder sees is cut from the analysed frame, so its detail is set by the
    face's width there (`frame_box`), not in the full photo. Below 64 px the encoder's own
    drift from the same face at full detail exceeds the margin between the accept distance and
    the nearest stranger (MODEL_CARD.md, "Too small to identify"), so a match there proves
    nothing: such a face is held, never silently published.
    """
    if not quality.recognizable:
        return ()
    reasons = []
    if face.frame_box.width < config.min_identify_px:
        reasons.append(SMALL_FOR_IDENTIFICATION)
    if quality.yaw_degrees is not None and abs(quality.yaw_degrees) > config.max_identify_yaw:
        reasons.append(TURNED_FOR_IDENTIFICATION)
    return tuple(reasons)
