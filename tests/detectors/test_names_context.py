"""Unregistered names: a notice, unless the text ties the name to a pupil (then a hold).

Tables of (text, expected {(span, kind, band)}) for the name detector on its own, without a
consent registry: every name is judged as unregistered. The band is what the default
SCREENING_MIN_SCORE makes of the score (0.5 and above can block).
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from kernel.types import Channel, PostContext
from screening.detectors.names import NameDetector
from screening.name_lists import load_name_lexicon
from screening.nlp import analyse

DETECTOR = NameDetector(load_name_lexicon(), registry=None)
POST = PostContext(Channel.INSTAGRAM, date(2026, 11, 22))
PUPIL, NAME, SENSITIVE = "pii.pupil_name", "pii.name", "pii.name_sensitive"
HIGH, LOW = "high", "low"


def found(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    return {
        (f.span.text, f.kind, HIGH if f.score >= 0.5 else LOW)
        for f in DETECTOR.detect(analyse(nlp, text, POST))
        if f.span is not None
    }


TIED_TO_A_PUPIL = [
    # A group or class beside the name.
    ("Sanne uit groep 7 is ziek.", {("Sanne", PUPIL, HIGH)}),
    ("Proficiat Tim (groep 5) met je zwemdiploma!", {("Tim", PUPIL, HIGH)}),
    ("Lars zit in groep 5 en is een fanatieke voetballer.", {("Lars", PUPIL, HIGH)}),
    ("Sanne uit 3B won de spellingwedstrijd.", {("Sanne", PUPIL, HIGH)}),
    (
        "Groep 8: Tim, Sanne en Noor hebben de musical geschreven.",
        {("Tim", PUPIL, HIGH), ("Sanne", PUPIL, HIGH), ("Noor", PUPIL, HIGH)},
    ),
    (
        "Tim, Sanne en Noor uit klas 2a wonnen de quiz.",
        {("Tim", PUPIL, HIGH), ("Sanne", PUPIL, HIGH), ("Noor", PUPIL, HIGH)},
    ),
    # A pupil noun.
    ("Onze leerling Noor won de voorleeswedstrijd.", {("Noor", PUPIL, HIGH)}),
    ("Sanne, leerling van groep 7, las haar gedicht voor.", {("Sanne", PUPIL, HIGH)}),
    ("Onze leerling van de week is Fleur!", {("Fleur", PUPIL, HIGH)}),
    # A child's age.
    ("Sanne (9) won de tekenwedstrijd.", {("Sanne", PUPIL, HIGH)}),
    ("De 12-jarige Noor won de regionale finale.", {("Noor", PUPIL, HIGH)}),
    ("Tim wordt vandaag 8 jaar!", {("Tim", PUPIL, HIGH)}),
    # A home address.
    ("Sanne woont op Kerkstraat 4 in Utrecht.", {("Sanne", PUPIL, HIGH)}),
    # A special-category or confidential fact about the person: its own weight.
    ("Tim heeft ADHD en krijgt extra begeleiding.", {("Tim", PUPIL, HIGH)}),
    ("Haar moeder heeft kanker, dus Noor is er even niet.", {("Noor", PUPIL, HIGH)}),
    ("Sanne had een 3 voor wiskunde.", {("Sanne", PUPIL, HIGH)}),
    ("Tim haalde een 9 voor zijn werkstuk!", {("Tim", PUPIL, LOW)}),
]

ONLY_A_NOTICE = [
    ("Sanne hield een prachtige spreekbeurt over autisme.", {("Sanne", NAME, HIGH)}),
    ("Wij zijn trots op Milan, de beste van de klas.", {("Milan", NAME, HIGH)}),
    # The group is not beside the name: Jan Visser is the guest, not a pupil of group 7.
    ("Groep 7 bedankt Jan Visser voor de gastles.", {("Jan Visser", NAME, HIGH)}),
    ("Opa Henk (78) vertelde over de oorlog.", {("Opa Henk", NAME, HIGH)}),
    # A title: an adult in a role. Pupil cues do not apply to them.
    ("Juf Anna van groep 7 gaat met verlof.", {("Juf Anna", NAME, HIGH)}),
    (
        "Burgemeester Femke Halsema opende het nieuwe gebouw.",
        {("Burgemeester Femke Halsema", NAME, HIGH)},
    ),
    ("Vragen? Mail meester Jan.", {("meester Jan", NAME, HIGH)}),
    ("Het kerstpakket ligt klaar bij de familie Jansen.", {("familie Jansen", NAME, HIGH)}),
]

ADULTS_WITH_A_SENSITIVE_FACT = [
    # Everyday news keeps the sensitive-facts detector's low score: shown, not blocking.
    ("Juf Anna is ziek.", {("Juf Anna", SENSITIVE, LOW)}),
    ("Juf Eva is zwanger!", {("Juf Eva", SENSITIVE, LOW)}),
    ("Juf Anna heeft kanker.", {("Juf Anna", SENSITIVE, HIGH)}),
    # The fact is about Anna, not about meester Tom in the same sentence.
    (
        "Juf Anna heeft kanker, groep 4 krijgt les van meester Tom.",
        {("Juf Anna", SENSITIVE, HIGH), ("meester Tom", NAME, HIGH)},
    ),
]


@pytest.mark.parametrize(("text", "expected"), TIED_TO_A_PUPIL)
def test_unregistered_name_tied_to_a_pupil(
    nlp_nl: Language, text: str, expected: set[object]
) -> None:
    assert found(nlp_nl, text) == expected


@pytest.mark.parametrize(("text", "expected"), ONLY_A_NOTICE)
def test_unregistered_name_without_pupil_cue(
    nlp_nl: Language, text: str, expected: set[object]
) -> None:
    assert found(nlp_nl, text) == expected


@pytest.mark.parametrize(("text", "expected"), ADULTS_WITH_A_SENSITIVE_FACT)
def test_adults_with_a_sensitive_fact(nlp_nl: Language, text: str, expected: set[object]) -> None:
    assert found(nlp_nl, text) == expected


MUST_NOT_FIRE = [
    "De zon scheen en op maandag vierden we Koningsdag.",
    "We bezochten het Van Gogh Museum.",
    "De burgemeester opende het gebouw.",
    "Leerlingen van groep 7 bezochten Den Helder.",
    "Wat een mooie sportdag vandaag!",
]


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_must_not_fire(nlp_nl: Language, text: str) -> None:
    assert DETECTOR.detect(analyse(nlp_nl, text, POST)) == []


def test_evidence_names_the_pupil_cue(nlp_nl: Language) -> None:
    [finding] = DETECTOR.detect(analyse(nlp_nl, "Sanne uit groep 7 is ziek.", POST))
    assert finding.evidence.context_words == ("groep 7", "Sanne uit groep 7 is ziek")
    assert "no consent registry configured" in finding.evidence.explanation
    assert finding.person_id is None
