"""Face templates against the enrolled gallery: measure, then decide.

Distances are Euclidean between dlib's 128-d descriptors, as dlib and face_recognition use
them. Two ways to measure, each with its decision:

* raw (`Gallery.match`, `classify`): per face the nearest person (minimum over that person's
  templates) and the nearest *different* person; a look-alike shows up as a small margin.
* calibrated (`Gallery.match_calibrated`, `decide`): a person's templates are fused into one
  weighted mean template (when they agree with each other), and each distance is normalised
  against the probe's cohort, the *other* enrolled people, so that "clearly nearest" is judged
  in units of how spread the probe's impostor distances are, not in raw distance.

The distance thresholds are data (models/faces/identification.toml, calibrated by
notebooks/calibrate_face_thresholds.ipynb); the calibrated rule's own settings are in
models/faces/matching.toml (see models/faces/MODEL_CARD.md).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from kernel.errors import ConfigError
from screening.faces.models import ENCODER_MODEL_ID
from screening.faces.types import Match
from screening.resources import models_dir

Verdict = Literal["identified", "ambiguous", "unknown"]

_NO_MATCH = Match(None, None, None, None)
#: Keeps a consistency weight finite when two templates coincide.
_WEIGHT_FLOOR = 0.05


@dataclass(frozen=True, slots=True)
class CalibrationConfig:
    """The calibrated rule's settings (models/faces/matching.toml; see MODEL_CARD.md)."""

    #: Encode the mirrored face chip too and average the two descriptors (probe and enrolment).
    flip_average: bool = True
    #: Fuse a person's agreeing templates into one weighted mean template.
    fuse_templates: bool = True
    #: A person whose templates lie farther than this from their mean is matched by their
    #: nearest template instead (and `faces calibrate` advises re-enrolment).
    max_template_spread: float = 0.30
    #: Prior for the cohort's distance mean and standard deviation (impostor distances of
    #: the calibration data), and its weight in pseudo-people.
    cohort_prior_mean: float = 0.89
    cohort_prior_sd: float = 0.10
    cohort_prior_weight: float = 10.0
    #: Identified only at this many cohort standard deviations nearer than the cohort mean ...
    min_score: float = 3.5
    #: ... and this many standard deviations clear of the second-nearest person.
    score_margin: float = 1.0
    #: The policy's limit on the estimated false-match rate (per impostor comparison) at the
    #: configured accept distance; `screening faces calibrate` refuses a threshold above it.
    max_false_match_rate: float = 0.001

    def __post_init__(self) -> None:
        numbers = [
            self.max_template_spread,
            self.cohort_prior_mean,
            self.cohort_prior_sd,
            self.cohort_prior_weight,
            self.min_score,
            self.score_margin,
            self.max_false_match_rate,
        ]
        if not all(math.isfinite(v) for v in numbers):
            raise ValueError("calibration settings must be finite numbers")
        if self.cohort_prior_sd <= 0 or self.cohort_prior_weight <= 0:
            raise ValueError("cohort_prior_sd and cohort_prior_weight must be > 0")
        if self.max_template_spread < 0 or self.score_margin < 0:
            raise ValueError("max_template_spread and score_margin must be >= 0")
        if not 0 < self.max_false_match_rate < 1:
            raise ValueError("max_false_match_rate must lie between 0 and 1")


def consistency_weights(templates: np.ndarray) -> np.ndarray:
    """Weights of one person's templates: a template that disagrees with the others counts less.

    With three or more templates, each weighs 1 / (its median distance to the person's other
    templates), floored; one or two templates weigh equally (neither can outvote the other).
    The registry keeps no image quality per template, so agreement stands in for quality.
    """
    count = templates.shape[0]
    if count < 3:
        return np.full(count, 1.0 / max(count, 1))
    t = templates.astype(np.float64)
    distances = np.sqrt(((t[:, None, :] - t[None, :, :]) ** 2).sum(axis=2))
    typical = np.array(
        [np.median(np.delete(distances[i], i)) for i in range(count)], dtype=np.float64
    )
    weights = 1.0 / np.maximum(typical, _WEIGHT_FLOOR)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def person_centroid(templates: np.ndarray) -> tuple[np.ndarray, float]:
    """One person's fused template (weighted mean) and spread (farthest template from it)."""
    t = np.asarray(templates, dtype=np.float64)
    centroid = consistency_weights(t) @ t
    spread = float(np.sqrt(((t - centroid) ** 2).sum(axis=1)).max()) if len(t) else 0.0
    return centroid, spread


