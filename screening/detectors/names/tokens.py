"""Words of a post with what a name recognizer needs to know about each: case and position.

A capital letter says "name" only in the middle of a sentence; at the start of one, after a
colon, a line break or an emoji, and in a title-cased heading it says nothing. So every word
records whether its capital carries information (`at_start`), and which sentence it is in
(for context rules that look at "the same sentence"). Links, e-mail addresses, @handles and
#hashtags are not read: a name inside them is reported by other detectors or not at all.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A word: letters, with hyphens or apostrophes inside ("Jan-Willem", "d'Sluis", "ib'er").
_WORD = re.compile(r"[^\W\d_]+(?:['’`-][^\W\d_]+)*")
# Links, @handles and #hashtags by pattern; e-mail addresses per white-space separated token
# (`_mail_like`), because a pattern like \S+@\S+\.\S+ backtracks for minutes over one long
# token full of '@' ("a@a@a@...", a hostile post).
_SKIP = re.compile(r"(?:https?://|www\.)\S+|[@#][^\W_][\w.-]*")
_TOKEN = re.compile(r"\S+")
_POSSESSIVE = ("'s", "’s")
_SENTENCE_END = re.compile(r"[.!?]")
_LOOSE = frozenset(':;"“”‘’«»•*-–—(')
#: Abbreviations whose full stop does not end a sentence ("dhr. Jansen", "bijv. Sanne").
ABBREVIATIONS = frozenset(
    {
        "bijv",
        "bv",
        "o.a",
        "oa",
        "ca",
        "nr",
        "st",
        "jl",
        "a.s",
        "resp",
        "evt",
        "incl",
        "excl",
        "enz",
        "mbv",
        "ivm",
        "dhr",
        "mevr",
        "mw",
        "mej",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "mr",
        "ds",
        "bc",
    }
)
#: Initials of more than one letter ("J. Th. Bakker"), as deduce lists them.
INITIALS = frozenset({"Th", "Ch", "Chr", "Ph"})


class Word(NamedTuple):
    """One word of the text. A tuple, not a dataclass: a post has hundreds of words."""

    text: str  # without a possessive 's ("Sanne" of "Sanne's")
    lower: str
    start: int
    end: int
    gap: str  # the characters between the previous word and this one
    sentence: int
    at_start: bool  # its capital says nothing: sentence start, heading, after ':' or emoji
    possessive: bool
    #: Starts with a capital and is not all capitals ("Sanne", "A"; not "KWF").
    capitalised: bool


def _mail_like(token: str) -> bool:
    r"""Whether a token reads as an e-mail address: an '@' after its first character, then a
    dot with a character on each side (what \S+@\S+\.\S+ matched, found in linear time)."""
    at = token.find("@", 1)
    return at >= 0 and token.find(".", at + 2, len(token) - 1) >= 0


def _skipped(text: str) -> list[tuple[int, int]]:
    """The ranges not read for names (sorted, not overlapping)."""
    if "@" not in text and "#" not in text and "/" not in text and "www." not in text:
        return []
    spans = [m.span() for m in _SKIP.finditer(text)]
    if "@" in text:
        spans += [m.span() for m in _TOKEN.finditer(text) if _mail_like(m.group())]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _ends_sentence(gap: str, previous: str, initials: frozenset[str]) -> bool:
    """Whether the gap after `previous` closes a sentence."""
    if "\n" in gap:
        return True
    m = _SENTENCE_END.search(gap)
    if m is None:
        return False
    if gap[m.start()] != "." or m.start() != 0:
        return True
    # "J. de Vries", "A.B. Visser", "dhr. Jansen", "bijv. Sanne": a full stop after an
    # initial or an abbreviation.
    if (len(previous) == 1 and previous.isupper()) or previous in initials:
        return False
    return previous.lower() not in ABBREVIATIONS


def _loose_start(gap: str) -> bool:
    """A gap after which a capital says nothing either: a colon, a bullet, an emoji, quotes."""
    return any(c in _LOOSE or (ord(c) > 0x2000 and not c.isspace()) for c in gap)


def words(text: str, initials: frozenset[str] = INITIALS) -> list[Word]:
    """The words of `text`, each with its sentence number and whether it starts one."""
    skipped = _skipped(text)
    out: list[Word] = []
    sentence = 0
    previous = ""
    prev_end = 0
    k = 0  # index into skipped
    for m in _WORD.finditer(text):
        start, end = m.span()
        while k < len(skipped) and skipped[k][1] <= start:
            k += 1
        if k < len(skipped) and skipped[k][0] <= start < skipped[k][1]:
            continue
        gap = text[prev_end:start]
        first = not out
        if gap == " ":  # by far the most common gap: nothing to look at
            loose = False
        else:
            if not first and _ends_sentence(gap, previous, initials):
                sentence += 1
                first = True
            loose = _loose_start(gap)
        token = m.group()
        possessive = False
        if token.endswith(_POSSESSIVE) and len(token) > 3:
            token, end, possessive = token[:-2], end - 2, True
        cap = token[0].isupper() and (len(token) == 1 or not token.isupper())
        out.append(
            Word(token, token.lower(), start, end, gap, sentence, first or loose, possessive, cap)
        )
        previous, prev_end = m.group(), m.end()
    return _headings(text, out)


def _headings(text: str, out: list[Word]) -> list[Word]:
    """Words of a title-cased line ("Grote Sportdag Voor Alle Groepen") all count as starts."""
    if not out:
        return out
    line_of: list[int] = []
    line = 0
    for i, w in enumerate(out):
        if i and "\n" in w.gap:
            line += w.gap.count("\n")
        line_of.append(line)
    by_line: dict[int, list[int]] = {}
    for i, n in enumerate(line_of):
        by_line.setdefault(n, []).append(i)
    for indices in by_line.values():
        long_words = [out[i] for i in indices if len(out[i].text) > 3]
        if len(long_words) >= 4 and sum(w.capitalised for w in long_words) >= 0.75 * len(
            long_words
        ):
            for i in indices:
                out[i] = out[i]._replace(at_start=True)
    return out
