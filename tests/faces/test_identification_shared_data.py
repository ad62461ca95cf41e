"""Identification on real photos (../shared/data/faces): the same person is named, others not.

The gallery enrols a few photos per person; probes are *other* photos of them (never a
byte-identical copy or another rendition of an enrolled photo), group photos, strangers and a
collage of look-alike bald men. Faces are found with dlib's HOG detector and 5-point
landmarks, as the calibration notebook does, so these verdicts are those of the committed
thresholds.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from kernel.settings import Settings
from kernel.types import Box
from screening.faces.encode import encode_faces
from screening.faces.match import Gallery, MatchThresholds, classify, load_match_thresholds
from screening.faces.models import FaceModels
from screening.faces.types import DetectedFace
from screening.images.intake import decode_image
from tests.conftest import shared_path

pytestmark = pytest.mark.shared

FR = "face_recognition/examples"
TRAIN = f"{FR}/knn_examples/train"
JOHNS = ("John_Salley", "John_Savage", "John_Schneider", "John_Shimkus", "John_Simm")
#: Renditions of another photo of the same person (see the calibration notebook): as probes
#: they would only measure the encoder's noise.
RENDITIONS = {
    "John_Salley/000192_02159531.jpg",
    "John_Shimkus/000376_02340068.jpg",
    "John_Simm/000304_00470122.jpg",
}
ENROL = {
    "obama": [f"{TRAIN}/obama/obama.jpg", f"{TRAIN}/obama/obama2.jpg"],
    "biden": [f"{FR}/biden.jpg"],
    "alex_lacamoire": [f"{TRAIN}/alex_lacamoire/img1.jpg"],
    "kit_harington": [f"{TRAIN}/kit_harington/john1.jpeg", f"{TRAIN}/kit_harington/john2.jpeg"],
    "rose_leslie": [f"{TRAIN}/rose_leslie/img1.jpg"],
}
GENUINE_PROBES = [
    (f"{FR}/knn_examples/test/obama1.jpg", "obama"),
    ("face_recognition/tests/test_images/obama3.jpg", "obama"),
    (f"{TRAIN}/biden/biden2.jpg", "biden"),
    (f"{FR}/knn_examples/test/alex_lacamoire1.jpg", "alex_lacamoire"),
    (f"{FR}/knn_examples/test/johnsnow_test1.jpg", "kit_harington"),
    (f"{TRAIN}/rose_leslie/img2.jpg", "rose_leslie"),
]
STRANGERS = [
    f"{FR}/lin-manuel-miranda.png",
    "dlib/examples/faces/Tom_Cruise_avp_2014_4.jpg",
    "dlib/examples/faces/2007_007763.jpg",
    "dlib/examples/faces/2008_002079.jpg",
    "dlib/examples/faces/bald_guys.jpg",  # 24 faces: 4 bald men, alike in build and pose
]


@pytest.fixture(scope="module")
def faces_dir() -> Path:
    return shared_path("data", "faces")


@pytest.fixture(scope="module")
def models(face_models: FaceModels) -> FaceModels:
    """dlib's models, loaded once per worker (tests/conftest.py)."""
    return face_models


@pytest.fixture(scope="module")
def thresholds() -> MatchThresholds:
    return load_match_thresholds()


def encode_photo(models: FaceModels, path: Path) -> np.ndarray:
    """Every face HOG finds in the photo, encoded (n x 128), decoded as the pipeline does."""
    settings = Settings()
    image = decode_image(
        path.read_bytes(),
        max_bytes=settings.max_image_bytes,
        max_pixels=settings.max_image_pixels,
        max_side=settings.detection_max_side,
    )
    frame = np.asarray(image.frame)
    height, width = frame.shape[:2]
    faces = []
    for rect in models.hog(frame, 1 if max(height, width) < 1000 else 0):
        box = Box(
            max(0, rect.left()), max(0, rect.top()),
            min(width, rect.right() + 1), min(height, rect.bottom() + 1),
        )  # fmt: skip
        faces.append(DetectedFace(box, box, 0, 1.0, "hog"))
    return encode_faces(models, image, faces)


def johns(faces_dir: Path) -> dict[str, list[Path]]:
    """The johns' photos per person, without byte-identical duplicates or renditions."""
    with (faces_dir / "MANIFEST.tsv").open(encoding="utf-8", newline="") as f:
        duplicates = {r["path"] for r in csv.DictReader(f, delimiter="\t") if r["duplicate_of"]}
    out: dict[str, list[Path]] = {}
    for john in JOHNS:
        out[john] = [
            p
            for p in sorted((faces_dir / "dlib" / "examples" / "johns" / john).glob("*.jpg"))
            if p.relative_to(faces_dir.parent).as_posix() not in duplicates
            and f"{john}/{p.name}" not in RENDITIONS
        ]
    return out


@pytest.fixture(scope="module")
def enrolled(faces_dir: Path, models: FaceModels) -> tuple[Gallery, dict[Path, str]]:
    """The gallery (first 5 photos of each john, ENROL) and the johns' remaining photos."""
    pairs: list[tuple[str, np.ndarray]] = []
    for person, names in ENROL.items():
        for name in names:
            [vector] = encode_photo(models, faces_dir / name)
            pairs.append((person, vector))
    probes: dict[Path, str] = {}
    for john, photos in johns(faces_dir).items():
        for photo in photos[:5]:
            [vector] = encode_photo(models, photo)
            pairs.append((john, vector))
        probes.update({p: john for p in photos[5:]})
    return Gallery(pairs), probes


