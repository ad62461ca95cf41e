"""Building blocks shared by the personal-data recognizers: patterns, context words, findings.

A recognizer here is mostly declaration, in the manner of Presidio: named patterns with a
base score and a score with context, a list of context words, and a validation step. The
helpers below keep the detectors themselves short and make every finding explain itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from kernel.types import Evidence, Finding, Span
from screening.detectors.base import TextDetector

#: Horizontal white space only: a personal datum never continues across a line break.
SP = r"[ \t\u00a0]"


@dataclass(frozen=True, slots=True)
class Pattern:
    """A named regular expression, the score a bare match earns and the score with context."""

    name: str
    regex: re.Pattern[str]
    score: float
    context_score: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= self.context_score <= 1.0:
            raise ValueError(f"pattern {self.name!r}: need 0 <= score <= context_score <= 1")

    def scored(self, has_context: bool) -> float:
        """The score of a validated match, with or without context words nearby."""
        return self.context_score if has_context else self.score


def lead(first: str, not_after: str) -> str:
    """Regex for one character of class `first` that does not follow a `not_after` character.

    The class comes before the look-behind so that the regex engine can skip ahead to
    candidate characters instead of trying the look-behind at every position (2-3x faster).
    """
    return f"{first}(?<!{not_after}{first})"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Literal words (in lower case) of which a pattern's match must contain one.

    Finding a literal with `str.find` is far cheaper than scanning text with a pattern that
    starts with a look-behind, so slow patterns run only in short windows around anchors.
    """

    words: tuple[str, ...]
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alternatives = sorted(self.words, key=len, reverse=True)
        object.__setattr__(
            self, "regex", re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)
        )

    def find(self, text: str, lower: str) -> list[tuple[int, int]]:
        """Where the anchor words occur in `text`, whose lower-cased form is `lower`."""
        if len(lower) != len(text):  # a few characters grow when lower-cased ("İ")
            return [m.span() for m in self.regex.finditer(text)]
        spans: list[tuple[int, int]] = []
        for word in self.words:
            i = lower.find(word)
            while i >= 0:
                spans.append((i, i + len(word)))
                i = lower.find(word, i + 1)
        spans.sort()
        return spans


def matches_near(
    regex: re.Pattern[str],
    anchor: Anchor,
    text: str,
    lower: str,
    before: int,
    after: int,
) -> list[re.Match[str]]:
    """The matches of `regex` within `before`/`after` characters of an `anchor` word.

    `before` and `after` must cover the whole match around its anchor, look-arounds included.
    """
    windows: list[tuple[int, int]] = []
    for start, end in anchor.find(text, lower):
        lo, hi = max(0, start - before), min(len(text), end + after)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return [m for lo, hi in windows for m in regex.finditer(text, lo, hi)]


def words(block: str) -> frozenset[str]:
    """The white-space separated words of a word-list block, lower-cased."""
    return frozenset(block.lower().split())


def word_regex(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive regex that finds any of `words` as whole words (longest first)."""
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", rf"{SP}+")
        head = r"(?<!\w)" if re.match(r"\w", word) else ""
        tail = r"(?!\w)" if re.search(r"\w$", word) else ""
        alternatives.append(f"{head}{escaped}{tail}")
    return re.compile("|".join(alternatives) or r"(?!x)x", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Context:
    """Words that, within a window around a match, say what the match is."""

    words: tuple[str, ...]
    before: int = 50
    after: int = 25
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", word_regex(self.words))

    def find(self, text: str, start: int, end: int) -> tuple[str, ...]:
        """The context words in the window around text[start:end], lower-cased, in order."""
        found: list[str] = []
        lo = max(0, start - self.before)
        hi = min(len(text), end + self.after)
        for window_start, window_end in ((lo, start), (end, hi)):
            for m in self.regex.finditer(text, window_start, window_end):
                word = " ".join(m.group().lower().split())
                if word not in found:
                    found.append(word)
        return tuple(found)


class Scored(Protocol):
    """Anything with a half-open character range and a score."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def score(self) -> float: ...


S = TypeVar("S", bound=Scored)


def best_non_overlapping(candidates: Iterable[S]) -> list[S]:
    """Of overlapping candidates keep the best scored (then longest, then first); text order."""
    ranked = sorted(candidates, key=lambda c: (-c.score, -(c.end - c.start), c.start))
    kept: list[S] = []  # disjoint, sorted by start
    starts: list[int] = []
    for candidate in ranked:
        i = bisect_left(starts, candidate.start)
        if i < len(kept) and kept[i].start < candidate.end:
            continue
        if i > 0 and kept[i - 1].end > candidate.start:
            continue
        kept.insert(i, candidate)
        starts.insert(i, candidate.start)
    return kept


class SpanSet:
    """A fixed set of character ranges that answers "does [start, end) overlap any?" quickly."""

    __slots__ = ("_max_end", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._max_end: list[int] = []  # the largest end among the first i + 1 spans
        for _, end in ordered:
            self._max_end.append(max(end, self._max_end[-1]) if self._max_end else end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps one of the spans."""
        i = bisect_left(self._starts, end)  # spans[:i] start before `end`
        return i > 0 and self._max_end[i - 1] > start


def make_finding(
    detector: TextDetector,
    kind: str,
    text: str,
    start: int,
    end: int,
    score: float,
    evidence: Evidence,
) -> Finding:
    """A finding of `detector` for text[start:end], with the score clamped to [0, 1]."""
    return Finding(
        kind=kind,
        detector=detector.name,
        detector_version=detector.version,
        score=round(min(1.0, max(0.0, score)), 3),
        evidence=evidence,
        span=Span.of(text, start, end),
    )


def with_context(explanation: str, context: tuple[str, ...]) -> str:
    """`explanation`, followed by the context words that raised the score, if any."""
    return f"{explanation}; context {quoted(context)}" if context else explanation


def quoted(words: Iterable[str]) -> str:
    """Words as a quoted, comma-separated list for an explanation."""
    return ", ".join(f"'{w}'" for w in words)
