"""Dutch school years: 1 August up to and including 31 July."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kernel.errors import InvalidSchoolYearError

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True, slots=True)
class SchoolYear:
    """The school year that starts on 1 August of `start`."""

    start: int

    def __post_init__(self) -> None:
        if not 1900 <= self.start <= 9998:
            raise ValueError(f"school year start {self.start} out of range")

    @classmethod
    def of(cls, day: date) -> SchoolYear:
        """The school year that contains `day`."""
        return cls(day.year if day.month >= 8 else day.year - 1)

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """A school year written as YYYY-YYYY, the second year one after the first."""
        m = _YEAR_RE.match(text)
        if not m or int(m[2]) != int(m[1]) + 1 or not 1900 <= int(m[1]) <= 9998:
            raise InvalidSchoolYearError(
                f"{text!r} is not a school year; write it as YYYY-YYYY, e.g. 2025-2026",
                f"{text!r} is geen schooljaar; schrijf het als JJJJ-JJJJ, bijv. 2025-2026",
            )
        return cls(int(m[1]))

    @property
    def first_day(self) -> date:
        """1 August of the start year."""
        return date(self.start, 8, 1)

    @property
    def last_day(self) -> date:
        """31 July of the following year."""
        return date(self.start + 1, 7, 31)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return f"{self.start}-{self.start + 1}"