def verdicts(
    models: FaceModels, gallery: Gallery, thresholds: MatchThresholds, photo: Path
) -> list[tuple[str, str | None]]:
    """(verdict, person named or nearest) for each face in the photo."""
    return [
        (classify(m, thresholds), m.person_id) for m in gallery.match(encode_photo(models, photo))
    ]


def test_manifest_duplicates_are_not_probes(faces_dir: Path) -> None:
    per_john = {john: len(photos) for john, photos in johns(faces_dir).items()}
    # 11 crops each, minus one byte-identical copy (Shimkus) and three renditions.
    assert per_john == {
        "John_Salley": 10, "John_Savage": 11, "John_Schneider": 11,
        "John_Shimkus": 9, "John_Simm": 10,
    }  # fmt: skip


@pytest.mark.parametrize(("photo", "person"), GENUINE_PROBES, ids=[p for p, _ in GENUINE_PROBES])
def test_same_person_in_another_photo_is_identified(
    faces_dir: Path,
    models: FaceModels,
    thresholds: MatchThresholds,
    enrolled: tuple[Gallery, dict[Path, str]],
    photo: str,
    person: str,
) -> None:
    assert verdicts(models, enrolled[0], thresholds, faces_dir / photo) == [("identified", person)]


def test_johns_are_identified_and_never_named_wrongly(
    models: FaceModels, thresholds: MatchThresholds, enrolled: tuple[Gallery, dict[Path, str]]
) -> None:
    gallery, probes = enrolled
    outcome: Counter[str] = Counter()
    for photo, john in probes.items():
        [(verdict, person)] = verdicts(models, gallery, thresholds, photo)
        assert not (verdict == "identified" and person != john), f"{photo.name} named {person}"
        outcome[verdict if person == john else "wrong nearest"] += 1
    assert sum(outcome.values()) == 26
    # Measured: all 26 identified. Holding a few more is acceptable; naming wrongly is not.
    assert outcome["identified"] >= 24, outcome


@pytest.mark.parametrize(
    ("photo", "expected"),
    [
        (f"{FR}/knn_examples/test/kit_with_rose.jpg", {"kit_harington", "rose_leslie"}),
        (f"{FR}/two_people.jpg", {"obama", "biden"}),
    ],
)
def test_everyone_in_a_group_photo_is_identified(
    faces_dir: Path,
    models: FaceModels,
    thresholds: MatchThresholds,
    enrolled: tuple[Gallery, dict[Path, str]],
    photo: str,
    expected: set[str],
) -> None:
    found = verdicts(models, enrolled[0], thresholds, faces_dir / photo)
    assert sorted(found) == sorted(("identified", p) for p in expected)


def test_unknown_child_beside_enrolled_adults_is_not_named(
    faces_dir: Path,
    models: FaceModels,
    thresholds: MatchThresholds,
    enrolled: tuple[Gallery, dict[Path, str]],
) -> None:
    photo = faces_dir / "face_recognition/examples/knn_examples/test/obama_and_biden.jpg"
    found = verdicts(models, enrolled[0], thresholds, photo)
    named = sorted(str(p) for v, p in found if v == "identified")
    assert named == ["biden", "obama"]
    assert len(found) == 3  # the child's face is found and held, not matched to an adult


@pytest.mark.parametrize("photo", STRANGERS, ids=[Path(p).name for p in STRANGERS])
def test_strangers_are_never_identified(
    faces_dir: Path,
    models: FaceModels,
    thresholds: MatchThresholds,
    enrolled: tuple[Gallery, dict[Path, str]],
    photo: str,
) -> None:
    found = verdicts(models, enrolled[0], thresholds, faces_dir / photo)
    assert found, "the detector found no face to test with"
    assert all(v in ("unknown", "ambiguous") for v, _ in found), found


def test_look_alikes_enrolled_as_two_people_are_ambiguous(
    faces_dir: Path, models: FaceModels, thresholds: MatchThresholds
) -> None:
    """Two enrolled people with (near) the same face, as twins or close relatives: hold, ask."""
    [a] = encode_photo(models, faces_dir / TRAIN / "obama" / "obama.jpg")
    [b] = encode_photo(models, faces_dir / TRAIN / "obama" / "obama2.jpg")
    [c] = encode_photo(models, faces_dir / TRAIN / "biden" / "biden2.jpg")
    gallery = Gallery([("twin_1", a), ("twin_2", b), ("biden", c)])
    probe = faces_dir / FR / "knn_examples" / "test" / "obama1.jpg"
    [(verdict, _)] = verdicts(models, gallery, thresholds, probe)
    assert verdict == "ambiguous"


def test_farther_than_accept_but_not_a_stranger_is_ambiguous(
    faces_dir: Path, models: FaceModels, thresholds: MatchThresholds
) -> None:
    """alex-lacamoire.png is 0.52 from his other photo: between accept and reject, so held."""
    [enrolled] = encode_photo(models, faces_dir / FR / "knn_examples/test/alex_lacamoire1.jpg")
    gallery = Gallery([("alex_lacamoire", enrolled)])
    [(verdict, person)] = verdicts(
        models, gallery, thresholds, faces_dir / FR / "alex-lacamoire.png"
    )
    assert (verdict, person) == ("ambiguous", "alex_lacamoire")
