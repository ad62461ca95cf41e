"""Address detector: tables of (text, expected matched spans)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.pii.address import AddressDetector
from tests.detectors.tables import findings, texts

DETECTOR = AddressDetector()


FIRES = [
    # postcodes
    ("Postcode 1234 AB", {"1234 AB"}),
    ("1234AB", {"1234AB"}),
    ("1234 AB Utrecht", {"1234 AB Utrecht"}),
    ("1234 AB  UTRECHT", {"1234 AB  UTRECHT"}),
    ("3521 AZ 's-Hertogenbosch", {"3521 AZ 's-Hertogenbosch"}),
    ("2411 AB Alphen aan den Rijn", {"2411 AB Alphen aan den Rijn"}),
    ("2595 AA Den Haag", {"2595 AA Den Haag"}),
    ("1234 AB 12", {"1234 AB 12"}),
    ("1234AB, 12a", {"1234AB, 12a"}),
    ("2011 AB Haarlem", {"2011 AB Haarlem"}),  # year-like digits, but a place name follows
    ("postcode 1234 ab", {"1234 ab"}),
    # streets
    ("Dorpsstraat 12", {"Dorpsstraat 12"}),
    ("Kerkweg 3a", {"Kerkweg 3a"}),
    ("Van Goghlaan 14-2", {"Van Goghlaan 14-2"}),
    ("Sanne woont aan de Van Goghlaan 14-2 in Utrecht.", {"Van Goghlaan 14-2"}),
    ("Burgemeester de Withstraat 5 bis", {"Burgemeester de Withstraat 5 bis"}),
    ("Prof. Dr. J.C. Schoutelaan 1", {"Prof. Dr. J.C. Schoutelaan 1"}),
    ("Jan van Galenstraat 101", {"Jan van Galenstraat 101"}),
    ("Prins Hendrikkade 5", {"Prins Hendrikkade 5"}),
    ("Laan van Meerdervoort 12", {"Laan van Meerdervoort 12"}),
    ("Plein 1944 nr 3", {"Plein 1944 nr 3"}),
    ("Markt 12", {"Markt 12"}),
    ("Heidelberglaan 1 A", {"Heidelberglaan 1 A"}),
    ("Heidelberglaan 1ab", set()),
    ("Heidelberglaan 11111", set()),
    ("Kerkstr. 8", {"Kerkstr. 8"}),
    ("Oudegracht 231-bis", {"Oudegracht 231"}),
    ("Ze woont op de Dorpsstraat 12, vlak bij school.", {"Dorpsstraat 12"}),
    ("Sinds 2014 woont Sanne aan de Kerkstraat 5.", {"Kerkstraat 5"}),
    ("Waar: Sporthal De Hoek, Sportlaan 3, Utrecht.", {"Sportlaan 3"}),
    # postcode, street and place together are one finding
    ("Dorpsstraat 12, 1234 AB Utrecht", {"Dorpsstraat 12, 1234 AB Utrecht"}),
    ("Dorpsstraat 12\n1234 AB Utrecht", {"Dorpsstraat 12\n1234 AB Utrecht"}),
    ("Kerkweg 3a, 1234 ab", {"Kerkweg 3a, 1234 ab"}),
    ("Adres: Van Goghlaan 14-2 1234AB Dorp.", {"Van Goghlaan 14-2 1234AB Dorp"}),
    (
        "Sanne (Dorpsstraat 12, 1234 AB Utrecht) en Tim (Kerkweg 3, 4321 BA Zeist)",
        {"Dorpsstraat 12, 1234 AB Utrecht", "Kerkweg 3, 4321 BA Zeist"},
    ),
]

SILENT = [
    "In 2024 en 2025 gaan we op kamp.",
    "IN 2024 EN 2025",
    "Tussen 2024 en 2025",
    "In 2024 VO en PO samen",
    "De USB-stick van 1000 MB",
    "We liepen 1500 KM",
    "1250 mg paracetamol",
    "1250MG",
    "1234 ab",  # lower case without street or house number
    "1234 SS Zwolle",  # SA, SD and SS are never issued
    "groep 7 en 8",
    "We spelen op het Schoolplein 3 keer per week.",
    "Op het Speelplein 12 kinderen",
    "Stationsplein 5 december komt Sinterklaas.",
    "Kerkplein 14:00 uur verzamelen",
    "Dorpsstraat 12.30 uur",
    "De Kerstmarkt 2 dagen lang",
    "via de Snelweg 3 uur rijden",
    "dorpsstraat 12",  # no capital: ordinary text, not a street name
    "Hoofdstuk 12",
    "Groep 8 en juf Anne",
    "Op 12 maart 2024",
    "Sportpark 3-0 gewonnen",
    "de Dorpsstraat",
    "€ 1234,50",
    "Postbus",
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
        ("1234 AB", 0.5, "postcode"),
        ("Postcode 1234 AB", 0.7, "postcode"),
        ("1234 AB Utrecht", 0.55, "postcode_city"),
        ("1234 AB 12", 0.8, "postcode_house_number"),
        ("Dorpsstraat 12", 0.65, "street_house_number"),
        ("Sanne woont op de Dorpsstraat 12", 0.8, "street_house_number"),
        ("Dorpsstraat 12, 1234 AB Utrecht", 0.85, "street_postcode"),
        ("Ons adres: Dorpsstraat 12, 1234 AB Utrecht", 0.95, "street_postcode"),
    ],
)
def test_scores(nlp_nl: Language, text: str, score: float, pattern: str) -> None:
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.kind == "pii.address"
    assert finding.detector == "address"
    assert finding.score == score
    assert finding.evidence.pattern == pattern


def test_merged_address_has_exact_span(nlp_nl: Language) -> None:
    text = "Post voor Sanne: Dorpsstraat 12, 1234 AB Utrecht. Dank!"
    (finding,) = findings(DETECTOR, nlp_nl, text)
    assert finding.span is not None
    assert (finding.span.start, finding.span.end) == (17, 48)
    assert finding.evidence.explanation == "street address with postcode"
