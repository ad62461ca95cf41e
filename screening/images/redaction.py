"""Which faces a redacted photo blurs and which holds it resolves (no imaging library needed).

Kept apart from `render` so that the decision JSON can say whether the redacted photos are
publishable without importing Pillow on every start.
"""

from __future__ import annotations

from kernel.types import Decision, RatedFinding, Severity

#: Face kinds that may stay visible in a redacted photo. Everything else is blurred: a face
#: without consent, an unknown or ambiguous one, and (harmlessly) one judged not recognizable.
KEEP_VISIBLE = frozenset({"face.consented"})

#: Hold kinds that a redacted photo resolves: the faces are blurred, the metadata is gone.
RESOLVED_BY_REDACTION = frozenset(
    {"face.no_consent", "face.unknown", "face.ambiguous", "image.metadata"}
)


def face_findings(decision: Decision, image_index: int) -> list[RatedFinding]:
    """The face findings with a box on one image of the post."""
    return [
        r
        for r in decision.findings
        if r.finding.region is not None
        and r.finding.region.image_index == image_index
        and r.finding.region.box is not None
        and r.finding.kind.startswith("face.")
    ]


def redaction_resolves(decision: Decision) -> bool:
    """Whether publishing the redacted photos would leave no blocking finding."""
    holds = [r for r in decision.findings if r.severity is Severity.HOLD]
    return bool(holds) and all(r.finding.kind in RESOLVED_BY_REDACTION for r in holds)
