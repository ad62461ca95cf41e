"""Published-state fixtures for the audit's tests, built through the registry's API.

Photos are made here, nothing is downloaded: scikit-image's astronaut (a real face, enrolled
as pupil P1), a face from scikit-image's LFW sample (a real person nobody enrolled), a coffee
cup (no face) and a truncated JPEG. Consent is recorded as it was on the publication day by
setting the registry's clock back while recording (`recorded_at` is the registry's own).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import consent_store.repository as repository_module
from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo, Role
from consent_store.repository import Registry, init_registry, open_registry
from consent_store.school_year import SchoolYear
from kernel.settings import Settings
from screening.faces.detect import load_detection_config
from screening.faces.enroll import enroll
from screening.faces.models import FaceModels
from screening.faces.quality import load_recognizability_config

skimage_data = pytest.importorskip("skimage.data")

#: The enrolled pupil (the astronaut's face).
PUPIL = "P1"


def jpeg(img: Image.Image, quality: int = 92) -> bytes:
    """`img` as JPEG bytes."""
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def astronaut() -> Image.Image:
    """scikit-image's astronaut photo: one real, frontal face."""
    return Image.fromarray(skimage_data.astronaut())


def stranger() -> Image.Image:
    """A face from scikit-image's LFW sample, enlarged: a real person nobody enrolled.

    Face no. 89 (as in tests/detectors/test_faces.py): sharp enough with a margin (no. 0
    scored 82 against a minimum of 80 and became not recognizable beside the astronaut).
    """
    faces = skimage_data.lfw_subset()
    face = Image.fromarray((faces[89] * 255).astype(np.uint8))
    return face.resize((300, 300), Image.Resampling.BICUBIC)


def coffee() -> Image.Image:
    """A cup of coffee: no face."""
    return Image.fromarray(skimage_data.coffee())


