"""The cue class of detector 2.4: exclusion of someone and menace without a word of violence.

A construction of `clauses/exclusion_of_one.txt` or `clauses/menace.txt` fires no finding by
itself: it lets the learned scorer's insult (exclusion) or threat (menace) count in its
clause. So each form is tested twice: the construction must be read in harmful sentences
(whatever the scorer says), and the post must be held where the scorer is sure; look-alikes
must stay harmless, most of them because the construction does not match them at all.

Written by hand for these tests, none copied from the corpus under models/language/corpus or
from the development posts: other names, places, verbs and word orders.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.language import OffensiveLanguageDetector
from screening.detectors.language.clauses import CUES_FOR_LABEL, scorer_cued
from screening.nlp import analyse

DETECTOR = OffensiveLanguageDetector()
THR, HATE, INS = "language.threat", "language.hate", "language.insult"
ABUSE = {THR, HATE, INS}
EXCLUSION, MENACE = "exclusion_of_one", "menace"


def _cues(nlp: Language, text: str) -> set[str]:
    reading = DETECTOR.clauses.read(analyse(nlp, text).doc)
    return {c for _start, _end, cues in reading.cued for c in cues} & {EXCLUSION, MENACE}


def _kinds(nlp: Language, text: str) -> set[str]:
    return {f.kind for f in DETECTOR.detect(analyse(nlp, text))}


# (form, sentence, cue): the construction must be read.
READ = [
    ("nobody wants you", "Niemand wil met jou in een tentje op schoolkamp.", EXCLUSION),
    ("nobody wants you", "Niemand wil naast Joris in de kring.", EXCLUSION),
    ("nobody wants you", "Hem wil niemand bij gym in het team.", EXCLUSION),
    ("nobody comes", "Niemand komt naar jouw verjaardagsfeest, Sanne.", EXCLUSION),
    ("nobody asks", "Niemand vraagt naar jouw mening, Bas.", EXCLUSION),
    ("nobody likes", "Niemand mag hem, die nieuwe.", EXCLUSION),
    ("not belonging", "Jij hoort niet bij onze vriendengroep.", EXCLUSION),
    ("not belonging", "Daarom hoort Noor er ook niet meer bij.", EXCLUSION),
    (
        "shut out of us",
        "Je mag niet meer bij ons aan tafel, ga maar ergens anders eten.",
        EXCLUSION,
    ),
    ("shut out of us", "Jij komt niet meer in onze club.", EXCLUSION),
    ("done with you", "Wij zijn klaar met jou.", EXCLUSION),
    ("knowing where", "Ik weet op welke tijd jij uit school komt.", MENACE),
    ("knowing where", "We weten waar je broertje op voetbal zit.", MENACE),
    ("address", "Ik heb je adres al, tot zaterdag.", MENACE),
    ("time running out", "Geniet maar van je laatste dagen op deze school.", MENACE),
    ("time running out", "Zeg je ouders maar alvast gedag.", MENACE),
    ("coming to you", "Jij gaat hier echt spijt van krijgen, Youssef.", MENACE),
    ("coming to you", "Ik ga jou eens een lesje leren, brugpieper.", MENACE),
    ("coming to you", "Jij gaat het nog voelen.", MENACE),
    ("happening to you", "Als er iets met je hondje gebeurt, weet je waarom.", MENACE),
    ("happening to you", "Weet je wat er met kinderen gebeurt die verraden?", MENACE),
    ("ultimatum", "Doe dat nog eens, dan zie je wel wat er gebeurt.", MENACE),
    ("over your shoulder", "Kijk maar goed om je heen na de training.", MENACE),
    ("over your shoulder", "Bid maar dat ik je niet tegenkom in de kantine.", MENACE),
    ("signs", "🔫 jij na de les", MENACE),
    ("gone", "De hele klas van meneer Bos gaat eraan.", MENACE),
    ("appointment", "Na de les, achter de fietsenstalling, jij en ik.", MENACE),
    ("sent at you", "Ik stuur mijn grote broer op je af.", MENACE),
    ("safety taken", "Jij bent hier niet meer veilig.", MENACE),
    ("home whole", "Jij komt vandaag niet heelhuids thuis.", MENACE),
    ("dare", "Kom maar naar buiten als je durft.", MENACE),
]

# (form, sentence, kind): held, the scorer believed because of the construction alone.
HELD = [
    ("nobody wants you", "Hem wil niemand bij gym in het team.", INS),
    ("nobody comes", "Niemand komt naar jouw verjaardagsfeest, Sanne.", INS),
    ("nobody likes", "Niemand mag hem, die nieuwe.", INS),
    ("not belonging", "Jij hoort niet bij onze vriendengroep.", INS),
    ("knowing where", "Ik weet op welke tijd jij uit school komt.", THR),
    ("address", "Ik heb je adres al, tot zaterdag.", THR),
    ("time running out", "Geniet maar van je laatste dagen op deze school.", THR),
    ("coming to you", "Ik ga jou eens een lesje leren, brugpieper.", THR),
    ("happening to you", "Als er iets met je hondje gebeurt, weet je waarom.", THR),
    ("over your shoulder", "Bid maar dat ik je niet tegenkom in de kantine.", THR),
    ("signs", "🔫 jij na de les", THR),
    ("sent at you", "Ik stuur mijn grote broer op je af.", THR),
    ("home whole", "Jij komt vandaag niet heelhuids thuis.", THR),
]

# (form, sentence): the construction must not be read.
NOT_READ = [
    ("a game's rule", "Jij mag niet meer meedoen, je bent getikt!"),
    ("a thing does not belong", "Mobieltjes horen niet op tafel tijdens de toets."),
    ("hearing", "Ik hoor je niet, kun je harder praten?"),
    ("modal horen te", "Jij hoort er niet bij te helpen, dat doet de conciërge."),
    ("a place of ours", "Jullie mogen niet meer in onze gang rennen."),
    ("may not", "Niemand mag jouw pincode weten."),
    ("a thing of yours", "Niemand wil jouw broodje, het is aangebrand haha."),
    ("belonging", "Na de zomer hoor jij bij groep 7, gefeliciteerd!"),
    ("asking the way", "Weet jij waar de fietsenstalling is?"),
    ("a form", "Vul je adres in op het aanmeldformulier."),
    ("a safety rule", "Zonder reflectoren kom je niet heelhuids thuis in het donker."),
    ("a last week", "Geniet van jullie laatste schoolweek, groep 8!"),
    ("nothing of yours", "Neem maar alvast afscheid van de oude gymzaal."),
    ("no one aimed at", "Nog één nachtje slapen en dan is het schoolreis!"),
    ("a thing goes", "De oude gymzaal gaat eraan: er komt een nieuwe."),
    ("sorry", "Het spijt me dat ik te laat ben."),
]

# Sentences that must stay harmless (no threat, hate or insult by anything).
HARMLESS = [
    *(text for _form, text in NOT_READ),
    "Let op: de ouderavond begint een half uur later.",
    "Ik weet wanneer jij jarig bent, dus er komt een verrassing!",
    "Ik weet welke klas jij krijgt, maar het blijft nog even een verrassing.",
    "Niemand vindt jou minder omdat je stottert.",
    "Je gaat het zien: het schoolplein wordt prachtig!",
    "Jij en ik zijn dit jaar klassenvertegenwoordiger.",
    "Snijd de appels in partjes 🔪🍏",
    "Groep 5 deed een waterpistoolgevecht 🔫💦",
    "Als er iets met je kind gebeurt, bel dan meteen de school.",
    "Wat gebeurt er met leerlingen die hun huiswerk vergeten? Ze maken het in de pauze.",
    "We zijn klaar met je werkstuk, het ziet er goed uit.",
    "Meester Ahmed leert de kleuters een lesje over veilig oversteken.",
    "Je krijgt geen spijt van een dagje dierentuin.",
    "Stuur je vragen op naar de juf, zij stuurt haar antwoord op je af.",
]


@pytest.mark.parametrize(("form", "text", "cue"), READ)
def test_the_construction_is_read(nlp_nl: Language, form: str, text: str, cue: str) -> None:
    assert cue in _cues(nlp_nl, text), form


@pytest.mark.parametrize(("form", "text", "kind"), HELD)
def test_the_scorer_is_believed_there(nlp_nl: Language, form: str, text: str, kind: str) -> None:
    findings = DETECTOR.detect(analyse(nlp_nl, text))
    assert kind in {f.kind for f in findings}, form
    assert any(f.evidence.pattern == "learned scorer" for f in findings if f.kind == kind)


@pytest.mark.parametrize(("form", "text"), NOT_READ)
def test_look_alikes_are_not_read(nlp_nl: Language, form: str, text: str) -> None:
    assert not _cues(nlp_nl, text), form


@pytest.mark.parametrize("text", HARMLESS)
def test_look_alikes_stay_harmless(nlp_nl: Language, text: str) -> None:
    assert not _kinds(nlp_nl, text) & ABUSE


def test_which_label_each_cue_can_carry() -> None:
    # Exclusion carries an insult, menace a threat; neither carries hate (that needs a group
    # or a demeaning word) and neither profanity.
    assert scorer_cued("insult", frozenset({EXCLUSION}))
    assert not scorer_cued("threat", frozenset({EXCLUSION}))
    assert scorer_cued("threat", frozenset({MENACE}))
    assert not scorer_cued("insult", frozenset({MENACE}))
    for cue in (EXCLUSION, MENACE):
        assert cue not in CUES_FOR_LABEL["hate"] | CUES_FOR_LABEL["profanity"]


def test_a_notice_is_no_menace(nlp_nl: Language) -> None:
    # "Let op:" heading a notice is no cue; "let maar op" and a trailing "let op" still are.
    notice = DETECTOR.clauses.read(analyse(nlp_nl, "Let op: vrijdag geen zwemles.").doc)
    assert not notice.cued
    for text in ("Let maar op, morgen.", "Morgen zie je het wel, let op."):
        reading = DETECTOR.clauses.read(analyse(nlp_nl, text).doc)
        assert any("cue" in cues for _s, _e, cues in reading.cued), text
