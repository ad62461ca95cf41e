"""Calibrated matching and registry calibration on synthetic 128-d encodings (no ../shared).

People are random points on a sphere of radius ~1.44 (the norm of dlib's descriptors); a
person's photos scatter around their point by ~0.2, strangers are other random points, and a
look-alike is a point at 0.3 from an enrolled person.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from screening.faces.calibration import calibrate_registry, normal_tail, pair_distances
from screening.faces.match import (
    CalibrationConfig,
    Gallery,
    MatchThresholds,
    consistency_weights,
    decide,
    default_calibration_path,
    load_calibration_config,
    person_centroid,
)
from screening.faces.types import Match

DIM = 128
THRESHOLDS = MatchThresholds(0.45, 0.15, 0.70)
CONFIG = CalibrationConfig()


def point(rng: np.random.Generator, radius: float = 1.44) -> np.ndarray:
    v = rng.normal(size=DIM)
    return radius * v / np.linalg.norm(v)


def near(rng: np.random.Generator, centre: np.ndarray, distance: float) -> np.ndarray:
    step = rng.normal(size=DIM)
    return (centre + distance * step / np.linalg.norm(step)).astype(np.float32)


@pytest.fixture
def school() -> tuple[dict[str, np.ndarray], list[tuple[str, np.ndarray]]]:
    rng = np.random.default_rng(17)
    centres = {f"p{i:02d}": point(rng) for i in range(30)}
    templates = [(p, near(rng, c, 0.2)) for p, c in centres.items() for _ in range(2)]
    return centres, templates


def test_consistency_weights_down_weight_the_odd_template_out() -> None:
    base = np.zeros((4, DIM))
    base[3, 0] = 1.0  # three agree, one is far away
    weights = consistency_weights(base)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[3] < weights[0] == pytest.approx(weights[1])
    assert consistency_weights(base[:2]).tolist() == [0.5, 0.5]


def test_centroid_and_spread() -> None:
    t = np.zeros((2, DIM))
    t[1, 0] = 0.4
    centroid, spread = person_centroid(t)
    assert centroid[0] == pytest.approx(0.2) and spread == pytest.approx(0.2)


def test_genuine_probe_is_identified_and_scores_are_cohort_normalised(school) -> None:  # type: ignore[no-untyped-def]
    centres, templates = school
    rng = np.random.default_rng(1)
    gallery = Gallery(templates)
    [m] = gallery.match_calibrated(near(rng, centres["p03"], 0.2), CONFIG)
    assert m.person_id == "p03"
    assert m.score is not None and m.second_score is not None
    assert m.score > CONFIG.min_score and m.score_margin is not None and m.score_margin > 1
    assert decide(m, THRESHOLDS, CONFIG) == "identified"


def test_fused_template_is_nearer_than_either_template_for_a_genuine_probe(school) -> None:  # type: ignore[no-untyped-def]
    centres, templates = school
    rng = np.random.default_rng(2)
    gallery = Gallery(templates)
    probe = near(rng, centres["p05"], 0.2)
    [raw] = gallery.match(probe)
    [fused] = gallery.match_calibrated(probe, CONFIG)
    assert raw.distance is not None and fused.distance is not None
    assert fused.distance < raw.distance


def test_strangers_are_never_identified(school) -> None:  # type: ignore[no-untyped-def]
    _, templates = school
    rng = np.random.default_rng(3)
    gallery = Gallery(templates)
    strangers = np.stack([point(rng) for _ in range(200)]).astype(np.float32)
    verdicts = {decide(m, THRESHOLDS, CONFIG) for m in gallery.match_calibrated(strangers, CONFIG)}
    assert verdicts == {"unknown"}


def test_unenrolled_look_alike_is_held_not_named(school) -> None:  # type: ignore[no-untyped-def]
    centres, templates = school
    rng = np.random.default_rng(4)
    gallery = Gallery(templates)
    twin = point(rng)
    twin = centres["p07"] + 0.55 * (twin - centres["p07"]) / np.linalg.norm(twin - centres["p07"])
    [m] = gallery.match_calibrated(near(rng, twin, 0.15), CONFIG)
    assert m.distance is not None and m.distance > THRESHOLDS.accept_distance
    assert decide(m, THRESHOLDS, CONFIG) != "identified"


def test_two_enrolled_look_alikes_are_ambiguous(school) -> None:  # type: ignore[no-untyped-def]
    centres, templates = school
    rng = np.random.default_rng(5)
    sibling = [("sibling", near(rng, centres["p09"], 0.1)) for _ in range(2)]
    gallery = Gallery([*templates, *sibling])
    [m] = gallery.match_calibrated(near(rng, centres["p09"], 0.15), CONFIG)
    assert {m.person_id, m.second_person_id} == {"p09", "sibling"}
    assert decide(m, THRESHOLDS, CONFIG) == "ambiguous"


def test_disagreeing_templates_fall_back_to_the_nearest_template() -> None:
    rng = np.random.default_rng(7)
    a, b = point(rng), point(rng)
    gallery = Gallery([("x", a.astype(np.float32)), ("x", b.astype(np.float32))])
    [m] = gallery.match_calibrated(a.astype(np.float32), CONFIG)
    assert m.distance == pytest.approx(0.0, abs=1e-5)  # not the far-off mean of a and b


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        (Match(None, None, None, None, None, None), "unknown"),
        (Match("a", 0.30, "b", 0.80, 6.0, 1.0), "identified"),
        (Match("a", 0.30, "b", 0.80, 6.0, 5.5), "ambiguous"),  # second too close in score
        (Match("a", 0.30, "b", 0.80, 3.0, 0.0), "ambiguous"),  # not clear of the cohort
        (Match("a", 0.50, "b", 0.90, 6.0, 1.0), "ambiguous"),  # beyond the absolute cap
        (Match("a", 0.75, "b", 0.90, 1.0, 0.0), "unknown"),
        (Match("a", 0.30, None, None, 6.0, None), "identified"),
        (Match("a", 0.30, "b", 0.80, math.nan, 1.0), "ambiguous"),
        (Match("a", 0.30, "b", 0.80, 6.0, math.nan), "ambiguous"),
    ],
)
def test_decide_table(match: Match, expected: str) -> None:
    assert decide(match, THRESHOLDS, CONFIG) == expected


def test_decide_without_calibration_is_the_raw_rule() -> None:
    assert decide(Match("a", 0.30, "b", 0.40), THRESHOLDS, None) == "ambiguous"
    assert decide(Match("a", 0.30, "b", 0.50), THRESHOLDS, None) == "identified"


def test_committed_settings_load() -> None:
    config = load_calibration_config(default_calibration_path())
    assert config is not None and config.flip_average and config.min_score > 0


def test_normal_tail() -> None:
    assert normal_tail(0.89, 0.89, 0.1) == pytest.approx(0.5)
    assert normal_tail(0.45, 0.89, 0.1) == pytest.approx(5.4e-6, rel=0.05)


def test_pairs_and_rates(school) -> None:  # type: ignore[no-untyped-def]
    _, templates = school
    genuine, impostor = pair_distances(templates)
    assert genuine.size == 30 and impostor.size == 60 * 59 // 2 - 30
    result = calibrate_registry(templates, THRESHOLDS, CONFIG, CONFIG)
    assert result.at_threshold.false_match_rate == 0.0
    assert result.estimated_fmr < CONFIG.max_false_match_rate and not result.refused
    assert result.loo_wrong == 0 and result.stranger_named == 0
    assert result.loo_identified == result.loo_probes == 60


def test_a_loose_threshold_is_refused(school) -> None:  # type: ignore[no-untyped-def]
    _, templates = school
    result = calibrate_registry(
        templates, THRESHOLDS, CONFIG, CONFIG, threshold=2.1
    )  # impostors sit at ~2.04 here
    assert result.refused and result.estimated_fmr > CONFIG.max_false_match_rate


def test_advice_names_single_and_disagreeing_templates(school) -> None:  # type: ignore[no-untyped-def]
    _centres, templates = school
    rng = np.random.default_rng(8)
    extra = [("solo", point(rng).astype(np.float32))]
    extra += [("mixed", point(rng).astype(np.float32)), ("mixed", point(rng).astype(np.float32))]
    result = calibrate_registry([*templates, *extra], THRESHOLDS, CONFIG, CONFIG)
    advice = {a.person_id: a.reasons for a in result.advice}
    assert "single_template" in advice["solo"]
    assert "templates_disagree" in advice["mixed"]
    assert "p00" not in advice