def _cohort(
    total: float, total_sq: float, count: int, config: CalibrationConfig
) -> tuple[float, float]:
    """Mean and standard deviation of `count` cohort distances, shrunk towards the prior."""
    weight = config.cohort_prior_weight
    mean = (total + weight * config.cohort_prior_mean) / (count + weight)
    # Sum of squared deviations from the shrunk mean, plus the prior's own variance.
    deviations = max(total_sq - 2.0 * mean * total + count * mean * mean, 0.0)
    variance = (deviations + weight * config.cohort_prior_sd**2) / (count + weight)
    return mean, math.sqrt(variance)


class Gallery:
    """The enrolled templates as one float32 matrix, laid out for per-person minima."""

    def __init__(self, templates: Iterable[tuple[str, np.ndarray]]) -> None:
        by_person: dict[str, list[np.ndarray]] = {}
        dimension: int | None = None
        for person, vector in templates:
            v = np.asarray(vector, dtype=np.float32).reshape(-1)
            if dimension is None:
                dimension = v.shape[0]
            if v.shape[0] != dimension:
                raise ValueError("every template in a gallery must have the same length")
            if not np.isfinite(v).all():
                raise ValueError(f"a template of {person!r} holds a NaN or infinite value")
            by_person.setdefault(person, []).append(v)
        self.dimension = dimension
        # People are grouped by their number of templates c; within a group the columns run
        # slot by slot (every person's first template, then every person's second, ...), so
        # the per-person minimum is an element-wise minimum of c contiguous slices. Measured
        # at 100k templates on one core, that takes 0.05 ms where np.minimum.reduceat over
        # person-sorted columns took 0.8 ms of a 5 ms budget.
        ids: list[str] = []
        columns: list[np.ndarray] = []
        blocks: list[tuple[int, int, int, int]] = []  # (first column, c, people, first person)
        for count in sorted({len(v) for v in by_person.values()}):
            people = sorted(p for p, v in by_person.items() if len(v) == count)
            blocks.append((len(columns), count, len(people), len(ids)))
            columns += [by_person[p][slot] for slot in range(count) for p in people]
            ids += people
        self._person_ids: tuple[str, ...] = tuple(ids)
        self._blocks = tuple(blocks)
        matrix = np.stack(columns) if columns else np.zeros((0, dimension or 0), np.float32)
        # Stored transposed (d x n) and contiguous: the product with a batch of faces streams
        # through memory once, and that read is what bounds the time at 100k templates.
        self._matrix_t = np.ascontiguousarray(matrix.T)
        self._sq_norms = np.einsum("ij,ij->i", matrix, matrix).astype(np.float32)
        # One fused template per person (same order as _person_ids), for calibrated matching.
        fused = [person_centroid(np.stack(by_person[p])) for p in ids]
        width = dimension or 0
        self._centroids = (
            np.stack([c for c, _ in fused]) if fused else np.zeros((0, width), np.float64)
        )
        self._spreads = np.asarray([s for _, s in fused], dtype=np.float64)
        self._template_counts = np.asarray([len(by_person[p]) for p in ids], dtype=np.int64)
        self._centroid_sq = np.einsum("ij,ij->i", self._centroids, self._centroids)

    def __len__(self) -> int:
        """The number of templates."""
        return int(self._sq_norms.shape[0])

    @property
    def person_count(self) -> int:
        """The number of distinct people."""
        return len(self._person_ids)

    def match(self, vectors: np.ndarray) -> list[Match]:
        """The nearest person and the nearest different person for each row of `vectors`."""
        queries = self._checked(vectors)
        n = queries.shape[0]
        if n == 0:
            return []
        if not self._person_ids:
            return [_NO_MATCH] * n
        per_person = self._per_person_squared(queries)
        rows = np.arange(n)
        best = np.argmin(per_person, axis=1)
        if per_person.shape[1] > 1:
            # Two argmins (the winner masked out for the second) are faster than one
            # argpartition over tens of thousands of people.
            per_person[rows, best] = np.inf
            second: list[int | None] = [int(i) for i in np.argmin(per_person, axis=1)]
        else:
            second = [None] * n
        return [self._measured(q, int(b), s) for q, b, s in zip(queries, best, second, strict=True)]

    def _per_person_squared(self, queries: np.ndarray) -> np.ndarray:
        """n x people: squared distance to each person's nearest template, less ||query||²."""
        n = queries.shape[0]
        # ||a-b||² = ||a||² + ||b||² - 2a·b: one matrix product instead of n subtractions.
        # ||a||² is the same for every template of a row, so it can wait until the winners.
        squared = queries @ self._matrix_t
        squared *= -2.0
        squared += self._sq_norms
        per_person = np.empty((n, len(self._person_ids)), dtype=np.float32)
        for first, count, people, offset in self._blocks:
            block = squared[:, first : first + count * people].reshape(n, count, people)
            np.min(block, axis=1, out=per_person[:, offset : offset + people])
        return per_person

    def _checked(self, vectors: np.ndarray) -> np.ndarray:
        queries = np.asarray(vectors, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries.reshape(1, -1)
        if queries.ndim != 2:
            raise ValueError(
                f"expected an n x d array of face templates, got shape {queries.shape}"
            )
        if queries.shape[0] and self._person_ids and queries.shape[1] != self.dimension:
            raise ValueError(
                f"face templates have {queries.shape[1]} values, "
                f"the gallery's have {self.dimension}"
            )
        if not np.isfinite(queries).all():
            raise ValueError("a face template holds a NaN or infinite value")
        return queries

    def _fusable(self, config: CalibrationConfig) -> np.ndarray:
        """Per person: whether their fused template stands for them (else: nearest template)."""
        if not config.fuse_templates:
            return np.zeros(len(self._person_ids), dtype=bool)
        return (self._template_counts >= 2) & (self._spreads <= config.max_template_spread)

    def match_calibrated(self, vectors: np.ndarray, config: CalibrationConfig) -> list[Match]:
        """Like `match`, on fused templates, with cohort-normalised scores for the two nearest.

        A person's distance is to their fused template when they have two or more templates
        that agree (spread within `max_template_spread`), else to their nearest template. The
        cohort of a probe is every enrolled person but the nearest; its mean and standard
        deviation are shrunk towards the configured prior, so a small registry is judged
        mostly by the prior and a large one mostly by itself.
        """
        queries = self._checked(vectors)
        n = queries.shape[0]
        if n == 0:
            return []
        if not self._person_ids:
            return [_NO_MATCH] * n
        q64 = queries.astype(np.float64)
        q_sq = np.einsum("ij,ij->i", q64, q64)
        centroid = q_sq[:, None] + self._centroid_sq[None, :] - 2.0 * (q64 @ self._centroids.T)
        nearest = self._per_person_squared(queries).astype(np.float64) + q_sq[:, None]
        fusable = self._fusable(config)
        fused = np.sqrt(np.maximum(np.where(fusable[None, :], centroid, nearest), 0.0))
        people = fused.shape[1]
        order = np.argsort(fused, axis=1, kind="stable")[:, :2]
        out: list[Match] = []
        for row in range(n):
            best = int(order[row, 0])
            # Re-measured exactly; ties go to the id that sorts first, as in `match`.
            candidates = [(self._fused_distance(q64[row], best, fusable), best)]
            if people > 1:
                second = int(order[row, 1])
                candidates.append((self._fused_distance(q64[row], second, fusable), second))
            candidates.sort(key=lambda c: (c[0], self._person_ids[c[1]]))
            d1, p1 = candidates[0]
            total = float(fused[row].sum()) - float(fused[row, p1]) + d1
            total_sq = float((fused[row] ** 2).sum()) - float(fused[row, p1]) ** 2 + d1**2
            mean, sd = _cohort(total - d1, total_sq - d1 * d1, people - 1, config)
            score = (mean - d1) / sd
            if len(candidates) == 1:
                out.append(Match(self._person_ids[p1], d1, None, None, score, None))
                continue
            d2, p2 = candidates[1]
            out.append(
                Match(self._person_ids[p1], d1, self._person_ids[p2], d2, score, (mean - d2) / sd)
            )
        return out

    def _fused_distance(self, query: np.ndarray, person: int, fusable: np.ndarray) -> float:
        if fusable[person]:
            return float(np.sqrt(((self._centroids[person] - query) ** 2).sum()))
        return self._distance(query, person)

    def _columns(self, person: int) -> list[int]:
        """The matrix columns holding the templates of person number `person`."""
        for first, count, people, offset in self._blocks:
            if offset <= person < offset + people:
                return [first + slot * people + (person - offset) for slot in range(count)]
        raise IndexError(person)

    def _distance(self, query: np.ndarray, person: int) -> float:
        """Exact distance from `query` to the nearest template of one person.

        The expanded formula loses precision to cancellation (a face against its own template
        comes out near 3e-4 instead of 0), so the two winners are re-measured directly, in
        float64: reported distances agree with face_recognition's `face_distance`.
        """
        templates = self._matrix_t[:, self._columns(person)].T.astype(np.float64)
        return float(np.sqrt(((templates - query.astype(np.float64)) ** 2).sum(axis=1).min()))

    def _measured(self, query: np.ndarray, best: int, second: int | None) -> Match:
        if second is None:
            return Match(self._person_ids[best], self._distance(query, best), None, None)
        # Re-measuring can swap two people that the float32 ranking put within ~1e-6; ties
        # go to the person whose id sorts first, so the result does not depend on layout.
        (d1, p1), (d2, p2) = sorted(
            [
                (self._distance(query, best), self._person_ids[best]),
                (self._distance(query, second), self._person_ids[second]),
            ]
        )
        return Match(p1, d1, p2, d2)


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """When a match names a person: calibrated distances (see models/faces/MODEL_CARD.md).

    `reject_distance` None means no face is ever called unknown: everything beyond
    `accept_distance` is ambiguous, which holds the post for a person to confirm.
    """

    accept_distance: float
    ambiguity_margin: float
    reject_distance: float | None = None

    def __post_init__(self) -> None:
        values = [self.accept_distance, self.ambiguity_margin]
        if self.reject_distance is not None:
            values.append(self.reject_distance)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("match thresholds must be finite numbers")
        if self.accept_distance <= 0 or self.ambiguity_margin < 0:
            raise ValueError("accept_distance must be > 0 and ambiguity_margin >= 0")
        if self.reject_distance is not None and self.reject_distance < self.accept_distance:
            raise ValueError("reject_distance must not be smaller than accept_distance")


def classify(match: Match, thresholds: MatchThresholds) -> Verdict:
    """Identified, ambiguous (hold and ask who it is) or unknown (nobody enrolled is near)."""
    distance = match.distance
    if match.person_id is None or distance is None:
        return "unknown"
    margin = match.margin
    # Written so that every comparison must pass for "identified": a NaN fails them all and
    # ends as "ambiguous", a hold, never as a name.
    clear_of_second = match.second_distance is None or (
        margin is not None and margin >= thresholds.ambiguity_margin
    )
    if distance <= thresholds.accept_distance and clear_of_second:
        return "identified"
    if thresholds.reject_distance is not None and distance > thresholds.reject_distance:
        return "unknown"
    return "ambiguous"


def decide(
    match: Match, thresholds: MatchThresholds, calibration: CalibrationConfig | None
) -> Verdict:
    """The verdict of a raw match (`classify`) or of a calibrated one.

    Calibrated: identified only when the distance is within `accept_distance` (the absolute
    cap, unchanged), the cohort score reaches `min_score` and the second person is
    `score_margin` standard deviations behind. Every comparison must pass, so a NaN ends as
    "ambiguous", a hold.
    """
    if calibration is None or match.score is None:
        return classify(match, thresholds)
    distance = match.distance
    if match.person_id is None or distance is None:
        return "unknown"
    score_margin = match.score_margin
    clear_of_second = match.second_distance is None or (
        score_margin is not None and score_margin >= calibration.score_margin
    )
    if (
        distance <= thresholds.accept_distance
        and match.score >= calibration.min_score
        and clear_of_second
    ):
        return "identified"
    if thresholds.reject_distance is not None and distance > thresholds.reject_distance:
        return "unknown"
    return "ambiguous"


def default_thresholds_path() -> Path:
    """Where the calibrated identification thresholds live: models/faces/identification.toml."""
    return models_dir() / "faces" / "identification.toml"


def _number(table: Mapping[str, Any], key: str, path: Path, section: str = "thresholds") -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"{path}: [{section}] {key} must be a number",
            f"{path}: [{section}] {key} moet een getal zijn",
        )
    return float(value)


