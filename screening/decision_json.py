"""The decision as JSON: one shape for the CLI, the API and the audit."""

from __future__ import annotations

from typing import Any

from kernel.types import Decision, Finding, RatedFinding
from screening import __version__
from screening.images.redaction import redaction_resolves
from screening.messages import kind_advice, kind_label

SCHEMA = "school-post-screening/decision/1"


def _finding_location(f: Finding) -> dict[str, Any]:
    span = {"start": f.span.start, "end": f.span.end, "text": f.span.text} if f.span else None
    box = None
    image_index = None
    if f.region is not None:
        image_index = f.region.image_index
        b = f.region.box
        if b is not None:
            box = {"left": b.left, "top": b.top, "right": b.right, "bottom": b.bottom}
    return {"span": span, "image_index": image_index, "box": box}


def finding_to_dict(r: RatedFinding) -> dict[str, Any]:
    """One rated finding as a JSON object."""
    f = r.finding
    return {
        "id": r.id,
        "kind": f.kind,
        "severity": r.severity.value,
        "policy_note": r.note,
        "detector": f.detector,
        "detector_version": f.detector_version,
        "score": round(f.score, 4),
        **_finding_location(f),
        "person_id": f.person_id,
        "person_name": f.person_name,
        "distance": None if f.distance is None else round(f.distance, 4),
        "margin": None if f.margin is None else round(f.margin, 4),
        "evidence": {
            "explanation": f.evidence.explanation,
            "pattern": f.evidence.pattern,
            "validation": f.evidence.validation,
            "context_words": list(f.evidence.context_words),
        },
        "articles": list(r.articles),
        "message": {"nl": kind_label(f.kind, "nl"), "en": kind_label(f.kind, "en")},
        "advice": {
            "nl": kind_advice(f.kind, "nl", in_photo=f.region is not None),
            "en": kind_advice(f.kind, "en", in_photo=f.region is not None),
        },
    }


def decision_to_dict(d: Decision) -> dict[str, Any]:
    """The whole decision as a JSON object."""
    return {
        "schema": SCHEMA,
        "post_id": d.post_id,
        "action": d.action.value,
        "channel": d.channel.value,
        "publish_on": d.publish_on.isoformat(),
        "findings": [finding_to_dict(r) for r in d.findings],
        "reasons": [
            {
                "pack": r.citation.pack,
                "article_id": r.citation.article_id,
                "label": r.citation.label,
                "section": r.citation.section,
                "title": r.citation.title,
                "text": r.citation.text,
                "severity": r.severity.value,
                "finding_ids": list(r.finding_ids),
            }
            for r in d.reasons
        ],
        # True when the only blocking findings are faces and photo metadata, which the
        # redacted photos remove: the post may then go out with those photos.
        "redacted_publishable": redaction_resolves(d),
        "policy": {"id": d.policy.id, "version": d.policy.version, "title": d.policy.title},
        "versions": {
            "screening": __version__,
            "policy": f"{d.policy.id}@{d.policy.version}",
            "detectors": dict(d.detector_versions),
        },
    }
