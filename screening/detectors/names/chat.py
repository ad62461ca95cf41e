"""First names in chat-style text that has no capital letters at all ("gister was sanne jarig").

In a text written entirely in lower case a capital cannot say "name", so the recogniser and
the trained pipeline (both of which lean on capitals) see nothing. Here a lower-case word
counts as a first name when deduce's list has it capitalised and it is no frequent Dutch word
and none of our "also a word" exceptions ("storm", "roos", "mars"). Only whole texts without
capitals qualify: in ordinary text a lower-case "sanne" is a typo, not a style.
"""

from __future__ import annotations

from collections.abc import Sequence

from screening.detectors.names.recognise import NameSpan
from screening.detectors.names.tokens import Word
from screening.name_lists import NameLexicon

PATTERN = "first_name_lowercase"
#: Fewer words than this is a fragment, not a chat message.
MIN_WORDS = 3


def chat_names(words: Sequence[Word], lexicon: NameLexicon) -> list[NameSpan]:
    """First names written in lower case, in a text whose words have no capitals at all."""
    if len(words) < MIN_WORDS or any(any(c.isupper() for c in w.text) for w in words):
        return []
    found: list[NameSpan] = []
    for k, w in enumerate(words):
        low = w.lower
        if (
            len(low) < 3
            or low.capitalize() not in lexicon.first_names
            or low in lexicon.common
            or low in lexicon.never_alone
            or low in lexicon.not_at_start
            or low in lexicon.not_surname
            or low in lexicon.titles
            or low in lexicon.interfixes
        ):
            continue
        found.append(NameSpan.one_word(w, k, PATTERN, first_name=w.text.capitalize()))
    return found
