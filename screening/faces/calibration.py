"""How a school's own registry would fare: false-match and false-non-match estimates, advice.

Works on the enrolled templates only (decrypted in memory by the caller, never printed):
genuine pairs are two templates of one person, impostor pairs two templates of different
people. The false-match rate at a threshold is estimated twice, as the observed share of
impostor pairs within it and as the tail of a normal distribution fitted to the impostor
distances (which says something even when no pair is that close), and the larger of the two
counts. Leave-one-out runs of the configured rule add what the decision would do: each
template as a probe against the others, and each person left out as a stranger.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from screening.faces.match import CalibrationConfig, Gallery, MatchThresholds, decide

#: The thresholds of the trade-off table.
TABLE_THRESHOLDS = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
#: At most this many people are left out one by one (each costs a gallery rebuild).
MAX_LEAVE_OUT = 300


@dataclass(frozen=True, slots=True)
class RateRow:
    """Estimated rates at one threshold."""

    threshold: float
    false_match_rate: float
    false_match_tail: float
    false_non_match_rate: float | None


@dataclass(frozen=True, slots=True)
class PersonAdvice:
    """What to do about one enrolled person's templates (ids and counts only)."""

    person_id: str
    templates: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RegistryCalibration:
    """Everything `screening faces calibrate` reports."""

    people: int
    templates: int
    genuine_pairs: int
    impostor_pairs: int
    threshold: float
    limit: float
    table: tuple[RateRow, ...]
    at_threshold: RateRow
    upper_bound: float | None
    loo_probes: int
    loo_identified: int
    loo_wrong: int
    stranger_probes: int
    stranger_named: int
    advice: tuple[PersonAdvice, ...] = field(default=())

    @property
    def estimated_fmr(self) -> float:
        """The false-match rate the decision rests on: the larger of observed and fitted."""
        return max(self.at_threshold.false_match_rate, self.at_threshold.false_match_tail)

    @property
    def refused(self) -> bool:
        """Whether the threshold's estimated false-match rate exceeds the policy's limit."""
        return not self.estimated_fmr <= self.limit


def normal_tail(threshold: float, mean: float, sd: float) -> float:
    """P(X <= threshold) for X normal(mean, sd): the fitted share of impostors within it."""
    return 0.5 * math.erfc((mean - threshold) / (sd * math.sqrt(2.0)))


