"""E-mail detector: tables of (text, expected matched spans)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.email import EmailDetector
from tests.detectors.tables import findings, texts

DETECTOR = EmailDetector()


FIRES = [
    ("jan.jansen@school.nl", {"jan.jansen@school.nl"}),
    ("Mail naar jan.jansen@school.nl.", {"jan.jansen@school.nl"}),
    ("Mail naar jan@school.nl, of bel.", {"jan@school.nl"}),
    ("(jan@school.nl)", {"jan@school.nl"}),
    ("<jan@school.nl>", {"jan@school.nl"}),
    ("mailto:sanne.de.vries@gmail.com", {"sanne.de.vries@gmail.com"}),
    ('<a href="mailto:tim@ouders.nl">', {"tim@ouders.nl"}),
    ("sanne+school@gmail.com!", {"sanne+school@gmail.com"}),
    ("a.b.c.naam-12@umcutrecht.nl", {"a.b.c.naam-12@umcutrecht.nl"}),
    ("achternaam_voornaam@gmail.com?", {"achternaam_voornaam@gmail.com"}),
    ("j.de.vries@leerling.school.example.org", {"j.de.vries@leerling.school.example.org"}),
    ("jöran@bücher.de", {"jöran@bücher.de"}),
    ("stuur een mail naar sanne(at)gmail.com", {"sanne(at)gmail.com"}),
    ("sanne [at] gmail.com", {"sanne [at] gmail.com"}),
    ("info@school.nl", {"info@school.nl"}),  # reported, with a low score
    ("a@b.nl en c@d.nl", {"a@b.nl", "c@d.nl"}),
]

SILENT = [
    "@sanne_2014 op Instagram",  # a handle, not an address
    "Volg ons op @basisschool",
    "jan@localhost",
    "jan@school",
    "jan@@school.nl",
    "jan @ school.nl",
    "email: jan at school dot nl",
    "2 @ 3 euro",
    "jan@school.n",
    "@",
    "Wat een dag!",
    "meet@",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_finds_addresses(nlp_nl: Language, text: str, expected: set[str]) -> None:
    assert texts(DETECTOR, nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(nlp_nl: Language, text: str) -> None:
    assert texts(DETECTOR, nlp_nl, text) == set()


@pytest.mark.parametrize(
    ("text", "score", "pattern"),
    [
        ("sanne@gmail.com", 0.85, "email"),
        ("mail: sanne@gmail.com", 0.9, "email"),
        ("info@school.nl", 0.4, "email"),
        ("administratie@school.nl", 0.4, "email"),
        ("sanne(at)gmail.com", 0.8, "email_obfuscated"),
    ],
)
def test_scores_and_evidence(nlp_nl: Language, text: str, score: float, pattern: str) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.email"
    assert finding.detector == "email"
    assert finding.score == score
    assert finding.evidence.pattern == pattern


def test_role_address_is_explained(nlp_nl: Language) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, "info@school.nl")
    assert "function" in finding.evidence.explanation


def test_mailto_is_context_not_span(nlp_nl: Language) -> None:
    text = "mailto:tim@ouders.nl"
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.span is not None
    assert (finding.span.start, finding.span.end) == (7, 20)
    assert "mailto:" in finding.evidence.context_words
