"""The verdict for one name: a table of (candidates, context, consent) -> finding kind."""

from __future__ import annotations

from datetime import date

import pytest

from consent_store.records import PersonInfo, Role
from kernel.types import Evidence, Finding, Span
from screening.detectors.names.pupil_context import NameContext
from screening.detectors.names.registry_link import Candidate
from screening.detectors.names.verdict import Consent, judge

OK = Consent(True, False, "valid")
NONE = Consent(False, False, "no record")
REFUSED = Consent(False, True, "refused")


def person(pid: str, role: Role = Role.PUPIL, school: str | None = None) -> Candidate:
    return Candidate(PersonInfo(pid, f"Naam {pid}", role, date(2015, 1, 1), school), "first name")


def fact(score: float, kind: str = "pii.special_category") -> Finding:
    return Finding(kind, "sensitive_facts", "1.0", score, Evidence("x"), Span(0, 4, "ziek"))


CONSENT = {"A": OK, "B": NONE, "C": REFUSED, "D": OK, "S1": NONE, "S2": REFUSED}
PUPIL_CUE = NameContext(pupil=("groep 7",))
MILD = NameContext(special=(fact(0.45),))
SERIOUS = NameContext(special=(fact(0.85),))

CASES = [
    # (adult title?, candidates, context, expected kind, expected score band)
    (False, [], NameContext(), "pii.name", "high"),
    (False, [], PUPIL_CUE, "pii.pupil_name", "high"),
    (False, [], MILD, "pii.pupil_name", "low"),  # the fact's own weight
    (False, [], SERIOUS, "pii.pupil_name", "high"),
    (
        False,
        [],
        NameContext(confidential=(fact(0.8, "pii.confidential"),)),
        "pii.pupil_name",
        "high",
    ),
    (True, [], PUPIL_CUE, "pii.name", "high"),  # "juf Anna van groep 7"
    (True, [], MILD, "pii.name_sensitive", "low"),
    (True, [], SERIOUS, "pii.name_sensitive", "high"),
    (False, [person("A")], NameContext(), "pii.name_consented", "high"),
    (False, [person("B")], NameContext(), "pii.pupil_name", "high"),
    (False, [person("C")], NameContext(), "pii.pupil_name", "high"),
    (False, [person("A")], SERIOUS, "pii.name_sensitive", "high"),
    (True, [person("A")], NameContext(), "pii.name", "high"),  # a title rules out pupils
    (False, [person("S1", Role.STAFF)], NameContext(), "pii.name", "high"),
    (False, [person("S2", Role.STAFF)], NameContext(), "pii.name_no_consent", "high"),
    (False, [person("A"), person("D")], NameContext(), "pii.name_consented", "high"),
    (False, [person("B"), person("C")], NameContext(), "pii.pupil_name", "high"),
    (False, [person("A"), person("B")], NameContext(), "pii.name_ambiguous", "high"),
    (False, [person("A"), person("S1", Role.STAFF)], NameContext(), "pii.name", "high"),
    # A pupil cue prefers the pupil among a pupil and a staff member of the same name.
    (False, [person("B"), person("S1", Role.STAFF)], PUPIL_CUE, "pii.pupil_name", "high"),
]


@pytest.mark.parametrize(("adult", "candidates", "context", "kind", "band"), CASES)
def test_verdict(
    adult: bool, candidates: list[Candidate], context: NameContext, kind: str, band: str
) -> None:
    v = judge(0.8, adult, candidates, context, lambda p: CONSENT[p.external_id])
    assert (v.kind, "high" if v.score >= 0.5 else "low") == (kind, band)


def test_the_posts_school_decides_between_namesakes() -> None:
    candidates = [person("A", school="De Korre"), person("B", school="Het Anker")]
    consent = lambda p: CONSENT[p.external_id]  # noqa: E731
    assert judge(0.8, False, candidates, NameContext(), consent).kind == "pii.name_ambiguous"
    korre = judge(0.8, False, candidates, NameContext(), consent, school="De Korre")
    assert (korre.kind, korre.person.external_id if korre.person else None) == (
        "pii.name_consented",
        "A",
    )


def test_a_long_list_of_namesakes_is_cut_short() -> None:
    candidates = [person(f"P{i:02d}") for i in range(12)]
    consent = {f"P{i:02d}": OK if i else NONE for i in range(12)}
    v = judge(0.8, False, candidates, NameContext(), lambda p: consent[p.external_id])
    assert v.kind == "pii.name_ambiguous"
    assert "P04 (first name) and 7 more" in v.reason
    assert "P05" not in v.reason.split("not all")[0]