def pair_distances(
    templates: Sequence[tuple[str, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Distances of all genuine pairs and all impostor pairs of templates."""
    genuine: list[float] = []
    impostor: list[float] = []
    vectors = [np.asarray(v, dtype=np.float64) for _, v in templates]
    for (i, (a, _)), (j, (b, _)) in itertools.combinations(enumerate(templates), 2):
        d = float(np.linalg.norm(vectors[i] - vectors[j]))
        (genuine if a == b else impostor).append(d)
    return np.asarray(genuine), np.asarray(impostor)


def rates_at(
    threshold: float, genuine: np.ndarray, impostor: np.ndarray, calibration: CalibrationConfig
) -> RateRow:
    """Observed FMR, fitted-tail FMR and FNMR of pairwise comparisons at `threshold`."""
    fmr = float((impostor <= threshold).mean()) if impostor.size else 0.0
    if impostor.size >= 2:
        mean, sd = float(impostor.mean()), max(float(impostor.std(ddof=1)), 1e-6)
    else:
        mean, sd = calibration.cohort_prior_mean, calibration.cohort_prior_sd
    fnmr = float((genuine > threshold).mean()) if genuine.size else None
    return RateRow(threshold, fmr, normal_tail(threshold, mean, sd), fnmr)


def _verdicts(
    gallery: Gallery,
    vectors: np.ndarray,
    thresholds: MatchThresholds,
    calibration: CalibrationConfig | None,
) -> list[tuple[str, str | None]]:
    matches = (
        gallery.match(vectors)
        if calibration is None
        else gallery.match_calibrated(vectors, calibration)
    )
    return [(decide(m, thresholds, calibration), m.person_id) for m in matches]


def calibrate_registry(
    templates: Sequence[tuple[str, np.ndarray]],
    thresholds: MatchThresholds,
    calibration: CalibrationConfig,
    rule: CalibrationConfig | None = None,
    threshold: float | None = None,
) -> RegistryCalibration:
    """Estimate the rates of `templates` at `threshold` (default: the configured accept).

    `calibration` holds the policy limit and the prior; `rule` is the matching rule run in
    the leave-one-out checks (None: raw distances).
    """
    threshold = thresholds.accept_distance if threshold is None else threshold
    by_person: dict[str, list[np.ndarray]] = {}
    for person, vector in templates:
        by_person.setdefault(person, []).append(np.asarray(vector, dtype=np.float32))
    genuine, impostor = pair_distances(templates)
    rule_thresholds = MatchThresholds(
        threshold,
        thresholds.ambiguity_margin,
        None if thresholds.reject_distance is None else max(thresholds.reject_distance, threshold),
    )
    loo_probes = loo_identified = loo_wrong = 0
    held: dict[str, int] = {}
    stranger_probes = stranger_named = 0
    people = sorted(by_person)
    for person in people[:MAX_LEAVE_OUT]:
        others = [(p, v) for p in people if p != person for v in by_person[p]]
        own = by_person[person]
        if len(own) >= 2:
            for k in range(len(own)):
                gallery = Gallery([*others, *((person, v) for j, v in enumerate(own) if j != k)])
                [(verdict, named)] = _verdicts(gallery, own[k], rule_thresholds, rule)
                loo_probes += 1
                if verdict == "identified" and named == person:
                    loo_identified += 1
                elif verdict == "identified":
                    loo_wrong += 1
                else:
                    held[person] = held.get(person, 0) + 1
        if others:
            stranger = Gallery(others)
            for verdict, _ in _verdicts(stranger, np.stack(own), rule_thresholds, rule):
                stranger_probes += 1
                stranger_named += verdict == "identified"
    advice = []
    for person in people:
        own = by_person[person]
        reasons = []
        if len(own) == 1:
            reasons.append("single_template")
        elif rule is not None and _spread(own) > rule.max_template_spread:
            reasons.append("templates_disagree")
        if held.get(person):
            reasons.append("held_in_leave_one_out")
        if reasons:
            advice.append(PersonAdvice(person, len(own), tuple(reasons)))
    upper = min(1.0, 3.0 / impostor.size) if impostor.size else None
    if upper is not None and (impostor <= threshold).any():
        upper = min(1.0, (float((impostor <= threshold).sum()) + 3.0) / impostor.size)
    return RegistryCalibration(
        people=len(people),
        templates=len(templates),
        genuine_pairs=int(genuine.size),
        impostor_pairs=int(impostor.size),
        threshold=threshold,
        limit=calibration.max_false_match_rate,
        table=tuple(rates_at(t, genuine, impostor, calibration) for t in TABLE_THRESHOLDS),
        at_threshold=rates_at(threshold, genuine, impostor, calibration),
        upper_bound=upper,
        loo_probes=loo_probes,
        loo_identified=loo_identified,
        loo_wrong=loo_wrong,
        stranger_probes=stranger_probes,
        stranger_named=stranger_named,
        advice=tuple(advice),
    )


def _spread(templates: Sequence[np.ndarray]) -> float:
    from screening.faces.match import person_centroid

    return person_centroid(np.stack(templates))[1]


_REASONS = {
    "single_template": (
        "één foto ingeschreven: schrijf er minstens twee tot drie in",
        "one photo enrolled: enrol at least two or three",
    ),
    "templates_disagree": (
        "de foto's lijken niet op elkaar (misschien iemand anders): opnieuw inschrijven",
        "the photos do not agree (perhaps someone else): re-enrol",
    ),
    "held_in_leave_one_out": (
        "eigen foto's werden vastgehouden: opnieuw inschrijven met scherpere foto's",
        "own photos were held: re-enrol with sharper photos",
    ),
}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.4%}"


def format_calibration(result: RegistryCalibration, lang: str = "nl") -> str:
    """The calibration report for the terminal (no template data, only counts and rates)."""
    nl = lang == "nl"
    t = result.at_threshold
    lines = [
        (
            f"Register: {result.people} personen, {result.templates} templates; "
            f"{result.genuine_pairs} echte paren, {result.impostor_pairs} paren van verschillende "
            f"personen"
            if nl
            else f"Registry: {result.people} people, {result.templates} templates; "
            f"{result.genuine_pairs} genuine pairs, {result.impostor_pairs} impostor pairs"
        ),
        "",
        f"{'drempel' if nl else 'threshold':>9} {'FMR gezien' if nl else 'FMR seen':>12} "
        f"{'FMR model':>12} {'FNMR':>10}",
    ]
    for row in result.table:
        lines.append(
            f"{row.threshold:>9.2f} {_pct(row.false_match_rate):>12} "
            f"{_pct(row.false_match_tail):>12} {_pct(row.false_non_match_rate):>10}"
        )
    lines += [
        "",
        (
            f"Bij de ingestelde drempel {result.threshold:.2f}: geschatte FMR "
            f"{_pct(result.estimated_fmr)} (gezien {_pct(t.false_match_rate)}, model "
            f"{_pct(t.false_match_tail)}), FNMR {_pct(t.false_non_match_rate)}; "
            f"grens van het beleid {_pct(result.limit)}"
            if nl
            else f"At the configured threshold {result.threshold:.2f}: estimated FMR "
            f"{_pct(result.estimated_fmr)} (seen {_pct(t.false_match_rate)}, model "
            f"{_pct(t.false_match_tail)}), FNMR {_pct(t.false_non_match_rate)}; "
            f"policy limit {_pct(result.limit)}"
        ),
        (
            f"Eén-voor-één-proef: {result.loo_identified} van {result.loo_probes} eigen foto's "
            f"herkend, {result.loo_wrong} verkeerd; als onbekende: {result.stranger_named} van "
            f"{result.stranger_probes} foto's ten onrechte herkend"
            if nl
            else f"Leave-one-out: {result.loo_identified} of {result.loo_probes} own photos "
            f"identified, {result.loo_wrong} wrongly; as strangers: {result.stranger_named} of "
            f"{result.stranger_probes} photos wrongly identified"
        ),
    ]
    if result.upper_bound is not None and result.upper_bound > result.limit:
        lines.append(
            f"Let op: met {result.impostor_pairs} paren is een FMR onder "
            f"{_pct(result.limit)} niet aan te tonen (ruwe bovengrens {_pct(result.upper_bound)})"
            if nl
            else f"Note: {result.impostor_pairs} pairs cannot show an FMR below "
            f"{_pct(result.limit)} (rough upper bound {_pct(result.upper_bound)})"
        )
    if result.advice:
        lines += ["", "Advies per persoon:" if nl else "Advice per person:"]
        for a in result.advice:
            why = "; ".join(_REASONS[r][0 if nl else 1] for r in a.reasons)
            lines.append(f"  {a.person_id} ({a.templates}): {why}")
    lines += [
        "",
        (
            "Inschrijven: 3 scherpe foto's per persoon, op verschillende dagen: recht van voren, "
            "en licht gedraaid (ongeveer 15-20 graden) naar links en naar rechts; gezicht "
            "minstens 150 pixels breed, geen zonnebril of pet."
            if nl
            else "Enrolment: 3 sharp photos per person, on different days: frontal, and turned "
            "slightly (about 15-20 degrees) left and right; face at least 150 pixels wide, no "
            "sunglasses or cap."
        ),
    ]
    return "\n".join(lines)
