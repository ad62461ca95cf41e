"""A post's text as a reader sees it: without the characters nobody sees, in plain digits.

"Bel me op 06\u200b-1234\u200b5678" shows as a phone number on every screen, but no pattern
matches it: a zero-width space (or a soft hyphen, a word joiner, a direction mark) breaks it
up. Full-width or Arabic-Indic digits ("０６-１２３４５６７８") show as a number too. The
pipeline screens such a text a second time in its plain form, and `PlainText.origin` says
where each of its characters came from, so that a finding still points at the post's text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: Characters that take a place on screen but show nothing (Hangul fillers, braille blank):
#: read as a space.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Categories that show nothing on their own: format characters (zero-width, direction
#: marks, soft hyphen, tags), control characters, combining marks without a letter,
#: separators.
_UNSEEN = frozenset({"Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp"})
_FULL_WIDTH = range(0xFF01, 0xFF5F)
_FULL_WIDTH_OFFSET = 0xFEE0
#: ASCII control characters other than white space.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


@dataclass(frozen=True, slots=True)
class PlainText:
    """The plain form of a text, and per character its index in the original text."""

    text: str
    origin: Sequence[int]

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """The range of the original text that [start, end) of the plain form came from."""
        return self.origin[start], self.origin[end - 1] + 1


def plain_text(text: str) -> PlainText:
    """`text` without format and control characters (other than white space), with every
    decimal digit as an ASCII digit, full-width forms as ASCII and blanks as spaces."""
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return PlainText(text, range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        if c.isascii():
            if c.isprintable() or c.isspace():
                chars.append(c)
                origin.append(i)
            continue
        category = unicodedata.category(c)
        if category == "Cf" or (category == "Cc" and not c.isspace()):
            continue
        if c in BLANKS:
            c = " "
        elif category == "Nd":
            c = str(unicodedata.decimal(c))
        elif ord(c) in _FULL_WIDTH:
            c = chr(ord(c) - _FULL_WIDTH_OFFSET)
        chars.append(c)
        origin.append(i)
    return PlainText("".join(chars), tuple(origin))


def has_visible(text: str) -> bool:
    """Whether `text` shows anything: one character that is not white space, a format or
    control character, a combining mark on its own, or a blank."""
    return any(
        not c.isspace() and c not in BLANKS and unicodedata.category(c) not in _UNSEEN for c in text
    )
