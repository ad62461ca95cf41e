"""IBAN detector: tables of (text, expected matched spans)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.iban import IbanDetector
from tests.detectors.tables import findings, texts

DETECTOR = IbanDetector()


FIRES = [
    ("NL91ABNA0417164300", {"NL91ABNA0417164300"}),
    ("IBAN: NL91 ABNA 0417 1643 00", {"NL91 ABNA 0417 1643 00"}),
    ("rekening NL91 ABNA 0417 1643 00.", {"NL91 ABNA 0417 1643 00"}),
    ("NL91 ABNA 0417 1643 00 t.n.v. S. de Vries", {"NL91 ABNA 0417 1643 00"}),
    ("NL91ABNA0417164300 Sanne", {"NL91ABNA0417164300"}),
    ("NL20INGB0001234567, NL44RABO0123456789", {"NL20INGB0001234567", "NL44RABO0123456789"}),
    ("DE89 3704 0044 0532 0130 00", {"DE89 3704 0044 0532 0130 00"}),
    ("GB29NWBK60161331926819", {"GB29NWBK60161331926819"}),
    ("(NL91ABNA0417164300)", {"NL91ABNA0417164300"}),
    ("NL91 ABNA 0417 1643 00 2024", {"NL91 ABNA 0417 1643 00"}),
]

SILENT = [
    "NL91ABNA0417164301",  # wrong check digits
    "NL91 ABNA 0417 1643 01",
    "NL00ABNA0417164300",
    "XX91ABNA0417164300",  # no such country
    "NL91ABNA041716430",  # one character short
    "ANL91ABNA0417164300",  # glued to a word
    "NL91ABNA04171643000",
    "Postcode 1234 AB",
    "BSN 111222333",
    "ABCD1234EFGH5678",
    "NL is een mooi land",
    "ISO 13616",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_finds_valid_ibans(nlp_nl: Language, text: str, expected: set[str]) -> None:
    assert texts(DETECTOR, nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(nlp_nl: Language, text: str) -> None:
    assert texts(DETECTOR, nlp_nl, text) == set()


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("NL91ABNA0417164300", 0.85),
        ("IBAN NL91ABNA0417164300", 0.95),
        ("Maak over op NL91ABNA0417164300 t.n.v. Stichting Ouderraad", 0.5),
        ("NL91ABNA0417164300 t.n.v. de Ouderraad", 0.5),
    ],
)
def test_scores(nlp_nl: Language, text: str, score: float) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.iban"
    assert finding.detector == "iban"
    assert finding.score == score
    assert finding.evidence.pattern == "iban"
    assert finding.evidence.validation is not None
    assert "python-stdnum iban" in finding.evidence.validation


def test_organisation_holder_is_explained(nlp_nl: Language) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, "NL91ABNA0417164300 t.n.v. Stichting Ouderraad")
    assert "organisation" in finding.evidence.explanation
