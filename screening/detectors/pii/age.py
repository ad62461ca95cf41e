"""A person's age: "Sanne (12)", "wordt 8 jaar", "de 12-jarige", "leeftijd: 12", "ik ben 15".

The span is the age itself ("12", "11-12", "6,5"), as in deduce's annotations: the words
around it are the evidence, not the personal datum. A bare "N jaar" is a duration far more
often than an age ("al 10 jaar", "3 jaar geleden", "25 jaar bestaan"), so every pattern needs
a cue that the number is somebody's age.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import (
    SP,
    Anchor,
    Pattern,
    best_non_overlapping,
    make_finding,
    matches_near,
    words,
)
from screening.nlp import TextDoc

NUMBER_WORDS: dict[str, int] = {
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
    "twintig": 20,
}
_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# One age: 12, 6,5 or 2.5, or a number word; not the tail of "€ 12" or "1.12".
_BARE_NUM = rf"(?:\d{{1,3}}(?:[.,]\d)?(?!\d)|(?:{_WORDS})(?!\w))"
_NUM = rf"(?<![\w.,€$£/:-]){_BARE_NUM}"
# An age or a range of ages: "11-12", "3-4", "11-12,5".
_AGE = rf"(?P<age>{_NUM}(?:{SP}?[-–]{SP}?{_BARE_NUM})?)"
_ADVERBS = (
    r"(?:(?:nu|al|pas|bijna|net|inmiddels|ongeveer|ruim|vandaag|morgen|gisteren|straks|"
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|binnenkort|alweer|onlangs)"
    rf"{SP}+){{0,2}}"
)
_END = rf"(?={SP}*(?:[.!?,;:)]|$|en(?!\w)))"
_I = re.IGNORECASE

#: Nouns after "-jarige" that are no person: "de 4-jarige opleiding", "het 25-jarig jubileum".
NOT_PERSONS: frozenset[str] = words(
    """jubileum jubileumfeest bestaan samenwerking traditie geschiedenis dienstverband ervaring
    contract periode looptijd garantie huwelijk jubilaris ambtsjubileum verbintenis lidmaatschap
    programma plan onderzoek opleiding studie cursus vervolgopleiding havo vwo gymnasium
    atheneum mavo vmbo traject termijn project strategie afwezigheid pauze oorlog relatie
    viering feest bouw renovatie subsidie afspraak overeenkomst aanstelling benoeming
    loopbaan carrière inzet bijdrage band geschiedenis"""
)
#: Words after "-jarige" that show it names a person: "de 12-jarige Sanne", "het 8-jarig meisje".
PERSONS: frozenset[str] = words(
    """jongen jongens jongetje meisje meisjes kind kindje kinderen kleuter kleuters peuter
    peuters baby leerling leerlinge leerlingen scholier scholieren zoon zoontje dochter
    dochtertje broer broertje zus zusje tweeling patient patiënt man vrouw dame heer moeder
    vader opa oma juf meester leraar lerares collega deelnemer deelneemster winnaar winnares
    speler speelster voetballer talent"""
)
#: Words after "-jarige" that show it is used as a noun: "de 12-jarige uit Utrecht won".
FUNCTION_WORDS: frozenset[str] = words(
    """uit van die dat is was wordt werd heeft had en of met in op kreeg won zit zat gaat ging
    mag kan zal wil moet bij aan voor heeft kwam komt"""
)
#: Subjects whose age is no person's age: "het gebouw is 50 jaar oud".
NOT_PERSON_SUBJECTS: frozenset[str] = words(
    """gebouw pand school kerk huis molen boom brug kasteel vereniging club bedrijf organisatie
    stichting krant traditie feest auto fiets bibliotheek dorp stad museum theater wijk project
    methode computer lokaal speeltuin plein tuin gemeente land zwembad sporthal winkel zaak
    festival evenement jubileum koor orkest kinderboerderij"""
)
#: Endings that make a compound a thing as well ("schoolgebouw", "basisschool"); no first
#: name ends in one, unlike "land" (Roland) or "molen" (Van der Molen).
NOT_PERSON_ENDINGS: tuple[str, ...] = (
    "gebouw",
    "school",
    "kerk",
    "vereniging",
    "club",
    "stichting",
    "bibliotheek",
    "museum",
    "theater",
    "boerderij",
    "festival",
    "jubileum",
    "bedrijf",
    "organisatie",
    "zwembad",
    "sporthal",
    "speeltuin",
    "gemeente",
)
#: Capitalised words before "(12)" that count things instead of naming a person.
NOT_NAMES: frozenset[str] = words(
    """groep hoofdstuk stap vraag vragen bijlage foto foto's les week dag ronde tafel opgave
    pagina blz deel punt punten artikel lid klas jaar zaal lokaal bus team versie nummer figuur
    tabel totaal aantal reacties leerlingen kinderen deelnemers aanmeldingen opties uitslag
    score stand doelpunten plaats prijs uur minuten minuut items antwoorden bladzijde route
    lijn spoor tram perron unit hal gang verdieping module thema blok periode toets level
    niveau leerjaar seizoen editie aflevering kamer ingang poort veld baan bord taak opdracht
    rij stoel plek maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari
    maart april mei juni juli augustus september oktober november december"""
)


@dataclass(frozen=True, slots=True)
class _Rule:
    """A pattern, and the literal anchor that must occur within its reach."""

    pattern: Pattern
    anchor: Anchor
    before: int
    after: int


def _rule(
    name: str, score: float, regex: str, anchor_words: tuple[str, ...], reach: tuple[int, int]
) -> _Rule:
    # The age patterns need a cue, so there is no separate context boost: both scores agree.
    pattern = Pattern(name, re.compile(regex, 0 if name == "name_age" else _I), score, score)
    return _Rule(pattern, Anchor(anchor_words), *reach)


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    score: float
    pattern: Pattern
    cue: str


class AgeDetector(TextDetector):
    """Ages of people, each with the words that show it is an age."""

    name: ClassVar[str] = "age"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.age"

    # Each rule: name, score, regex, anchor words, and how far (before, after) a match can
    # reach from its anchor.
    RULES: ClassVar[tuple[_Rule, ...]] = (
        # "12 jaar oud", "6,5 jaar oud", "1 jaar en 3 maanden oud"
        _rule(
            "years_old",
            0.75,
            rf"{_AGE}{SP}*(?:jaar|jr\.?)(?:{SP}+en{SP}+{_NUM}{SP}+maand(?:en)?)?{SP}+(?:oud|jong)"
            r"(?!\w|-\w)",  # not "oud-leerlingen"
            ("oud", "jong"),
            (50, 5),
        ),
        # "de 12-jarige Sanne", "op 11-12 jarige leeftijd", "een achtjarig meisje"
        _rule("n_jarige", 0.8, rf"{_AGE}{SP}?-?{SP}?jarige?(?!\w)", ("jarig",), (25, 8)),
        _rule("n_jarige", 0.8, rf"(?<!\w)(?P<age>{_WORDS})jarige?(?!\w)", ("jarig",), (12, 8)),
        # "leeftijd: 12", "leeftijd 3-4 jaar"
        _rule(
            "age_label",
            0.7,
            rf"(?<!\w)leeftijd{SP}*(?:[:=]{SP}*|{SP}){_AGE}(?:{SP}*jaar)?(?!{SP}*(?:tot|t/m))",
            ("leeftijd",),
            (1, 40),
        ),
        # "op de leeftijd van 12": often a rule about children in general, so lower
        _rule(
            "age_of",
            0.45,
            rf"(?<!\w)(?<!in de )(?<!vanaf de )(?<!tot de )leeftijd{SP}+van{SP}+{_AGE}"
            rf"(?:{SP}*jaar)?(?!{SP}*(?:tot|t/m|-))",
            ("leeftijd",),
            (1, 45),
        ),
        # "wordt 8 jaar", "werd 12 jaar oud"
        _rule(
            "turns",
            0.8,
            rf"(?<!\w)(?:wordt|werd|word){SP}+{_ADVERBS}{_AGE}{SP}*jaar(?:{SP}+oud)?{_END}",
            ("word", "werd"),
            (1, 70),
        ),
        # "Sanne wordt vandaag 8!"
        _rule(
            "turns",
            0.6,
            rf"(?<!\w)(?:wordt|werd){SP}+{_ADVERBS}{_AGE}(?={SP}*(?:[!]|$))",
            ("word", "werd"),
            (1, 60),
        ),
        # "is 12 geworden", "ben 15 jaar geworden"
        _rule(
            "became",
            0.8,
            rf"(?<!\w)(?:is|ben|bent|zijn|was){SP}+{_ADVERBS}{_AGE}{SP}*(?:jaar{SP}+)?geworden"
            r"(?!\w)",
            ("geworden",),
            (70, 1),
        ),
        # "Sanne is 12 jaar." / "ze is 12 jaar en zit in groep 8"
        _rule(
            "is_years",
            0.65,
            rf"(?<!\w)(?:is|ben|bent|was|zijn|waren){SP}+{_ADVERBS}{_AGE}{SP}*jaar{_END}",
            ("jaar",),
            (70, 10),
        ),
        # "ik ben 15", "hij is 12!"
        _rule(
            "i_am",
            0.7,
            rf"(?<!\w)(?:ik{SP}+ben|ben{SP}+ik|jij{SP}+bent|je{SP}+bent|ben{SP}+je|hij{SP}+is|"
            rf"zij{SP}+is|ze{SP}+is|is{SP}+hij|is{SP}+ze|is{SP}+zij){SP}+{_ADVERBS}{_AGE}"
            rf"(?={SP}*(?:[.!?,;)]|$|en(?!\w)|jaar(?!\w)))",
            (
                "ik ben",
                "ben ik",
                "jij bent",
                "je bent",
                "ben je",
                "hij is",
                "zij is",
                "ze is",
                "is hij",
                "is ze",
                "is zij",
            ),
            (2, 70),
        ),
        # "Sanne (12)", "Tim (8 jaar)"
        _rule(
            "name_age",
            0.7,
            rf"(?<![\w])(?P<name>[A-ZÀ-Þ][a-zà-ÿ]+){SP}?\((?P<age>\d{{1,2}}(?:[.,]5)?)"
            rf"(?:{SP}*(?:jaar|jr\.?|j\.?))?\)",
            ("(",),
            (40, 12),
        ),
        # "een meisje van 12 jaar", "een jongen van 10"
        _rule(
            "person_of_age",
            0.65,
            rf"(?<!\w)(?:meisje|jongen|jongetje|kind|kindje|leerling|leerlinge|zoon|zoontje|"
            rf"dochter|dochtertje|broer|broertje|zus|zusje|baby|peuter|kleuter|man|vrouw|dame)"
            rf"{SP}+van{SP}+{_AGE}(?:{SP}*(?:jaar|jr\.?)(?:{SP}+oud)?(?!\w)|{_END})",
            ("van",),
            (15, 40),
        ),
        # "haar 8e verjaardag", "zijn 12de verjaardag"
        _rule(
            "nth_birthday",
            0.7,
            rf"(?<![\w.,])(?P<age>\d{{1,3}})(?:e|ste|de){SP}+verjaardag(?!\w)",
            ("verjaardag",),
            (10, 12),
        ),
    )
    PATTERNS: ClassVar[tuple[Pattern, ...]] = tuple(r.pattern for r in RULES)
    MAX_AGE: ClassVar[float] = 120

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every age in the text with a cue that it is a person's age."""
        text = doc.text
        candidates: list[_Candidate] = []
        lower = text.lower()
        for rule in self.RULES:
            pattern = rule.pattern
            near = matches_near(pattern.regex, rule.anchor, text, lower, rule.before, rule.after)
            for m in near:
                score = self._score(text, pattern, m)
                if score is None:
                    continue
                start, end = m.span("age")
                candidates.append(_Candidate(start, end, score, pattern, m.group()))
        findings: list[Finding] = []
        for c in best_non_overlapping(_without_rankings(text, candidates)):
            age = text[c.start : c.end]
            cue = " ".join(c.cue.split())
            findings.append(
                make_finding(
                    self,
                    self.kind,
                    text,
                    c.start,
                    c.end,
                    c.score,
                    Evidence(
                        explanation=f"age {age} ('{cue}')",
                        pattern=c.pattern.name,
                        validation=f"age value at most {self.MAX_AGE:g}",
                        context_words=(cue,),
                    ),
                )
            )
        return findings

    def _score(self, text: str, pattern: Pattern, m: re.Match[str]) -> float | None:
        """The score of a match, or None when it is no person's age after all."""
        if not all(0 < v <= self.MAX_AGE for v in _values(m.group("age"))):
            return None
        if pattern.name == "n_jarige":
            return _jarige_score(text, m, pattern.score)
        if pattern.name == "name_age":
            return None if m.group("name").lower() in NOT_NAMES else pattern.score
        if pattern.name in {"years_old", "turns", "became", "is_years"}:
            # "Het gebouw is 50 jaar oud", "De school wordt 100 jaar": the age of a thing.
            before = text[max(0, m.start() - 40) : m.start()].lower()
            last = re.findall(r"[^\W\d_]+", before)[-3:]
            if any(w in NOT_PERSON_SUBJECTS or w.endswith(NOT_PERSON_ENDINGS) for w in last):
                return None
            if pattern.name == "is_years" and last and last[-1] in {"het", "dat", "dit", "er"}:
                return None
        return pattern.score


