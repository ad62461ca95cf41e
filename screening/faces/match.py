"""Face templates against the enrolled gallery: measure (`Gallery.match`), then decide (`classify`).

Distances are Euclidean between dlib's 128-d descriptors, as dlib and face_recognition use
them. Per face the gallery reports the nearest person (minimum over that person's templates)
and the nearest *different* person, so a look-alike or a relative shows up as a small margin.
The thresholds are data (models/faces/identification.toml), calibrated by
notebooks/calibrate_face_thresholds.ipynb.
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

    def __len__(self) -> int:
        """The number of templates."""
        return int(self._sq_norms.shape[0])

    @property
    def person_count(self) -> int:
        """The number of distinct people."""
        return len(self._person_ids)

    def match(self, vectors: np.ndarray) -> list[Match]:
        """The nearest person and the nearest different person for each row of `vectors`."""
        queries = np.asarray(vectors, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries.reshape(1, -1)
        if queries.ndim != 2:
            raise ValueError(
                f"expected an n x d array of face templates, got shape {queries.shape}"
            )
        n = queries.shape[0]
        if n == 0:
            return []
        if not self._person_ids:
            return [_NO_MATCH] * n
        if queries.shape[1] != self.dimension:
            raise ValueError(
                f"face templates have {queries.shape[1]} values, "
                f"the gallery's have {self.dimension}"
            )
        if not np.isfinite(queries).all():
            raise ValueError("a face template holds a NaN or infinite value")
        # ||a-b||² = ||a||² + ||b||² - 2a·b: one matrix product instead of n subtractions.
        # ||a||² is the same for every template of a row, so it can wait until the winners.
        squared = queries @ self._matrix_t
        squared *= -2.0
        squared += self._sq_norms
        per_person = np.empty((n, len(self._person_ids)), dtype=np.float32)
        for first, count, people, offset in self._blocks:
            block = squared[:, first : first + count * people].reshape(n, count, people)
            np.min(block, axis=1, out=per_person[:, offset : offset + people])
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


def default_thresholds_path() -> Path:
    """Where the calibrated identification thresholds live: models/faces/identification.toml."""
    return models_dir() / "faces" / "identification.toml"


def _number(table: Mapping[str, Any], key: str, path: Path) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"{path}: [thresholds] {key} must be a number",
            f"{path}: [thresholds] {key} moet een getal zijn",
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
