"""Recognizability of a detected face: size, sharpness and pose against the shipped thresholds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from kernel.errors import ConfigError
from kernel.types import Box
from screening.faces.detect import detect_faces, load_detection_config
from screening.faces.models import FaceModels
from screening.faces.quality import (
    BLURRED,
    PROFILE,
    SMALL_FOR_IDENTIFICATION,
    TOO_SMALL,
    TURNED_FOR_IDENTIFICATION,
    RecognizabilityConfig,
    assess,
    identification_limits,
    load_recognizability_config,
    yaw_degrees,
)
from screening.faces.types import DetectedFace, Point, Recognizability
from tests.faces.test_detect import ASTRONAUT_FACE, astronaut, decode, encode, scaled


@pytest.fixture(scope="module")
def models(face_models: FaceModels) -> FaceModels:
    """dlib's models, loaded once per worker (tests/conftest.py)."""
    return face_models


@pytest.fixture(scope="module")
def config() -> RecognizabilityConfig:
    """The shipped recognizability thresholds."""
    return load_recognizability_config()


def known_face(box: Box) -> DetectedFace:
    """A face given by its box (no landmarks: assess predicts them), as if from a detector."""
    return DetectedFace(box=box, frame_box=box, frame_index=0, score=1.0, detector="test")


def test_the_astronaut_is_recognizable(models: FaceModels, config: RecognizabilityConfig) -> None:
    image = decode(encode(astronaut()))
    (face,) = detect_faces(models, image, load_detection_config())
    quality = assess(models, image, face, config)
    assert quality.recognizable, quality
    assert quality.reasons == ()
    assert quality.face_px == face.box.width
    assert quality.sharpness > 4 * config.min_sharpness
    assert quality.yaw_degrees is not None and abs(quality.yaw_degrees) < 30


@pytest.mark.parametrize(
    ("treat", "expected_reasons"),
    [
        # (what happens to the photo, reasons); the face box follows the photo.
        ("none", ()),
        ("jpeg_q30", ()),
        ("blur_1", ()),
        ("blur_2", ()),  # slightly soft: still recognizable (err towards recognizable)
        ("downscale_1/2", ()),  # 45 px: small, but people who know her recognize her
        ("blur_6", (BLURRED,)),
        ("blur_10", (BLURRED,)),
        ("downscale_1/6", (TOO_SMALL,)),  # 15 px
        ("downscale_1/8", (TOO_SMALL,)),
    ],
)
def test_degraded_astronaut(
    models: FaceModels,
    config: RecognizabilityConfig,
    treat: str,
    expected_reasons: tuple[str, ...],
) -> None:
    img, box = astronaut(), ASTRONAUT_FACE
    params: dict[str, int] = {}
    if treat.startswith("downscale_"):
        k = 1 / int(treat.split("/")[1].split("_")[0])
        img = img.resize((round(512 * k), round(512 * k)), Image.Resampling.BOX)
        box = scaled(box, k)
    if "blur_" in treat:
        img = img.filter(ImageFilter.GaussianBlur(int(treat.rsplit("_", 1)[1])))
    if treat == "jpeg_q30":
        params["quality"] = 30
    image = decode(encode(img, "JPEG", **params))
    quality = assess(models, image, known_face(box), config)
    assert quality.reasons == expected_reasons, quality
    assert quality.recognizable is (not expected_reasons)


def test_size_is_measured_in_full_size_pixels(
    models: FaceModels, config: RecognizabilityConfig
) -> None:
    """A face of 23 frame px in a photo reduced 4x is 92 px in the photo: recognizable."""
    big = astronaut().resize((2048, 2048), Image.Resampling.BICUBIC)
    image = decode(encode(big), max_side=128)
    face = DetectedFace(
        box=scaled(ASTRONAUT_FACE, 4),
        frame_box=scaled(ASTRONAUT_FACE, 0.25),
        frame_index=0,
        score=1.0,
        detector="test",
    )
    quality = assess(models, image, face, config)
    assert quality.face_px == face.box.width
    assert TOO_SMALL not in quality.reasons


