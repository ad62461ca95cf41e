"""What the face stages hand each other: detected faces, recognizability, matches."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.types import Box

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class DetectedFace:
    """One face found in a frame.

    `box` is in the coordinates of the full-size oriented photo (the convention everywhere
    downstream); `frame_box` in those of the (possibly reduced) frame it was found in, so
    later stages can crop the frame without recomputing. `landmarks5` are dlib's five points
    (eye corners and nose) in frame coordinates, when the detector stage computed them.
    """

    box: Box
    frame_box: Box
    frame_index: int
    score: float
    detector: str
    landmarks5: tuple[Point, ...] = ()


@dataclass(frozen=True, slots=True)
class Recognizability:
    """Whether a person could be recognized from this face, and the measurements behind it."""

    recognizable: bool
    face_px: int
    sharpness: float
    yaw_degrees: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """The nearest enrolled people for one face: measured, not yet decided.

    `score` and `second_score` are set by calibrated matching (`Gallery.match_calibrated`):
    how many cohort standard deviations each person is nearer than the probe's other
    enrolled people (higher is more clearly that person). Raw matching leaves them None.
    """

    person_id: str | None
    distance: float | None
    second_person_id: str | None
    second_distance: float | None
    score: float | None = None
    second_score: float | None = None

    @property
    def margin(self) -> float | None:
        """How much nearer the best person is than the second-best person."""
        if self.distance is None or self.second_distance is None:
            return None
        return self.second_distance - self.distance

    @property
    def score_margin(self) -> float | None:
        """How much higher the best person's calibrated score is than the second's."""
        if self.score is None or self.second_score is None:
            return None
        return self.score - self.second_score
