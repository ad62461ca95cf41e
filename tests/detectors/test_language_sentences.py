"""Functional tests in Dutch: sentences the language detector must hold, and look-alikes it
must let through, per category of issue 13 (target x what is said x how it is said).

Written for these tests; none of them is in the corpus under models/language/corpus. Each row
names the finding kind the sentence must produce, or no kind for a harmless one (then no
threat, hate or insult may be found; object abuse may still be profanity).
"""

from __future__ import annotations

import itertools

import pytest
from spacy.language import Language

from screening.detectors.language import OffensiveLanguageDetector
from screening.nlp import analyse

DETECTOR = OffensiveLanguageDetector()
THR, HATE, INS, PROF = "language.threat", "language.hate", "language.insult", "language.profanity"
ABUSE = {THR, HATE, INS}


def _kinds(nlp: Language, text: str) -> set[str]:
    return {f.kind for f in DETECTOR.detect(analyse(nlp, text))}


MUST_FIRE = [
    # Threats and wishes of violence or death: you, a person, a group; every inflection.
    ("Ga dood, loser.", THR),
    ("Ik steek die conciërge morgen neer.", THR),
    ("Ik wil alle Marokkanen dood hebben.", THR),
    ("Ik sla je morgen helemaal in elkaar.", THR),
    ("Wij gaan die juf na school opwachten en dan vermoorden we haar.", THR),
    ("Ik hoop dat je doodgaat.", THR),
    ("Die leraar verdient het om neergeschoten te worden.", THR),
    ("Asielzoekers moeten allemaal vergast worden.", THR),
    ("Eén woord tegen de mentor en je bent dood.", THR),
    ("Ga maar dood.", THR),
    ("Ik hoop dat je een ongeluk krijgt.", THR),
    ("Ik heb een mes gekocht, speciaal voor jou.", THR),
    ("Morgen schiet ik jullie allemaal neer.", THR),
    # Dehumanisation, derogatory attributes, hatred, exclusion of a protected group.
    ("Vluchtelingen zijn parasieten.", HATE),
    ("Homo's zijn ziek in hun hoofd.", HATE),
    ("Waarom zijn Polen altijd zo lui?", HATE),
    ("Ik vind dat moslims vies zijn.", HATE),
    ("Ik ken veel Turken. Ik haat ze.", HATE),
    ("Dikke kinderen horen niet in de gymles.", HATE),
    ("Joden moeten het land uit.", HATE),
    ("Zwarte mensen zijn gewoon dommer.", HATE),
    ("Ik walg van lesbiennes.", HATE),
    ("Transgenders zijn geen echte mensen.", HATE),
    ("Er wonen nu Bulgaren in onze straat. Ze leven als beesten.", HATE),
    ("Mensen met Down zijn net dieren.", HATE),
    ("Roma liegen en stelen, dat zit in hun bloed.", HATE),
    ("Dat Turkse tuig hangt weer bij het station.", HATE),
    ("vluchtelingen = parasieten", HATE),
    # Insults and bullying aimed at you, a person, a described pupil, a non-protected group.
    ("Die sukkel van groep 8 moet zijn mond houden.", INS),
    ("Jij bent zo dom als het achtereind van een varken.", INS),
    ("Ik haat je, vieze rat.", INS),
    ("Brugklassers zijn echt debielen.", INS),
    ("Wat een stomme trut is die nieuwe juf.", INS),
    ("Ga je eens wassen, smerige zwerver.", INS),
    # Profanity at a thing, the weather or nothing.
    ("Die printer is kut.", PROF),
    ("Kutweer vandaag.", PROF),
]

MUST_NOT_FIRE = [
    # Negation.
    ("Vluchtelingen zijn geen parasieten.", None),
    ("Ik haat vrouwen niet.", None),
    ("Ik ga je echt niet slaan, rustig maar.", None),
    # Counter-speech and quoting to reject or report.
    ("Iemand schreef 'homo's zijn ziek' op het bord; dat accepteren we niet.", None),
    ("Zeggen dat moslims terroristen zijn is discriminatie.", None),
    # Harmless "dood".
    ("Ik ben doodmoe na de sportdag.", None),
    ("Ik ga dood van het lachen om die video.", None),
    ("Het is doodstil in het lokaal tijdens de toets.", None),
    ("Mijn opa is vorig jaar dood gegaan.", None),
    # Sports, games and stories.
    ("We hebben ze afgemaakt in de tweede helft: 5-0!", None),
    ("In de game schiet je de zombies neer.", None),
    ("In het boek wil de heks de prinses vermoorden.", None),
    ("In de geschiedenisles leerden we hoe Caesar werd doodgestoken.", None),
    # Neutral statements about groups and people.
    ("Moslims vieren aan het eind van de ramadan het Suikerfeest.", None),
    ("Onze school heeft leerlingen uit meer dan dertig landen, ook veel Polen.", None),
    ("Kinderen met kanker krijgen steun van de sponsorloop.", None),
    ("Je bent een beest op het voetbalveld!", None),
    ("De kinderen gedroegen zich als echte ontdekkingsreizigers in het bos.", None),
    ("Ik maak mijn werkstuk vanavond af.", None),
    ("Kinderen met een beperking zijn welkom op onze school.", None),
    ("Hij rende als een beest naar de finish.", None),
    ("Het zit niet in hun genen, het is opvoeding.", None),
    ("Je bent dood in Fortnite als je niet oppast, haha.", None),
    ("Ik hoop dat je snel beter bent na je ongeluk.", None),
    ("In de kookles leerden we hoe je een mes veilig vasthoudt.", None),
    ("ik ben zo'n sukkel, ik ben mijn gymtas vergeten", None),
    ("Steek je hand op als je een vraag hebt.", None),
    ("Ik vind je tekening mooi, ik hang hem op in de klas.", None),
    ("Juf Anna is ziek, groep 4 krijgt les van meester Tom.", None),
    ("Vanwege corona gaat de ouderavond online.", None),
]


