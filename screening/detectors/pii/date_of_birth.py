"""Dates of birth: dates that a birth word ties to a person.

Every date comes from `find_dates`; only those with a birth word close by and no other date in
between are reported. An event date ("op 12 maart gaan we naar Artis") is not personal data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import Context, Pattern, make_finding, quoted
from screening.detectors.pii.dates import DateMatch, find_dates
from screening.nlp import TextDoc

_ANY = re.compile(r".+", re.DOTALL)  # the dates come from find_dates, not from this pattern
# A sentence ends at ! ? or a line break, or at a full stop before a capital ("geb. 12 maart"
# goes on).
_SENTENCE_END = re.compile(r"[!?\n]|\.\s+(?=[A-ZÀ-Þ])")


class DateOfBirthDetector(TextDetector):
    """Dates next to geboren, geboortedatum, geb., jarig, verjaardag, DOB and the like."""

    name: ClassVar[str] = "date_of_birth"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.date_of_birth"

    #: Words that say the date is a birth date.
    BIRTH: ClassVar[Context] = Context(
        (
            "geboren",
            "geb.",
            "geb",
            "geboortedatum",
            "geboortedag",
            "geb. datum",
            "geb.datum",
            "geboren op",
            "is geboren",
            "werd geboren",
            "dob",
            "d.o.b.",
            "date of birth",
            "born",
            "geboorte",
            "levenslicht",
        ),
        before=45,
        after=25,
    )
    #: Words that say it is somebody's birthday: the day and month of a birth date.
    BIRTHDAY: ClassVar[Context] = Context(
        ("jarig", "verjaardag", "verjaart", "birthday"), before=35, after=25
    )
    #: "Op 12 maart wordt Sanne 8": turning an age on that day (a child's age, up to 20).
    TURNS_AGE: ClassVar[re.Pattern[str]] = re.compile(
        r"(?<!\w)wordt(?!\w)[^.!?\n]{0,25}?(?<![\w.,])(?:[1-9]|1\d|20)(?:\s*jaar)?"
        r"(?![\w.,:]|\s*(?:uur|u\b|euro|keer|minuten|km|meter|%))",
        re.IGNORECASE,
    )
    # Birth words and a full date say the most; a birthday without year says least. The
    # detector reports nothing without such words, so each pattern has one score.
    BIRTH_FULL: ClassVar[Pattern] = Pattern("birth_word_full_date", _ANY, 0.9, 0.9)
    BIRTH_DAY_MONTH: ClassVar[Pattern] = Pattern("birth_word_day_month", _ANY, 0.7, 0.7)
    BIRTH_MONTH_YEAR: ClassVar[Pattern] = Pattern("birth_word_month_year", _ANY, 0.6, 0.6)
    BIRTHDAY_FULL: ClassVar[Pattern] = Pattern("birthday_full_date", _ANY, 0.7, 0.7)
    BIRTHDAY_DAY_MONTH: ClassVar[Pattern] = Pattern("birthday_day_month", _ANY, 0.55, 0.55)
    VALIDATION: ClassVar[str] = "calendar date that exists (find_dates), birth word nearby"

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every date in the text that a birth word nearby makes a date of birth."""
        text = doc.text
        dates = find_dates(text)
        findings: list[Finding] = []
        for i, date in enumerate(dates):
            # Context may not reach past a neighbouring date: in "geboren 12-03-2014, begint
            # 01-09-2018" only the first is a birth date.
            lo = dates[i - 1].end if i > 0 else 0
            hi = dates[i + 1].start if i + 1 < len(dates) else len(text)
            words = _words_in(self.BIRTH, text, date, lo, hi)
            if words:
                what = "date of birth"
                if date.day is None:
                    pattern = self.BIRTH_MONTH_YEAR
                elif date.year is None:
                    pattern = self.BIRTH_DAY_MONTH
                else:
                    pattern = self.BIRTH_FULL
            else:
                if date.day is None:
                    continue  # "jarig in maart 2014" says little
                words = _words_in(self.BIRTHDAY, text, date, lo, hi)
                if not words:
                    words = _turns_age(self.TURNS_AGE, self.BIRTHDAY, text, date, lo, hi)
                    if not words:
                        continue
                what = "birthday"
                pattern = self.BIRTHDAY_DAY_MONTH if date.year is None else self.BIRTHDAY_FULL
            explanation = f"{what} ({_describe(date)}); birth words {quoted(words)}"
            findings.append(
                make_finding(
                    self,
                    self.kind,
                    text,
                    date.start,
                    date.end,
                    pattern.score,
                    Evidence(
                        explanation=explanation,
                        pattern=f"{pattern.name}:{date.pattern}",
                        validation=self.VALIDATION,
                        context_words=words,
                    ),
                )
            )
        return findings


def _sentence_window(
    text: str, date: DateMatch, lo: int, hi: int, before: int, after: int
) -> tuple[int, int]:
    """The part of the date's sentence within reach, not past a neighbouring date."""
    start = max(lo, date.start - before)
    end = min(hi, date.end + after)
    for m in _SENTENCE_END.finditer(text, start, date.start):
        start = m.end()
    stop = _SENTENCE_END.search(text, date.end, end)
    if stop is not None:
        end = stop.start()
    return start, max(end, date.end)


def _words_in(context: Context, text: str, date: DateMatch, lo: int, hi: int) -> tuple[str, ...]:
    """The context words near the date, in its sentence and between its neighbours lo and hi."""
    start, end = _sentence_window(text, date, lo, hi, context.before, context.after)
    words: list[str] = []
    for window_start, window_end in ((start, date.start), (date.end, end)):
        for m in context.regex.finditer(text, window_start, window_end):
            words.append(" ".join(m.group().lower().split()))
    return tuple(dict.fromkeys(words))


def _turns_age(
    regex: re.Pattern[str], reach: Context, text: str, date: DateMatch, lo: int, hi: int
) -> tuple[str, ...]:
    """ "wordt Sanne 8" before or after the date, never reading the date's own day as an age."""
    start, end = _sentence_window(text, date, lo, hi, reach.before, reach.after)
    for window_start, window_end in ((start, date.start), (date.end, end)):
        m = regex.search(text, window_start, window_end)
        if m is not None:
            return (" ".join(m.group().lower().split()),)
    return ()


def _describe(date: DateMatch) -> str:
    if date.date is not None:
        return date.date.isoformat()
    if date.year is None:
        return f"day {date.day}, month {date.month}, no year"
    return f"month {date.month} of {date.year}"
