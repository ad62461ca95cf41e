"""Age detector: tables of (text, expected matched spans). The span is the age itself."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.age import AgeDetector
from tests.detectors.tables import findings, texts

DETECTOR = AgeDetector()


FIRES = [
    ("Sanne (12) won de wedstrijd.", {"12"}),
    ("Tim (8 jaar) en Noor (6)", {"8", "6"}),
    ("Tim (10), Sanne (9) en Noor (11) zongen.", {"10", "9", "11"}),
    ("Noor (2) en Tim (4)", {"2", "4"}),
    ("Sanne wordt 8 jaar.", {"8"}),
    ("Sanne wordt vandaag 8 jaar!", {"8"}),
    ("Hoera, Sanne wordt vandaag 8!", {"8"}),
    ("Tim is 12 jaar oud.", {"12"}),
    ("12 jaar oud", {"12"}),
    ("patient is 6,5 jaar oud", {"6,5"}),
    ("tussen 11-12,5 jaar oud", {"11-12,5"}),
    ("Noor is acht jaar oud", {"acht"}),
    ("de 12-jarige Sanne", {"12"}),
    ("De 12-jarige uit Utrecht won goud.", {"12"}),
    ("een 8-jarig meisje", {"8"}),
    ("een achtjarig meisje", {"acht"}),
    ("de twaalfjarige Tim", {"twaalf"}),
    ("op 12-jarige leeftijd", {"12"}),
    ("op 11-12 jarige leeftijd", {"11-12"}),
    ("10-jarige patient", {"10"}),
    ("leeftijd: 12", {"12"}),
    ("Leeftijd 3-4 jaar", {"3-4"}),
    ("ik ben 15", {"15"}),
    ("Ik ben 15 jaar en zit op de havo.", {"15"}),
    ("hij is 12!", {"12"}),
    ("Sanne is 12 geworden.", {"12"}),
    ("Tim is gisteren 9 jaar geworden", {"9"}),
    ("Sanne is 12 jaar.", {"12"}),
    ("Ze is 12 jaar en zit in groep 8.", {"12"}),
    ("een meisje van 12 jaar", {"12"}),
    ("een jongen van 10.", {"10"}),
    ("Sanne viert haar 8e verjaardag", {"8"}),
    ("1 jaar en 3 maanden oud", {"1"}),
    ("Roland is 12 jaar oud", {"12"}),
    ("Juf Anne wordt 50 jaar!", {"50"}),
]

SILENT = [
    "het 25-jarig jubileum",
    "Het 25-jarig bestaan van de school",
    "de 4-jarige opleiding",
    "een 10-jarige samenwerking",
    "25 jaar bestaan",
    "De school bestaat 25 jaar.",
    "over 2 jaar",
    "3 jaar geleden",
    "al 10 jaar",
    "elke 2 jaar afspraak",
    "12,5 jaar gestopt met roken",
    "klachten begonnen 1,5 jaar geleden",
    "Batterij: 1,3 jaar",
    "groep 7",
    "om 12 uur",
    "€ 12",
    "kinderen van 4 tot 12 jaar",
    "voor kinderen in de leeftijd van 4 tot 12 jaar",
    "Het gebouw is 50 jaar oud.",
    "De school wordt 100 jaar!",
    "Basisschool De Regenboog wordt 50 jaar!",
    "Ons schoolgebouw werd 75 jaar oud.",
    "Het contract wordt 2 jaar verlengd.",
    "Het is 3 jaar.",
    "ik ben 15 minuten te laat",
    "ik ben 2e geworden",
    "Ze is 3e geworden.",
    "Groep (7)",
    "Hoofdstuk (3)",
    "Zaterdag (12)",
    "de 4-jarigen van groep 1",
    "Meester Jan is 25 jaar in dienst.",
    "Het antwoord is 12.",
    "Wat is 12 x 3?",
    "leeftijdsgroep 4-6",
    "We zijn met 12 jaar oud-leerlingen op reis.",
    "Uitslagen: Tim (1), Sanne (2), Noor (3).",
    "Lisa (groep 6) won.",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_finds_ages(nlp_nl: Language, text: str, expected: set[str]) -> None:
    assert texts(DETECTOR, nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(nlp_nl: Language, text: str) -> None:
    assert texts(DETECTOR, nlp_nl, text) == set()


@pytest.mark.parametrize(
    ("text", "score", "pattern"),
    [
        ("Sanne (12)", 0.7, "name_age"),
        ("Sanne wordt 8 jaar", 0.8, "turns"),
        ("12 jaar oud", 0.75, "years_old"),
        ("op 12-jarige leeftijd", 0.85, "n_jarige"),
        ("op de leeftijd van 12", 0.45, "age_of"),
    ],
)
def test_scores(nlp_nl: Language, text: str, score: float, pattern: str) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.age"
    assert finding.detector == "age"
    assert finding.score == score
    assert finding.evidence.pattern == pattern


def test_explanation_gives_the_age(nlp_nl: Language) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, "Tim is 12 jaar oud.")
    assert finding.evidence.explanation.startswith("age 12 ")
    assert finding.evidence.context_words == ("12 jaar oud",)