@pytest.mark.parametrize(("text", "kind"), MUST_FIRE)
def test_fires(nlp_nl: Language, text: str, kind: str) -> None:
    assert kind in _kinds(nlp_nl, text)


@pytest.mark.parametrize(("text", "kind"), MUST_NOT_FIRE)
def test_stays_harmless(nlp_nl: Language, text: str, kind: None) -> None:
    assert not _kinds(nlp_nl, text) & ABUSE


def test_object_abuse_is_profanity_not_bullying(nlp_nl: Language) -> None:
    assert _kinds(nlp_nl, "Die kutprinter doet het weer niet.") == {PROF}


def test_finding_names_target_rule_and_words(nlp_nl: Language) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, "Ik ken veel Turken. Ik haat ze."))
    assert finding.kind == HATE
    assert finding.evidence.validation == "target: protected_group"
    assert finding.evidence.pattern == "clause rule: hatred of protected_group"
    assert "ze (Turken)" in finding.evidence.explanation


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Waarom krijgen Somaliërs altijd alles gratis van de gemeente?", HATE),
        ("Niemand wil met jou in een groepje, je stinkt.", INS),
        ("Pas maar op als je morgen naar school komt.", THR),
    ],
)
def test_the_scorer_catches_what_no_rule_foresaw_and_says_so(
    nlp_nl: Language, text: str, kind: str
) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, text))
    assert finding.kind == kind
    assert finding.evidence.pattern == "learned scorer"
    assert "no rule fired" in finding.evidence.explanation
    assert finding.score >= DETECTOR.scorer_min


@pytest.mark.parametrize(
    "text",
    [
        "Wat een dom idee.",  # said of a thing, and no group for the scorer's "hate"
        "Vragen? Stuur een mail naar de administratie.",  # no word that could hurt anyone
    ],
)
def test_the_scorer_alone_needs_a_word_that_can_hurt(nlp_nl: Language, text: str) -> None:
    assert DETECTOR.detect(analyse(nlp_nl, text)) == []


def test_a_negation_the_rules_saw_keeps_the_scorer_quiet(nlp_nl: Language) -> None:
    """The scorer alone reads "Ik haat vrouwen niet" as hate; the hatred rule saw the negation."""
    text = "Ik haat vrouwen niet."
    (window,) = DETECTOR.scorer.score(analyse(nlp_nl, text).doc)
    assert window.harmful >= DETECTOR.scorer_min  # what the scorer alone would say
    assert DETECTOR.detect(analyse(nlp_nl, text)) == []


def test_a_rule_finding_notes_when_the_scorer_agrees(nlp_nl: Language) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, "Vluchtelingen zijn parasieten."))
    assert finding.kind == HATE
    assert "learned scorer agrees" in finding.evidence.explanation


VEILED = "Morgen na school zie ik je wel bij het fietsenhok."


def _veiled_threats_on(monkeypatch: pytest.MonkeyPatch) -> OffensiveLanguageDetector:
    monkeypatch.setenv("SCREENING_LANGUAGE_SCORER_UNCUED_THREAT_MIN", "0.999")
    return OffensiveLanguageDetector()


def test_a_veiled_threat_without_a_listed_word_is_held_when_the_board_asks(
    nlp_nl: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No list knows a word of harm in it; the scorer is sure, and the clause aims at "je"."""
    assert DETECTOR.detect(analyse(nlp_nl, VEILED)) == []  # off by default
    (finding,) = _veiled_threats_on(monkeypatch).detect(analyse(nlp_nl, VEILED))
    assert finding.kind == THR and finding.evidence.pattern == "learned scorer"


def test_a_veiled_threat_needs_someone_to_aim_at(
    nlp_nl: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scorer reads the one-word caption "Binnenkort" as a threat; nobody is aimed at."""
    detector = _veiled_threats_on(monkeypatch)
    (window,) = detector.scorer.score(analyse(nlp_nl, "Binnenkort").doc)
    assert window.label == "threat" and window.probability >= 0.999
    assert detector.detect(analyse(nlp_nl, "Binnenkort")) == []


def test_decisions_name_the_scorer_and_its_weights() -> None:
    (entry,) = DETECTOR.model_versions().items()
    assert entry[0] == "language_scorer"
    assert entry[1].startswith("1.1.0 sha256:") and len(entry[1].split(":")[1]) == 64


def test_a_long_post_is_scored_in_windows_of_whole_sentences(nlp_nl: Language) -> None:
    """Every sentence is read; a window takes the sentence before it along for pronouns."""
    sentence = "Vandaag hadden we een mooie sportdag met veel zon en vrolijke kinderen. "
    text = sentence * 6 + "Ik ken veel Eritreeërs. Ik haat ze."
    windows = DETECTOR.scorer.score(analyse(nlp_nl, text).doc)
    assert len(windows) > 1
    assert windows[0].start == 0 and windows[-1].end == len(text)
    assert all(b.start < a.end for a, b in itertools.pairwise(windows))  # they overlap
    assert "Ik ken veel Eritreeërs. Ik haat ze." in text[windows[-1].start : windows[-1].end]
