"""A crowded photo made from real faces: small, turned and partly hidden faces are all found.

The mosaic is generated here (nothing is stored): 15 of dlib's "johns" face photos on a
textured 4000 x 3000 canvas, at three sizes (faces of ~190, ~130 and ~90 px in the photo, so
~95, ~65 and ~45 px in the 2000 px frame detection sees), each plain, turned in-plane by 20
and -30 degrees, hidden from below (chin and mouth, as behind a classmate's shoulder) and from
the side. Truth is where each face was pasted. Measured (MODEL_CARD.md, "Crowded photos"):
13/15 without the second look (both partly hidden ~90 px faces missed), 15/15 with it.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from kernel.types import Box
from screening.faces.detect import DetectionConfig, detect_faces, load_detection_config
from screening.faces.models import FaceModels
from tests.conftest import shared_path
from tests.faces.test_detect import decode, iou

pytestmark = pytest.mark.shared

KINDS = ("plain", "turned 20", "turned -30", "hidden below", "hidden side")
TILES = (320, 220, 150)
MATCH_IOU = 0.3


def crowd(johns: Path, seed: int = 1) -> tuple[bytes, list[tuple[int, str, Box]]]:
    """The mosaic as a JPEG and, per face, (tile size, kind, face box in photo pixels)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(120, 25, (3000, 4000, 3)).clip(0, 255).astype(np.uint8)
    canvas = Image.fromarray(noise, "RGB").filter(ImageFilter.GaussianBlur(3))
    draw = ImageDraw.Draw(canvas)
    files = sorted(johns.glob("*/*.jpg"))
    truth: list[tuple[int, str, Box]] = []
    x, y, row_height = 60, 60, 0
    for k, (tile, kind) in enumerate((t, kind) for t in TILES for kind in KINDS):
        face = Image.open(files[(k * 7) % len(files)]).convert("RGB")
        face = face.resize((tile, tile), Image.Resampling.BICUBIC)
        if kind.startswith("turned"):
            angle = float(kind.split()[1])
            face = face.rotate(angle, Image.Resampling.BICUBIC, fillcolor=(120, 120, 120))
        if x + tile > canvas.width - 60:
            x, y, row_height = 60, y + row_height + 80, 0
        canvas.paste(face, (x, y))
        if kind == "hidden below":
            draw.rectangle((x, y + int(tile * 0.68), x + tile, y + tile), fill=(60, 70, 90))
        if kind == "hidden side":
            draw.rectangle((x + int(tile * 0.70), y, x + tile, y + tile), fill=(60, 70, 90))
        # The face of a johns photo fills about its central 60%.
        m = int(tile * 0.2)
        truth.append((tile, kind, Box(x + m, y + m, x + tile - m, y + tile - m)))
        x, row_height = x + tile + 90, max(row_height, tile)
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=90)
    return out.getvalue(), truth


@pytest.fixture(scope="module")
def models(face_models: FaceModels) -> FaceModels:
    """dlib's models, loaded once per worker (tests/conftest.py)."""
    return face_models


@pytest.fixture(scope="module")
def mosaic() -> tuple[bytes, list[tuple[int, str, Box]]]:
    return crowd(shared_path("data", "faces", "dlib", "examples", "johns"))


def found(
    models: FaceModels, mosaic: tuple[bytes, list[tuple[int, str, Box]]], config: DetectionConfig
) -> tuple[list[tuple[int, str]], int]:
    """The (tile, kind) of every missed face, and the number of detections matching none."""
    data, truth = mosaic
    faces = detect_faces(models, decode(data, 2000), config)
    missed = [(t, k) for t, k, box in truth if all(iou(box, f.box) < MATCH_IOU for f in faces)]
    extra = sum(all(iou(box, f.box) < MATCH_IOU for *_, box in truth) for f in faces)
    return missed, extra


def test_every_face_of_the_crowd_is_found(
    models: FaceModels, mosaic: tuple[bytes, list[tuple[int, str, Box]]]
) -> None:
    missed, extra = found(models, mosaic, load_detection_config())
    assert missed == [] and extra == 0


def test_the_second_look_is_what_finds_the_partly_hidden_small_faces(
    models: FaceModels, mosaic: tuple[bytes, list[tuple[int, str, Box]]]
) -> None:
    missed, _ = found(models, mosaic, replace(load_detection_config(), second_look_max=0))
    assert missed and all(tile == 150 and kind.startswith("hidden") for tile, kind in missed)


def test_second_look_faces_are_reported_as_such(
    models: FaceModels, mosaic: tuple[bytes, list[tuple[int, str, Box]]]
) -> None:
    faces = detect_faces(models, decode(mosaic[0], 2000), load_detection_config())
    second = [f for f in faces if f.detector == "dlib_hog_second_look"]
    assert second and all(f.score >= 0.0 for f in second)
