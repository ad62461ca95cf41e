"""The verdict rule as a table: (today's findings, findings at publication) -> verdicts.

Decisions are made by the real policy engine and the SVOK pack from made-up findings, so the
articles are the ones the pack cites.
"""

from __future__ import annotations

from datetime import date

import pytest

from kernel.types import Box, Channel, Decision, Evidence, Finding, ImageRegion, Span
from screening.audit.results import Verdict, most_serious
from screening.audit.texts import advice
from screening.audit.verdicts import (
    finding_record,
    judge,
    needs_publication_view,
    publication_view,
    today_view,
)
from screening.policy.engine import decide
from screening.policy.pack import load_packs

DAY = date(2025, 10, 15)
BOX = Box(10, 10, 60, 60)
OTHER_BOX = Box(100, 10, 150, 60)


def face(kind: str, person: str | None = "P1", box: Box = BOX) -> Finding:
    return Finding(
        kind=kind,
        detector="faces",
        detector_version="1.0",
        score=0.9,
        evidence=Evidence(explanation="test"),
        region=ImageRegion(0, box),
        person_id=person if kind in ("face.consented", "face.no_consent") else None,
    )


def text(kind: str, start: int = 4, value: str = "06-12345678") -> Finding:
    return Finding(
        kind=kind,
        detector="phone",
        detector_version="1.0",
        score=0.9,
        evidence=Evidence(explanation="test"),
        span=Span(start, start + len(value), value),
    )


def image(kind: str) -> Finding:
    return Finding(
        kind=kind,
        detector="image_intake",
        detector_version="1.0",
        score=1.0,
        evidence=Evidence(explanation="test"),
        region=ImageRegion(0),
    )


def decision(*findings: Finding) -> Decision:
    pack = load_packs().get("svok")
    return decide(
        list(findings), pack, channel=Channel.INSTAGRAM, publish_on=DAY, detector_versions={}
    )


CASES = [
    # (id, today, at publication (None: not screened), verdict per today's finding, item)
    (
        "consent withdrawn since publication",
        [face("face.no_consent")],
        [face("face.consented")],
        [Verdict.TAKE_DOWN],
        Verdict.TAKE_DOWN,
    ),
    (
        "no consent then either",
        [face("face.no_consent")],
        [face("face.no_consent")],
        [Verdict.VIOLATION],
        Verdict.VIOLATION,
    ),
    (
        "someone else lacked consent then, not this face",
        [face("face.no_consent")],
        [face("face.consented"), face("face.no_consent", "P2", OTHER_BOX)],
        [Verdict.TAKE_DOWN],
        Verdict.TAKE_DOWN,
    ),
    (
        "a phone number was never allowed",
        [text("pii.phone")],
        [text("pii.phone")],
        [Verdict.VIOLATION],
        Verdict.VIOLATION,
    ),
    ("face matching nobody", [face("face.unknown")], None, [Verdict.REVIEW], Verdict.REVIEW),
    ("ambiguous face", [face("face.ambiguous")], None, [Verdict.REVIEW], Verdict.REVIEW),
    ("unreadable photo", [image("image.unreadable")], None, [Verdict.REVIEW], Verdict.REVIEW),
    (
        "registry unreachable",
        [image("registry.unavailable")],
        None,
        [Verdict.REVIEW],
        Verdict.REVIEW,
    ),
    (
        "photo not fetched",
        [image("audit.media_unavailable")],
        None,
        [Verdict.REVIEW],
        Verdict.REVIEW,
    ),
    # Must not fire:
    ("consented face", [face("face.consented")], None, [None], Verdict.OK),
    ("face not recognizable", [face("face.not_recognizable")], None, [None], Verdict.OK),
    ("nothing found", [], None, [], Verdict.OK),
    (
        "take down outranks review",
        [face("face.no_consent"), face("face.unknown", box=OTHER_BOX)],
        [face("face.consented"), face("face.unknown", box=OTHER_BOX)],
        [Verdict.TAKE_DOWN, Verdict.REVIEW],
        Verdict.TAKE_DOWN,
    ),
    (
        "violation outranks take down",
        [face("face.no_consent"), text("pii.phone")],
        [face("face.consented"), text("pii.phone")],
        [Verdict.TAKE_DOWN, Verdict.VIOLATION],
        Verdict.VIOLATION,
    ),
]


