"""The policy engine: severities, thresholds, grouping of reasons by article."""

from __future__ import annotations

from datetime import date

from kernel.types import (
    Action,
    Channel,
    Evidence,
    Finding,
    ImageRegion,
    Post,
    Severity,
    Span,
)
from screening.pipeline import Pipeline, build_pipeline
from screening.policy.engine import PolicyOptions, decide, normalise_value
from screening.policy.pack import load_packs

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
        options=PolicyOptions({"pii.*": 0.5, "screening.error": 0.5}),
    )
    assert [r.severity for r in d.findings] == [Severity.NOTICE, Severity.HOLD]
    assert d.action is Action.HOLD


def test_a_threat_holds_below_any_threshold() -> None:
    """A threat is always a hold; a threshold makes a weak insult a notice, never a threat."""
    pack = load_packs().get("svok")
    weak = [_f("language.insult", 0, 5, score=0.55), _f("language.threat", 6, 20, score=0.55)]
    d = decide(
        weak,
        pack,
        channel=Channel.X,
        publish_on=date(2026, 1, 1),
        detector_versions={},
        options=PolicyOptions({"language.*": 0.9}),
    )
    by_kind = {r.finding.kind: r.severity for r in d.findings}
    assert by_kind == {"language.insult": Severity.NOTICE, "language.threat": Severity.HOLD}
    assert d.action is Action.HOLD


def test_no_findings_publish() -> None:
    pack = load_packs().get("svok")
    d = decide([], pack, channel=Channel.X, publish_on=date(2026, 1, 1), detector_versions={})
    assert d.action is Action.PUBLISH and d.reasons == ()


SCHOOL_POST = (
    "Open dag! Kom naar Kerkplein 4, 3512 AB Utrecht of bel +31 (0)30 123 4567. "
    "Vragen aan juf Marieke: 06-12345678, de directeur: p.de.vries@deschool.nl."
)


def test_the_schools_own_contact_details_are_a_notice(pipeline: Pipeline) -> None:
    settings = pipeline.settings.model_copy(
        update={
            "public_contacts": ["030-1234567", "P.de.Vries@deschool.nl", "Kerkplein 4, 3512 AB"]
        }
    )
    school = build_pipeline(settings, faces=False)
    post = Post(text=SCHOOL_POST, channel=Channel.WEBSITE, publish_on=date(2026, 11, 22))
    d = school.screen(post)
    got = {
        (r.finding.kind, r.finding.span.text if r.finding.span else ""): (r.severity, r.note)
        for r in d.findings
    }
    assert got[("pii.phone", "06-12345678")] == (Severity.HOLD, None)
    assert got[("pii.phone", "+31 (0)30 123 4567")] == (Severity.NOTICE, "public_contact")
    assert got[("pii.email", "p.de.vries@deschool.nl")] == (Severity.NOTICE, "public_contact")
    addresses = [note for (kind, _), (_, note) in got.items() if kind == "pii.address"]
    assert addresses and all(note == "public_contact" for note in addresses)
    assert d.action is Action.HOLD  # the teacher's own mobile number still blocks
    without = pipeline.screen(post)
    contacts = ("pii.phone", "pii.email", "pii.address")
    held = [r.severity for r in without.findings if r.finding.kind in contacts]
    assert len(held) >= 3 and all(severity is Severity.HOLD for severity in held)


def test_normalise_value_compares_notations() -> None:
    assert normalise_value("+31 (0)30 123 4567") == normalise_value("030-1234567")
    assert normalise_value("0031 6 12345678") == "0612345678"
    assert normalise_value("Info@DeSchool.nl") == normalise_value("info@deschool.nl")
    assert normalise_value("info@deschool.nl") != normalise_value("info@andereschool.nl")


def test_public_addresses_match_on_whole_words() -> None:
    options = PolicyOptions(public_values=("Kerkplein 4",))

    def address(text: str) -> Finding:
        return Finding(
            "pii.address", "address", "1", 0.9, Evidence("t"), span=Span(0, len(text), text)
        )

    assert options.is_public(address("Kerkplein 4, 3512 AB Utrecht"))
    assert options.is_public(address("kerkplein 4"))
    assert not options.is_public(address("Kerkplein 41"))
    assert not options.is_public(address("Kerkplein 4a"))
    assert not options.is_public(address("Dorpsstraat 4"))
