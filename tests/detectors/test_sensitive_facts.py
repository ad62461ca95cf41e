"""Sensitive-facts detector: tables of (text, expected (kind, span text, severity band))."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.sensitive import SensitiveFactsDetector
from screening.nlp import analyse

DETECTOR = SensitiveFactsDetector()
SPECIAL, CONF = "pii.special_category", "pii.confidential"
HOLD, NOTICE = "hold", "notice"  # score at least 0.5, or below (the default SCREENING_MIN_SCORE)


def _found(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    return {
        (f.kind, f.span.text, HOLD if f.score >= 0.5 else NOTICE)
        for f in DETECTOR.detect(analyse(nlp, text))
        if f.span is not None
    }


FIRES = [
    # Health, tied to a name, a relative, a pronoun with a verb, a pupil, a possessive.
    ("Haar moeder heeft kanker.", {(SPECIAL, "Haar moeder heeft kanker", HOLD)}),
    ("Tim heeft ADHD en krijgt extra hulp.", {(SPECIAL, "Tim heeft ADHD", HOLD)}),
    ("Ze heeft dyslexie.", {(SPECIAL, "Ze heeft dyslexie", HOLD)}),
    ("Onze leerling Noor heeft diabetes.", {(SPECIAL, "Noor heeft diabetes", HOLD)}),
    ("Daan ligt in het ziekenhuis.", {(SPECIAL, "Daan ligt in het ziekenhuis", HOLD)}),
    # A sentence-initial name is a person when a group follows: "Sanne uit groep 7".
    (
        "Tim uit 3B ligt in het ziekenhuis.",
        {(SPECIAL, "Tim uit 3B ligt in het ziekenhuis", HOLD)},
    ),
    ("Sanne uit groep 7 heeft diabetes.", {(SPECIAL, "Sanne uit groep 7 heeft diabetes", HOLD)}),
    (
        "Tim heeft zijn arm gebroken bij het voetballen.",
        {(SPECIAL, "Tim heeft zijn arm gebroken", HOLD)},
    ),
    ("We missen zijn ADHD-grapjes niet.", set()),
    ("Bedankt voor de zorg rond zijn ADHD.", {(SPECIAL, "zijn ADHD", HOLD)}),
    (
        "Een leerling uit groep 7 heeft epilepsie.",
        {(SPECIAL, "leerling uit groep 7 heeft epilepsie", HOLD)},
    ),
    # Mild, everyday health news is shown, not held.
    ("Juf Anna is ziek.", {(SPECIAL, "Anna is ziek", NOTICE)}),
    (
        "De sportdag ging niet door vanwege ziekte van de juf.",
        {(SPECIAL, "ziekte van de juf", NOTICE)},
    ),
    ("Juf Eva is zwanger!", {(SPECIAL, "Eva is zwanger", NOTICE)}),
    # Religion, origin, orientation.
    ("Fatima is moslim.", {(SPECIAL, "Fatima is moslim", HOLD)}),
    ("Ahmed is gevlucht uit Syrië.", {(SPECIAL, "Ahmed is gevlucht uit Syrië", HOLD)}),
    (
        "Mohammed is van Marokkaanse afkomst.",
        {(SPECIAL, "Mohammed is van Marokkaanse afkomst", HOLD)},
    ),
    ("Mohammed komt uit Marokko.", {(SPECIAL, "Mohammed komt uit Marokko", NOTICE)}),
    ("Sanne is lesbisch.", {(SPECIAL, "Sanne is lesbisch", HOLD)}),
    ("Lisa kwam vorige week uit de kast.", {(SPECIAL, "Lisa kwam vorige week uit de kast", HOLD)}),
    # Discipline, grades, family.
    ("Een leerling uit groep 7 is geschorst.", {(CONF, "leerling uit groep 7 is geschorst", HOLD)}),
    ("Mijn zoon is geschorst.", {(CONF, "Mijn zoon is geschorst", HOLD)}),
    ("Bram moest nablijven.", {(CONF, "Bram moest nablijven", HOLD)}),
    ("Sanne had een 3 voor wiskunde.", {(CONF, "Sanne had een 3 voor", HOLD)}),
    ("Tim haalde een 8,5 voor rekenen!", {(CONF, "Tim haalde een 8,5 voor", NOTICE)}),
    ("Daan blijft zitten.", {(CONF, "Daan blijft zitten", HOLD)}),
    ("Jesse is gezakt voor zijn examen.", {(CONF, "Jesse is gezakt", HOLD)}),
    ("Haar vader is vorige week overleden.", {(CONF, "Haar vader is vorige week overleden", HOLD)}),
    (
        "Met verdriet melden wij het overlijden van onze collega Jan.",
        {(CONF, "overlijden van onze collega", NOTICE)},
    ),
    (
        "Zijn ouders zijn gescheiden.",
        {(CONF, "Zijn ouders zijn gescheiden", HOLD)},
    ),
    ("Hij woont nu in een pleeggezin.", {(CONF, "Hij woont nu in een pleeggezin", HOLD)}),
    (
        "Nina en haar moeder zijn naar Nederland gevlucht.",
        {(SPECIAL, "haar moeder zijn naar Nederland gevlucht", HOLD)},
    ),
    ("Opa van Jayden is overleden.", {(CONF, "Opa van Jayden is overleden", HOLD)}),
    ("Mark heeft zijn knie verstuikt.", {(SPECIAL, "Mark heeft zijn knie verstuikt", HOLD)}),
    (
        "We wensen Lieke beterschap: ze heeft de ziekte van Pfeiffer.",
        {(SPECIAL, "ze heeft de ziekte van Pfeiffer", HOLD)},
    ),
]

MUST_NOT_FIRE = [
    "De GGD geeft voorlichting over ADHD.",
    "Gezond ontbijt voor iedereen!",
    "We lopen voor KWF tegen kanker.",
    "Sanne loopt mee in de sponsorloop tegen kanker.",
    "Sanne hield een spreekbeurt over autisme.",
    "Kinderen met dyslexie krijgen bij ons extra ondersteuning.",
    "Een leerling met autisme heeft baat bij rust.",
    "Bel bij ziekte van uw kind naar de administratie.",
    "Vanwege corona gaat de ouderavond online.",
    "Gisteren is groep 5 naar het ziekenhuis geweest voor een rondleiding.",
    "Leerlingen uit groep 8 gingen naar het ziekenhuis voor een rondleiding.",
    "Bezoekers uit Amsterdam waren ziek van de busreis.",
    "Helaas is de excursie geannuleerd.",
    "Wat een mooie sportdag vandaag! Dank aan alle vrijwilligers.",
    "Gefeliciteerd aan alle leerlingen: jullie zijn geslaagd!",
    "Het voetbalteam won met 3-1.",
    "Sanne heeft het afval netjes gescheiden.",
    "Sanne zat vast in de lift, maar de conciërge hielp haar eruit.",
    "De ramadan begint deze week; we wensen iedereen een goede tijd.",
    "Iedereen was welkom bij het Suikerfeest-ontbijt.",
    "Onze conciërge Piet is met pensioen.",
    "Tim scoorde 3 doelpunten.",
    "Sanne maakte een beeld van gips.",
    "Vluchtelingen zijn welkom op onze school.",
    "Groep 8 leerde over de geschiedenis van Marokko.",
    "Tim heeft zijn record gebroken bij het hoogspringen!",
    "Sanne vertelde over de ramadan en het suikerfeest.",
    "Groep 6 deed mee aan de landelijke rekentoets.",
    "Wij wensen iedereen een fijn Suikerfeest!",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_fires(nlp_nl: Language, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _found(nlp_nl, text) == expected


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_must_not_fire(nlp_nl: Language, text: str) -> None:
    assert _found(nlp_nl, text) == set()


def test_only_the_same_sentence_counts(nlp_nl: Language) -> None:
    assert _found(nlp_nl, "Sanne won de quiz. De GGD vertelde over ADHD.") == set()


def test_evidence_names_fact_list_and_person(nlp_nl: Language) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, "Haar moeder heeft kanker."))
    assert "health.txt" in (finding.evidence.pattern or "")
    assert finding.evidence.validation == "person: relative"
    assert finding.evidence.context_words == ("Haar moeder",)
