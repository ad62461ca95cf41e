"""How list names and the recogniser's entities are joined (no model: entities made by hand)."""

from __future__ import annotations

import pytest

from screening.detectors.names.entities import Entity, merge
from screening.detectors.names.recognise import NameRecognizer
from screening.name_lists import load_name_lexicon

LEXICON = load_name_lexicon()
RECOGNIZER = NameRecognizer(LEXICON)


def joined(text: str, ents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(span, pattern) of the merged names, with entities given as (text, label)."""
    entities = []
    for part, label in ents:
        start = text.index(part)
        entities.append(Entity(start, start + len(part), label))
    found = RECOGNIZER.find(text)
    return [
        (text[n.start : n.end], n.pattern)
        for n in merge(found.names, entities, found.words, LEXICON)
    ]


CASES = [
    # Confirmed by a person entity: kept, and grown by an unknown surname.
    (
        "Onze gast was Xiomara Quispe.",
        [("Xiomara Quispe", "PER")],
        [("Xiomara Quispe", "first_name_at_start")],
    ),
    # A listed first name the recogniser calls a place is still a first name.
    (
        "Fatima en Noah bakten taart.",
        [("Fatima", "LOC")],
        [("Fatima", "first_name_at_start"), ("Noah", "first_name")],
    ),
    # Inside a longer place or organisation name: not a person.
    ("Het akkoord van Camp David faalde.", [("Camp David", "LOC")], []),
    # A lone surname the recogniser calls a place.
    ("De top vond plaats in Brussel.", [("Brussel", "LOC")], []),
    # A first name that is also a word ("ben") needs a person entity ...
    ("Gisteren zag ik Ben op school.", [], []),
    (
        "Gisteren zag ik Ben op school.",
        [("Ben", "PER")],
        [("Ben", "first_name_also_a_word")],
    ),
    # ... a title and a listed name stand even inside a longer entity.
    ("Vragen? Bel juf Anna.", [("Bel juf Anna", "MISC")], [("juf Anna", "title")]),
    # A title before a name no list knows is a person only when the recogniser says so.
    ("Het plan van minister van Verkeer kwam later.", [], []),
    # An entity no list knows becomes a name, unless the lists know its words otherwise.
    (
        "Gisteren sprak Oleksandr Kovalenko.",
        [("Oleksandr Kovalenko", "PER")],
        [("Oleksandr Kovalenko", "ner_person")],
    ),
    ("De patiënt kreeg Olanzapine voorgeschreven.", [("Olanzapine", "PER")], []),
    ("Kutweer vandaag.", [("Kutweer", "PER")], []),
    ("Het Van Gogh Museum was mooi.", [("Van Gogh Museum", "PER")], []),
]


@pytest.mark.parametrize(("text", "ents", "expected"), CASES)
def test_merge(text: str, ents: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert joined(text, ents) == expected