def load_match_thresholds(path: Path | None = None) -> MatchThresholds:
    """Read the calibrated thresholds; refuse a file calibrated for another face model."""
    path = path or default_thresholds_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"the identification thresholds cannot be read from {path}: {exc}",
            f"de drempels voor gezichtsherkenning zijn niet te lezen uit {path}: {exc}",
        ) from None
    model = data.get("model_id")
    if model != ENCODER_MODEL_ID:
        # Distances of another encoder mean something else entirely.
        raise ConfigError(
            f"{path} was calibrated for model {model!r}, not {ENCODER_MODEL_ID!r}",
            f"{path} is gekalibreerd voor model {model!r}, niet voor {ENCODER_MODEL_ID!r}",
        )
    table = data.get("thresholds")
    if not isinstance(table, dict):
        raise ConfigError(
            f"{path} has no [thresholds] table", f"{path} heeft geen tabel [thresholds]"
        )
    reject = _number(table, "reject_distance", path) if "reject_distance" in table else None
    try:
        return MatchThresholds(
            accept_distance=_number(table, "accept_distance", path),
            ambiguity_margin=_number(table, "ambiguity_margin", path),
            reject_distance=reject,
        )
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}", f"{path}: ongeldige drempels ({exc})") from None


def default_calibration_path() -> Path:
    """Where the calibrated rule's settings live: models/faces/matching.toml."""
    return models_dir() / "faces" / "matching.toml"


