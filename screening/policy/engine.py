"""The policy: turns findings into a decision, citing the pack's articles.

Only this module decides. Detectors report findings with raw scores; which kinds block and
which articles they touch comes from the policy pack, and score thresholds from settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from screening.policy.pack import FAIL_CLOSED_KINDS, PolicyPack
from screening.types import (
    Action,
    Channel,
    Decision,
    Finding,
    PolicyRef,
    RatedFinding,
    Reason,
    Severity,
)


@dataclass(frozen=True)
class Thresholds:
    """Minimum detector scores for a finding to count, per kind or `area.*` (configuration).

    A finding scoring below its threshold is still shown, as a notice. Kinds that report a
    failure of screening itself ignore thresholds: they always hold.
    """

    min_score: Mapping[str, float] = field(default_factory=dict)

    def for_kind(self, kind: str) -> float:
        """The threshold for `kind`: exact, else its `area.*`, else 0."""
        if kind in self.min_score:
            return self.min_score[kind]
        return self.min_score.get(kind.split(".", 1)[0] + ".*", 0.0)


def _order(f: Finding) -> tuple[int, int, int, str]:
    if f.span is not None:
        return (0, f.span.start, f.span.end, f.kind)
    if f.region is not None:
        box = f.region.box
        return (1, f.region.image_index, box.top if box else -1, f.kind)
    return (2, 0, 0, f.kind)


def decide(
    findings: Sequence[Finding],
    pack: PolicyPack,
    *,
    channel: Channel,
    publish_on: date,
    detector_versions: Mapping[str, str],
    thresholds: Thresholds | None = None,
    post_id: str | None = None,
) -> Decision:
    """Judge every finding against `pack` and answer publish or hold."""
    thresholds = thresholds or Thresholds()
    rated: list[RatedFinding] = []
    for n, f in enumerate(sorted(findings, key=_order), start=1):
        rule = pack.rule_for(f.kind)
        severity = rule.severity
        if (
            severity is Severity.HOLD
            and f.kind not in FAIL_CLOSED_KINDS
            and f.score < thresholds.for_kind(f.kind)
        ):
            severity = Severity.NOTICE
        rated.append(RatedFinding(id=f"f{n}", finding=f, severity=severity, articles=rule.articles))

    reasons: list[Reason] = []
    for severity in (Severity.HOLD, Severity.NOTICE):
        by_article: dict[str, list[str]] = {}
        for r in rated:
            if r.severity is severity:
                for article in r.articles:
                    by_article.setdefault(article, []).append(r.id)
        reasons.extend(
            Reason(citation=pack.citation(a), severity=severity, finding_ids=tuple(ids))
            for a, ids in by_article.items()
        )

    action = Action.HOLD if any(r.severity is Severity.HOLD for r in rated) else Action.PUBLISH
    return Decision(
        action=action,
        findings=tuple(rated),
        reasons=tuple(reasons),
        policy=PolicyRef(id=pack.id, version=pack.version, title=pack.title),
        detector_versions=dict(detector_versions),
        channel=channel,
        publish_on=publish_on,
        post_id=post_id,
    )
