"""Finding Dutch dates in text, in every common notation, and parsing them where possible.

`find_dates` is a measuring tool, not a detector: it reports every calendar date it can read
(an event date as much as a birth date). The date-of-birth detector decides which of them are
tied to a birth.

Conventions:
* A two-digit year is 20yy up to and including 2050, else 19yy (``'14`` is 2014, ``'89`` is
  1989). A leading apostrophe (``'02-04-12``) marks the year as the first part.
* Only years 1900-2099 count; a day or month that does not exist (32-01-2018, 29 februari in
  a year that has none) makes no date at all.
* A date that is glued to more digits ("20181966-07-24") is not a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from screening.detectors.pii._common import SP, Anchor, best_non_overlapping, lead, matches_near

MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "febr": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_MONTH = "(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?![^\W\d_])"
_APOS = "['`’]"
# Nothing that would make the date part of a longer number, word or code.
_NOT_AFTER = r"[\w'`’./-]"
_D = lead(r"\d", _NOT_AFTER)  # the first digit of a date
_A = lead(_APOS, _NOT_AFTER)  # the apostrophe of "'02"
_TAIL = r"(?![\w]|[-/.,:]\d)"
# Between day, month name and year: "12 maart", "12-mrt-2014", "15.jan.1928", "15- jan".
_TSEP = rf"(?:{SP}*[-./]{SP}*|{SP}+)"
# After a month name, which may carry an abbreviation dot: "12 mrt. 2014", "1 jan '14".
_MSEP = rf"(?:\.?{SP}+|{SP}*[-./]{SP}*)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "numeric_dmy",
        re.compile(
            rf"(?P<d>{_D}\d?)(?P<sep>[-/.]|{SP})(?P<m>\d{{1,2}})(?P=sep)"
            rf"(?P<y>\d{{4}}|{_APOS}?\d{{2}}){_TAIL}"
        ),
    ),
    (
        "numeric_ymd",
        re.compile(
            rf"(?P<y>{_D}\d{{3}})(?P<sep>[-/.]|{SP})(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TAIL}"
        ),
    ),
    (
        # "'02-04-12": the apostrophe says the year comes first
        "numeric_ymd",
        re.compile(
            rf"(?P<y>{_A}\d{{2}})(?P<sep>[-/.]|{SP})(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TAIL}"
        ),
    ),
    (
        "text_dmy",
        re.compile(
            rf"(?P<d>{_D}\d?){_TSEP}{_MONTH}{_MSEP}(?P<y>\d{{4}}|{_APOS}\d{{2}}){_TAIL}",
            re.IGNORECASE,
        ),
    ),
    (
        "text_ymd",
        re.compile(
            rf"(?P<y>{_D}\d{{3}}|{_A}\d{{2}}){_TSEP}{_MONTH}{_MSEP}(?P<d>\d{{1,2}}){_TAIL}",
            re.IGNORECASE,
        ),
    ),
    (
        # "12 maart", but not the broken front of "1- AUGUSTUS 20181966".
        "text_dm",
        re.compile(
            rf"(?P<d>{_D}\d?){_TSEP}{_MONTH}(?!\.?{SP}*[-./]?{SP}*{_APOS}?\d{{3}})",
            re.IGNORECASE,
        ),
    ),
    (
        # "maart 2014", "mrt '14"; not the tail of "38 augustus 2018".
        "text_my",
        re.compile(
            rf"(?<!{_NOT_AFTER})(?<!\d{SP})(?<!\d[-./]){_MONTH}{_MSEP}(?P<y>\d{{4}}|{_APOS}\d{{2}})"
            rf"{_TAIL}",
            re.IGNORECASE,
        ),
    ),
)


_DIGIT = re.compile(r"\d")
_MONTH_ANCHOR = Anchor(tuple(MONTHS))
_DIGIT_SPACE = re.compile(rf"\d{SP}$")
_SPACE_DIGIT = re.compile(rf"{SP}\d")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A calendar date found in text: where, in which notation, and what it says."""

    start: int
    end: int
    text: str
    pattern: str
    day: int | None
    month: int
    year: int | None

    @property
    def date(self) -> dt.date | None:
        """The parsed date, when the text gives day, month and year."""
        if self.day is None or self.year is None:
            return None
        return dt.date(self.year, self.month, self.day)

    @property
    def score(self) -> float:
        """How much of a date this is: full dates outrank partial ones on overlap."""
        return (self.day is not None) + (self.year is not None) + 0.0


def _year(raw: str) -> int | None:
    digits = raw.lstrip("'`’")
    if len(digits) == 2:
        yy = int(digits)
        return 2000 + yy if yy <= 50 else 1900 + yy
    year = int(digits)
    return year if 1900 <= year <= 2099 else None


def _exists(day: int | None, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        dt.date(year if year is not None else 2000, month, day)  # 2000 keeps 29 februari
    except ValueError:
        return False
    return True


def _parse(text: str, name: str, m: re.Match[str]) -> DateMatch | None:
    groups = m.groupdict()
    sep = groups.get("sep")
    # With spaces only "23 10 2011" is a date; "12 3 14", "groep 5 6 2014" and "4 12 10 2014"
    # are lists of numbers.
    if (
        sep is not None
        and sep.isspace()
        and (
            len(groups["y"]) != 4
            or len(groups["d"]) != 2
            or len(groups["m"]) != 2
            or _spaced_number_around(text, m)
        )
    ):
        return None
    if "mon" in groups and groups["mon"] == "Jan" and groups.get("y") is None:
        return None  # "1 Jan" is far more often a boy called Jan than 1 January
    month = MONTHS[groups["mon"].lower()] if "mon" in groups else int(groups["m"])
    year = _year(groups["y"]) if groups.get("y") is not None else None
    if groups.get("y") is not None and year is None:
        return None
    day = int(groups["d"]) if groups.get("d") is not None else None
    if not _exists(day, month, year):
        return None
    return DateMatch(m.start(), m.end(), m.group(), name, day, month, year)


def _spaced_number_around(text: str, m: re.Match[str]) -> bool:
    return bool(_DIGIT_SPACE.search(text, max(0, m.start() - 2), m.start())) or bool(
        _SPACE_DIGIT.match(text, m.end())
    )


def find_dates(text: str) -> list[DateMatch]:
    """All dates in `text`, in text order; of overlapping readings the most complete one."""
    if not _DIGIT.search(text):
        return []
    lower = text.lower()
    candidates: list[DateMatch] = []
    for name, regex in _PATTERNS:
        if name.startswith("text_"):
            # A month name is found much faster than these patterns can scan the text.
            matches = matches_near(regex, _MONTH_ANCHOR, text, lower, before=12, after=12)
        else:
            matches = list(regex.finditer(text))
        for m in matches:
            parsed = _parse(text, name, m)
            if parsed is not None:
                candidates.append(parsed)
    return best_non_overlapping(candidates)
