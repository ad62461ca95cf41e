"""BSN detector: tables of (text, expected matched spans)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.bsn import BsnDetector
from tests.detectors.tables import findings, texts

DETECTOR = BsnDetector()


FIRES = [
    ("Mijn BSN is 111222333.", {"111222333"}),
    ("111222333", {"111222333"}),
    ("123456782 (bsn)", {"123456782"}),
    ("Burgerservicenummer: 1234.56.782", {"1234.56.782"}),
    ("bsn 1234 56 782", {"1234 56 782"}),
    ("bsn 123 456 782", {"123 456 782"}),
    ("sofinummer 123.456.782", {"123.456.782"}),
    ("BSN-nummer:111222333", {"111222333"}),
    ("burger service nummer 111222333", {"111222333"}),
    ("Oud sofinummer 12345672", {"12345672"}),
    ("Sanne: bsn 111222333, Tim: bsn 123456782.", {"111222333", "123456782"}),
    ("(111222333)", {"111222333"}),
    ("bsn\t111222333\n", {"111222333"}),
]

SILENT = [
    "123456789",  # fails the elfproef
    "bsn: 111222334",  # fails the elfproef
    "BSN 000000000",
    "1234567890",  # ten digits
    "11122233344",  # part of a longer run of digits
    "111222333444555",
    "A111222333",
    "111222333a",
    "1.111222333",
    "NL91ABNA0417164300",
    "IBAN NL44 RABO 0123 4567 89",
    "Bel 06 12345672 voor info",  # 12345672 passes the elfproef, but is a phone number
    "Bel 06-12345672",
    "+31 612345671",  # 612345671 passes the elfproef
    "0031 612345671",
    "RSIN 111222333",  # a foundation's number, elfproef by design
    "KvK 12345672",
    "Ordernummer 111222333",
    "tel. 111222333",
    "Prijs € 111.222.333",
    "111.222.333,- per jaar",
    "111.222.333 euro",
    "op 12-03-2014 om 14:30",
    "datum 20140113",  # eight digits that pass the elfproef, but read as a date
    "12012014",
    "groep 7 en 8, 2024-2025",
    "1234 AB Utrecht",
    "5 123 456 782",  # one more group of digits in front
    "123 456 782 1",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_finds_valid_bsn(nlp_nl: Language, text: str, expected: set[str]) -> None:
    assert texts(DETECTOR, nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(nlp_nl: Language, text: str) -> None:
    assert texts(DETECTOR, nlp_nl, text) == set()


@pytest.mark.parametrize(
    ("text", "score", "pattern"),
    [
        ("111222333", 0.6, "bsn_9_digits"),
        ("Mijn BSN is 111222333", 0.95, "bsn_9_digits"),
        ("1234.56.782", 0.65, "bsn_4_2_3"),
        ("123 456 782", 0.55, "bsn_3_3_3"),
        ("12345672", 0.3, "bsn_8_digits"),
        ("sofinummer 12345672", 0.9, "bsn_8_digits"),
    ],
)
def test_scores_and_evidence(nlp_nl: Language, text: str, score: float, pattern: str) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.bsn"
    assert finding.detector == "bsn"
    assert finding.detector_version == "1.0"
    assert finding.score == score
    assert finding.evidence.pattern == pattern
    assert finding.evidence.validation == "elfproef (python-stdnum nl.bsn)"


def test_context_words_are_reported(nlp_nl: Language) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, "Het burgerservicenummer (BSN) is 111222333")
    assert finding.evidence.context_words == ("burgerservicenummer", "bsn")
    assert "'bsn'" in finding.evidence.explanation


def test_exact_span(nlp_nl: Language) -> None:
    text = "Leerling Sanne, BSN 111222333, groep 5"
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.span is not None
    assert (finding.span.start, finding.span.end) == (20, 29)
