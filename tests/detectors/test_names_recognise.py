"""Name recognition: tables of (text, the names found), including texts that must stay silent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kernel.errors import ConfigError
from screening.detectors.names.recognise import NameRecognizer
from screening.name_lists import load_name_lexicon

RECOGNIZER = NameRecognizer(load_name_lexicon())


def names(text: str) -> list[str]:
    """The finding spans of the names in `text`, in order."""
    return [text[n.start : n.end] for n in RECOGNIZER.find(text).names]


FIRES = [
    # First names, at the start of a sentence and in the middle of one.
    ("Sanne won de tekenwedstrijd.", ["Sanne"]),
    ("Gefeliciteerd Tim, wat een mooie tekening!", ["Tim"]),
    ("Wij zijn trots op Milan en Fatima.", ["Milan", "Fatima"]),
    ("Noa en Liam hebben de quiz gewonnen.", ["Noa", "Liam"]),
    # Surnames with a tussenvoegsel.
    ("Sanne de Vries las haar gedicht voor.", ["Sanne de Vries"]),
    ("Gisteren sprak Tim van den Berg de klas toe.", ["Tim van den Berg"]),
    ("Dank aan Kees van der Heijden!", ["Kees van der Heijden"]),
    ("De prijs ging naar van der Sluis.", ["van der Sluis"]),
    ("Het boek is van Pieter Oude Nijhuis.", ["Pieter Oude Nijhuis"]),
    # Initials.
    ("Het verslag is van J. de Vries.", ["J. de Vries"]),
    ("Ondertekend: A.B. Visser en J. Th. Bakker.", ["A.B. Visser", "J. Th. Bakker"]),
    # Possessives: the name without the 's.
    ("Sanne's tekening hangt in de hal.", ["Sanne"]),
    ("Dit is Thijs' fiets.", ["Thijs"]),
    # Hyphenated names.
    ("Jan-Willem en Anne-Sophie zongen een lied.", ["Jan-Willem", "Anne-Sophie"]),
    ("Welkom aan mevrouw Visser-de Jong.", ["mevrouw Visser-de Jong"]),
    # Titles are part of the finding.
    ("Vragen? Bel juf Marieke.", ["juf Marieke"]),
    ("Meester Bart vertelde over de ridders.", ["Meester Bart"]),
    ("Burgemeester Femke Halsema opende het gebouw.", ["Burgemeester Femke Halsema"]),
    ("Wij danken dhr. Jansen en mw. El Amrani.", ["dhr. Jansen", "mw. El Amrani"]),
    # A first name that is also a word: a name in the middle of a sentence, or in a list.
    ("We speelden met Ben en Beer.", ["Ben", "Beer"]),
    ("Roos en Bas speelden buiten.", ["Roos", "Bas"]),
    ("Ben en Lot speelden buiten.", ["Ben", "Lot"]),
    # An unknown word is a name when an age follows it or a sure surname.
    ("Zyrelle (9) won de eerste prijs.", ["Zyrelle"]),
    ("Zyrelle de Vries won de eerste prijs.", ["Zyrelle de Vries"]),
    # "van" before a first name is a preposition: the name is the first name.
    ("De tekening van Sanne is prachtig.", ["Sanne"]),
    ("Opa van Jayden kwam vertellen.", ["Jayden"]),
]

SILENT = [
    "De zon scheen de hele dag.",
    "Op maandag gaan we zwemmen.",
    "Fijne Koningsdag allemaal!",
    "Fijne Pasen en tot na de vakantie.",
    "Op 12 april komt Sinterklaas op school.",
    "Lieve ouders, morgen is er geen school.",
    "We bezochten het Van Gogh Museum in Amsterdam.",
    "Vincent van Gogh schilderde zonnebloemen.",
    "We fietsten naar Den Helder en naar De Bilt.",
    "De bus rijdt via Assen naar Zwolle.",
    "Basisschool De Regenboog viert feest.",
    "De burgemeester opende het gebouw.",
    "De juf las een verhaal voor.",
    "Storm en regen: de sportdag gaat niet door.",
    "Winter in het bos: wat een mooie wandeling.",
    "We lazen over de ziekte van Pfeiffer.",
    "De opbrengst gaat naar het Prinses Máxima Centrum.",
    "Bij geschiedenis ging het over Dzjengis Khan.",
    "sanne won de prijs",  # no capital: no name (as in deduce)
    "SPORTDAG VOOR ALLE GROEPEN",
    "Kijk op www.deschool.nl/Sanne of mail naar info@deschool.nl.",
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_recognises_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", SILENT)
def test_stays_silent(text: str) -> None:
    assert names(text) == []


TITLES = [
    ("Vragen? Bel juf Marieke.", "staff"),
    ("Burgemeester Halsema opende het gebouw.", "public"),
    ("Welkom aan mevrouw Visser.", "honorific"),
    ("Opa Henk vertelde over de oorlog.", "adult"),
    ("Sanne de Vries won.", None),
]


@pytest.mark.parametrize(("text", "kind"), TITLES)
def test_title_kind_says_adult_in_a_role(text: str, kind: str | None) -> None:
    [name] = RECOGNIZER.find(text).names
    assert name.title_kind == kind


def test_name_parts_are_split_for_the_registry_lookup() -> None:
    [name] = RECOGNIZER.find("Het verslag is van dhr. J. de Vries.").names
    text = "Het verslag is van dhr. J. de Vries."
    assert text[name.name_start : name.name_end] == "J. de Vries"
    assert (name.initials, name.surname, name.title) == (("J",), "de Vries", "dhr")


def test_capitalised_words_no_list_knows_are_possible_names() -> None:
    text = "Wij bezochten het Rijksmuseum en zagen de Nachtwacht met Zyrelle."
    found = RECOGNIZER.find(text)
    assert [found.words[k].text for k in found.possible] == ["Nachtwacht", "Zyrelle"]


def test_a_post_without_capitals_has_no_candidates() -> None:
    found = RECOGNIZER.find("wat een mooie sportdag vandaag, dank aan alle vrijwilligers!")
    assert (found.names, found.possible) == ((), ())


def test_name_lists_are_read_without_importing_deduce() -> None:
    code = (
        "import sys\n"
        "from screening.name_lists import load_name_lexicon\n"
        "lexicon = load_name_lexicon()\n"
        "assert 'Sanne' in lexicon.first_names and 'Visser' in lexicon.surnames\n"
        "print('deduce' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_a_malformed_list_of_ours_is_a_config_error(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "models" / "lexicons"
    lexicons = tmp_path / "lexicons"
    (lexicons / "names").mkdir(parents=True)
    (lexicons / "common_words.txt").write_text("de het\n", encoding="utf-8")
    for name in ("titles.txt", "context.txt", "public_figures.txt"):
        (lexicons / "names" / name).write_bytes((source / "names" / name).read_bytes())
    (lexicons / "names" / "exceptions.txt").write_text("april\n[never_alone]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="before the first"):
        load_name_lexicon(lexicons)
