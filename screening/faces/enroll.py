"""Enrolment: one face template per photo, only from a photo with exactly one good face."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kernel.errors import InputError, UnreadableImageError
from kernel.settings import Settings
from screening.faces.detect import DetectionConfig, detect_faces
from screening.faces.encode import encode_faces
from screening.faces.match import load_calibration_config
from screening.faces.models import FaceModels
from screening.faces.quality import RecognizabilityConfig, assess
from screening.images.intake import decode_image

if TYPE_CHECKING:
    from consent_store.records import TemplateInfo
    from consent_store.repository import Registry


class EnrolmentPhotoError(InputError):
    """A photo cannot be used for enrolment; nothing was stored."""

    code = "E230"


@dataclass(frozen=True)
class EnrolmentPhoto:
    """A photo ready for enrolment: its face template and the hash of its bytes."""

    name: str
    sha256: str
    vector: npt.NDArray[np.float32]


def prepare_photo(
    path: Path,
    models: FaceModels,
    detection: DetectionConfig,
    recognizability: RecognizabilityConfig,
    settings: Settings,
) -> EnrolmentPhoto:
    """Read, check and encode one enrolment photo, or raise saying what is wrong with it."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EnrolmentPhotoError(
            f"{name}: cannot be read ({exc.strerror})", f"{name}: kan niet worden gelezen"
        ) from None
    return prepare_photo_data(name, data, models, detection, recognizability, settings)


def prepare_photo_data(
    name: str,
    data: bytes,
    models: FaceModels,
    detection: DetectionConfig,
    recognizability: RecognizabilityConfig,
    settings: Settings,
    flip_average: bool | None = None,
) -> EnrolmentPhoto:
    """Check and encode one enrolment photo given as bytes (an upload), or raise why not.

    `flip_average` None follows models/faces/matching.toml, so that enrolled templates are
    made the way the detector makes the templates it compares them with.
    """
    try:
        image = decode_image(
            data,
            max_bytes=settings.max_image_bytes,
            max_pixels=settings.max_image_pixels,
            max_side=settings.detection_max_side,
        )
    except UnreadableImageError as bad:
        raise EnrolmentPhotoError(
            f"{name}: {bad.message_en}", f"{name}: {bad.message_nl}"
        ) from None
    faces = detect_faces(models, image, detection)
    if len(faces) != 1:
        raise EnrolmentPhotoError(
            f"{name}: an enrolment photo must show exactly one face; this one shows {len(faces)}",
            f"{name}: een inschrijffoto moet precies één gezicht tonen; deze toont er {len(faces)}",
        )
    quality = assess(models, image, faces[0], recognizability)
    if not quality.recognizable:
        why = ", ".join(quality.reasons)
        raise EnrolmentPhotoError(
            f"{name}: the face is not clear enough to enrol ({why})",
            f"{name}: het gezicht is niet duidelijk genoeg om in te schrijven ({why})",
        )
    if flip_average is None:
        calibration = load_calibration_config()
        flip_average = calibration is not None and calibration.flip_average
    vector = np.asarray(
        encode_faces(models, image, faces, flip_average=flip_average)[0], dtype=np.float32
    )
    return EnrolmentPhoto(name, hashlib.sha256(data).hexdigest(), vector)


def enroll(
    registry: Registry,
    person_id: str,
    photos: Sequence[Path],
    models: FaceModels,
    detection: DetectionConfig,
    recognizability: RecognizabilityConfig,
    settings: Settings,
) -> list[TemplateInfo]:
    """Check every photo first, then store one template per photo: all or nothing."""
    if not photos:
        raise InputError("give at least one photo", "geef minstens één foto")
    registry.get_person(person_id)  # an unknown person is an error before any work
    prepared = [prepare_photo(p, models, detection, recognizability, settings) for p in photos]
    seen: set[str] = set()
    for photo in prepared:
        if photo.sha256 in seen:
            raise EnrolmentPhotoError(
                f"{photo.name}: the same photo is given twice",
                f"{photo.name}: dezelfde foto staat er twee keer in",
            )
        seen.add(photo.sha256)
    return registry.add_face_templates(
        person_id,
        models.encoder_id,
        [(photo.vector, photo.sha256) for photo in prepared],
    )
