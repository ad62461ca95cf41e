"""The rules that join the recogniser's entities with the list names (issue 12), as tables.

Each rule has Dutch sentences that must give a name and look-alikes that must not. The
entities are made by hand (label, and whether the parser makes the entity its clause's
subject), so the tables test the rules, not the model; a few sentences at the end go through
the shipped pipeline.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.names import NameDetector
from screening.detectors.names.entities import Entity, merge
from screening.detectors.names.recognise import NameRecognizer
from screening.name_lists import load_name_lexicon
from screening.nlp import analyse
from screening.resources import models_dir

LEXICON = load_name_lexicon()
RECOGNIZER = NameRecognizer(LEXICON)

Ents = list[tuple[str, str, bool]]  # (text, label, subject)


def joined(text: str, ents: Ents) -> list[str]:
    """The merged names' spans, with entities given as (text, label, subject)."""
    entities = []
    for part, label, subject in ents:
        start = text.index(part)
        entities.append(Entity(start, start + len(part), label, subject))
    found = RECOGNIZER.find(text)
    return [text[n.start : n.end] for n in merge(found.names, entities, found.words, LEXICON, text)]


CASES: list[tuple[str, Ents, list[str]]] = [
    # Initials in brackets alone on their line sign the text: a person's initials ...
    ("(RG)", [("RG", "PER", False)], ["RG"]),
    ("Tot volgende week!\n(KDM)", [("KDM", "PER", False)], ["KDM"]),
    # ... an acronym in brackets inside a sentence, or alone without brackets, is not.
    ("Zondag hield British Airways (BA) een Concorde aan.", [("BA", "PER", False)], []),
    ("IT", [("IT", "PER", False)], []),
    ("De GGD komt morgen.\n(GGD) en school", [("GGD", "PER", False)], []),
    # A word no list knows at the start of a sentence: a name when it is the subject ...
    ("Katzav studeerde economie en geschiedenis.", [("Katzav", "PER", True)], ["Katzav"]),
    ("Het was stil. Charamba zei niets.", [("Charamba", "PER", True)], ["Charamba"]),
    # ... not an interjection, a heading word or a word the recogniser does not see as subject.
    ("Shit, de wifi ligt er weer uit.", [("Shit", "PER", False)], []),
    ("Kutweer vandaag.", [("Kutweer", "PER", False)], []),
    ("Alleszins een positieve noot.", [("Alleszins", "PER", False)], []),
    # A listed first name the recogniser calls a place, after a place preposition, is a place ...
    ("De Spelen vinden plaats in Sydney.", [("Sydney", "LOC", False)], []),
    ("Er was een ongeval in Brecht.", [("Brecht", "LOC", False)], []),
    # ... but "bij" is as often someone's home, and without a preposition it stays a name.
    ("Vanavond logeren we bij Sanne.", [("Sanne", "LOC", False)], ["Sanne"]),
    ("Fatima en Noah bakten taart.", [("Fatima", "LOC", False)], ["Fatima", "Noah"]),
    ("Gisteren kwam Brecht niet naar school.", [("Brecht", "LOC", False)], ["Brecht"]),
    # A hyphenated word whose other half is a known word, called a place: a place.
    ("De wedstrijd in Sint-Niklaas was spannend.", [("Sint-Niklaas", "LOC", False)], []),
    ("Morgen speelt Sint-Niklaas thuis.", [("Sint-Niklaas", "LOC", False)], []),
    # Two first names stay a name, and so does a half no list knows.
    ("Gisteren zong Jean-Philippe een lied.", [("Jean-Philippe", "LOC", False)], ["Jean-Philippe"]),
    ("Onbekendenaam-Willem", [("Onbekendenaam-Willem", "LOC", False)], ["Onbekendenaam-Willem"]),
    # A word no list knows after a place preposition is a place, even if called a person ...
    ("De asielzoekers uit Togo kwamen gisteren aan.", [("Togo", "PER", False)], []),
    ("Hij lag in de kliniek in Kotelnich.", [("Kotelnich", "PER", False)], []),
    # ... a listed name after it is still a name, and so is one after another word.
    ("We gaan naar Sanne de Vries.", [("Sanne de Vries", "PER", False)], ["Sanne de Vries"]),
    (
        "Gisteren sprak Oleksandr Kovalenko.",
        [("Oleksandr Kovalenko", "PER", False)],
        ["Oleksandr Kovalenko"],
    ),
]


@pytest.mark.parametrize(("text", "ents", "expected"), CASES)
def test_entity_rules(text: str, ents: Ents, expected: list[str]) -> None:
    assert joined(text, ents) == expected


# A tussenvoegsel and a double surname: one part must be a known surname, all capitalised.
DOUBLE = [
    ("Gisteren sprak de Vries-Bakker op het podium.", ["de Vries-Bakker"]),
    ("Het bezoek van de Bosnisch-Servische president.", []),
    ("Een staking van een deel van het MoMA-personeel.", []),
]


@pytest.mark.parametrize(("text", "expected"), DOUBLE)
def test_double_surname_after_tussenvoegsel(text: str, expected: list[str]) -> None:
    found = RECOGNIZER.find(text)
    assert [text[n.start : n.end] for n in found.names] == expected


DETECTOR = NameDetector(LEXICON, None, models_dir() / "lexicons")

PIPELINE = [
    ("Katzav studeerde economie en geschiedenis.", ["Katzav"]),
    ("( RG )", ["RG"]),
    ("Shit, de wifi ligt er weer uit", []),
    ("Kutweer vandaag.", []),
    # An imperative at the start is no subject, though the recogniser may call it a person.
    ("Bel 06-12345678 of mail naar de administratie.", []),
    ("Bel 06-12345678", []),
]


@pytest.mark.parametrize(("text", "expected"), PIPELINE)
def test_on_the_shipped_pipeline(nlp_nl: Language, text: str, expected: list[str]) -> None:
    found = DETECTOR.detect(analyse(nlp_nl, text))
    assert [f.span.text for f in found if f.span is not None] == expected
