"""A canonical form of post text that undoes common obfuscation, with a map back to the text.

Offensive words are disguised: leetspeak ("k4nk3r"), symbols inside a word ("k*nker",
"k.u.t", an emoji between letters), repeated letters ("kankerrrr") and spaced letters
("k a n k e r"). The canonical form lower-cases, maps leet digits to letters inside words that
also contain letters, drops symbols inside words (a `*`, `#` or `%` becomes the wildcard `?`,
since it usually stands for a hidden letter), collapses every run of one letter to a single
letter and joins runs of three or more single letters. Lexicon entries get the same treatment,
so "idioot" and "idiooooot" both become "idiot".

Each canonical character keeps the offset of the original character it came from, so every
span reported on the canonical form is mapped back to the exact original text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Digits and signs read as letters, but only inside a word that also has letters: "groep 7"
#: stays a number, "h0er" becomes "hoer".
LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "€": "e",
}
WILDCARD = "?"
_WILDCARD_SIGNS = frozenset("*#%")
#: Characters that end a word and say something about the text around it.
_QUOTES = frozenset("'\"‘’“”«»‚„`")
_SENTENCE_END = frozenset(".!?;:\n")
_CLAUSE_END = frozenset(",()[]{}–—")
# Word cores: anything but white space and the punctuation that separates words.
_CHUNK = re.compile(r"[^\s,;:!?()\[\]{}\"“”‘’«»„‚`–—]+")
_EDGE = ".'*_-~+/|\\"


class Token(NamedTuple):
    """One word of the post: its canonical form and where it is in the original text.

    A named tuple, not a dataclass: a post has hundreds of tokens and a tuple is made about
    five times faster than a frozen dataclass.
    """

    form: str
    text: str  # as written
    start: int
    end: int
    tricks: tuple[str, ...]
    capitalised: bool
    quoted: bool
    sentence_start: bool
    boundary_after: str  # "." at a sentence end, "," at a clause end, "" otherwise


@dataclass(frozen=True, slots=True)
class Rendered:
    """Token forms joined into one string (boundaries as " . " and " , ") with their offsets."""

    tokens: tuple[Token, ...]
    canon: str
    token_starts: tuple[int, ...]  # where each token's form starts in `canon`

    def token_range(self, cstart: int, cend: int) -> range:
        """Indices of the tokens that canon[cstart:cend] touches."""
        first = max(bisect_right(self.token_starts, cstart) - 1, 0)
        last = bisect_left(self.token_starts, cend) - 1
        return range(first, max(last, first) + 1)

    def span_of(self, cstart: int, cend: int) -> tuple[int, int]:
        """The original [start, end) of the tokens that canon[cstart:cend] touches."""
        touched = self.token_range(cstart, cend)
        return self.tokens[touched.start].start, self.tokens[touched.stop - 1].end


def render(tokens: Sequence[Token], forms: Sequence[str]) -> Rendered:
    """Join `forms` (one per token) with single spaces and boundary marks."""
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    last = len(tokens) - 1
    for i, (tok, form) in enumerate(zip(tokens, forms, strict=True)):
        starts.append(pos)
        # The end of the text ends a sentence, so "jij sukkel" is "jij sukkel ." .
        boundary = tok.boundary_after or ("." if i == last else "")
        sep = f" {boundary} " if boundary else " "
        parts.append(form)
        parts.append(sep)
        pos += len(form) + len(sep)
    return Rendered(tuple(tokens), "".join(parts), tuple(starts))


@dataclass(frozen=True, slots=True)
class Normalised:
    """The canonical tokens of a text."""

    text: str
    tokens: tuple[Token, ...]

    @property
    def plain(self) -> Rendered:
        """The canonical forms joined into one string (made on demand)."""
        return render(self.tokens, [t.form for t in self.tokens])


def canonical_word(word: str) -> str:
    """The canonical form of one lexicon entry or word (no tricks recorded)."""
    return _canonical_cached(word)[0]


_RUNS = re.compile(r"(\w)\1+")
_LONG_RUNS = re.compile(r"(\w)\1\1")


def _canonical(raw: str) -> tuple[str, tuple[str, ...]]:
    """Canonical form of one word core and the obfuscations that were undone."""
    if raw.isalpha():  # the common case, about ten times faster than the loop below
        low = raw.lower()
        if len(low) == len(raw):
            repeated = ("repeated letters",) if _LONG_RUNS.search(low) else ()
            return _RUNS.sub(r"\1", low), repeated
    has_letter = any(c.isalpha() for c in raw)
    if not has_letter:
        return raw, ()  # numbers, dates, amounts: nothing to undo
    out: list[str] = []
    tricks: list[str] = []
    run = 1
    for c in raw:
        if c.isalpha():
            low = c.lower()
            mapped = low if len(low) == 1 else c
        elif c.isdigit() or c in LEET:
            if c in LEET:
                mapped = LEET[c]
                if "leetspeak" not in tricks:
                    tricks.append("leetspeak")
            else:
                mapped = c
        elif c in _WILDCARD_SIGNS:
            mapped = WILDCARD
            if "letter hidden by a sign" not in tricks:
                tricks.append("letter hidden by a sign")
        elif c == "'" or c == "’":
            mapped = "'"
        else:
            # Dots, hyphens, emoji, zero-width characters inside a word.
            inside = out and unicodedata.category(c)[0] in "PSC"
            if inside and "symbols inside the word" not in tricks:
                tricks.append("symbols inside the word")
            continue
        if out and out[-1] == mapped and mapped.isalpha():
            run += 1
            if run == 3 and "repeated letters" not in tricks:
                tricks.append("repeated letters")
            continue
        run = 1
        out.append(mapped)
    return "".join(out), tuple(tricks)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _boundary(gap: str) -> str:
    if gap == " ":  # by far the most common gap
        return ""
    chars = set(gap)
    if not chars.isdisjoint(_SENTENCE_END):
        return "."
    if not chars.isdisjoint(_CLAUSE_END):
        return ","
    return ""


_WORD_CACHE: dict[str, tuple[str, tuple[str, ...]]] = {}
_WORD_CACHE_LIMIT = 100_000  # words are short: a few MB at most, then start again


def _canonical_cached(raw: str) -> tuple[str, tuple[str, ...]]:
    """`_canonical`, remembered: most words of a post were seen in earlier posts."""
    found = _WORD_CACHE.get(raw)
    if found is None:
        if len(_WORD_CACHE) > _WORD_CACHE_LIMIT:
            _WORD_CACHE.clear()
        found = _WORD_CACHE[raw] = _canonical(raw)
    return found


def normalise(text: str) -> Normalised:
    """Tokenise `text` and build its canonical form."""
    raw: list[tuple[int, int]] = []
    for m in _CHUNK.finditer(text):
        start, end = m.span()
        if text[start] in _EDGE or text[end - 1] in _EDGE:
            start, end = _strip(text, start, end)
        if start < end:
            raw.append((start, end))
    tokens: list[Token] = []
    prev_boundary = "."
    n = len(text)
    for i, (start, end) in enumerate(raw):
        word = text[start:end]
        form, tricks = _canonical_cached(word)
        if not form:
            continue
        nxt = raw[i + 1][0] if i + 1 < len(raw) else n
        boundary = "" if nxt == end + 1 and text[end] == " " else _boundary(text[end:nxt])
        tokens.append(
            Token(
                form,
                word,
                start,
                end,
                tricks,
                word[0].isupper() and not word.isupper(),
                (start > 0 and text[start - 1] in _QUOTES) or (end < n and text[end] in _QUOTES),
                prev_boundary == ".",
                boundary,
            )
        )
        prev_boundary = boundary
    return Normalised(text, tuple(_join_spaced_letters(tokens)))


def _join_spaced_letters(tokens: list[Token]) -> list[Token]:
    """Join "k a n k e r" (three or more one-letter words in a row) into one token."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while (
            j < len(tokens)
            and len(tokens[j].form) == 1
            and tokens[j].form.isalpha()
            and (j == i or not tokens[j - 1].boundary_after)
        ):
            j += 1
        if j - i >= 3:
            group = tokens[i:j]
            form, tricks = _canonical("".join(t.form for t in group))
            out.append(
                Token(
                    form=form,
                    text=" ".join(t.text for t in group),
                    start=group[0].start,
                    end=group[-1].end,
                    tricks=("spaced letters", *tricks),
                    capitalised=False,
                    quoted=group[0].quoted or group[-1].quoted,
                    sentence_start=group[0].sentence_start,
                    boundary_after=group[-1].boundary_after,
                )
            )
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


_CACHE_KEY = "screening.language.normalised"


def normalised(text: str, doc: Doc) -> Normalised:
    """The canonical form of a post, made once and shared through the spaCy Doc's user data."""
    cached = doc.user_data.get(_CACHE_KEY)
    if isinstance(cached, Normalised) and cached.text == text:
        return cached
    result = normalise(text)
    doc.user_data[_CACHE_KEY] = result
    return result
