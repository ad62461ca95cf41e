"""Offensive-language detector: tables of (text, expected (kind, span text) findings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from kernel.errors import ConfigError
from screening.detectors.language import OffensiveLanguageDetector
from screening.nlp import analyse
from screening.resources import models_dir

DETECTOR = OffensiveLanguageDetector()
INS, THR, HATE, PROF = "language.insult", "language.threat", "language.hate", "language.profanity"


def _found(nlp: Language, text: str) -> set[tuple[str, str]]:
    return {
        (f.kind, f.span.text) for f in DETECTOR.detect(analyse(nlp, text)) if f.span is not None
    }


INSULTS = [
    ("Je bent een kankerlijer", {(INS, "Je bent een kankerlijer")}),
    ("je bent echt een sukkel", {(INS, "je bent echt een sukkel")}),
    ("Wat een idioot ben jij", {(INS, "Wat een idioot ben jij")}),
    ("Wat een sukkel.", {(INS, "Wat een sukkel")}),
    ("Sanne is een sukkel", {(INS, "Sanne is een sukkel")}),
    ("Die docent is een eikel", {(INS, "Die docent is een eikel")}),
    ("jij sukkel", {(INS, "jij sukkel")}),
    ("Jij idioot! Ga weg", {(INS, "Jij idioot")}),
    ("klootzak", {(INS, "klootzak")}),
    ("Noor is een hoer", {(INS, "Noor is een hoer")}),
    ("jullie zijn allemaal mongolen", {(INS, "jullie zijn allemaal mongolen")}),
    ("hou je bek", {(INS, "hou je bek")}),
    ("Hou je bek, niemand vraagt het", {(INS, "Hou je bek")}),
    ("ga toch kanker op", {(INS, "kanker op")}),
    ("krijg de tyfus", {(INS, "krijg de tyfus")}),
    ("tyfushoer", {(INS, "tyfushoer")}),
    ("Tim heeft ADHD en is echt een idioot", {(INS, "Tim heeft ADHD en is echt een idioot")}),
    # Sarcasm: a negated compliment aimed at someone is an insult.
    ("je bent echt geen slimme", {(INS, "je bent echt geen slimme")}),
    ("jij bent niet zo slim", {(INS, "jij bent niet zo slim")}),
    # A compound of a curse prefix and a person noun.
    ("rotjoch", {(INS, "rotjoch")}),
    ("kutwijf", {(INS, "kutwijf")}),
    ("kankermongool", {(INS, "kankermongool")}),
]

OBFUSCATED = [
    ("je bent een k4nk3r-lijer!!", {(INS, "je bent een k4nk3r-lijer")}),
    ("h0er", {(INS, "h0er")}),
    ("wat een kl00tzak ben jij", {(INS, "wat een kl00tzak ben jij")}),
    ("je bent een idiooooot", {(INS, "je bent een idiooooot")}),
    ("k*nkerlijer", {(INS, "k*nkerlijer")}),
    ("tyfus🤬hoer", {(INS, "tyfus🤬hoer")}),
    ("knkerlijer", {(INS, "knkerlijer")}),  # one letter deleted
    ("kankrelijer", {(INS, "kankrelijer")}),  # two letters swapped
    ("kanker lijer", {(INS, "kanker lijer")}),  # a space inserted
    ("k a n k e r", {(PROF, "k a n k e r")}),
    ("kan ker", {(PROF, "kan ker")}),
    ("k*nker", {(PROF, "k*nker")}),
    ("kankerrrr", {(PROF, "kankerrrr")}),
    ("k4nker", {(PROF, "k4nker")}),
    ("k.u.t", {(PROF, "k.u.t")}),
    ("wat een m0ng00l", {(INS, "wat een m0ng00l")}),
]

THREATS = [
    ("ik maak je af", {(THR, "ik maak je af")}),
    ("Ik maak je af na school", {(THR, "Ik maak je af")}),
    ("ik weet waar je woont", {(THR, "ik weet waar je woont")}),
    ("Ik sla je in elkaar na school", {(THR, "Ik sla je in elkaar")}),
    ("Wacht maar tot na school", {(THR, "Wacht maar tot na school")}),
    ("Je bent er geweest", {(THR, "Je bent er geweest")}),
    ("ik ga je vermoorden", {(THR, "ik ga je vermoorden")}),
    ("ik maak Sanne af", {(THR, "ik maak Sanne af")}),
    ("zulke mensen moeten vergast worden", {(THR, "zulke mensen moeten vergast")}),
    ("moslims moeten dood", {(THR, "moslims moeten dood")}),
    ("ik steek die school in de fik", {(THR, "ik steek die school in de fik")}),
]

HATE_CASES = [
    ("ik haat vrouwen", {(HATE, "ik haat vrouwen")}),
    ("Marokkanen zijn tuig", {(HATE, "Marokkanen zijn tuig")}),
    ("Turken zijn geen mensen", {(HATE, "Turken zijn geen mensen")}),
    ("Moslims moeten het land uit", {(HATE, "Moslims moeten het land uit")}),
    ("weg met de joden", {(HATE, "weg met de joden")}),
    ("Wat een kankerturk", {(HATE, "kankerturk")}),
    ("jij vuile flikker", {(HATE, "flikker")}),
    ("die negers weer", {(HATE, "negers")}),
]

PROFANITY = [
    ("kutweer vandaag", {(PROF, "kutweer")}),
    ("die printer is kut", {(PROF, "kut")}),
    ("kankerweer", {(PROF, "kankerweer")}),
    ("teringzooi", {(PROF, "teringzooi")}),
    ("Godverdomme wat koud", {(PROF, "Godverdomme")}),
    ("shit, de bus is te laat", {(PROF, "shit")}),
    ("kanker mooi man", {(PROF, "kanker mooi")}),
    ("Tering, wat is het koud", {(PROF, "Tering")}),
    ("Wat een klotedag", {(PROF, "klotedag")}),
]

# False positives are what makes a school stop using the tool: many harmless posts.
MUST_NOT_FIRE = [
    "Wat een mooie sportdag vandaag! Dank aan alle vrijwilligers.",
    # Negation.
    "je bent geen idioot",
    "Hij is geen sukkel, hij had pech.",
    "ik haat vrouwen niet",
    "Ik maak mijn werkstuk vanavond af.",
    "We maken haar tekening samen af.",
    "Ik weet niet waar de gymzaal is.",
    # Counter-speech.
    "zeg nooit 'mongool' tegen iemand",
    "Noem iemand nooit een mongool.",
    "'homo' is geen scheldwoord",
    "Ze zei 'je bent een trut' en dat is niet oké.",
    "Ik zou nooit zeggen dat je een sukkel bent.",
    "Pesten is niet oké, lees ons pestprotocol",
    # The disease, and fundraisers.
    "we lopen voor KWF tegen kanker",
    "KWF Kankerbestrijding zamelt geld in voor kankeronderzoek",
    "Sanne heeft kanker gehad en is nu beter.",
    "Zij heeft longkanker.",
    "Het Antoni van Leeuwenhoek is een kankerziekenhuis",
    "Laat je vaccineren tegen tyfus voor de reis.",
    "Mijn zusje had waterpokken.",
    "Die oude ziekte heette vroeger de tering.",
    "de tering naar de nering zetten",
    # False friends.
    "Gekke hoedjesdag was een succes!",
    "We bezochten de Domtoren en de Domkerk",
    "Het verteringsstelsel van de mens",
    "Trek warme kleren aan! De klerenkast staat in de gang.",
    "Homo sapiens leefde in Afrika",  # the scorer 1.0.0 read "Homo" as the group word
    "De negerzoen heet nu zoen",
    "Debiteuren en idioom",
    "In Mongolië wonen nomaden",
    "De Mongolen veroverden een groot rijk.",
    "Hij flikkerde van de trap.",
    "Het licht flikkert.",
    "eikels zoeken in het bos",
    "Wat een dom idee",
    "Wat een dom toeval",
    "Jij bent een topper",
    "Onze juf is een held",
    "De kleine apen in de dierentuin",
    "We zagen een aap en een ezel.",
    "De anker van het schip",
    "De kakkerlak in de keuken",
    "Rotterdam is mooi",
    "De vuilnisman komt morgen",
    "Takenlijst voor de ouderavond",
    "Pokémon kaarten ruilen mag niet",
    "Onze aanpak tegen pestkoppen",
    "hoe ren jij zo snel",
    "Sanne kan kerstliedjes zingen",
    "Dat is lulkoek, zei opa lachend.",
    "De wipkip is terug op het plein",
    "Het hufterproof speeltoestel is er!",
    "Dit jaar is het thema: de pest in de middeleeuwen.",
    "Ik heb de pest aan maandagen.",
    "Vluchtelingen zijn welkom op onze school",
    "Groep 7 ging naar de Mongoolse tent",
    "Ik hou van mijn klas, jullie zijn toppers!",
    "Gebruik nooit scheldwoorden zoals kankerlijer.",
    "Het spel heet Kanker en Koning, nee, Koning en Keizer.",
    "Kom op jongens, niet zo slap, jullie zijn geen mietjes!",
    "Ik steek de kaarsjes aan.",
    "Ik maak de taart af en dan gaan we zingen.",
    "Dat was een ziek goede voorstelling!",
    "Het dak lekt. Balen!",
    "We leerden over de pest in de middeleeuwen en maakten een pestmasker.",
]


@pytest.mark.parametrize(
    ("text", "expected"), INSULTS + OBFUSCATED + THREATS + HATE_CASES + PROFANITY
)
def test_fires(nlp_nl: Language, text: str, expected: set[tuple[str, str]]) -> None:
    assert _found(nlp_nl, text) == expected


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_must_not_fire(nlp_nl: Language, text: str) -> None:
    assert _found(nlp_nl, text) == set()


def test_evidence_explains_list_disguise_and_target(nlp_nl: Language) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, "k4nk3rweer"))
    assert finding.kind == PROF
    assert finding.span is not None and finding.span.text == "k4nk3rweer"
    explanation = finding.evidence.explanation
    assert "curse compound" in explanation
    assert "leetspeak" in explanation
    assert "target: object" in explanation
    (insult,) = DETECTOR.detect(analyse(nlp_nl, "Sanne is een sukkel"))
    assert "insult_phrases.txt" in (insult.evidence.pattern or "")
    assert insult.evidence.context_words == ("sukkel",)


def test_spans_are_exact_in_longer_text(nlp_nl: Language) -> None:
    text = "Beste ouders,\n\nGisteren riep iemand 'kutweer!' op het plein. Jij sukkel."
    found = DETECTOR.detect(analyse(nlp_nl, text))
    spans = [f.span for f in found]
    # The quoted 'kutweer!' that someone shouted is reported speech, left alone.
    assert [s.text for s in spans if s is not None] == ["Jij sukkel"]
    for span in spans:
        assert span is not None
        assert text[span.start : span.end] == span.text


def test_lexicons_come_from_the_given_folder(tmp_path: Path, nlp_nl: Language) -> None:
    import shutil

    shutil.copytree(models_dir() / "lexicons", tmp_path / "lexicons")
    with (tmp_path / "lexicons" / "language" / "profanity.txt").open("a", encoding="utf-8") as fh:
        fh.write("potjandrie 0.3\n")
    detector = OffensiveLanguageDetector(tmp_path / "lexicons")
    (finding,) = detector.detect(analyse(nlp_nl, "potjandrie, te laat"))
    assert finding.kind == PROF and finding.score == 0.3


def test_bad_phrase_is_a_config_error(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(models_dir() / "lexicons", tmp_path / "lexicons")
    (tmp_path / "lexicons" / "language" / "threats.txt").write_text("ik BOGUS je\n", "utf-8")
    with pytest.raises(ConfigError):
        OffensiveLanguageDetector(tmp_path / "lexicons")


def test_a_missing_scorer_stops_the_build_with_a_clear_error(tmp_path: Path) -> None:
    """No scorer, no screening: the service does not start rather than screen half-blind."""
    with pytest.raises(ConfigError) as err:
        OffensiveLanguageDetector(scorer=tmp_path / "no-scorer")
    assert "language scorer" in err.value.message("en") and "no-scorer" in err.value.message("en")
    assert "taalscorer" in err.value.message("nl")
