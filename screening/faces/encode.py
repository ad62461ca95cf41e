"""Face templates: dlib's 128-d ResNet descriptor of each detected face.

Mirrors face_recognition's `face_encodings(model="small")`: the five-point landmarks align
the face into a 150x150 chip (dlib's `get_face_chip`, padding 0.25) and the ResNet turns
the chip into a 128-d vector whose Euclidean distance measures identity. Chips of every
frame are encoded in one batch by `screening.faces.resnet` (dlib's network, run with numpy's
BLAS); jittered encodings (`num_jitters` > 1) still run in dlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kernel.types import Box
from screening.faces.models import FaceModels
from screening.faces.types import DetectedFace
from screening.images.intake import DecodedImage

#: Length of dlib's face descriptor.
DESCRIPTOR_SIZE = 128
#: Size and padding dlib's encoder was trained with; other values change the vectors.
CHIP_SIZE = 150
CHIP_PADDING = 0.25


def _rectangle(box: Box) -> Any:
    """Our box (right/bottom exclusive) as a dlib rectangle (right/bottom inclusive)."""
    import dlib

    return dlib.rectangle(box.left, box.top, box.right - 1, box.bottom - 1)


def _shape(models: FaceModels, frame: np.ndarray, face: DetectedFace) -> Any:
    """The five-point shape of `face`: the detector's landmarks, else predicted now."""
    import dlib

    rect = _rectangle(face.frame_box)
    if face.landmarks5:
        points = [dlib.point(round(x), round(y)) for x, y in face.landmarks5]
        return dlib.full_object_detection(rect, points)
    return models.landmarks5(frame, rect)


def face_chips(
    models: FaceModels, image: DecodedImage, faces: Sequence[DetectedFace]
) -> list[np.ndarray]:
    """The aligned 150x150 RGB chip of every face, in the order of `faces`."""
    import dlib

    by_frame: dict[int, list[int]] = {}
    for i, face in enumerate(faces):
        if not 0 <= face.frame_index < len(image.frames):
            raise ValueError(
                f"face {i} refers to frame {face.frame_index}; the image has {len(image.frames)}"
            )
        by_frame.setdefault(face.frame_index, []).append(i)
    chips: list[np.ndarray | None] = [None] * len(faces)
    for frame_index, indices in by_frame.items():
        # One conversion per frame, not per face: a group photo has dozens of faces.
        picture = image.frames[frame_index]
        # Decoded frames are RGB already: read them without Pillow's convert() copy.
        rgb = picture if picture.mode == "RGB" else picture.convert("RGB")
        frame = np.ascontiguousarray(rgb, dtype=np.uint8)
        shapes = dlib.full_object_detections([_shape(models, frame, faces[i]) for i in indices])
        for i, chip in zip(
            indices,
            dlib.get_face_chips(frame, shapes, size=CHIP_SIZE, padding=CHIP_PADDING),
            strict=True,
        ):
            chips[i] = np.asarray(chip, dtype=np.uint8)
    return [c for c in chips if c is not None]


def encode_chips(
    models: FaceModels,
    chips: Sequence[np.ndarray],
    num_jitters: int = 1,
    flip_average: bool = False,
) -> np.ndarray:
    """128-d descriptors (n x 128 float32) of aligned 150x150 chips, in one batch.

    `flip_average` also encodes each chip mirrored left-right and averages the two
    descriptors: a face and its mirror image are the same person, so the average cancels
    part of the encoder's pose and lighting noise (and costs a second encoder pass).
    """
    if not chips:
        return np.zeros((0, DESCRIPTOR_SIZE), dtype=np.float32)
    batch = list(chips)
    if flip_average:
        batch += [np.ascontiguousarray(chip[:, ::-1]) for chip in chips]
    if num_jitters == 1:
        # The same network as dlib's, run with numpy's BLAS: 6-7x faster, equal within 2e-6.
        out = models.resnet.descriptors(batch).astype(np.float64)
    else:
        # Random jitter is dlib's own (its random number generator); only dlib can do it.
        vectors = models.encoder.compute_face_descriptor(batch, num_jitters)
        out = np.asarray([np.asarray(v) for v in vectors], dtype=np.float64)
    out = out.reshape(len(batch), DESCRIPTOR_SIZE)
    if flip_average:
        out = (out[: len(chips)] + out[len(chips) :]) / 2.0
    return out.astype(np.float32)


def encode_faces(
    models: FaceModels,
    image: DecodedImage,
    faces: Sequence[DetectedFace],
    num_jitters: int = 1,
    flip_average: bool = False,
) -> np.ndarray:
    """The template (n x 128 float32) of every face, in the order of `faces`.

    `num_jitters` > 1 averages that many randomly jittered copies of each chip: a little
    more stable, and that many times slower. `flip_average`: see `encode_chips`.
    """
    if num_jitters < 1:
        raise ValueError(f"num_jitters must be at least 1, not {num_jitters}")
    return encode_chips(models, face_chips(models, image, faces), num_jitters, flip_average)
