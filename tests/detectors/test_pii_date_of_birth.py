"""Date-of-birth detector: tables of (text, expected matched spans)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.date_of_birth import DateOfBirthDetector
from tests.detectors.tables import findings, texts

DETECTOR = DateOfBirthDetector()


FIRES = [
    ("Sanne is geboren op 12 maart 2014.", {"12 maart 2014"}),
    ("Geboortedatum: 12-03-2014", {"12-03-2014"}),
    ("geb. 12-03-2014", {"12-03-2014"}),
    ("Tim (geb. 3 mei 2015) zit in groep 4", {"3 mei 2015"}),
    ("DOB: 2014-03-12", {"2014-03-12"}),
    ("Welkom Noor, geboren 3 maart!", {"3 maart"}),
    ("12-03-2014 geboren in Utrecht", {"12-03-2014"}),
    ("Op 12 maart is Sanne jarig!", {"12 maart"}),
    ("Sanne is jarig op 12 maart.", {"12 maart"}),
    ("Op 12 maart wordt Sanne 8 jaar.", {"12 maart"}),
    ("Haar verjaardag is op 12 maart.", {"12 maart"}),
    ("Geboren in maart 2014", {"maart 2014"}),
    (
        "Sanne (geboren 12-03-2014) begint op 01-09-2018 in groep 1.",
        {"12-03-2014"},
    ),
]

SILENT = [
    "Op 12 maart gaan we naar Artis.",
    "Op 12 maart 2024 is de ouderavond.",
    "Van 12-03-2024 tot 16-03-2024 is het schoolreis.",
    "Inschrijven kan tot 1 april.",
    "Jarig in maart 2014",  # a birthday with only month and year says little
    "Sanne is jarig! Op 12 maart gaan we naar Artis.",  # the birthday is in another sentence
    "Op 12 maart wordt de nieuwe school geopend.",
    "Op 12 maart wordt het 8 uur 's avonds",
    "Het feest wordt 12 maart gehouden.",
    "De geboorte van de lammetjes verwachten we in maart.",
    "geboren in 2014",  # a year is no date
    "Nieuw geboren lammetjes",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_finds_birth_dates(nlp_nl: Language, text: str, expected: set[str]) -> None:
    assert texts(DETECTOR, nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(nlp_nl: Language, text: str) -> None:
    assert texts(DETECTOR, nlp_nl, text) == set()


@pytest.mark.parametrize(
    ("text", "score", "pattern"),
    [
        ("geboren op 12 maart 2014", 0.9, "birth_word_full_date:text_dmy"),
        ("geboren op 12 maart", 0.7, "birth_word_day_month:text_dm"),
        ("geboren in maart 2014", 0.6, "birth_word_month_year:text_my"),
        ("jarig op 12 maart", 0.55, "birthday_day_month:text_dm"),
        ("jarig op 12-03-2024", 0.7, "birthday_full_date:numeric_dmy"),
    ],
)
def test_scores(nlp_nl: Language, text: str, score: float, pattern: str) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.date_of_birth"
    assert finding.detector == "date_of_birth"
    assert finding.score == score
    assert finding.evidence.pattern == pattern


def test_evidence_names_the_date_and_words(nlp_nl: Language) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, "Sanne is geboren op 12 maart 2014")
    assert "2014-03-12" in finding.evidence.explanation
    assert finding.evidence.context_words == ("is geboren",)
