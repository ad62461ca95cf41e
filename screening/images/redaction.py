"""Which faces and text a redacted photo blurs, which holds it resolves (no imaging library).

Kept apart from `render` so that the decision JSON can say whether the redacted photos are
publishable without importing Pillow on every start.
"""

from __future__ import annotations

from kernel.types import Decision, Finding, RatedFinding, Severity

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


def is_photo_text(f: Finding) -> bool:
    """Whether `f` is something written in a photo (read by OCR), with its box."""
    return (
        f.region is not None
        and f.region.box is not None
        and not f.kind.startswith(("face.", "image."))
    )


def text_findings(decision: Decision, image_index: int) -> list[RatedFinding]:
    """The findings on text written in one image of the post, with their boxes."""
    return [
        r
        for r in decision.findings
        if is_photo_text(r.finding)
        and r.finding.region is not None
        and r.finding.region.image_index == image_index
    ]


def photo_findings(decision: Decision, image_index: int) -> list[RatedFinding]:
    """Everything boxed on one image: its faces and the text findings written in it."""
    return face_findings(decision, image_index) + text_findings(decision, image_index)


def redaction_resolves(decision: Decision) -> bool:
    """Whether publishing the redacted photos would leave no blocking finding.

    Blocking text in a photo is blurred in the redacted photo, so it is resolved there too.
    """
    holds = [r for r in decision.findings if r.severity is Severity.HOLD]
    return bool(holds) and all(
        r.finding.kind in RESOLVED_BY_REDACTION or is_photo_text(r.finding) for r in holds
    )