def eyes_and_nose(nose_x: float) -> tuple[Point, ...]:
    """dlib's 5 points (eye A outer/inner, eye B outer/inner, nose) with the nose at `nose_x`."""
    return ((80.0, 40.0), (60.0, 40.0), (20.0, 40.0), (40.0, 40.0), (nose_x, 70.0))


@pytest.mark.parametrize(
    ("nose_x", "yaw"),
    [(50.0, 0.0), (60.0, 30.0), (40.0, -30.0), (70.0, 90.0), (30.0, -90.0), (100.0, 90.0)],
)
def test_yaw_from_landmarks(nose_x: float, yaw: float) -> None:
    assert yaw_degrees(eyes_and_nose(nose_x)) == pytest.approx(yaw, abs=0.5)


def test_yaw_is_independent_of_in_plane_rotation() -> None:
    angle = math.radians(35)
    c, s = math.cos(angle), math.sin(angle)
    rotated = tuple((c * x - s * y, s * x + c * y) for x, y in eyes_and_nose(60.0))
    assert yaw_degrees(rotated) == pytest.approx(30.0, abs=0.5)


@pytest.mark.parametrize("points", [(), ((1.0, 1.0),) * 5])
def test_yaw_unknown_without_usable_landmarks(points: tuple[Point, ...]) -> None:
    assert yaw_degrees(points) is None


def test_profile_reason(models: FaceModels, config: RecognizabilityConfig) -> None:
    image = decode(encode(astronaut()))
    turned = DetectedFace(
        box=ASTRONAUT_FACE,
        frame_box=ASTRONAUT_FACE,
        frame_index=0,
        score=1.0,
        detector="test",
        # Nose in line with the eye: a face turned fully sideways.
        landmarks5=tuple((x + 175, y + 76) for x, y in eyes_and_nose(90.0)),
    )
    assert assess(models, image, turned, config).reasons == (PROFILE,)


def test_shipped_thresholds_err_towards_recognizable() -> None:
    config = load_recognizability_config()
    assert config.min_face_px <= 32
    assert config.max_yaw_degrees >= 60


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[recognizability]\nmin_face_px = -1\n", "min_face_px"),
        ("[recognizability]\nmax_yaw_degrees = 120\n", "max_yaw_degrees"),
        ("[recognizability]\nmin_identify_px = -1\n", "min_identify_px"),
        ("[recognizability]\nmax_identify_yaw = 0\n", "max_identify_yaw"),
        ("[recognizability]\nblur = 3\n", "unknown keys blur"),
        ("[detection]\n", r"no \[recognizability\] table"),
    ],
)
def test_bad_config_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "detection.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_recognizability_config(path)


@pytest.mark.parametrize(
    ("frame_px", "yaw", "recognizable", "expected"),
    [
        (64, 0.0, True, ()),
        (63, 0.0, True, (SMALL_FOR_IDENTIFICATION,)),
        (200, 45.0, True, ()),
        (200, -46.0, True, (TURNED_FOR_IDENTIFICATION,)),
        (40, 60.0, True, (SMALL_FOR_IDENTIFICATION, TURNED_FOR_IDENTIFICATION)),
        (200, None, True, ()),  # no landmarks, no yaw: judged by size alone
        (10, 80.0, False, ()),  # not recognizable at all: a notice, not a hold
    ],
)
def test_identification_limits_table(
    config: RecognizabilityConfig,
    frame_px: int,
    yaw: float | None,
    recognizable: bool,
    expected: tuple[str, ...],
) -> None:
    """What the analysed frame shows decides, not the full photo: a face 2x larger in the
    photo than in the frame is as hard to identify as its frame size says."""
    face = DetectedFace(
        box=Box(0, 0, 2 * frame_px, 2 * frame_px),
        frame_box=Box(0, 0, frame_px, frame_px),
        frame_index=0,
        score=1.0,
        detector="test",
    )
    quality = Recognizability(
        recognizable, 2 * frame_px, 500.0, yaw, () if recognizable else ("x",)
    )
    assert identification_limits(face, quality, config) == expected


def test_shipped_identification_limits() -> None:
    config = load_recognizability_config()
    assert config.min_identify_px >= 64 and config.max_identify_yaw <= 45