@pytest.mark.parametrize(
    ("today", "then", "expected", "item"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_verdict_table(
    today: list[Finding],
    then: list[Finding] | None,
    expected: list[Verdict | None],
    item: Verdict,
) -> None:
    now = decision(*today)
    verdicts = judge(now, decision(*then) if then is not None else None)
    by_kind = sorted(zip((r.finding.kind for r in now.findings), verdicts, strict=True))
    assert [v for _, v in by_kind] == [
        v for _, v in sorted(zip((f.kind for f in today), expected, strict=True))
    ]
    assert most_serious([v for v in verdicts if v is not None]) is item


@pytest.mark.parametrize(
    ("findings", "needed"),
    [
        ([face("face.no_consent")], True),
        ([text("pii.phone")], True),
        ([face("face.unknown"), image("image.unreadable")], False),
        ([face("face.consented")], False),
        ([], False),
    ],
)
def test_the_publication_screen_runs_only_to_tell_take_down_from_violation(
    findings: list[Finding], needed: bool
) -> None:
    assert needs_publication_view(decision(*findings)) is needed


def test_views() -> None:
    assert today_view(date(2026, 3, 1)).withdrawals_until == date(2026, 3, 1)
    assert today_view(date(2026, 3, 1)).known_at is None
    # Issue 20: at publication, consent counts from when it was given, not when it was
    # entered (a form entered late is still the form), and later withdrawals do not count.
    then = publication_view(date(2025, 10, 15))
    assert then.known_at is None and then.withdrawals_until is None


def test_metadata_has_its_own_verdict_and_advice() -> None:
    meta = Finding(
        kind="image.metadata",
        detector="image_metadata",
        detector_version="1.0",
        score=0.8,
        evidence=Evidence(explanation="metadata holds Artist", context_words=("Artist",)),
        region=ImageRegion(0),
    )
    now = decision(meta, face("face.no_consent"))
    assert needs_publication_view(decision(meta)) is False  # no second screen for it
    verdicts = judge(now, decision(meta, face("face.consented")))
    by_kind = dict(zip((r.finding.kind for r in now.findings), verdicts, strict=True))
    assert by_kind == {"image.metadata": Verdict.METADATA, "face.no_consent": Verdict.TAKE_DOWN}
    rated = next(r for r in now.findings if r.finding.kind == "image.metadata")
    record = finding_record(rated, Verdict.METADATA)
    assert record.verdict is Verdict.METADATA
    assert record.explanation_nl == "In de fotogegevens (EXIF/XMP) staat: Artist."
    assert record.advice_nl is not None and "fotograaf" in record.advice_nl
    assert "toestemming" in record.advice_nl and "geen geldige" not in record.advice_nl
    gps = advice("image.metadata", Verdict.METADATA, ("GPS position",))[0]
    assert "publiceerbare versie" in gps and "waar de foto is genomen" in gps
    assert most_serious([Verdict.METADATA, Verdict.REVIEW]) is Verdict.REVIEW
    assert most_serious([Verdict.METADATA]) is Verdict.METADATA


@pytest.mark.parametrize(
    ("kind", "verdict", "expected", "absent"),
    [
        ("face.no_consent", Verdict.TAKE_DOWN, "geen overtreding", "FG"),
        ("face.no_consent", Verdict.VIOLATION, "geen geldige toestemming", "ingetrokken"),
        ("pii.phone", Verdict.VIOLATION, "nooit gepubliceerd", "ingetrokken"),
        ("language.insult", Verdict.VIOLATION, "herschrijf", "FG"),
        ("face.unknown", Verdict.REVIEW, "Controleer wie dit is", "FG"),
    ],
)
def test_advice_agrees_with_the_verdict(
    kind: str, verdict: Verdict, expected: str, absent: str
) -> None:
    nl, en = advice(kind, verdict)
    assert expected in nl and absent not in nl and en
