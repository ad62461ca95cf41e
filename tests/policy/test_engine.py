"""The policy engine: severities, thresholds, grouping of reasons by article."""

from __future__ import annotations

from datetime import date

from screening.policy.engine import Thresholds, decide
from screening.policy.pack import load_packs
from screening.types import Action, Channel, Evidence, Finding, ImageRegion, Severity, Span

TEXT = "Bel 0612345678 of mail a@b.nl"


def _f(kind: str, start: int, end: int, score: float = 0.9) -> Finding:
    return Finding(
        kind, kind.split(".")[1], "1", score, Evidence("t"), span=Span.of(TEXT, start, end)
    )


def test_reasons_group_findings_by_article_holds_first() -> None:
    pack = load_packs().get("svok")
    findings = [
        _f("pii.email", 23, 29),
        _f("pii.phone", 4, 14),
        Finding("face.consented", "faces", "1", 1.0, Evidence("t"), region=ImageRegion(0)),
    ]
    d = decide(
        findings,
        pack,
        channel=Channel.INSTAGRAM,
        publish_on=date(2026, 11, 22),
        detector_versions={},
    )
    assert d.action is Action.HOLD
    # Findings are ordered by position: text before images.
    assert [r.finding.kind for r in d.findings] == ["pii.phone", "pii.email", "face.consented"]
    assert [(r.citation.article_id, r.severity, r.finding_ids) for r in d.reasons] == [
        ("III.A.3", Severity.HOLD, ("f1", "f2")),
        ("III.B.5", Severity.HOLD, ("f1", "f2")),
        ("III.B.8", Severity.NOTICE, ("f3",)),
    ]


def test_only_notices_publish() -> None:
    pack = load_packs().get("de-korre")
    d = decide(
        [Finding("pii.name", "names", "1", 0.8, Evidence("t"))],
        pack,
        channel=Channel.WEBSITE,
        publish_on=date(2026, 11, 22),
        detector_versions={},
    )
    assert d.action is Action.PUBLISH
    assert [r.citation.label for r in d.reasons] == ["3.3"]


def test_low_scores_become_notices_but_errors_never_do() -> None:
    pack = load_packs().get("svok")
    low = [
        _f("pii.phone", 4, 14, score=0.2),
        Finding("screening.error", "x", "1", 0.0, Evidence("t")),
    ]
    d = decide(
        low,
        pack,
        channel=Channel.X,
        publish_on=date(2026, 1, 1),
        detector_versions={},
        thresholds=Thresholds({"pii.*": 0.5, "screening.error": 0.5}),
    )
    assert [r.severity for r in d.findings] == [Severity.NOTICE, Severity.HOLD]
    assert d.action is Action.HOLD


def test_no_findings_publish() -> None:
    pack = load_packs().get("svok")
    d = decide([], pack, channel=Channel.X, publish_on=date(2026, 1, 1), detector_versions={})
    assert d.action is Action.PUBLISH and d.reasons == ()