def load_calibration_config(path: Path | None = None) -> CalibrationConfig | None:
    """The calibrated rule's settings; None when the file says `mode = "raw"`."""
    path = path or default_calibration_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"the face matching settings cannot be read from {path}: {exc}",
            f"de instellingen voor gezichtsherkenning zijn niet te lezen uit {path}: {exc}",
        ) from None
    if data.get("model_id") != ENCODER_MODEL_ID:
        raise ConfigError(
            f"{path} was calibrated for model {data.get('model_id')!r}, not {ENCODER_MODEL_ID!r}",
            f"{path} is gekalibreerd voor model {data.get('model_id')!r}, "
            f"niet voor {ENCODER_MODEL_ID!r}",
        )
    table = data.get("matching")
    if not isinstance(table, dict):
        raise ConfigError(f"{path} has no [matching] table", f"{path} heeft geen tabel [matching]")
    mode = table.get("mode")
    if mode == "raw":
        return None
    if mode != "calibrated":
        raise ConfigError(
            f'{path}: [matching] mode must be "calibrated" or "raw"',
            f'{path}: [matching] mode moet "calibrated" of "raw" zijn',
        )
    values: dict[str, Any] = {}
    for name, kind in (("flip_average", bool), ("fuse_templates", bool)):
        if name in table:
            if not isinstance(table[name], bool):
                raise ConfigError(
                    f"{path}: [matching] {name} must be true or false",
                    f"{path}: [matching] {name} moet true of false zijn",
                )
            values[name] = kind(table[name])
    for name in (
        "max_template_spread",
        "cohort_prior_mean",
        "cohort_prior_sd",
        "cohort_prior_weight",
        "min_score",
        "score_margin",
        "max_false_match_rate",
    ):
        if name in table:
            values[name] = _number(table, name, path, "matching")
    unknown = set(table) - set(values) - {"mode"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown [matching] settings: {', '.join(sorted(unknown))}",
            f"{path}: onbekende instellingen in [matching]: {', '.join(sorted(unknown))}",
        )
    try:
        return CalibrationConfig(**values)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}", f"{path}: ongeldige instellingen ({exc})") from None
