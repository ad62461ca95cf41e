"""find_dates: tables of (text, expected dates with their spans)."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.detectors.pii.dates import DateMatch, find_dates

D = dt.date

# (text, expected [(matched text, parsed date or (day, month, year) when partial)])
Expected = list[tuple[str, object]]
FULL_DATES: list[tuple[str, Expected]] = [
    ("12-03-2014", [("12-03-2014", D(2014, 3, 12))]),
    ("12/3/2014", [("12/3/2014", D(2014, 3, 12))]),
    ("12.03.2014", [("12.03.2014", D(2014, 3, 12))]),
    ("12 03 2014", [("12 03 2014", D(2014, 3, 12))]),
    ("2014-03-12", [("2014-03-12", D(2014, 3, 12))]),
    ("2014/3/12", [("2014/3/12", D(2014, 3, 12))]),
    ("12-03-'14", [("12-03-'14", D(2014, 3, 12))]),
    ("12-3-14", [("12-3-14", D(2014, 3, 12))]),
    ("1-1-89", [("1-1-89", D(1989, 1, 1))]),
    ("'02-04-12", [("'02-04-12", D(2002, 4, 12))]),
    ("12 maart 2014", [("12 maart 2014", D(2014, 3, 12))]),
    ("12 MAART 2014", [("12 MAART 2014", D(2014, 3, 12))]),
    ("12 mrt. 2014", [("12 mrt. 2014", D(2014, 3, 12))]),
    ("12 mrt 2014", [("12 mrt 2014", D(2014, 3, 12))]),
    ("1 jan '14", [("1 jan '14", D(2014, 1, 1))]),
    ("1 januari 2000", [("1 januari 2000", D(2000, 1, 1))]),
    ("17-mei-2011", [("17-mei-2011", D(2011, 5, 17))]),
    ("15.jan.1928", [("15.jan.1928", D(1928, 1, 15))]),
    ("29 februari 2024", [("29 februari 2024", D(2024, 2, 29))]),
    ("3 sept. 2019", [("3 sept. 2019", D(2019, 9, 3))]),
    ("2019 augustus 1", [("2019 augustus 1", D(2019, 8, 1))]),
    (
        "Geboren op maandag 3 juni 2019 om 04:12 uur",
        [("3 juni 2019", D(2019, 6, 3))],
    ),
    ("Van 12 t/m 14 maart 2024", [("14 maart 2024", D(2024, 3, 14))]),
    ("2011 10 23", [("2011 10 23", D(2011, 10, 23))]),
    (
        "Van 12-03-2014 tot 2014-04-01.",
        [("12-03-2014", D(2014, 3, 12)), ("2014-04-01", D(2014, 4, 1))],
    ),
]

PARTIAL_DATES: list[tuple[str, Expected]] = [
    ("op 12 maart gaan we", [("12 maart", (12, 3, None))]),
    ("1 JAN", [("1 JAN", (1, 1, None))]),
    ("29 februari", [("29 februari", (29, 2, None))]),
    ("maart 2014", [("maart 2014", (None, 3, 2014))]),
    ("in mrt '14", [("mrt '14", (None, 3, 2014))]),
]

NO_DATES = [
    "In 2024 en 2025",
    "om 14.30 uur",
    "8.30-12.00",
    "de stand was 3-2",
    "versie 1.2.3",
    "192.168.1.1",
    "de 12 meisjes",  # "mei" inside a word
    "12 meiden",
    "1 Jan en Piet",  # a boy called Jan, not January
    "29 februari 2023",
    "31 april 2024",
    "32-01-2018",
    "01-13-2018",
    "01-01-3018",
    "8/12/1899",
    "8/12/20000",
    "38.1.2022",
    "2018-13-01",
    "18/12/8",
    "1- AUGUSTUS 20181966-07-24",
    "38 augustus 2018",
    "2018 augustus 38",
    "06-12345678",
    "1234 AB",
    "groep 5 6 2014",
    "12 3 14",
]


def _as_pairs(matches: list[DateMatch]) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for m in matches:
        pairs.append((m.text, m.date if m.date is not None else (m.day, m.month, m.year)))
    return pairs


@pytest.mark.parametrize(("text", "expected"), FULL_DATES + PARTIAL_DATES)
def test_finds_dates(text: str, expected: list[tuple[str, object]]) -> None:
    assert _as_pairs(find_dates(text)) == expected


@pytest.mark.parametrize("text", NO_DATES)
def test_finds_no_dates(text: str) -> None:
    assert find_dates(text) == []


def test_spans_point_into_the_text() -> None:
    text = "Sanne is geboren op 12 maart 2014 en Tim op 01-02-2015."
    found = find_dates(text)
    assert [m.text for m in found] == ["12 maart 2014", "01-02-2015"]
    assert [text[m.start : m.end] for m in found] == [m.text for m in found]


def test_pattern_names() -> None:
    names = [m.pattern for m in find_dates("12-03-2014, 2014-03-12, 12 maart, maart 2014")]
    assert names == ["numeric_dmy", "numeric_ymd", "text_dm", "text_my"]
