"""Encoding and matching: the gallery on synthetic vectors, `classify` as a table, the encoder.

Nothing here needs ../shared: the gallery gets made-up vectors and the encoder a made-up image
(its vectors mean nothing there; shape, order, batching and determinism are what is checked).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kernel.errors import ConfigError
from kernel.types import Box
from screening.faces.encode import DESCRIPTOR_SIZE, encode_faces, face_chips
from screening.faces.match import (
    Gallery,
    MatchThresholds,
    Verdict,
    classify,
    default_thresholds_path,
    load_match_thresholds,
)
from screening.faces.models import ENCODER_MODEL_ID, FaceModels
from screening.faces.types import DetectedFace, Match
from screening.images.intake import DecodedImage
from screening.images.metadata import ImageMetadata

NAN = math.nan


def unit(*values: float, size: int = 4) -> np.ndarray:
    """A vector with the given leading values and zeros after them."""
    v = np.zeros(size, dtype=np.float32)
    v[: len(values)] = values
    return v


# --- Gallery -----------------------------------------------------------------------------------


def test_nearest_person_is_the_minimum_over_their_templates() -> None:
    gallery = Gallery(
        [
            ("anna", unit(0.5)),
            ("anna", unit(0.2)),  # her nearer template decides
            ("bram", unit(-0.3)),
        ]
    )
    [m] = gallery.match(unit(0.0)[None, :])
    assert m.person_id == "anna" and m.distance == pytest.approx(0.2)
    assert m.second_person_id == "bram" and m.second_distance == pytest.approx(0.3)
    assert m.margin == pytest.approx(0.1)


def test_second_is_a_different_person_even_when_the_first_has_nearer_templates() -> None:
    gallery = Gallery(
        [("anna", unit(0.1)), ("anna", unit(0.15)), ("anna", unit(0.2)), ("bram", unit(0.9))]
    )
    [m] = gallery.match(unit(0.0))
    assert (m.person_id, m.second_person_id) == ("anna", "bram")
    assert m.second_distance == pytest.approx(0.9)


def test_tie_between_two_people_has_zero_margin_and_is_ambiguous() -> None:
    gallery = Gallery([("bram", unit(0.0, 0.3)), ("anna", unit(0.0, -0.3))])
    [m] = gallery.match(unit(0.0))
    assert m.distance == m.second_distance == pytest.approx(0.3)
    assert m.margin == 0.0
    assert {m.person_id, m.second_person_id} == {"anna", "bram"}
    assert m.person_id == "anna"  # ties go to the id that sorts first
    assert classify(m, MatchThresholds(0.5, 0.1, 0.7)) == "ambiguous"


def test_empty_gallery_matches_nobody() -> None:
    gallery = Gallery([])
    assert len(gallery) == 0 and gallery.person_count == 0
    assert gallery.match(np.zeros((2, 128), np.float32)) == [Match(None, None, None, None)] * 2
    assert classify(Match(None, None, None, None), MatchThresholds(0.5, 0.1, 0.7)) == "unknown"


def test_one_template_has_no_second_person() -> None:
    gallery = Gallery([("anna", unit(0.3))])
    [m] = gallery.match(unit(0.0))
    assert (m.person_id, m.second_person_id, m.second_distance) == ("anna", None, None)
    assert m.distance == pytest.approx(0.3) and m.margin is None
    assert classify(m, MatchThresholds(0.5, 0.1, 0.7)) == "identified"


def test_one_person_with_several_templates_has_no_second_person() -> None:
    [m] = Gallery([("anna", unit(0.3)), ("anna", unit(0.4))]).match(unit(0.0))
    assert (m.person_id, m.second_person_id, m.second_distance) == ("anna", None, None)


def test_no_faces_no_matches() -> None:
    assert Gallery([("anna", unit(0.3))]).match(np.zeros((0, 4), np.float32)) == []


def test_a_face_against_its_own_template_is_at_distance_zero() -> None:
    # The expanded formula alone would give ~3e-4 here; the winners are re-measured exactly.
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, 128)).astype(np.float32) * 0.1
    gallery = Gallery((f"p{i}", v) for i, v in enumerate(vectors))
    matches = gallery.match(vectors[:5])
    assert [m.person_id for m in matches] == [f"p{i}" for i in range(5)]
    assert all(m.distance == 0.0 for m in matches)


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_brute_force(seed: int) -> None:
    """Against a plain float64 loop, with people of 1 to 6 templates, in a shuffled order."""
    rng = np.random.default_rng(seed)
    people = [f"p{i:03d}" for i in range(60)]
    counts = rng.integers(1, 7, size=len(people))
    pairs = [
        (p, rng.normal(size=128).astype(np.float32) * 0.06)
        for p, c in zip(people, counts, strict=True)
        for _ in range(c)
    ]
    order = rng.permutation(len(pairs))
    gallery = Gallery(pairs[i] for i in order)
    assert len(gallery) == len(pairs) and gallery.person_count == len(people)
    queries = rng.normal(size=(7, 128)).astype(np.float32) * 0.06
    for q, m in zip(queries, gallery.match(queries), strict=True):
        best: dict[str, float] = {}
        for person, v in pairs:
            d = float(np.linalg.norm(q.astype(np.float64) - v.astype(np.float64)))
            best[person] = min(d, best.get(person, math.inf))
        ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))
        assert (m.person_id, m.second_person_id) == (ranked[0][0], ranked[1][0])
        assert m.distance == pytest.approx(ranked[0][1], abs=1e-9)
        assert m.second_distance == pytest.approx(ranked[1][1], abs=1e-9)


def test_accepts_a_single_vector() -> None:
    [m] = Gallery([("anna", unit(0.3))]).match(unit(0.0))
    assert m.person_id == "anna"


@pytest.mark.parametrize(
    ("templates", "query", "message"),
    [
        ([("anna", unit(0.3)), ("bram", unit(0.3, size=5))], None, "same length"),
        ([("anna", unit(NAN))], None, "NaN"),
        ([("anna", unit(0.3))], np.zeros((1, 5), np.float32), "values"),
        ([("anna", unit(0.3))], np.full((1, 4), np.nan, np.float32), "NaN"),
        ([("anna", unit(0.3))], np.zeros((1, 1, 4), np.float32), "n x d"),
    ],
)
def test_malformed_input_is_refused(
    templates: list[tuple[str, np.ndarray]], query: np.ndarray | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Gallery(templates).match(query if query is not None else unit(0.0))


# --- classify ----------------------------------------------------------------------------------

# Binary-exact values, so the boundaries are tested exactly.
T = MatchThresholds(accept_distance=0.5, ambiguity_margin=0.125, reject_distance=0.75)

CLASSIFY_TABLE: list[tuple[str, Match, MatchThresholds, Verdict]] = [
    ("nobody enrolled", Match(None, None, None, None), T, "unknown"),
    ("near, no second person", Match("a", 0.25, None, None), T, "identified"),
    ("at accept, no second", Match("a", 0.5, None, None), T, "identified"),
    ("just past accept", Match("a", 0.5001, None, None), T, "ambiguous"),
    ("between accept and reject", Match("a", 0.625, "b", 0.9), T, "ambiguous"),
    ("at reject", Match("a", 0.75, None, None), T, "ambiguous"),
    ("beyond reject", Match("a", 0.7501, None, None), T, "unknown"),
    ("beyond reject, second too", Match("a", 0.8, "b", 0.85), T, "unknown"),
    ("clear of the second", Match("a", 0.25, "b", 0.5), T, "identified"),
    ("margin exactly at threshold", Match("a", 0.25, "b", 0.375), T, "identified"),
    ("second within the margin", Match("a", 0.25, "b", 0.3125), T, "ambiguous"),
    ("tie", Match("a", 0.25, "b", 0.25), T, "ambiguous"),
    ("NaN distance holds", Match("a", NAN, None, None), T, "ambiguous"),
    ("NaN second distance holds", Match("a", 0.25, "b", NAN), T, "ambiguous"),
    ("distance without a person", Match(None, 0.25, None, None), T, "unknown"),
    (
        "no reject: far is ambiguous",
        Match("a", 5.0, None, None),
        MatchThresholds(0.5, 0.125),
        "ambiguous",
    ),
]


@pytest.mark.parametrize(
    ("match", "thresholds", "expected"),
    [row[1:] for row in CLASSIFY_TABLE],
    ids=[row[0] for row in CLASSIFY_TABLE],
)
def test_classify(match: Match, thresholds: MatchThresholds, expected: Verdict) -> None:
    assert classify(match, thresholds) == expected


@pytest.mark.parametrize(
    ("accept", "margin", "reject"),
    [(0.0, 0.1, 0.7), (0.5, -0.1, 0.7), (0.5, 0.1, 0.4), (NAN, 0.1, 0.7), (0.5, 0.1, math.inf)],
)
def test_thresholds_validate(accept: float, margin: float, reject: float) -> None:
    with pytest.raises(ValueError):
        MatchThresholds(accept, margin, reject)


# --- the thresholds file -----------------------------------------------------------------------


def test_committed_thresholds_load_and_are_ordered() -> None:
    t = load_match_thresholds()
    assert default_thresholds_path().is_file()
    assert t.reject_distance is not None
    assert 0 < t.accept_distance < t.reject_distance
    # dlib's own tolerance is 0.6; ours is stricter because children are not in the data.
    assert t.accept_distance < 0.6 and t.ambiguity_margin > 0


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "identification.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_thresholds_file_without_reject(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'model_id = "{ENCODER_MODEL_ID}"\n[thresholds]\naccept_distance = 0.4\n'
        "ambiguity_margin = 0.1\n",
    )
    assert load_match_thresholds(path) == MatchThresholds(0.4, 0.1, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'model_id = "other_model"\n[thresholds]\naccept_distance = 0.4\n'
            "ambiguity_margin = 0.1\n",
            "calibrated for model",
        ),
        (f'model_id = "{ENCODER_MODEL_ID}"\n', "no \\[thresholds\\]"),
        (
            f'model_id = "{ENCODER_MODEL_ID}"\n[thresholds]\naccept_distance = "0.4"\n'
            "ambiguity_margin = 0.1\n",
            "must be a number",
        ),
        (
            f'model_id = "{ENCODER_MODEL_ID}"\n[thresholds]\naccept_distance = 0.8\n'
            "ambiguity_margin = 0.1\nreject_distance = 0.7\n",
            "reject_distance",
        ),
        ("model_id = [", "cannot be read"),
    ],
)
def test_bad_thresholds_file_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_match_thresholds(write(tmp_path, text))


def test_missing_thresholds_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_match_thresholds(tmp_path / "absent.toml")


# --- encode_faces ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def models(face_models: FaceModels) -> FaceModels:
    """dlib's models, loaded once per worker (tests/conftest.py)."""
    return face_models


