"""The names detector on the shipped pipeline: list names joined with person entities.

Tables of hand-written Dutch sentences: names as schools write them, names no list knows, and
words that look like names but are not ("bakker", "Fries", "Mars", "Roos" as a flower).
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.names import NameDetector
from screening.name_lists import load_name_lexicon
from screening.nlp import analyse
from screening.resources import models_dir

DETECTOR = NameDetector(load_name_lexicon(), None, models_dir() / "lexicons")


def names(nlp: Language, text: str) -> list[str]:
    """The spans of the name findings in `text`, in order."""
    found = DETECTOR.detect(analyse(nlp, text))
    return [f.span.text for f in found if f.span is not None]


FIRES = [
    # First name and surname, tussenvoegsels, initials, titles.
    ("Gisteren won Sanne de Vries de voorleeswedstrijd.", ["Sanne de Vries"]),
    ("Felicitaties aan Lotte van der Berg met haar diploma!", ["Lotte van der Berg"]),
    ("Thijs van Dijk en Emma Bos wonnen de schaakwedstrijd.", ["Thijs van Dijk", "Emma Bos"]),
    ("De tekening van J. de Vries hangt in de hal.", ["J. de Vries"]),
    ("Juf Anna neemt groep 5 mee naar het bos.", ["Juf Anna"]),
    ("Meester Bram las voor uit het nieuwe boek.", ["Meester Bram"]),
    ("Onze nieuwe stagiair heet Kevin Janssen.", ["Kevin Janssen"]),
    # Hyphenated names, names from other languages, diminutives, possessives.
    ("Jan-Willem Bakker-Smit is onze nieuwe conciërge.", ["Jan-Willem Bakker-Smit"]),
    ("Ahmed El Amrani uit groep 8 speelde viool.", ["Ahmed El Amrani"]),
    ("Pietje zat vandaag bij de tandarts.", ["Pietje"]),
    ("Sanne's tekening won de eerste prijs.", ["Sanne"]),
    # First names alone, at the start of a sentence and in the middle.
    ("Daan en Mees hebben de estafette gewonnen.", ["Daan", "Mees"]),
    ("Fatima en Noah bakten pannenkoeken.", ["Fatima", "Noah"]),
    ("Vandaag was het feest, want Julia werd negen.", ["Julia"]),
    # All-lower-case chat style.
    ("gisteren was sanne jarig en fleur kwam ook", ["sanne", "fleur"]),
]

SILENT = [
    "We kochten brood bij de bakker op de hoek.",
    "Een echte Fries houdt van skûtsjesilen.",
    "Mars is de vierde planeet van het zonnestelsel.",
    "Op tafel stond een vaas met een roos.",
    "We gingen naar Den Helder en Bergen op Zoom.",
    "Het Van Gogh Museum was prachtig.",
    "Storm en regen hielden ons binnen.",
    "Op 12 april gaan we met de hele school naar Artis.",
    "De muur van het lokaal is groen geverfd.",
    "Groen is de kleur van de hoop.",
    "Winter komt eraan, dus neem een warme jas mee.",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_names_found(nlp_nl: Language, text: str, expected: list[str]) -> None:
    assert names(nlp_nl, text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_look_alikes_stay_silent(nlp_nl: Language, text: str) -> None:
    assert names(nlp_nl, text) == []


def test_a_surname_no_list_knows_is_found_by_the_trained_pipeline(nlp_nl: Language) -> None:
    text = "Onze gast was Xiomara Quispe uit Peru."
    (found,) = DETECTOR.detect(analyse(nlp_nl, text))
    # "Xiomara" is a listed first name; the recogniser adds the unknown surname.
    assert found.span is not None and found.span.text == "Xiomara Quispe"
    assert found.score >= 0.9


def test_a_confirmed_list_name_scores_higher(nlp_nl: Language) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, "Gisteren won Sanne de Vries de race."))
    assert finding.score >= 0.9  # lists and the trained recogniser agree


POSSESSIVES = [
    # A listed first name + s, what is owned after it: Dutch spells these without apostrophe.
    ("Sannes moeder bakte een taart voor de klas.", ["Sannes"]),
    ("Gisteren vierden we Daans verjaardag in de klas.", ["Daans"]),
    ("Op het podium stond Jans nieuwe fiets.", ["Jans"]),
]

POSSESSIVE_LOOK_ALIKES = [
    "Alles goed met de klas?",  # "Alle" is a first name, "alles" an ordinary word
    "Mars is rood en ver weg.",  # a verb after it: no owner
    "De Dans van de Vlinders was de mooiste act.",  # a title, and "dans" is a word
    "We lazen een Brits prentenboek voor.",  # "Brit" is a first name, "Brits" an adjective
]


@pytest.mark.parametrize(("text", "expected"), POSSESSIVES)
def test_possessive_without_apostrophe(nlp_nl: Language, text: str, expected: list[str]) -> None:
    assert names(nlp_nl, text) == expected


@pytest.mark.parametrize("text", POSSESSIVE_LOOK_ALIKES)
def test_possessive_look_alikes_stay_silent(nlp_nl: Language, text: str) -> None:
    assert names(nlp_nl, text) == []
