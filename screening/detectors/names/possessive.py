"""First names with a possessive s and no apostrophe: "Sannes moeder", "Daans verjaardag".

Dutch writes the possessive of a name that ends in a consonant or an unstressed e with a
bare s ("Sannes", "Jans", "Daans"); only names ending in a long vowel take "'s" ("Anna's",
which the word splitter already reads) and names ending in s, x or z an apostrophe alone. The
lists know "Sanne", not "Sannes", and the recogniser saw few such forms in news text. So a
capitalised word that no list knows counts as a possessive name when it is a listed first
name plus s, the s is how Dutch spells that name's possessive, the word is no ordinary Dutch
word ("Alles", "Dans") nor the adjective of a people ("Brits", "Noors"), and the trained
pipeline reads the word after it as the noun or adjective of what is owned ("Sannes
moeder", "Daans nieuwe fiets"; not "Mars is rood"). CoNLL-2002 tags such forms MISC
("Sarahs lijk", "Rafaels echtgenote"), so on its testa they count as false person names;
for a school post they are exactly the pupil.
Without part-of-speech tags (the blank fallback) nothing is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from screening.detectors.names.recognise import NameSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from screening.detectors.names.tokens import Word
    from screening.name_lists import NameLexicon

PATTERN = "first_name_possessive"
#: A name ending in one of these takes an apostrophe ("Anna's", "Lars'"), not a bare s.
_APOSTROPHE_ENDINGS = tuple("aiouysxz")
_OWNED = frozenset({"NOUN", "ADJ"})


def possessive_names(
    words: Sequence[Word], possible: Sequence[int], doc: Doc, lexicon: NameLexicon
) -> list[NameSpan]:
    """The words among `possible` (capitalised words no list knows) that are a first name's
    possessive with a bare s, followed by what is owned."""
    if not doc.has_annotation("POS"):
        return []
    found: list[NameSpan] = []
    for k in possible:
        w = words[k]
        base = w.text[:-1]
        if (
            w.possessive
            or not w.text.endswith("s")
            or len(base) < 2
            or base.lower().endswith(_APOSTROPHE_ENDINGS)
            or base not in lexicon.first_names
            or w.lower in lexicon.common
            or w.lower in lexicon.people_adjectives
            or base.lower() in lexicon.never_alone
        ):
            continue
        span = doc.char_span(w.start, w.end)
        if span is None or len(span) != 1 or span.end >= len(doc):
            continue
        owned = doc[span.end]
        if owned.pos_ in _OWNED and owned.text.islower() and owned.is_alpha:
            found.append(NameSpan.one_word(w, k, PATTERN, first_name=base))
    return found