def synthetic_image(frames: int = 1) -> DecodedImage:
    rng = np.random.default_rng(7)
    pictures = tuple(
        Image.fromarray(rng.integers(0, 256, size=(240, 320, 3), dtype=np.uint8), "RGB")
        for _ in range(frames)
    )
    return DecodedImage(pictures, "PNG", (640, 480), 0.5, ImageMetadata(gps=False, fields=()))


def face(left: int, top: int, size: int = 100, frame: int = 0) -> DetectedFace:
    box = Box(left, top, left + size, top + size)
    full = Box(left * 2, top * 2, (left + size) * 2, (top + size) * 2)
    return DetectedFace(full, box, frame, 1.0, "test")


def test_encode_no_faces(models: FaceModels) -> None:
    vectors = encode_faces(models, synthetic_image(), [])
    assert vectors.shape == (0, DESCRIPTOR_SIZE) and vectors.dtype == np.float32


def test_encode_is_batched_in_order_and_deterministic(models: FaceModels) -> None:
    import dlib

    image = synthetic_image(frames=2)
    faces = [face(10, 10), face(150, 100, frame=1), face(200, 20, size=80)]
    vectors = encode_faces(models, image, faces)
    assert vectors.shape == (3, DESCRIPTOR_SIZE) and vectors.dtype == np.float32
    assert np.array_equal(vectors, encode_faces(models, image, faces))
    # Each row equals dlib's own one-face call on that face's frame, as face_recognition does it.
    for f, v in zip(faces, vectors, strict=True):
        frame = np.asarray(image.frames[f.frame_index])
        b = f.frame_box
        rect = dlib.rectangle(b.left, b.top, b.right - 1, b.bottom - 1)
        single = models.encoder.compute_face_descriptor(frame, models.landmarks5(frame, rect), 1)
        assert np.allclose(v, np.asarray(single), atol=1e-5)


