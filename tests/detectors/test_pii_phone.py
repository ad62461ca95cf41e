"""Phone detector: tables of (text, expected matched spans)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.phone import PhoneDetector
from tests.detectors.tables import findings, texts

DETECTOR = PhoneDetector()


FIRES = [
    ("Bel 06-12345678", {"06-12345678"}),
    ("06 12 34 56 78", {"06 12 34 56 78"}),
    ("0612345678", {"0612345678"}),
    ("+31 6 12345678", {"+31 6 12345678"}),
    ("+31612345678", {"+31612345678"}),
    ("+31(0)6-12345678", {"+31(0)6-12345678"}),
    ("+31 (0)6 12 34 56 78", {"+31 (0)6 12 34 56 78"}),
    ("0031 6 12345678", {"0031 6 12345678"}),
    ("(020) 123 4567", {"(020) 123 4567"}),
    ("020-1234567", {"020-1234567"}),
    ("010 - 123 45 67", {"010 - 123 45 67"}),
    ("(06)55555555", {"(06)55555555"}),
    ("Servicenummer 0800-1234", {"0800-1234"}),
    ("0900 8844", {"0900 8844"}),
    ("Belgisch: +32 470 12 34 56", {"+32 470 12 34 56"}),
    ("Duits: +49 30 12345678", {"+49 30 12345678"}),
    ("Bel 06-12345678 of 020-1234567.", {"06-12345678", "020-1234567"}),
    ("tel: 088-1234567", {"088-1234567"}),
    ("Bel (0517)555555 of 0314-555555", {"(0517)555555", "0314-555555"}),
    # ten digits with a trunk 0 that are not in the numbering plan: reported, with less weight
    ("Bel 0123456789", {"0123456789"}),
]

SILENT = [
    "In 2024 en 2025",
    "op 12-03-2014 om 14:30",
    "12.03.2014",
    "2014-03-12",
    "20-03-2024 tot 24-03-2024",
    "tussen 2010-2014",
    "schooljaar 2024-2025",
    "1234 AB Utrecht",
    "1234AB",
    "€ 1.250.000",
    "1.234.567 bezoekers",
    "€ 12,50 per kind",
    "de stand was 3-2",
    "uitslag 10-12-14",
    "om 14.30 uur",
    "van 8.30-12.00 uur",
    "111222333",  # a BSN
    "612345678",  # nine bare digits: no trunk 0, no country code
    "1234567890",
    "5348573857385",
    "NL91ABNA0417164300",
    "NL91 ABNA 0417 1643 00",
    "groep 1 t/m 8",
    "14 15 16 17 18 19 20",
    "bel 112!",
    "123 456 7890",
    "Hoofdstuk 3.2.1",
    "ISBN 978-90-12345-67-8",
    "ISBN 0-306-40615-2",
    "Bestelnummer 0123456789",
    "Om 09.00-10.30 uur gym",
    "Stand: 03-03-2024 06:30",
    "https://example.com/?id=0612345678",
    "Lokaal 0.12 en 0.23",
    "Wachtwoord 06122014",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_finds_phone_numbers(nlp_nl: Language, text: str, expected: set[str]) -> None:
    assert texts(DETECTOR, nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(nlp_nl: Language, text: str) -> None:
    assert texts(DETECTOR, nlp_nl, text) == set()


@pytest.mark.parametrize(
    ("text", "score", "pattern", "explains"),
    [
        ("06-12345678", 0.75, "phone_mobile", "mobile phone number, region NL"),
        ("bel me: 06-12345678", 0.9, "phone_mobile", "context 'bel'"),
        ("020-1234567", 0.55, "phone_fixed_line", "fixed line phone number, region NL"),
        ("+32 470 12 34 56", 0.75, "phone_mobile", "region BE"),
        ("0800-1234", 0.25, "phone_service", "toll-free service"),
        ("088-1234567", 0.35, "phone_company", "company number"),
        ("0123456789", 0.4, "phone_possible_nl", "not in the numbering plan"),
    ],
)
def test_scores_and_evidence(
    nlp_nl: Language, text: str, score: float, pattern: str, explains: str
) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.phone"
    assert finding.detector == "phone"
    assert finding.score == score
    assert finding.evidence.pattern == pattern
    assert explains in finding.evidence.explanation
    assert finding.evidence.validation


def test_exact_span_in_sentence(nlp_nl: Language) -> None:
    text = "Vragen? Bel juf Anne op 06-12345678, of mail haar."
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.span is not None
    assert (finding.span.start, finding.span.end) == (24, 35)
