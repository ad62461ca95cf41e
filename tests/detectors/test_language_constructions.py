"""Construction classes the clause rules generalise over, each with sentences that must fire
and look-alikes that must not (issue 13, point 1 and 2).

Written by hand for these tests, none copied from the corpus under models/language/corpus:
they use other groups, other verbs and other word orders than the corpus rows that showed
the gap, so a rule tuned to those rows' wording fails here. The finding must come from the
rules (a clause rule or a list phrase, not the learned scorer): they are what must generalise.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from screening.detectors.language import OffensiveLanguageDetector
from screening.nlp import analyse

DETECTOR = OffensiveLanguageDetector()
THR, HATE, INS = "language.threat", "language.hate", "language.insult"
ABUSE = {THR, HATE, INS}


def _rule_kinds(nlp: Language, text: str) -> set[str]:
    return {
        f.kind
        for f in DETECTOR.detect(analyse(nlp, text))
        if f.evidence.pattern != "learned scorer"
    }


def _kinds(nlp: Language, text: str) -> set[str]:
    return {f.kind for f in DETECTOR.detect(analyse(nlp, text))}


# (class, sentence, kind the rules must report)
MUST_FIRE = [
    # Violence to a body part, the owner aimed at (possessive or "van X").
    ("body", "Ik breek straks je vingers.", THR),
    ("body", "Morgen trap ik hem zijn tanden uit zijn mond.", THR),
    ("body", "Ik sla de kop van Jeroen in als hij dat nog eens zegt.", THR),
    ("body", "Ik hoop dat je je nek breekt op die trap.", THR),
    # The one aimed at as the subject of a passive, or far from the verb.
    ("passive", "Die vrouwen met een boerka moeten allemaal in elkaar geslagen worden.", THR),
    ("passive", "Je wordt vanavond neergestoken, reken maar.", THR),
    ("passive", "Zullen we die Syriërs uit het asielcentrum vannacht eens opwachten?", THR),
    # "haar" and "hen" as the object; a demonstrative picking up the person named before.
    ("pronoun", "Ik ga haar na de les neersteken.", THR),
    ("pronoun", "Die gozer van de snackbar, die steek ik neer.", THR),
    ("pronoun", "Ik vind haar echt een walgelijke trut.", INS),
    # A compound naming people (group + head, or head + group) and a person.
    ("compound", "Moslimjongens zijn allemaal criminelen.", HATE),
    ("compound", "Die bootvluchtelingen zijn een plaag.", HATE),
    ("compound", "Die gymleraar moet je eens goed in elkaar trappen.", THR),
    # Harm someone deserves or must get, said of a group too.
    ("deserved", "Die wethouders verdienen allemaal een kogel.", THR),
    ("deserved", "Die Somaliërs moeten gewoon een kogel krijgen.", THR),
    # Sport does not excuse a verb only people undergo.
    ("sport", "Na de wedstrijd schieten we die keeper neer.", THR),
    # A neuter pronoun before a plural copula points back at the group.
    ("neuter pronoun", "Naast ons zijn Irakezen komen wonen. Dat zijn echte beesten.", HATE),
    # The nominal plural of a derogatory adjective.
    ("nominal adjective", "Lesbiennes zijn gestoorden.", HATE),
    # A phrase after the target before the link word belongs to the target.
    ("modified target", "De Polen uit die flat zijn smerige dieven.", HATE),
    ("modified target", "Die jongens van 4b zijn achterlijke mongolen.", INS),
    ("modified target", "Volgens mij is die conciërge gewoon een idioot.", INS),
    ("modified target", "Ik vind Sven de grootste sukkel van de school.", INS),
    # A participle before the predicate in a subordinate clause.
    ("participle", "Ik weet zeker dat Roma geboren leugenaars zijn.", HATE),
    # Relegation: a group belongs elsewhere.
    ("relegation", "Gehandicapten horen in een inrichting.", HATE),
    ("relegation", "Moslims horen in hun eigen land.", HATE),
    ("relegation", "Mensen met een hoofddoek horen in Saoedi-Arabië.", HATE),
    # Expelling imperatives and "niks te zoeken".
    ("expelling", "Gooi die Afghanen eruit.", HATE),
    ("expelling", "Zulke Bulgaren hebben hier niks te zoeken.", HATE),
    # A verbless label after the group in the same sentence.
    ("apposition", "Ik zag weer Roemenen bij de kassa, echt gespuis.", HATE),
    # (2.3) A question that proposes by asking why one does not: "niet" is no negation.
    ("rhetorical why", "Waarom trappen we die Hongaren niet gewoon in elkaar?", THR),
    ("rhetorical why", "waarom knallen wij die scheidsrechter niet neer", THR),
    # (2.3) Chat without a comma: a negation after an imperative death wish is the next clause's.
    ("chat death wish", "ga maar dood niemand houdt van jou", THR),
    ("chat death wish", "ga toch dood jij nobody wil je", THR),
]

# (class, sentence): no threat, hate or insult may be found by anything.
MUST_NOT_FIRE = [
    ("body", "Ik brak vorig jaar mijn arm bij het skiën.", None),
    ("body", "Je breekt je nek nog over die tassen in de gang.", None),
    ("body", "De fysiotherapeut draaide voorzichtig mijn nek om.", None),
    ("passive", "Veel kinderen worden in de oorlog in Soedan neergeschoten.", None),
    ("passive", "In de geschiedenisles leerden we dat Kennedy werd neergeschoten.", None),
    ("passive", "Het deeg werd zo taai dat je er met een hamer op kon slaan.", None),
    ("pronoun", "Ik vind haar tekening heel mooi.", None),
    ("pronoun", "Ik help haar morgen met haar huiswerk.", None),
    ("compound", "De moslimjongens van de moskee hielpen bij de buurtschoonmaak.", None),
    ("compound", "De brandweermannen waren na de brand helemaal vies.", None),
    ("deserved", "Kinderen die vorig jaar een ongeluk hebben gehad, krijgen een brief.", None),
    ("deserved", "Onze vrijwilligers verdienen allemaal een applaus.", None),
    ("sport", "We hebben ze in de finale helemaal afgemaakt.", None),
    ("sport", "Zaterdag gaan we die tegenstander slopen op het veld!", None),
    (
        "neuter pronoun",
        "Er zijn nieuwe leerlingen uit Oekraïne. Het zijn hele lieve kinderen.",
        None,
    ),
    (
        "neuter pronoun",
        "Er zijn Irakezen komen wonen. Het zijn geen beesten, het zijn buren.",
        None,
    ),
    ("nominal adjective", "De zieken in het ziekenhuis kregen bloemen van groep 5.", None),
    ("modified target", "De kinderen uit groep 3 zijn dol op hun knuffels.", None),
    ("modified target", "Ouders van kinderen met ADHD zijn welkom op de infoavond.", None),
    ("relegation", "Vluchtelingen horen in Nederland een veilig thuis te krijgen.", None),
    ("relegation", "Vrouwen horen niet alleen in de keuken, maar overal.", None),
    ("relegation", "Kinderen met een beperking horen gewoon bij ons op school.", None),
    ("expelling", "Uit Syrië kwamen vorig jaar veel vluchtelingen naar ons dorp.", None),
    ("expelling", "Stuur de kinderen met ADHD even naar buiten om te bewegen.", None),
    ("apposition", "We hadden een gastles over vluchtelingen, een moeilijk onderwerp.", None),
    ("apposition", "Wij zijn de gamers van de klas en ja, we zijn echte nerds.", None),
    ("self", "Ik ben echt een sukkel, ik ben mijn sleutels vergeten.", None),
    ("self", "Ik voel me zo'n idioot na die presentatie.", None),
    ("rhetorical why", "Waarom mag je iemand niet duwen op het plein?", None),
    ("rhetorical why", "Waarom gaan we niet gewoon met de fiets naar het bos?", None),
    ("chat death wish", "Ga niet dood van de zenuwen, het komt goed.", None),
    ("chat death wish", "ga dood zeggen is nooit oké", None),
    # Plain school sentences that held before 2.2 (a corpus round of plain posts found them):
    # animals named as animals, someone's own illness or pet, one toy, a verb spelled like
    # a slur's canonical form, and an exclusion word ("uit") as the scorer's only cue.
    ("animals", "Wist je dat ratten heel schone dieren zijn?", None),
    ("animals", "We leerden dat apen elkaars vacht verzorgen.", None),
    ("one person", "Het zusje van Daan is al een week ziek.", None),
    ("owned", "Juf Sanne is na haar ziekte weer begonnen.", None),
    ("one toy", "Elk kind kreeg een roze varkentje van marsepein.", None),
    ("written word", "Negeer die pushmeldingen en focus op je toets.", None),
    ("scorer cue", "De kinderen uit groep 4 zijn gek op paarden.", None),
]


@pytest.mark.parametrize(("cls", "text", "kind"), MUST_FIRE)
def test_the_rules_fire(nlp_nl: Language, cls: str, text: str, kind: str) -> None:
    assert kind in _rule_kinds(nlp_nl, text), cls


@pytest.mark.parametrize(("cls", "text", "kind"), MUST_NOT_FIRE)
def test_look_alikes_stay_harmless(nlp_nl: Language, cls: str, text: str, kind: None) -> None:
    assert not _kinds(nlp_nl, text) & ABUSE, cls


@pytest.mark.parametrize(
    "text",
    [
        "Ga dood, loser.",
        "Ik steek die conciërge morgen neer.",
        "Ik wil alle Marokkanen dood hebben.",
        "Vluchtelingen zijn parasieten.",
        "Dikke kinderen horen niet in de gymles.",
        "Die sukkel van groep 8 moet zijn mond houden.",
    ],
)
def test_the_six_sentences_of_the_issue_are_held_by_the_rules(nlp_nl: Language, text: str) -> None:
    assert _rule_kinds(nlp_nl, text) & ABUSE


def test_a_relegation_names_the_place(nlp_nl: Language) -> None:
    (finding,) = DETECTOR.detect(analyse(nlp_nl, "Gehandicapten horen in een inrichting."))
    assert finding.evidence.pattern == "clause rule: protected_group relegated elsewhere"
    assert finding.evidence.context_words == ("Gehandicapten", "inrichting")