def _without_rankings(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Drop "Tim (1), Sanne (2), Noor (3)": numbers after names that count up from 1 are ranks."""
    named = [c for c in candidates if c.pattern.name == "name_age"]
    if not {"1", "2"} <= {text[c.start : c.end] for c in named}:
        return candidates
    ranks = {str(n) for n in range(1, len(named) + 1)}
    return [
        c for c in candidates if c.pattern.name != "name_age" or text[c.start : c.end] not in ranks
    ]


def _values(age: str) -> list[float]:
    """The numbers in an age or age range."""
    values: list[float] = []
    for part in re.split(rf"{SP}?[-–]{SP}?", age):
        part = part.strip().lower()
        if part in NUMBER_WORDS:
            values.append(NUMBER_WORDS[part])
        else:
            try:
                values.append(float(part.replace(",", ".")))
            except ValueError:
                return [-1.0]
    return values


_NEXT_WORD = re.compile(rf"{SP}*([^\W\d_][\w'’-]*|[^\w\s]|$)")


def _jarige_score(text: str, m: re.Match[str], score: float) -> float | None:
    """'-jarige' before a person or used as a noun is an age; before another noun it is not."""
    if m.group().lower().endswith("jarig"):
        # Without -e only neuter nouns follow: "een 8-jarig meisje", "het 25-jarig bestaan".
        nxt = _NEXT_WORD.match(text, m.end())
        word = nxt.group(1) if nxt else ""
        return score if word.lower() in PERSONS else None
    nxt = _NEXT_WORD.match(text, m.end())
    word = nxt.group(1) if nxt else ""
    lower = word.lower()
    if lower in NOT_PERSONS:
        return None
    if lower == "leeftijd":
        return 0.85
    if lower in PERSONS or lower in FUNCTION_WORDS or not word[:1].isalpha():
        return score
    if word[:1].isupper():
        return score  # a name: "de 12-jarige Sanne"
    return None