def test_given_landmarks_are_used_instead_of_predicted(models: FaceModels) -> None:
    image = synthetic_image()
    plain = face(10, 10)
    [chip] = face_chips(models, image, [plain])
    assert chip.shape == (150, 150, 3)
    # A face whose landmarks put the eyes elsewhere gives a different chip and vector.
    moved = DetectedFace(
        plain.box,
        plain.frame_box,
        0,
        1.0,
        "test",
        ((90.0, 40.0), (70.0, 40.0), (30.0, 40.0), (50.0, 40.0), (60.0, 80.0)),
    )
    a, b = encode_faces(models, image, [plain, moved])
    assert not np.allclose(a, b)


def test_encode_refuses_bad_input(models: FaceModels) -> None:
    with pytest.raises(ValueError, match="frame 3"):
        encode_faces(models, synthetic_image(), [face(10, 10, frame=3)])
    with pytest.raises(ValueError, match="num_jitters"):
        encode_faces(models, synthetic_image(), [face(10, 10)], num_jitters=0)


def test_jitter_is_configurable(models: FaceModels) -> None:
    image = synthetic_image()
    once = encode_faces(models, image, [face(10, 10)])
    jittered = encode_faces(models, image, [face(10, 10)], num_jitters=3)
    assert jittered.shape == once.shape and not np.array_equal(once, jittered)