def truncated() -> bytes:
    """A JPEG cut off halfway: unreadable."""
    data = jpeg(astronaut())
    return data[: len(data) // 2]


def publication_day(today: date | None = None) -> date:
    """A publication date safely in the past (three weeks ago)."""
    return (today or date.today()) - timedelta(days=21)


@contextmanager
def registry_clock(moment: datetime) -> Iterator[None]:
    """Record consent as if it were `moment` (the registry stamps `recorded_at` itself)."""
    original = repository_module._now
    repository_module._now = lambda: moment
    try:
        yield
    finally:
        repository_module._now = original


@dataclass(frozen=True)
class PublishedState:
    """A registry and a folder of published items, as they were on the publication day."""

    settings: Settings
    folder: Path
    published: date


#: item path -> (picture, caption, channel)
ITEMS: dict[str, tuple[str, str, str]] = {
    "instagram/anna.jpg": ("astronaut", "Sportdag groep 7", "instagram"),
    "website/anna.jpg": ("astronaut", "Sportdag groep 7", "website"),
    "nieuwsbrief/anna.jpg": ("astronaut", "Sportdag groep 7", "newsletter"),
    "instagram/koffie.jpg": ("coffee", "Koffie in de lerarenkamer", "instagram"),
    "instagram/telefoon.jpg": ("coffee", "Vragen? Bel mij op 06-12345678", "instagram"),
    "instagram/kapot.jpg": ("truncated", "Kerstviering", "instagram"),
    "instagram/onbekend.jpg": ("stranger", "Onze nieuwe gastspreker", "instagram"),
}


def picture_bytes(name: str) -> bytes:
    """The bytes of one of the named pictures."""
    if name == "truncated":
        return truncated()
    return jpeg({"astronaut": astronaut, "coffee": coffee, "stranger": stranger}[name]())


def write_item(folder: Path, rel: str, data: bytes, caption: str, channel: str, day: date) -> None:
    """One published photo with its JSON sidecar."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    sidecar = {"caption": caption, "channel": channel, "published_on": day.isoformat()}
    path.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")


def build_published_state(
    root: Path, models: FaceModels, settings: Settings | None = None
) -> PublishedState:
    """The registry (P1 enrolled, consent as on the publication day) and the folder; on a
    registry of its own, or on the one `settings` points at."""
    settings = settings or Settings(data_dir=root / "data")
    init_registry(settings)  # a registry is never made on the fly
    published = publication_day()
    year = SchoolYear.of(published)
    with open_registry(settings) as registry:
        # Consent recorded in the morning of the publication day, before the post went out.
        with registry_clock(datetime.combine(published, time(7, 0), tzinfo=UTC)):
            registry.add_person(
                PersonInfo(PUPIL, "Anna Jansen", Role.PUPIL, date(2014, 5, 1)), recorded_by="t"
            )
            for purpose in (Purpose.SOCIAL_MEDIA, Purpose.WEBSITE):
                registry.grant(PUPIL, purpose, year, GivenBy.PARENT, "formulier", on=published)
        _enrol_astronaut(registry, models, settings, root)
    folder = root / "published"
    for rel, (picture, caption, channel) in ITEMS.items():
        write_item(folder, rel, picture_bytes(picture), caption, channel, published)
    return PublishedState(settings, folder, published)


def _enrol_astronaut(
    registry: Registry, models: FaceModels, settings: Settings, root: Path
) -> None:
    # Biometric processing happens today, so its consent is recorded (and valid) today.
    today = date.today()
    registry.grant(
        PUPIL,
        Purpose.BIOMETRIC_MATCHING,
        SchoolYear.of(today),
        GivenBy.PARENT,
        "formulier gezichtsherkenning",
        on=today,
    )
    photo = root / "enrol-anna.jpg"
    # A slightly different crop than the published photo, as a real enrolment photo would be.
    photo.write_bytes(jpeg(astronaut().crop((40, 0, 512, 472))))
    enroll(
        registry,
        PUPIL,
        [photo],
        models,
        load_detection_config(),
        load_recognizability_config(),
        settings,
    )


def withdraw_social_media(settings: Settings) -> None:
    """The parent withdraws social-media consent today (after publication)."""
    with open_registry(settings) as registry:
        registry.withdraw(PUPIL, Purpose.SOCIAL_MEDIA, "mail van moeder", given_by=GivenBy.PARENT)


def build_late_entry_state(root: Path, models: FaceModels) -> PublishedState:
    """Issue 20's scenario: a school that starts using the registry today.

    The parent signed the social-media form at the start of the school year; the photo was
    published three weeks ago; the form is entered today (with the day it was signed) and
    the parent withdraws today. P1 never gave newsletter consent; the stranger is nobody.
    """
    settings = Settings(data_dir=root / "data")
    init_registry(settings)
    published = publication_day()
    year = SchoolYear.of(published)
    with open_registry(settings) as registry:
        registry.add_person(
            PersonInfo(PUPIL, "Anna Jansen", Role.PUPIL, date(2014, 5, 1)), recorded_by="t"
        )
        registry.grant(
            PUPIL,
            Purpose.SOCIAL_MEDIA,
            year,
            GivenBy.PARENT,
            "papieren formulier",
            on=year.first_day,
            recorded_by="fg",
        )
        _enrol_astronaut(registry, models, settings, root)
        registry.withdraw(PUPIL, Purpose.SOCIAL_MEDIA, "mail van moeder", given_by=GivenBy.PARENT)
    folder = root / "published"
    for rel in ("instagram/anna.jpg", "nieuwsbrief/anna.jpg", "instagram/onbekend.jpg"):
        picture, caption, channel = ITEMS[rel]
        write_item(folder, rel, picture_bytes(picture), caption, channel, published)
    return PublishedState(settings, folder, published)


def with_maker(data: bytes, artist: str = "Fotostudio Jansen", gps: bool = False) -> bytes:
    """`data` (a JPEG) with the photographer in EXIF Artist/Copyright, and a GPS position."""
    img = Image.open(io.BytesIO(data))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x8298] = f"(c) {artist}"  # Copyright
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 18.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()
