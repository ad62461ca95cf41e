"""Face identification measured on a labelled photo folder, the way the pipeline decides.

Protocol (docs/evaluation.md, "Faces"): photos come from the folder's MANIFEST.tsv; byte-
identical duplicates and renditions of another photo (letterboxed, resized, re-saved copies)
are left out. An identity with two or more single-face photos is *enrollable*: its first
`enrol` photos (path order, at most all but one) are enrolled, the rest are probes. Rounds: one
with every enrollable identity enrolled, then one per enrollable identity in which that
identity is left out, so that all its photos are strangers and its nearest enrolled person is
its look-alike. In every round the identities with one photo, the unnamed faces of group photos
and the collage of look-alikes are strangers too. A face named as someone who is not in the
photo, or named twice in one photo, is an *unsafe publish*; an enrolled person's probe photo in
which they are named is *published*.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kernel.settings import Settings
from screening.faces.detect import DetectionConfig, detect_faces
from screening.faces.encode import encode_faces
from screening.faces.match import CalibrationConfig, Gallery, MatchThresholds, decide
from screening.faces.models import FaceModels
from screening.faces.quality import RecognizabilityConfig, assess, identification_limits
from screening.faces.types import Match
from screening.images.intake import decode_image

#: Renditions of another photo in ../shared/data/faces (as in the calibration notebook): as
#: probes they would only measure the encoder's noise on one photo.
RENDITIONS = frozenset(
    {
        "faces/face_recognition/examples/obama-1080p.jpg",
        "faces/face_recognition/examples/obama-720p.jpg",
        "faces/face_recognition/examples/obama-480p.jpg",
        "faces/face_recognition/examples/obama-240p.jpg",
        "faces/face_recognition/examples/obama_small.jpg",
        "faces/face_recognition/tests/test_images/obama_partial_face.jpg",
        "faces/face_recognition/tests/test_images/obama_partial_face2.jpg",
        "faces/face_recognition/tests/test_images/32bit.png",
        "faces/dlib/examples/johns/John_Salley/000192_02159531.jpg",
        "faces/dlib/examples/johns/John_Shimkus/000376_02340068.jpg",
        "faces/dlib/examples/johns/John_Simm/000304_00470122.jpg",
    }
)


@dataclass(frozen=True, slots=True)
class EvalPhoto:
    """One photo of the protocol: its manifest path and the identities shown in it."""

    path: str
    identities: tuple[str, ...]
    expected_faces: int

    @property
    def subset(self) -> str:
        """The source collection, for per-set figures (face_recognition, dlib johns, ...)."""
        parts = self.path.split("/")
        if "johns" in parts:
            return "dlib/johns"
        if not self.identities or self.expected_faces > len(self.identities):
            return "strangers+groups"
        return parts[1] if len(parts) > 1 else parts[0]


def load_photos(faces_dir: Path) -> list[EvalPhoto]:
    """The protocol's photos from `faces_dir`/MANIFEST.tsv (no duplicates, renditions, no-face)."""
    with (faces_dir / "MANIFEST.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    photos = []
    for row in rows:
        if row["duplicate_of"] or row["path"] in RENDITIONS or row["n_faces_expected"] == "0":
            continue
        identities = tuple(i for i in row["identity"].split(";") if i)
        photos.append(EvalPhoto(row["path"], identities, int(row["n_faces_expected"])))
    return sorted(photos, key=lambda p: p.path)


def encode_photos(
    faces_dir: Path,
    photos: Sequence[EvalPhoto],
    models: FaceModels,
    detection: DetectionConfig,
    recognizability: RecognizabilityConfig,
    settings: Settings,
    flip_average: bool,
) -> dict[str, np.ndarray]:
    """Per photo the templates (n x 128) of its recognizable faces, as the pipeline makes them."""
    out: dict[str, np.ndarray] = {}
    for photo in photos:
        image = decode_image(
            (faces_dir.parent / photo.path).read_bytes(),
            max_bytes=settings.max_image_bytes,
            max_pixels=settings.max_image_pixels,
            max_side=settings.detection_max_side,
        )
        faces = detect_faces(models, image, detection)
        qualities = [assess(models, image, f, recognizability) for f in faces]
        # As the detector does it: only identifiable faces are encoded and matched; a
        # recognizable face too small or turned to identify is held, here a row of NaN.
        good = [
            f
            for f, q in zip(faces, qualities, strict=True)
            if q.recognizable and not identification_limits(f, q, recognizability)
        ]
        held = sum(
            bool(identification_limits(f, q, recognizability))
            for f, q in zip(faces, qualities, strict=True)
        )
        vectors = encode_faces(models, image, good, flip_average=flip_average)
        if held:
            nan = np.full((held, vectors.shape[1]), np.nan, dtype=vectors.dtype)
            vectors = np.concatenate([vectors, nan])
        out[photo.path] = vectors
    return out


def _identifiable(vectors: np.ndarray) -> np.ndarray:
    """The rows of faces that were encoded (NaN rows: held as too small or turned)."""
    return vectors[np.isfinite(vectors).all(axis=1)] if len(vectors) else vectors


@dataclass
class SetFigures:
    """Counts for one collection of photos over all rounds."""

    enrolled_probes: int = 0
    published: int = 0
    held: Counter[str] = field(default_factory=Counter)
    stranger_faces: int = 0
    unsafe: int = 0

    def to_dict(self) -> dict[str, object]:
        """Plain values, for --json."""
        return {
            "enrolled_probes": self.enrolled_probes,
            "published": self.published,
            "held": dict(self.held),
            "stranger_faces": self.stranger_faces,
            "unsafe": self.unsafe,
        }


@dataclass
class FaceEvalReport:
    """What `evaluate` measured: per collection, in total, and every unsafe publish."""

    enrol: int
    mode: str
    rounds: int
    enrolled_people: int
    sets: dict[str, SetFigures]
    unsafe_cases: list[str]
    held_cases: list[str]
    lookalikes: list[tuple[str, str, float]]

    def total(self) -> SetFigures:
        """All collections together."""
        out = SetFigures()
        for s in self.sets.values():
            out.enrolled_probes += s.enrolled_probes
            out.published += s.published
            out.held.update(s.held)
            out.stranger_faces += s.stranger_faces
            out.unsafe += s.unsafe
        return out

    def to_dict(self) -> dict[str, object]:
        """Plain values, for --json."""
        total = self.total()
        return {
            "protocol": {"enrol": self.enrol, "mode": self.mode, "rounds": self.rounds},
            "enrolled_people": self.enrolled_people,
            "total": total.to_dict(),
            "published_rate": rate(total.published, total.enrolled_probes),
            "sets": {k: v.to_dict() for k, v in self.sets.items()},
            "unsafe_cases": self.unsafe_cases,
            "held_cases": self.held_cases,
            "lookalikes": [
                {"left_out": a, "nearest": b, "distance": d} for a, b, d in self.lookalikes
            ],
        }


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def evaluate(
    photos: Sequence[EvalPhoto],
    templates: dict[str, np.ndarray],
    thresholds: MatchThresholds,
    calibration: CalibrationConfig | None,
    enrol: int = 2,
) -> FaceEvalReport:
    """Run the protocol's rounds on encoded photos and count published and unsafe faces."""
    if enrol < 1:
        raise ValueError("enrol at least one photo per person")
    singles: dict[str, list[EvalPhoto]] = {}
    for photo in photos:
        single = len(photo.identities) == 1 and photo.expected_faces == 1
        if (
            single
            and len(templates.get(photo.path, ())) == 1
            and np.isfinite(templates[photo.path]).all()
        ):
            singles.setdefault(photo.identities[0], []).append(photo)
    enrollable = sorted(i for i, ps in singles.items() if len(ps) >= 2)
    enrolment = {i: singles[i][: min(enrol, len(singles[i]) - 1)] for i in enrollable}
    enrolled_paths = {p.path for ps in enrolment.values() for p in ps}

    def match(gallery: Gallery, vectors: np.ndarray) -> list[Match]:
        if calibration is None:
            return gallery.match(vectors)
        return gallery.match_calibrated(vectors, calibration)

    sets: dict[str, SetFigures] = {}
    unsafe_cases: list[str] = []
    held_cases: list[str] = []
    lookalikes: list[tuple[str, str, float]] = []
    for left_out in [None, *enrollable]:
        enrolled = [i for i in enrollable if i != left_out]
        gallery = Gallery((i, v) for i in enrolled for p in enrolment[i] for v in templates[p.path])
        nearest: list[tuple[float, str]] = []
        for photo in photos:
            every = templates.get(photo.path)
            if every is None:
                continue
            vectors = _identifiable(every)
            # Held unmatched: present, never named (a stranger's face or an enrolled one).
            unidentified = len(every) - len(vectors)
            allowed = set(photo.identities) & set(enrolled)
            if photo.path in enrolled_paths and not set(photo.identities) - allowed:
                continue  # an enrolled photo is not its own probe
            figures = sets.setdefault(photo.subset, SetFigures())
            matches = match(gallery, vectors) if len(vectors) else []
            named: Counter[str] = Counter()
            for m in matches:
                verdict = decide(m, thresholds, calibration)
                if left_out is not None and photo.identities == (left_out,) and m.distance:
                    nearest.append((m.distance, m.person_id or ""))
                if verdict == "identified" and m.person_id is not None:
                    named[m.person_id] += 1
            for person, times in named.items():
                wrong = times - (1 if person in allowed else 0)
                if wrong > 0:
                    figures.unsafe += wrong
                    unsafe_cases.append(
                        f"{photo.path}: named {person}"
                        + (f" (left out: {left_out})" if left_out else "")
                    )
            figures.stranger_faces += max(0, len(matches) + unidentified - len(allowed))
            for person in sorted(allowed):
                figures.enrolled_probes += 1
                if named[person] >= 1:
                    figures.published += 1
                    continue
                why = _held_reason(matches, person, thresholds, calibration, unidentified)
                figures.held[why] += 1
                if left_out is None:
                    held_cases.append(f"{photo.path}: {person} {why}")
        if left_out is not None and nearest:
            distance, person = min(nearest)
            lookalikes.append((left_out, person, round(distance, 3)))
    return FaceEvalReport(
        enrol=enrol,
        mode="raw" if calibration is None else "calibrated",
        rounds=1 + len(enrollable),
        enrolled_people=len(enrollable),
        sets=dict(sorted(sets.items())),
        unsafe_cases=unsafe_cases,
        held_cases=held_cases,
        lookalikes=lookalikes,
    )


def _held_reason(
    matches: Sequence[Match],
    person: str,
    thresholds: MatchThresholds,
    calibration: CalibrationConfig | None,
    unidentified: int = 0,
) -> str:
    """Why an enrolled person in a photo was not named: the verdict of their best face."""
    if not matches:
        return "not_identifiable" if unidentified else "no_face"
    verdicts = [decide(m, thresholds, calibration) for m in matches if m.person_id == person]
    if not verdicts:
        return "other_nearest"
    return "ambiguous" if "ambiguous" in verdicts else verdicts[0]


def format_report(report: FaceEvalReport, lang: str = "nl") -> str:
    """The report as a table for the terminal, Dutch or English."""
    nl = lang == "nl"
    lines = [
        (
            f"Protocol: eerste {report.enrol} foto's per persoon ingeschreven, de rest als "
            f"proef; {report.rounds} rondes (alle {report.enrolled_people} personen, dan elk "
            f"een keer weggelaten als onbekende); methode {report.mode}"
            if nl
            else f"Protocol: first {report.enrol} photos per person enrolled, the rest probes; "
            f"{report.rounds} rounds (all {report.enrolled_people} people, then each left out "
            f"once as a stranger); method {report.mode}"
        ),
        "",
        f"{'set' if not nl else 'verzameling':<20} {'probes':>7} "
        f"{'gepubliceerd' if nl else 'published':>13} {'%':>7} "
        f"{'vreemden' if nl else 'strangers':>9} {'onveilig' if nl else 'unsafe':>9}  "
        f"{'vastgehouden' if nl else 'held'}",
    ]
    for name, s in [*report.sets.items(), ("TOTAAL" if nl else "TOTAL", report.total())]:
        pct = rate(s.published, s.enrolled_probes)
        held = ", ".join(f"{k} {v}" for k, v in sorted(s.held.items())) or "-"
        lines.append(
            f"{name:<20} {s.enrolled_probes:>7} {s.published:>13} "
            f"{'-' if pct is None else f'{pct:.1%}':>7} {s.stranger_faces:>9} {s.unsafe:>9}  {held}"
        )
    lines.append("")
    lines.append(
        ("Look-alikes (weggelaten persoon -> dichtstbijzijnde ingeschrevene, afstand):")
        if nl
        else "Look-alikes (left-out person -> nearest enrolled person, distance):"
    )
    for left_out, person, distance in sorted(report.lookalikes, key=lambda x: x[2]):
        lines.append(f"  {left_out:<20} -> {person:<20} {distance:.3f}")
    if report.held_cases:
        lines.append("")
        lines.append("Vastgehouden (ronde met iedereen):" if nl else "Held (round with everyone):")
        lines += [f"  {c}" for c in report.held_cases]
    lines.append("")
    if report.unsafe_cases:
        lines.append("ONVEILIG GEPUBLICEERD:" if nl else "UNSAFE PUBLISHES:")
        lines += [f"  {c}" for c in report.unsafe_cases]
    else:
        lines.append("Geen onveilige publicaties." if nl else "No unsafe publishes.")
    return "\n".join(lines)
