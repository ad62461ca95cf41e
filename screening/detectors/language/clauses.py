"""Rules that read a clause as a whole: who is aimed at, what is said of them, and how.

The word lists catch a word that insults anywhere. These rules catch sentences without such a
word: "Vluchtelingen zijn parasieten", "Ik steek die conciërge morgen neer", "Ik wil alle
Marokkanen dood hebben", "Ik ken veel Turken. Ik haat ze.". A clause (a sentence, cut at
commas, semicolons and colons) is read for

* a **target**: you (second person), a person (a name, "hij", "die conciërge"), a protected
  group (a group noun, or a protected adjective before a human noun: "dikke kinderen"), a
  non-protected group ("brugklassers", "leraren"), or a pronoun ("ze", "die mensen") that
  refers back to a group named in the same or one of the two sentences before;
* **what is said**: violence (a verb of violence, separable verbs included), a death wish,
  dehumanisation (vermin, animals, disease, dirt), a derogatory attribute, hatred or disgust,
  exclusion ("moeten weg", "horen hier niet"), or an insult word;
* **how**: a threat needs a stance -- the speaker ("ik", "we"), a wish or modal ("moeten",
  "hoop dat", "verdienen") or an imperative ("ga dood") -- and is not told in the past
  ("we hebben ze afgemaakt") or in a frame of sport, games, fiction or history.

Words are matched by lemma: the trained lemmatiser's lemma and the word as written are both
compared with every inflected form made from the list's lemma (`morphology`). A negation in
the clause ("X zijn geen parasieten") undoes it; a sentence that talks about abuse instead of
using it (a counter-speech cue with quotes, a negation or reported speech) is left alone,
except for threats.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from screening.detectors.language.morphology import (
    adjective_forms,
    noun_forms,
    past_forms,
    verb_forms,
    verb_stems,
)
from screening.detectors.language.normalise import canonical_word
from screening.detectors.language.words import Words
from screening.resources import read_lines

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


_CLASS_NAME = re.compile(r"^[1-8][a-z]{1,4}$")  # a class: "2c", "3b", "4havo"


def _set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(words.split())


YOU = _set("je jij jou jullie u jouw jezelf")
PERSON_PRONOUNS = _set("hij hem haar zij ze")
GROUP_PRONOUNS = _set("ze zij hen hun die deze")
FIRST_PERSON = _set("ik we wij 'k k wy ikke")
NEGATIONS = _set("niet geen nooit niemand niks niets nergens nie")
DEMONSTRATIVES = _set("die dat deze zo'n zulke zulk al alle")
EXCLAIM = _set("wat stelletje stel bende zootje soort typisch")
COMPARISONS = _set("als zoals net")
ESSENCE = _set("bloed genen aard dna cultuur natuur")
COPULAS = _set("=") | _set(
    "ben bent is zijn was waren blijft blijven blijf lijkt lijken leek leken wordt worden "
    "word werd werden"
)
#: Links that say something of someone: copulas, opinion, comparison, labelling.
LINKS = COPULAS | _set(
    "vind vindt vinden vond vonden zoals noem noemt noemen echte gedragen gedraagt gedraag"
)
#: Duty and permission: "X moeten weg", "die mag dood" (chat spellings too).
DUTY = _set("moet moeten moest moesten mag mogen mocht zou zouden moete moetn mote mogge")
DESERVE = _set("verdien verdient verdienen verdiende")
#: "willen" is the speaker's wish only in the first person ("ik wil ze dood").
WANTS = _set("wil wilt willen wou wouden")
HOPES = _set("hoop hoopt hopen hopelijk wens wenst wensen kon moge")
#: A wish or duty that makes violence a threat ("iemand moet hem ...", "ik hoop dat ...").
WISHES = DUTY | DESERVE | WANTS | HOPES
#: Any modal stance, intent included ("je gaat eraan", "ik zal je ...").
MODALS = WISHES | _set("zal zullen ga gaat gaan")
#: With a protected group and a word of exclusion: "X moeten weg", "X horen hier niet".
EXCLUDING_VERBS = DUTY | _set("horen hoort hoor")
WELL_WISHES = _set("beterschap sterkte succes herstel gezond gezondheid plezier fijne")
SELF = _set("ik me mij mezelf we wij ons onszelf ikke")
#: Body parts: "je kop", "je benen" still aim at you; "je slag", "je foto" do not.
BODY_PARTS = _set(
    "kop hoofd bek smoel gezicht neus tanden tand benen been armen arm nek keel ogen oog "
    "hersens ribben knieën vingers"
)
TIME_WORDS = _set(
    "morgen vanavond vannacht straks nu zo vandaag zaterdag zondag maandag dinsdag woensdag "
    "donderdag vrijdag later ooit nog snel echt helemaal"
)
THING_PRONOUNS = _set("hem haar ze zij het die dat")
FIRST_PERSON_OR_HAVE = _set("ik we wij heb neem breng haal gekocht")
HAVE_BE = _set(
    "werd werden wordt worden heb hebt heeft hebben had hadden ben bent is zijn was waren"
)
DEATH_WORDS = _set(
    "dood doodgaan doodgaat doodga doodgegaan sterf sterft sterven crepeer creperen crepeert"
)
#: "ik ga dood van het lachen", "dood van de schrik": "dood van" is an idiom, not a wish.
DEATH_IDIOM_NEXT = _set("van aan op moe op.")
IMPERATIVE_DEATH = _set("ga val sterf crepeer vallen")
#: "ga dood is niet grappig", "'ga dood' zeggen": the wish named, not made.
NAMED_NOT_WISHED = _set("is was zeggen zeg zegt zei typen typt roepen roept schrijven")
REPORTING = _set(
    "zeg zegt zeggen zei zeiden gezegd beweer beweert beweren beweerde roep roept riep riepen "
    "schreeuwt schreeuwde schreef schrijft schrijven vertelde vertelt noemde noemen noemt"
)
QUOTES = frozenset("'\"‘’“”«»‚„`")
CLAUSE_BREAKS = _set(", ; : – — ( )")
SENTENCE_ENDS = _set(". ! ? !! ?! ...")  # a line break: see _tokens

BELONG = _set("horen hoort thuis thuishoren thuishoort")
POSSESSIVES = _set("je jouw zijn haar mijn hun uw ons onze jullie")
VEHICLES = _set("vrachtwagen trein tram auto bus")
GIVE_GET = _set("krijg krijgt krijgen geef geeft geven verkopen verkoop")
HAVE = _set("heb hebt heeft hebben")
#: Harm someone gives on purpose ("moet een kogel krijgen"), and a harm told as had.
GIVEN_HARM = _set("kogel")
TOLD_RECEIVED = _set("gehad gekregen gegeven kreeg kregen")
PREPOSITIONS = _set(
    "tussen naast achter rond rondom vanwege met aan van in tegen over door voor bij naar uit "
    "op onder tegen zonder tijdens"
)
#: Slang praise: "een beest in wiskunde", "ziek goed", "gestoord grappig".
COMPLIMENT_FRAMES = _set("in op met goed mooi grappig leuk lekker vet sterk knap gaaf snel hard")
FILLERS = _set(
    "een echt echte gewoon allemaal altijd zo te toch ook heel erg best nogal maar wel "
    "eigenlijk stuk voor gewoonweg nou hoor zeg juist vaak meestal allen alle"
)
SUBJECT_WORDS = _set("het dat dit er wat wie die")

#: Words of threat and contempt that are in no rule list on their own ("oppassen", "merken").
NEGATIVE_CUES = _set(
    "oppassen pas opletten let merken gewaarschuwd wacht wachten volgende bang graf weg rot "
    "oprotten opdonderen kapot dood"
)
#: "Let op:", "Pas op!" heading a notice (`_notice`).
NOTICE_HEADS = _set("let pas")
#: What makes a clause worth the learned scorer's judgement when no rule fired in it.
CUE_CLASSES = _set(
    "violence hatred dehumanising derogatory derogatory_verb insult abusive_word cue weapon "
    "wished_harm beating protected group_reference"
)
#: What demeans by itself, and what names a group.
DEMEANING = _set("dehumanising derogatory derogatory_verb insult abusive_word hatred")
GROUP_CUES = _set("protected group_reference")
#: Which words must be in a window for the scorer's label to be believed there: profanity
#: needs a curse; an insult a demeaning word, a curse or a threat word; hate a group or a
#: demeaning word -- a violence or exclusion word alone is no hate ("De kinderen uit groep 3
#: zijn dol op dieren": "uit" is the only cue, "dieren" comes after "op").
#: (2.4) Cues made by a construction of several words, not by one word (`Construction`):
#: exclusion of someone ("niemand wil met jou ...", "jij hoort niet bij ons") can carry an
#: insult, menace without a word of violence ("ik weet in welke bus jij zit", "jij en ik")
#: a threat. Hate still needs a group or a demeaning word.
CONSTRUCTION_FILES = {"exclusion_of_one.txt": "exclusion_of_one", "menace.txt": "menace"}
CUES_FOR_LABEL = {
    "threat": CUE_CLASSES | _set("menace"),
    "hate": DEMEANING | GROUP_CUES,
    "insult": (CUE_CLASSES - GROUP_CUES) | _set("exclusion_of_one"),
    "profanity": _set("abusive_word"),
}


def scorer_cued(label: str, cues: frozenset[str]) -> bool:
    """Whether the words the lists know in a window can carry the scorer's `label`."""
    return bool(cues & CUES_FOR_LABEL[label])


#: Forms that the derogatory verbs share with ordinary ones ("stelen" -> "stel", of "stellen").
VERB_COLLISIONS = _set("stel stelt stelde stelden gesteld steld")

PHRASE_ADJECTIVES = _set("echte echt normale volwaardige gewone goede")

#: Whose body part is hurt: "ik breek je benen", "ik sla hem zijn kop in".
BODY_OWNERS = _set("je jouw zijn haar hun z'n d'r jullie uw")
#: The speaker's own copula: "ik ben zo'n sukkel", "wat een loser ben ik", "wij zijn ...".
SELF_SUBJECTS = _set("ik we wij 'k ikke")
SELF_COPULAS = _set("ben zijn was waren blijf blijven word worden lijk lijken voel voelen")
REFLEXIVE_SELF = _set("mezelf mijzelf onszelf")
#: A passive auxiliary: the one aimed at is the subject ("X moeten geslagen worden").
PASSIVE = _set("worden wordt word werd werden")
PRESENT_PASSIVE = _set("worden wordt word")
FUTURE_TIMES = _set(
    "morgen vanavond vannacht straks zaterdag zondag maandag dinsdag woensdag "
    "donderdag vrijdag binnenkort"
)
#: "het zijn ratten", "dat zijn dieren": a neuter pronoun before a plural copula points back.
NEUTER_POINTERS = _set("het 't dat dit")
PLURAL_COPULAS = _set("zijn waren blijven worden")
#: Where a group is said to belong instead: "horen in de keuken", "horen in Afrika".
RELEGATION_PREPOSITIONS = _set("in op bij achter naar")
#: Imperatives that put someone out with a particle of exclusion: "stuur ze terug".
EXPELLING = _set("stuur jaag zet schop gooi trap knikker flikker donder smijt sluit")
#: Exclusion words that are also plain prepositions or adverbs ("Uit Syrië kwamen ...").
PARTICLES_OF_EXCLUSION = _set("uit buiten terug weg eruit apart verboden")
HOME_PLACES = _set("nederland holland europa hier")
#: Group words that do not name a group as the head of a compound ("brandweermannen").
UNCOMPOUNDED_GROUPS = _set("vrouwen vrouw manen man meiden meid meisjes jongens polen pol")
#: Heads of compounds that name people: "vluchtelingenkinderen", "ADHD-kinderen".
COMPOUND_HEADS = (
    "kinderen",
    "kindjes",
    "kind",
    "jongens",
    "jongen",
    "meisjes",
    "meisje",
    "meiden",
    "mensen",
    "vrouwen",
    "mannen",
    "ouders",
    "families",
    "familie",
    "gezinnen",
    "gezin",
    "leerlingen",
    "leerling",
    "jongeren",
    "gasten",
    "buren",
    "tuig",
)

_MEMO_LIMIT = 50_000  # words remembered per list; a long-running server sees endless words

#: Predicates that carry their own negation ("zijn geen mensen", "horen hier niet").
NEGATIVE_PREDICATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dehumanising", ("geen", "mensen")),
    ("dehumanising", ("geen", "mens")),
    ("derogatory", ("niet", "normaal")),
    ("derogatory", ("niks", "waard")),
    ("derogatory", ("niets", "waard")),
    ("derogatory", ("niet", "te", "vertrouwen")),
    ("exclusion", ("niet", "welkom")),
    ("exclusion", ("niks", "te", "zoeken")),
    ("exclusion", ("niets", "te", "zoeken")),
    ("exclusion", ("niet", "te", "zoeken")),
)


@dataclass(frozen=True, slots=True)
class ClauseHit:
    """What one rule found in one clause: kind, span, target, rule and the words."""

    kind: str  # "threat", "hate" or "insult"
    start: int
    end: int
    score: float
    target: str  # "you", "person", "protected_group", "other_group"
    rule: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """What the clause rules found in a post, and what the learned scorer should know."""

    hits: tuple[ClauseHit, ...]
    #: Clauses with a word the lists know can hurt (or a protected group), or (2.4) a
    #: construction of exclusion or menace: where the learned scorer may report what no rule
    #: matched.
    cued: tuple[tuple[int, int, frozenset[str]], ...] = ()
    framed: bool = False  # sport, games, fiction or history: violence is play or story
    negated: tuple[tuple[int, int], ...] = ()  # clauses a negation kept a rule from firing in
    #: Clauses that aim at someone (you, a person, a pupil or a group): only there may the
    #: scorer report a veiled threat without a word of violence ("Jij bent de volgende";
    #: not the caption "Binnenkort").
    targeted: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class _Tok:
    i: int
    text: str
    low: str
    lemma: str
    start: int
    end: int
    quoted: bool
    sentence_start: bool
    participle: bool
    pos: str
    person_entity: bool
    plural: bool = False  # the tagger's Number=Plur, or a plural ending where it saw no noun
    place_entity: bool = False  # the named-entity tagger's LOC: "Afrika", "Marokko"
    head: int = -1  # the parser's head, as an index into the same token list (-1: none)
    dep: str = ""
    classes: dict[str, str] = field(default_factory=dict)  # class -> the list entry


def _plural(t: Token) -> bool:
    """Whether `t` is a plural: the tagger's number for a noun, else a plural ending
    ("apen" tagged as a verb); "mens" and diminutives in -je are singular."""
    if t.pos_ == "NOUN":
        return "Plur" in t.morph.get("Number", [])
    low = t.text.lower()
    return low.endswith(("en", "'s")) or (low.endswith("s") and not low.endswith(("ens", "ss")))


@dataclass(frozen=True, slots=True)
class _Target:
    kind: str
    index: int
    word: str


class Lexeme:
    """A list of lemmas with every inflected form, and separable particles where needed."""

    def __init__(
        self, entries: Iterable[tuple[str, set[str], tuple[str, ...]]], *, verbs: bool = False
    ) -> None:
        self.verbs = verbs
        self._memo: dict[tuple[str, str, str], tuple[str | None, tuple[str, ...]]] = {}
        self.by_form: dict[str, list[str]] = {}
        self.particles: dict[str, tuple[str, ...]] = {}  # entry -> particle words
        self.joined: dict[str, str] = {}
        for entry, forms, particle in entries:
            if particle:
                self.particles[entry] = particle
                for f in forms:
                    self.joined.setdefault("".join(particle) + f, entry)
                    self.joined.setdefault("".join(particle) + "te" + f, entry)
            for f in forms:
                self.by_form.setdefault(f, []).append(entry)

    def match(
        self, tok: _Tok, clause_words: frozenset[str], clause: Sequence[_Tok] = ()
    ) -> str | None:
        """The entry `tok` is a form of, if its particle (if any) is in the clause.

        One form can belong to several entries ("steek": "dood steken", "neer steken",
        "steken"); an entry whose particle is in the clause wins over a bare one.
        """
        key = (tok.low, tok.lemma, tok.pos)
        found = self._memo.get(key)
        if found is None:
            # A noun list trusts the lemma only of a word the tagger did not read as a verb
            # ("gepest" is no form of "pest").
            keys = (
                (tok.low, tok.lemma) if self.verbs or tok.pos not in ("VERB", "AUX") else (tok.low,)
            )
            entries = tuple(dict.fromkeys(e for k in keys for e in self.by_form.get(k, ())))
            found = (self.joined.get(tok.low), entries)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = found
        joined, entries = found
        if joined is not None:
            return joined
        bare: str | None = None
        for entry in entries:
            particle = self.particles.get(entry)
            if particle is None:
                bare = bare or entry
            elif all(p in clause_words for p in particle) and _particle_placed(
                tok, particle, clause
            ):
                return entry
        return bare


#: Slots of a construction that stand for a kind of word, not for the word itself.
_SLOT_CLASSES = frozenset(("YOU", "PERS", "SOMEONE", "NEG"))
_GROUP_CLASSES = frozenset(("protected", "other_group", "group_reference"))
_CLAUSE_END = "END"
#: A person by a pronoun, in a construction ("ik weet waar hij traint").
_PERSON_WORDS = _set("hij zij ze hem")
#: Possessives of the addressee: always ("jouw"), or before a noun ("je fiets").
OWNERS = _set("jouw uw")
POSSIBLE_OWNERS = _set("je jullie")


class Construction:
    """Words in a fixed order within one clause, other words allowed between them (2.4).

    A line of `clauses/menace.txt` or `clauses/exclusion_of_one.txt`: slots separated by
    spaces; a slot is alternatives separated by "|"; an alternative of words joined by "_"
    must be consecutive. `YOU` is a word of the addressee, possessive included ("je fiets");
    `PERS` the addressee or a person aimed at (a name, "hij", "die conciërge", "je zusje";
    not "jouw" or the "je" of "je fiets"); `SOMEONE` a person, a group or "iedereen"; `NEG` a
    negation; `END` the end of the clause. A slot with a leading "-" names words that may not
    follow ("hoort ... niet bij -te": not the modal "jij hoort er niet bij te zitten"); first
    in the line, words the clause may not have at all. A word matches the token as written
    or its lemma.
    """

    def __init__(self, line: str, where: str) -> None:
        self.where = where
        #: (alternatives, whether they must be absent from here on)
        self.slots = tuple(
            (
                tuple(tuple(alt.split("_")) for alt in slot.removeprefix("-").split("|")),
                slot.startswith("-"),
            )
            for slot in line.split()
        )
        #: Per slot of plain words, the words one of which the clause must have: most lines
        #: are ruled out by a set lookup, without walking the clause.
        self.needs = tuple(
            frozenset(alt[0] for alt in alternatives)
            for alternatives, absent in self.slots
            if not absent
            and not any(w in _SLOT_CLASSES | {_CLAUSE_END} for a in alternatives for w in a)
        )

    def match(self, clause: Sequence[_Tok], words: frozenset[str] | None = None) -> bool:
        """Whether every slot is found in the clause, in order (and no excluded word).
        `words` are the clause's words as written and their lemmas, if known."""
        if words is not None and not all(need & words for need in self.needs):
            return False
        pos = 0
        for alternatives, absent in self.slots:
            if alternatives == ((_CLAUSE_END,),):
                if pos < len(clause):
                    return False
                continue
            end = _earliest_end(clause, pos, alternatives)
            if absent:
                if end is not None:
                    return False
                continue
            if end is None:
                return False
            pos = end
        return True


def _earliest_end(
    clause: Sequence[_Tok], pos: int, slot: tuple[tuple[str, ...], ...]
) -> int | None:
    """Where the first occurrence of any alternative of `slot` at or after `pos` ends."""
    for start in range(pos, len(clause)):
        for alt in slot:
            end = start + len(alt)
            if end <= len(clause) and all(
                _slot_word(w, clause, start + k) for k, w in enumerate(alt)
            ):
                return end
    return None


def _slot_word(word: str, clause: Sequence[_Tok], k: int) -> bool:
    tok = clause[k]
    if word not in _SLOT_CLASSES:
        return word in (tok.low, tok.lemma)
    if word == "NEG":
        return tok.low in NEGATIONS
    if word == "YOU":
        return tok.low in YOU
    # "jouw tosti", "je fiets": the owner of a thing is not the one aimed at.
    owner = tok.low in OWNERS or (
        tok.low in POSSIBLE_OWNERS
        and k + 1 < len(clause)
        and clause[k + 1].pos == "NOUN"
        and clause[k + 1].low not in BODY_PARTS | TIME_WORDS  # "ik je morgen", "je kop"
    )
    if not owner and (tok.classes.keys() & {"you", "person"} or tok.low in _PERSON_WORDS):
        return True
    return word == "SOMEONE" and (
        tok.low == "iedereen" or bool(tok.classes.keys() & _GROUP_CLASSES)
    )


def _notice(toks: Sequence[_Tok], clause: Sequence[_Tok]) -> bool:
    """(2.4) "Let op:" or "Pas op!" opening a sentence heads a notice ("Let op: morgen gym"),
    not a menace ("let maar op", "..., let op"): its "let"/"pas" is no cue."""
    if len(clause) != 2 or clause[0].low not in NOTICE_HEADS or clause[1].low != "op":
        return False
    after = clause[-1].i + 1
    return clause[0].sentence_start and after < len(toks) and toks[after].low in (":", "!")


def _before_a_thing(clause: list[_Tok], k: int) -> bool:
    """Whether the word at `k` stands before a noun that is no person or group."""
    if k + 1 >= len(clause):
        return False
    nxt = clause[k + 1]
    people = {"protected", "person", "other_group", "group_reference", "dehumanising", "insult"}
    return nxt.pos == "NOUN" and not nxt.classes.keys() & people


def _particle_placed(tok: _Tok, particle: tuple[str, ...], clause: Sequence[_Tok]) -> bool:
    """Whether a separable particle stands where Dutch puts it: after the verb ("ik steek je
    neer") or right before it ("in elkaar slaan"); "op je wachten" is a preposition."""
    if not clause:
        return True
    lows = [t.low for t in clause]
    pos = next((k for k, t in enumerate(clause) if t.i == tok.i), None)
    if pos is None:
        return True
    last = particle[-1]
    if last in lows[pos + 1 :]:
        return True
    n = len(particle)
    return tuple(lows[max(pos - n, 0) : pos]) == particle


def _entries(path: Path) -> list[str]:
    return [content for _, content in read_lines(path)]


class ClauseRules:
    """The rule lists under `lexicons/language/clauses/`, loaded once."""

    def __init__(self, folder: Path, words: Words) -> None:
        self.words = words
        irregular: dict[str, tuple[str, ...]] = {}
        self.past_forms: set[str] = set()
        self.thing_verbs: set[str] = set()  # "ik hang hem op": hem may be a drawing
        self.person_verbs: set[str] = set()  # "neersteken": whatever is stabbed is someone
        self.imperatives: set[str] = set()  # bare stems: "sla", "steek", "schiet"
        for line in _entries(folder / "irregular_verbs.txt"):
            present, _, past = line.partition("|")
            lemma, *forms = present.split()
            irregular[lemma] = (*forms, *past.split())
            self.past_forms.update(past.split())

        def verbs(file: str) -> Lexeme:
            out: list[tuple[str, set[str], tuple[str, ...]]] = []
            for line in _entries(folder / file):
                if line.endswith("~"):
                    line = line[:-1].strip()
                    self.thing_verbs.add(line)
                elif line.endswith("!"):
                    line = line[:-1].strip()
                    self.person_verbs.add(line)
                *particle, lemma = line.split()
                parts = tuple(w for p in particle for w in p.split("_"))
                forms = verb_forms(lemma, irregular.get(lemma, ()))
                self.past_forms.update(past_forms(lemma))
                self.imperatives.update(verb_stems(lemma))
                self.imperatives.update(f for f in irregular.get(lemma, ()) if len(f) <= 3)
                # Separable verbs without their particle too: a verb that is only violent
                # with its particle is listed with it; "steken" alone is listed by itself.
                out.append((line, forms, parts))
            return Lexeme(out, verbs=True)

        def nouns(file: str) -> Lexeme:
            return Lexeme((e, noun_forms(e), ()) for e in _entries(folder / file))

        def adjectives(file: str) -> Lexeme:
            # With the nominal plural too: "geesteszieken", "gestoorden" (said of people).
            return Lexeme(
                (e, (f := adjective_forms(e)) | {x + "n" for x in f if x.endswith("e")}, ())
                for e in _entries(folder / file)
            )

        self.violence = verbs("violence.txt")
        self.hatred = verbs("hatred.txt")
        self.derogatory_verbs = verbs("derogatory_verbs.txt")
        self.dehumanising = nouns("dehumanising.txt")
        self.derogatory = adjectives("derogatory.txt")
        self.protected_adjectives = adjectives("protected_adjectives.txt")
        self.human_nouns = nouns("human_nouns.txt")
        self.other_groups = nouns("other_groups.txt")
        self.exclusion = frozenset(_entries(folder / "exclusion.txt"))
        self.exclusion_verbs = verbs("exclusion_verbs.txt")
        # "voetbalfinale", "schoolmusical": a compound that ends in a frame word is one too.
        self.guard_endings = tuple(
            e for e in _entries(folder / "context_guards.txt") if len(e) >= 4
        )
        self.conditions = frozenset(
            w for e in _entries(folder / "conditions.txt") for w in noun_forms(e)
        )
        self.weapons = nouns("weapons.txt")
        self.group_only = frozenset(_entries(folder / "group_only.txt"))
        self.wished_harm = nouns("wished_harm.txt")
        self.beatings = nouns("beatings.txt")
        self.guards = Lexeme(
            (e, noun_forms(e), ()) for e in _entries(folder / "context_guards.txt")
        )
        sport = _entries(folder / "sport_frames.txt")
        self.sport = Lexeme((e, noun_forms(e), ()) for e in sport)
        self.sport_endings = tuple(e for e in sport if len(e) >= 4)
        self.body_violence = verbs("body_violence.txt")
        self.relegation = nouns("relegation_places.txt")
        self.constructions = tuple(
            (cls, Construction(line, f"{file}:{number}"))
            for file, cls in CONSTRUCTION_FILES.items()
            for number, line in read_lines(folder / file)
        )

    # -- reading the doc --------------------------------------------------------------------

    def _tokens(self, doc: Doc) -> list[_Tok]:
        text = doc.text
        quoted_at = _quoted_offsets(text)
        out: list[_Tok] = []
        index_of: dict[int, int] = {}  # spaCy token index -> index into `out`
        heads: list[int] = []
        # The parser's heads as offsets, read at once: far cheaper than `Token.head` per token.
        relative: list[int] = doc.to_array("HEAD").astype("int64").tolist() if len(doc) else []
        sentence_start = True
        for t in doc:
            if t.is_space:
                if "\n" in t.text:
                    sentence_start = True
                continue
            low = t.lower_.replace("’", "'")
            out.append(
                _Tok(
                    i=len(out),
                    text=t.text,
                    low=low,
                    lemma=(t.lemma_ or t.text).lower(),
                    start=t.idx,
                    end=t.idx + len(t.text),
                    quoted=quoted_at(t.idx),
                    sentence_start=sentence_start,
                    participle="Part" in t.morph.get("VerbForm", []),
                    pos=t.pos_,
                    person_entity=t.ent_type_ == "PER",
                    plural=_plural(t),
                    place_entity=t.ent_type_ == "LOC",
                    dep=t.dep_,
                )
            )
            index_of[t.i] = len(out) - 1
            heads.append(t.i + relative[t.i])
            sentence_start = low in SENTENCE_ENDS or (t.whitespace_ == "" and "\n" in t.text)
        for tok, head in zip(out, heads, strict=True):
            tok.head = index_of.get(head, -1)
        return out

    def _classify(self, toks: list[_Tok], clause: list[_Tok]) -> None:
        words = frozenset(t.low for t in clause)
        notice = _notice(toks, clause)
        for k, t in enumerate(clause):
            if not any(c.isalpha() for c in t.low):
                continue
            prev = clause[k - 1].low if k else ""
            if prev in ("dat", "dit") and (clause[k - 1].pos == "SCONJ" or t.plural):
                prev = ""  # "wist je dat varkens ...": a conjunction, no demonstrative
            nxt = clause[k + 1] if k + 1 < len(clause) else None
            if t.low not in DEATH_WORDS and (v := self.violence.match(t, words, clause)):
                t.classes["violence"] = v
            if (h := self.hatred.match(t, words)) is not None:
                t.classes["hatred"] = h
            if t.low not in VERB_COLLISIONS and (
                (dv := self.derogatory_verbs.match(t, words)) is not None
            ):
                t.classes["derogatory_verb"] = dv
            canon = canonical_word(t.low)
            protected_adjective = self.protected_adjectives.match(t, words) is not None
            if (
                canon in self.words.groups
                or (
                    # chat spelling drops a final n: "migrante", "marokkane" (not "blinde")
                    canon.endswith("e")
                    and canon + "n" in self.words.groups
                    and not protected_adjective
                )
                or self._group_compound(t.low)
            ):
                t.classes["protected"] = t.text
            elif (
                protected_adjective
                and nxt is not None
                and (self.human_nouns.match(nxt, words) is not None)
            ):
                t.classes["protected"] = f"{t.text} {nxt.text}"
            elif (
                protected_adjective
                and nxt is not None
                and (self.dehumanising.match(nxt, words) or self.derogatory.match(nxt, words))
                and not nxt.low.endswith("je")  # "een roze varkentje" is one toy, not a group
            ):
                # "Turks tuig", "Afrikaanse luiheid": the group is named by its adjective.
                t.classes["protected"] = t.text
            elif (o := self.other_groups.match(t, words)) is not None:
                # "leraren" is a group; "die leraar" is one person.
                t.classes["other_group" if t.low != o else "person"] = t.low
            condition = self._condition_after(clause, k) if nxt is not None else None
            if (
                condition is not None
                and "protected" not in t.classes
                and self.human_nouns.match(t, words) is not None
            ):
                # "kinderen met ADHD", "mensen met een hoofddoek": a protected group
                t.classes["protected"] = " ".join(x.text for x in clause[k : condition + 1])
                for x in clause[k + 1 : condition + 1]:
                    x.classes["target_part"] = t.text
            if "protected" in t.classes and nxt is not None and self.human_nouns.match(nxt, words):
                nxt.classes["protected"] = f"{t.text} {nxt.text}"  # "zwarte mensen"
            human = self.human_nouns.match(t, words) or self._human_compound(t)
            if (human is not None and prev in DEMONSTRATIVES) or prev == "soort":
                t.classes["group_reference"] = f"{prev} {t.low}"
            elif (
                prev in DEMONSTRATIVES
                and (label := self.dehumanising.match(t, words)) is not None
                and t.low != label
                # words for people, not animals: "gelukszoekers", "terroristen" (not "ratten")
                and t.low.endswith(("ers", "eurs", "aars", "isten", "anten", "enten", "lingen"))
            ):
                # "die gelukszoekers", "al die profiteurs": a label used as the group's name
                t.classes["other_group"] = t.low
            elif t.low in GROUP_PRONOUNS and not (
                t.low == "die"
                and nxt is not None
                and nxt.low.isalpha()
                and self._nounish(nxt, words)
            ):
                t.classes["pronoun"] = t.low
            elif t.low in NEUTER_POINTERS and nxt is not None and nxt.low in PLURAL_COPULAS:
                # "Het zijn ratten", "dat zijn beesten": a group named before, if any.
                t.classes["pronoun"] = t.low
            owned = prev in POSSESSIVES and k > 0 and clause[k - 1].pos not in ("AUX", "VERB")
            if (d := self.dehumanising.match(t, words)) is not None and not owned:
                # "na zijn ziekte", "haar hond": someone's own illness or pet, not a label
                t.classes["dehumanising"] = d
            if (d := self.derogatory.match(t, words)) is not None and not (
                t.low == "lui" and prev in DEMONSTRATIVES
            ):
                t.classes["derogatory"] = d
            hit = self.words.lookup(canon, False)
            if t.low.rstrip(".!?") in self.words.common_as_written:
                hit = None  # "app" is no "aap", though both are canonically "ap"
            if hit is not None and hit.kind in ("insult", "mild") and hit.target == "person":
                t.classes["insult"] = hit.entry
                two_before = [x.low for x in clause[max(k - 2, 0) : k]]
                head = nxt is None or not nxt.low.isalpha() or nxt.pos not in ("NOUN", "PROPN")
                # "stomme wekker": an inflected adjective before a word describes that word.
                head = head and not (t.low.endswith("e") and nxt is not None and nxt.low.isalpha())
                self_mocking = bool(words & SELF)  # "ik ben zo'n sukkel", "wat een loser ben ik"
                demonstrative = prev in DEMONSTRATIVES | EXCLAIM or two_before == ["wat", "een"]
                if head and demonstrative and not self_mocking:
                    t.classes["person"] = t.low  # "die sukkel", "wat een idioot"
            elif hit is not None and prev not in PREPOSITIONS | POSSESSIVES | HAVE_BE:
                # a slur, a strong insult, profanity ("heeft kanker" is the disease)
                t.classes["abusive_word"] = hit.entry
            if (
                t.low in self.exclusion or t.low in DEATH_WORDS or t.low in NEGATIVE_CUES
            ) and not notice:
                t.classes["cue"] = t.low
            for cls, lex in (
                ("weapon", self.weapons),
                ("wished_harm", self.wished_harm),
                ("beating", self.beatings),
            ):
                if prev not in PREPOSITIONS | POSSESSIVES and (e := lex.match(t, words)):
                    before = {x.low for x in clause[max(k - 3, 0) : k]}
                    if e not in VEHICLES or "onder" in before:  # "onder de tram komen"
                        t.classes[cls] = e
            # "je foto's", "je boek vergeten": a possessive is no target. The tagger is unsure
            # about Dutch verbs ("je wurgen" as a noun), so a word the rules know, a time
            # word and a clause-final word keep "je" a target.
            possessive = (
                t.low in ("je", "jouw", "jullie")
                and nxt is not None
                and nxt.pos in ("NOUN", "ADJ")
                and nxt.low not in BODY_PARTS | TIME_WORDS
                and k + 2 < len(clause)
                and not any(
                    lex.match(nxt, words) is not None
                    for lex in (self.violence, self.wished_harm, self.weapons, self.beatings)
                )
            )
            if t.low in YOU and not possessive:  # "je slag", "je foto's" is no target
                t.classes["you"] = t.low
            elif (
                t.person_entity or (t.pos == "PROPN" and prev == "die" and t.text[:1].isupper())
            ) and "protected" not in t.classes:
                t.classes["person"] = t.text
            elif _CLASS_NAME.match(t.low) and (prev in ("klas", "groep", "heel", "uit", "van")):
                t.classes["other_group"] = f"{prev} {t.low}"  # "heel 2C", "die meiden van 1d"
            elif (
                # "die hond", "wat een aap" name a person; "varkens zijn slim" names animals.
                (
                    canon in self.words.persons
                    and not ("dehumanising" in t.classes and prev not in DEMONSTRATIVES | EXCLAIM)
                )
                or (human is not None and prev in DEMONSTRATIVES)
                or t.low in ("hij", "hem")
                or (
                    # "ik ga haar in elkaar slaan", "ik vind haar dom"; not "haar fiets"
                    t.low in ("haar", "hen")
                    and t.pos == "PRON"
                    and (
                        nxt is None
                        or nxt.pos not in ("NOUN", "PROPN", "ADJ")
                        or (nxt.pos == "ADJ" and not nxt.low.endswith("e"))  # "haar echt ..."
                    )
                )
            ):
                t.classes["person"] = t.low
            elif human is not None and "protected" not in t.classes:
                # "de decaan", "onze buschauffeur"; in the plural a group: "leerlingen"
                # A diminutive is one person too: "het broertje van Mila".
                one = t.low == human or t.low.endswith("je")
                t.classes["person" if one else "other_group"] = t.low

    def _human_compound(self, tok: _Tok) -> str | None:
        """A compound whose head is a word for a person: "muziekleraar", "gymjuf"."""
        low = tok.low
        if tok.pos not in ("NOUN", "PROPN") or len(low) < 8 or not low.isalpha():
            return None
        for k in range(3, len(low) - 4):
            head = low[k:]
            entries = self.human_nouns.by_form.get(head)
            if entries:
                # The singular names one person ("die muziekleraar"), the plural a group.
                return low if head == entries[0] else entries[0]
        return None

    def _group_compound(self, low: str) -> bool:
        """A compound naming people of a protected group: "vluchtelingenkinderen",
        "ADHD-kinderen", "moslimjongens" (a group or condition, then a word for people)."""
        # Not beyond the longest real compounds: every split below is a new word to normalise
        # (and to cache), so a "word" of 100,000 characters took minutes and gigabytes.
        if not 8 <= len(low) <= 64:
            return False
        groups = self.words.groups
        # "woonwagenzigeuners", "bootvluchtelingen": a group word as the head (not a sex:
        # "brandweermannen"; not "polen": "noordpolen").
        for k in range(3, len(low) - 5):
            head = canonical_word(low[k:])
            if head in groups and head not in UNCOMPOUNDED_GROUPS and low[:k].isalpha():
                return True
        if not low.endswith(COMPOUND_HEADS):
            return False
        head = next(h for h in COMPOUND_HEADS if low.endswith(h))
        prefix = low[: -len(head)].rstrip("-")
        if len(prefix) < 3 or not prefix.replace("'", "").isalpha():
            return False
        candidates = (prefix, prefix.removesuffix("s"), prefix.removesuffix("en"))
        return any(
            canonical_word(c) in groups or c in self.conditions for c in candidates if len(c) >= 3
        )

    def _condition_after(self, clause: list[_Tok], k: int) -> int | None:
        """The position of a condition word in "met (een) ADHD" right after `k`, if any."""
        if k + 1 >= len(clause) or clause[k + 1].low != "met":
            return None
        for j in range(k + 2, min(k + 5, len(clause))):
            if clause[j].low in self.conditions:
                return j
        return None

    def _counter_speech(self, sentence: list[_Tok], words: frozenset[str]) -> bool:
        """Whether the sentence talks about abuse (a cue plus quotes, negation or reporting)."""
        if not any(canonical_word(t.low) in self.words.counter_cues for t in sentence):
            return False
        return any(t.quoted for t in sentence) or bool(words & NEGATIONS) or bool(words & REPORTING)

    def _nounish(self, tok: _Tok, words: frozenset[str]) -> bool:
        return (
            any(
                lex.match(tok, words) is not None
                for lex in (self.human_nouns, self.dehumanising, self.other_groups)
            )
            or canonical_word(tok.low) in self.words.groups
        )

    # -- the rules --------------------------------------------------------------------------

    def find(self, doc: Doc) -> list[ClauseHit]:
        """Every threat, hate and insult the clause rules find in `doc`."""
        return list(self.read(doc).hits)

    def read(self, doc: Doc) -> Reading:
        """The rules' hits in `doc`, whether it is framed as play, and the negated clauses."""
        toks = self._tokens(doc)
        if not toks:
            return Reading(())
        negated_spans: list[tuple[int, int]] = []
        targeted: list[tuple[int, int]] = []
        cued: list[tuple[int, int, frozenset[str]]] = []
        sentences = list(_sentences(toks))
        all_words = frozenset(t.low for t in toks) | frozenset(t.lemma for t in toks)
        # A story or game excuses all violence; sport only its own idiom ("afmaken"), not a
        # verb only people undergo ("neersteken"): `frame` is "story", "sport" or "".
        frame = ""
        if any(
            self.guards.match(t, all_words) is not None or t.low.endswith(self.guard_endings)
            for t in toks
        ):
            frame = "story"
        elif any(
            self.sport.match(t, all_words) is not None or t.low.endswith(self.sport_endings)
            for t in toks
        ):
            frame = "sport"
        hits: list[ClauseHit] = []
        recent_groups: list[tuple[int, _Target]] = []  # (sentence number, group)
        recent_persons: list[tuple[int, _Target]] = []  # (sentence number, person)
        for number, sentence in enumerate(sentences):
            sentence_words = frozenset(t.low for t in sentence)
            counter = self._counter_speech(sentence, sentence_words)
            # "Wie zegt dat homo's in elkaar geslagen moeten worden, krijgt met mij te maken":
            # what a hypothetical someone says is reported, threats included.
            lows = [t.low for t in sentence[:3]]
            hypothetical = lows[:1] == ["wie"] and bool(set(lows[1:3]) & REPORTING)
            counter = counter or hypothetical
            sentence_targets: list[_Target] = []
            for clause in _clauses(sentence):
                self._classify(toks, clause)
                targets = list(self._targets(clause, recent_groups, number, recent_persons))
                sentence_targets += targets
                if targets:
                    targeted.append((clause[0].start, clause[-1].end))
                clause_words = frozenset(t.low for t in clause)
                cues = frozenset(
                    c
                    for k, t in enumerate(clause)
                    for c in t.classes.keys() & CUE_CLASSES
                    # "heeft kanker", "kinderen met kanker": a disease, not a curse
                    if (
                        k == 0
                        or clause[k - 1].low not in HAVE_BE | PREPOSITIONS
                        or c in ("protected", "group_reference", "hatred")
                    )
                    # "een dom idee", "die stomme wekker": said of a thing
                    and not (c in ("derogatory", "insult") and _before_a_thing(clause, k))
                )
                lemmas = clause_words | frozenset(t.lemma for t in clause)
                cues |= frozenset(
                    cls
                    for cls, construction in self.constructions
                    if construction.match(clause, lemmas)
                )
                if cues:
                    cued.append((clause[0].start, clause[-1].end, cues))
                found = list(self._rules(clause, targets, frame))
                if (
                    not found
                    and clause_words & NEGATIONS
                    and any(True for _ in self._rules(clause, targets, frame, ignore_negation=True))
                ):
                    # A rule would fire but for the negation ("ik haat vrouwen niet"): the
                    # scorer, which reads words and not structure, may not overrule it.
                    negated_spans.append((clause[0].start, clause[-1].end))
                elif (
                    not found
                    and targets
                    and not clause_words & NEGATIONS
                    and self._welcomed(clause)
                ):
                    # The relegation rule read "X horen in Nederland / bij ons" as belonging:
                    # the scorer may not overrule that either.
                    negated_spans.append((clause[0].start, clause[-1].end))
                if not found and not targets and sentence_targets:
                    # "Die Roemenen zijn erger dan de rest, echt uitschot": a verbless
                    # clause after a group in the same sentence says something of it.
                    found += self._apposition(clause, sentence_targets)
                if not found and (vocative := self._vocative(sentence, clause)) is not None:
                    found.append(vocative)
                for hit in found:
                    if counter and (hit.kind != "threat" or hypothetical):
                        continue
                    hits.append(hit)
                for t in clause:
                    for kind in ("protected", "other_group"):
                        if kind in t.classes:
                            recent_groups.append(
                                (number, _Target(_group_kind(kind), t.i, t.classes[kind]))
                            )
                recent_persons += [(number, x) for x in targets if x.kind == "person"]
            if not any(h.kind == "threat" for h in hits if sentence[0].start <= h.start):
                hits += self._harm(sentence, sentence_targets, sentence_words, frame)
            essence = _essentialism(sentence, sentence_targets, sentence_words)
            if essence is not None and not counter:
                hits.append(essence)
        return Reading(tuple(hits), tuple(cued), frame != "", tuple(negated_spans), tuple(targeted))

    def _targets(
        self,
        clause: list[_Tok],
        recent: list[tuple[int, _Target]],
        number: int,
        persons: Sequence[tuple[int, _Target]] = (),
    ) -> Iterator[_Target]:
        for t in clause:
            if "protected" in t.classes:
                yield _Target("protected_group", t.i, t.classes["protected"])
            elif "other_group" in t.classes:
                yield _Target("other_group", t.i, t.classes["other_group"])
            elif "group_reference" in t.classes or "pronoun" in t.classes:
                antecedent = next(
                    (g for n, g in reversed(recent) if number - n <= 2 and g.index < t.i), None
                )
                word = t.classes.get("group_reference") or t.classes["pronoun"]
                if antecedent is not None:
                    yield _Target(antecedent.kind, t.i, f"{word} ({antecedent.word})")
                elif "group_reference" in t.classes:
                    yield _Target("other_group", t.i, word)
                elif t.low in PERSON_PRONOUNS:
                    yield _Target("person", t.i, word)
                elif t.low in ("die", "deze") and (
                    person := next(
                        (x for n, x in reversed(persons) if number - n <= 1 and x.index < t.i),
                        None,
                    )
                ):
                    # "Die jongen van de overkant, die sla ik verrot", "Ken je meneer
                    # Peters? Die hangen we op.": a demonstrative picks up the person.
                    yield _Target("person", t.i, f"{word} ({person.word})")
            if "you" in t.classes:
                yield _Target("you", t.i, t.classes["you"])
            elif "person" in t.classes and "protected" not in t.classes:
                yield _Target("person", t.i, t.classes["person"])

    def _rules(
        self,
        clause: list[_Tok],
        targets: list[_Target],
        frame: str,
        ignore_negation: bool = False,
    ) -> Iterator[ClauseHit]:
        guarded = frame != ""
        words = [t.low for t in clause]
        word_set = frozenset(words)
        own_negation = _negative_predicates(words)
        negations = [
            k
            for k, w in enumerate(words)
            if w in NEGATIONS and k not in own_negation.get("_used", set())
        ]
        negated = not ignore_negation and bool(negations)
        # "ga dood niemand mist je" (chat, no comma): a negation after an imperative death
        # wish belongs to the next clause; "ga niet dood" still negates it.
        death = _imperative_death_at(words)
        threat_negated = negated and not (death is not None and negations[0] > death)
        yield from self._threats(clause, targets, words, word_set, threat_negated, frame)
        if negated and not own_negation:
            return
        best = _best_target(targets)
        # Dehumanisation, derogatory attributes and insult words need a link to the target.
        for cls in ("dehumanising", "derogatory", "insult"):
            if negated and cls not in own_negation:
                continue
            preds = [t for t in clause if cls in t.classes]
            if cls in own_negation:  # "zijn geen mensen", "niet normaal"
                preds = preds or [clause[own_negation[cls][-1]]]
            if not any(t.kind in ("protected_group", "other_group") for t in targets):
                preds = [p for p in preds if p.classes.get(cls) not in self.group_only]
            found = self._said_of(clause, preds, targets, cls)
            if found is not None:
                target, pred = found
                if target.kind == "person" and _said_of_self(words):
                    continue  # "ik ben een watje", "wij zijn echte boerenkinkels"
                kind = _kind_for(target.kind, cls)
                if kind is not None:
                    yield _hit(kind, target, pred, clause, f"{cls} said of {target.kind}")
        if best is not None and best.kind in ("protected_group", "other_group"):
            # Hatred and disgust: "ik haat ze", "ik walg van homo's".
            hatred = next((t for t in clause if "hatred" in t.classes), None)
            if hatred is not None and not negated:
                kind = "hate" if best.kind == "protected_group" else "insult"
                yield _hit(kind, best, hatred, clause, f"hatred of {best.kind}")
            # A habit ascribed to a whole protected group: "X stelen alles", "ze zuipen".
            habit = next((t for t in clause if "derogatory_verb" in t.classes), None)
            first = clause[0].i
            before = {x.low for x in clause[max(best.index - first - 2, 0) : best.index - first]}
            subject = not before & PREPOSITIONS  # "gevechten tussen Grieken", "door gelovigen"
            if (
                habit is not None
                and not negated
                and best.kind == "protected_group"
                and subject
                and not guarded
            ):
                yield _hit("hate", best, habit, clause, "derogatory habit of protected_group")
            # Exclusion: "X moeten weg", "X horen hier niet", "weg met X".
            excluding = word_set & EXCLUDING_VERBS
            excl = next(
                (
                    t
                    for t in clause
                    if t.low in self.exclusion
                    or self.exclusion_verbs.match(t, word_set) is not None
                ),
                None,
            )
            # "Stuur ze terug", "Jaag die zigeuners de stad uit", "Weiger die kinderen".
            expelled = excl is not None and (
                (words[0] in EXPELLING and _expelling_particle(words))
                or (excl.i == clause[0].i and excl.low not in PARTICLES_OF_EXCLUSION)
            )
            relegated = None if negated else self._relegation(clause)
            if (
                best.kind == "protected_group"
                and (
                    (excluding and excl is not None)
                    or "exclusion" in own_negation  # "horen hier niet", "niet thuishoren"
                    or (words[:2] == ["weg", "met"])
                    or (expelled and not negated and words[-1:] != ["?"])
                )
            ):
                pred = excl or clause[0]
                yield _hit("hate", best, pred, clause, "exclusion of protected_group")
            elif best.kind == "protected_group" and relegated is not None:
                yield _hit("hate", best, relegated, clause, "protected_group relegated elsewhere")
        elif best is not None and best.kind in ("you", "person"):
            hatred = next((t for t in clause if "hatred" in t.classes), None)
            if hatred is not None and not negated and (word_set & FIRST_PERSON):
                yield _hit("insult", best, hatred, clause, f"hatred of {best.kind}")

    def _body_harm(self, clause: list[_Tok], words: frozenset[str]) -> tuple[_Target, _Tok] | None:
        """Whose body part a verb of violence hurts: "ik breek je benen", "ik trap je tanden uit
        je bek", "ik sla hem zijn kop in"; the owner is the one aimed at."""
        for k, t in enumerate(clause):
            if k == 0 or t.low not in BODY_PARTS:
                continue
            owner = clause[k - 1]
            if owner.low not in BODY_OWNERS:
                # "de benen van Lars": the owner after "van"
                after = clause[k + 1 : k + 3]
                if (
                    len(after) < 2
                    or after[0].low != "van"
                    or not after[1].classes.keys()
                    & {
                        "person",
                        "you",
                    }
                ):
                    continue
                owner = after[1]
            for v in clause:
                if v is t or v is owner:
                    continue
                if "violence" in v.classes or self.body_violence.match(v, words, clause):
                    kind = "you" if owner.low in YOU else "person"
                    return _Target(kind, owner.i, f"{owner.text} {t.text}"), v
        return None

    def _welcomed(self, clause: list[_Tok]) -> bool:
        """Belonging said of home: "horen in Nederland", "horen hier", "horen bij ons"."""
        for k, t in enumerate(clause):
            if t.low not in BELONG:
                continue
            for j in range(k + 1, min(k + 6, len(clause))):
                if (
                    clause[j].low in HOME_PLACES - {"hier"}
                    and clause[j - 1].low in RELEGATION_PREPOSITIONS
                ):
                    return True
                if clause[j].low == "hier" or (
                    clause[j].low in RELEGATION_PREPOSITIONS
                    and j + 1 < len(clause)
                    and clause[j + 1].low in ("ons", "onze")
                ):
                    return True
        return False

    def _relegation(self, clause: list[_Tok]) -> _Tok | None:
        """The place in "horen in de keuken", "horen in Afrika", "horen in hun eigen land"."""
        words = frozenset(t.low for t in clause)
        for k, t in enumerate(clause):
            if t.low not in BELONG:
                continue
            for j in range(k + 1, min(k + 6, len(clause))):
                if clause[j].low not in RELEGATION_PREPOSITIONS:
                    continue
                for x in clause[j + 1 : j + 5]:
                    home = x.low in HOME_PLACES or clause[j + 1].low in ("ons", "onze")
                    if (x.place_entity and not home) or self.relegation.match(x, words):
                        return x
                    if x.low == "eigen" and clause[j + 1].low == "hun":
                        return x
                    if x.pos in ("NOUN", "PROPN"):
                        break
        return None

    def _said_of(
        self, clause: list[_Tok], preds: list[_Tok], targets: list[_Target], cls: str
    ) -> tuple[_Target, _Tok] | None:
        """The best-ranked target that a predicate is said of, with that predicate."""
        first = clause[0].i
        for target in sorted(targets, key=lambda t: _RANK[t.kind]):
            for pred in preds:
                k = pred.i - first
                if k > 0 and clause[k - 1].low in PREPOSITIONS:
                    continue  # "kinderen met kanker", "een beest op het veld" is no label
                nxt = clause[k + 1].low if k + 1 < len(clause) else ""
                if nxt in COMPLIMENT_FRAMES and (cls != "derogatory" or nxt not in PREPOSITIONS):
                    continue  # "een beest in wiskunde", "ziek goed"; not "achterlijk met ..."
                if pred.i == target.index:
                    # "die sukkel": the insult word is itself the person aimed at.
                    if cls == "insult" and _demonstrative_before(clause, k):
                        return target, pred
                    continue
                adjective_of = (
                    pred.i == target.index + 1 and clause[k - 1].pos == "ADJ"
                )  # "Marokkaans gespuis", "Poolse dronkenlappen"
                if adjective_of or _linked(clause, target.index - first, k):
                    return target, pred
        if cls == "insult":
            # An insult word is about a person: any noun it is said of will do ("de nieuwe
            # stagiaires zijn waardeloze prutsers").
            for pred in preds:
                for t in clause:
                    noun = (
                        t.pos in ("NOUN", "PROPN")
                        and t.i < pred.i  # the subject: "X zijn prutsers"
                        and not t.classes
                        and t.low.endswith(("en", "s", "ers"))  # a group: "stagiaires"
                        and pred.low.endswith(("en", "s"))  # called by a plural: "prutsers"
                    )
                    if noun and _linked(clause, t.i - first, pred.i - first):
                        return _Target("person", t.i, t.text), pred
        return None

    def _apposition(self, clause: list[_Tok], earlier: list[_Target]) -> list[ClauseHit]:
        """A verbless clause of fillers and a label, said of a group named before it."""
        groups = [t for t in earlier if t.kind in ("protected_group", "other_group")]
        if not groups or len(clause) > 5 or _negated_clause(clause):
            return []
        if clause[0].low in PREPOSITIONS or any(
            t.pos in ("VERB", "AUX") or t.low in COPULAS | SELF for t in clause
        ):
            return []
        pred = next(
            (t for t in clause if t.classes.keys() & {"dehumanising", "derogatory", "insult"}),
            None,
        )
        if pred is None or any(
            t is not pred and t.pos in ("NOUN", "PROPN") and not t.classes for t in clause
        ):
            return []
        target = _best_target(groups)
        assert target is not None
        cls = next(c for c in ("dehumanising", "derogatory", "insult") if c in pred.classes)
        kind = "hate" if target.kind == "protected_group" else "insult"
        return [_hit(kind, target, pred, clause, f"{cls} said of {target.kind}")]

    def _vocative(self, sentence: list[_Tok], clause: list[_Tok]) -> ClauseHit | None:
        """An insult said to someone's face: "..., sukkel.", "Verdwijn, lelijk mormel."."""
        if not 1 <= len(clause) <= 3 or (len(clause) == len(sentence) and len(clause) > 1):
            return None
        head = clause[-1]
        if "insult" not in head.classes or any(
            t.pos not in ("ADJ", "NOUN", "PROPN", "ADV") and "insult" not in t.classes
            for t in clause[:-1]
        ):
            return None
        words = frozenset(t.low for t in sentence)
        if words & (SELF | NEGATIONS):
            return None  # "ik ben zo'n sukkel", "je bent geen sukkel"
        target = _Target("you", head.i, f"{head.text} (addressed)")
        return _hit("insult", target, head, clause, "insult addressed to someone")

    def _harm(
        self,
        sentence: list[_Tok],
        targets: list[_Target],
        words: frozenset[str],
        frame: str,
    ) -> list[ClauseHit]:
        """Threats that span a sentence: weapons, wished harm and beatings for someone."""
        if words & NEGATIONS or not targets:
            return []
        # "X verdienen een kogel", "die moet een klap hebben": a duty or desert to receive
        # harm, said of anyone, a group too.
        deserved = bool(words & (DUTY | DESERVE)) and bool(words & (GIVE_GET | HAVE | DESERVE))
        if deserved and frame != "story" and not words & TOLD_RECEIVED:
            for t in sentence:
                harm = t.classes.get("wished_harm")
                given = "beating" in t.classes or harm in GIVEN_HARM
                # "moet een kogel krijgen"; an illness only deserved ("verdient kanker")
                if given or (harm is not None and harm not in VEHICLES and words & DESERVE):
                    target = _best_target(targets)
                    assert target is not None
                    return [_hit("threat", target, t, sentence, "harm someone deserves")]
        people = [t for t in targets if t.kind in ("you", "person")]
        if not people:
            return []
        guarded = frame == "story"
        target = _best_target(people)
        assert target is not None
        meant_for = any(
            x.low == "voor" and any(y.low in YOU | PERSON_PRONOUNS for y in sentence[j + 1 : j + 3])
            for j, x in enumerate(sentence)
        ) or bool(words & {"mee", "bij"})
        for t in sentence:
            if "weapon" in t.classes and words & FIRST_PERSON_OR_HAVE and meant_for and not guarded:
                return [_hit("threat", target, t, sentence, "weapon for someone")]
            if "wished_harm" in t.classes and words & HOPES and not words & WELL_WISHES:
                return [_hit("threat", target, t, sentence, "harm wished on someone")]
            if "beating" in t.classes and words & GIVE_GET:
                return [_hit("threat", target, t, sentence, "beating for someone")]
        return []

    def _threats(
        self,
        clause: list[_Tok],
        targets: list[_Target],
        words: list[str],
        word_set: frozenset[str],
        negated: bool,
        frame: str,
    ) -> Iterator[ClauseHit]:
        if negated:
            return
        guarded = frame != ""
        human = [t for t in targets if t.kind != "other_group" or t.word]
        violence = next((t for t in clause if "violence" in t.classes), None)
        # "jou", or "je" that is not the subject of a verb ("je mag er op slaan" is dough).
        you_aimed = any(
            t.kind == "you"
            and not (
                t.index + 1 - clause[0].i < len(clause)
                and clause[t.index + 1 - clause[0].i].pos in ("VERB", "AUX")
                and t.word in ("je", "jij", "u")
            )
            for t in targets
        )
        # The speaker's own intent ("ik ga je ...") or a wish or duty ("moeten", "hoop dat");
        # a third party's intent ("Voldemort wil Harry vermoorden") is a story, not a threat.
        first_person = bool(word_set & FIRST_PERSON)
        stance = (
            first_person
            or bool(word_set & (WISHES - WANTS))
            or (you_aimed and bool(word_set & MODALS))
        )
        imperative = (
            violence is not None
            and violence.i == clause[0].i
            and violence.low in self.imperatives
            and words[-1:] != ["?"]
        )
        if violence is not None and violence.classes["violence"] in self.thing_verbs:
            human = [t for t in human if t.word not in THING_PRONOUNS]
        if violence is not None and not human and violence.classes["violence"] in self.person_verbs:
            human = [
                _Target("person", t.i, t.text)
                for t in clause
                if t.pos in ("NOUN", "PROPN") and not t.classes and t is not violence
            ]
        if violence is not None:
            near = {violence.i}
            near |= {
                t.i
                for t in clause
                if t.low in self.violence.particles.get(violence.classes["violence"], ())
            }
            # The one aimed at stands near the verb or its particle ("steek ... neer"), is
            # its object by the parse, or is the subject of a passive ("X moeten ... geslagen
            # worden").
            # A passive needs the participle and its auxiliary after the one aimed at.
            passive = _participle(violence, self.past_forms)
            first = clause[0].i
            human = [
                t
                for t in human
                if min(abs(t.index - n) for n in near) <= 4
                # "die Polen van de camping ... opwachten": measured from the phrase's end
                or min(abs(_modifier_end(clause, t.index - first) + first - 1 - n) for n in near)
                <= 4
                or _argument_of(clause, t.index, violence.i)
                or (
                    passive
                    and t.index < violence.i
                    and any(x.low in PASSIVE and x.i > t.index for x in clause)
                )
            ]
            # "sla je hem ...", "steek je hand op": "je" right after the verb is its subject.
            k = violence.i - clause[0].i
            if k + 1 < len(clause) and clause[k + 1].low in ("je", "jij", "u"):
                imperative = False
        if imperative:
            # "Sla hem!": an imperative needs someone named; "klop ze luchtig" is eggs.
            imperative = any(t.kind in ("you", "person") and t.word != "ze" for t in human)
        # Sport excuses its own idiom ("we maken ze af"), not a verb only people undergo.
        excused = frame == "story" or (
            frame == "sport"
            and violence is not None
            and violence.classes["violence"] not in self.person_verbs
        )
        if violence is not None and (human or imperative) and not excused:
            # Told as a story: a past form ("stak", "sloeg"), or a participle with a form of
            # "hebben", "zijn" or "werden" ("we hebben ze afgemaakt") -- unless wished. "Je
            # wordt morgen in elkaar geslagen" is no story: an announcement, with a time.
            in_past = _past(violence, self.past_forms) or (
                bool(word_set & (HAVE_BE - PRESENT_PASSIVE))
                and _participle(violence, self.past_forms)
            )
            announced = (
                bool(word_set & PRESENT_PASSIVE)
                and bool(word_set & FUTURE_TIMES)
                and any(t.kind in ("you", "person") for t in human)
            )
            stance = stance or announced
            told_in_past = in_past and not (word_set & WISHES)
            if (stance or imperative) and not told_in_past:
                target = _best_target(human) or _Target("you", clause[0].i, "(imperative)")
                yield _hit("threat", target, violence, clause, "violence with a stance")
                return
        body = None if frame == "story" else self._body_harm(clause, word_set)
        if body is not None and (first_person or word_set & WISHES):
            owner, verb = body
            in_past = _past(verb, self.past_forms) or (
                bool(word_set & HAVE_BE) and _participle(verb, self.past_forms)
            )
            if not in_past or word_set & WISHES:
                yield _hit("threat", owner, verb, clause, "violence to someone's body")
                return
        if guarded and not word_set & HOPES:
            return  # "je bent dood in Fortnite"
        for k, t in enumerate(clause):
            if t.low not in DEATH_WORDS:
                continue
            if (
                t.low == "dood"
                and k >= 2
                and (
                    words[k - 2 : k]
                    in (["je", "bent"], ["ben", "je"], ["jij", "bent"], ["ben", "jij"])
                )
            ):
                # "Eén woord tegen de mentor en je bent dood", "anders ben je dood"
                target = _Target("you", clause[k - 1].i, words[k - 1])
                yield _hit("threat", target, t, clause, "death announced")
                return
            nxt = words[k + 1] if k + 1 < len(words) else ""
            if nxt in DEATH_IDIOM_NEXT and not (word_set & WISHES):
                continue
            # "Ga dood", "Ga maar dood", "val toch dood": a clause that starts with the verb
            imperative_death = 0 < k <= 3 and words[0] in IMPERATIVE_DEATH
            imperative_death = imperative_death or (k == 0 and t.low in ("sterf", "crepeer"))
            wish = (
                bool(word_set & WISHES)
                or (k > 0 and words[k - 1] == "aan")
                or (t.low == "dood" and nxt == "aan")
            )
            if not (imperative_death or (wish and human)):
                continue
            if words[:1] == ["ik"] and not (word_set & WISHES):
                continue
            target = _best_target(human) or _Target("you", clause[0].i, "(imperative)")
            yield _hit("threat", target, t, clause, "death wish")
            return


def _rhetorical_why(words: list[str]) -> bool:
    """A question that proposes by asking why one does not: "Waarom slaan we ze niet gewoon in
    elkaar?", "waarom ga je niet gewoon dood" -- "niet gewoon" or a "we" asking. Not "Waarom
    mag je iemand niet slaan?" (a real question) or "waarom niet eens ..." ("not even")."""
    start = 1 if words[:1] in (["en"], ["maar"]) else 0
    if words[start : start + 1] != ["waarom"] or "niet" not in words:
        return False
    k = words.index("niet")
    return words[k + 1 : k + 2] == ["gewoon"] or bool(
        {"we", "wij"} & set(words[start + 1 : start + 4])
    )


def _imperative_death_at(words: list[str]) -> int | None:
    """Where the death word stands in a clause that opens with an imperative death wish ("ga
    dood", "ga toch maar dood", "sterf"), unless it is named rather than wished ("ga dood is
    niet grappig") or an idiom ("ga dood van het lachen")."""
    for k, w in enumerate(words[:4]):
        if w not in DEATH_WORDS:
            continue
        opens = (k > 0 and words[0] in IMPERATIVE_DEATH) or (k == 0 and w in ("sterf", "crepeer"))
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if not opens or nxt in DEATH_IDIOM_NEXT or nxt in NAMED_NOT_WISHED:
            return None
        return k
    return None


def _negated_clause(clause: list[_Tok]) -> bool:
    """Whether a negation stands in the clause."""
    return any(t.low in NEGATIONS for t in clause)


def _argument_of(clause: list[_Tok], target: int, verb: int) -> bool:
    """Whether the parse makes the token at `target` an object of the verb at `verb`."""
    first = clause[0].i
    if not 0 <= target - first < len(clause):
        return False
    tok = clause[target - first]
    return tok.head == verb and tok.dep in ("obj", "iobj", "nsubj:pass")


def _expelling_particle(words: list[str]) -> bool:
    """ "stuur ze terug", "gooi ze eruit", "jaag ze de stad uit" (not "naar buiten")."""
    return bool({"terug", "weg", "eruit"} & set(words)) or words[-1:] == ["uit"]


def _said_of_self(words: list[str]) -> bool:
    """Whether the speaker says it of themself: "ik ben zo'n sukkel", "wat een loser ben ik",
    "ik voel me dom" -- not "ik vind Mark een eikel" or "volgens mij is hij een loser"."""
    if REFLEXIVE_SELF & frozenset(words):
        return True
    for a, b in itertools.pairwise(words):
        if (a in SELF_SUBJECTS and b in SELF_COPULAS) or (a in SELF_COPULAS and b in SELF_SUBJECTS):
            return True
        if a in ("voel", "vind", "noem") and b in ("me", "mij"):
            return True
    return False


def _past(tok: _Tok, past: set[str]) -> bool:
    """A simple past ("stak", "vermoordde"); not a participle."""
    return tok.low in past and not tok.low.startswith("ge") and not _participle(tok, past)


def _participle(tok: _Tok, past: set[str]) -> bool:
    """A past participle: "geslagen", "neergestoken", "vermoord" (the tagger may say so)."""
    if tok.participle:
        return True
    low = tok.low
    return ("ge" in low[:6] and low.endswith(("d", "t", "en"))) or (
        low.startswith(("ver", "be", "ont", "her")) and low.endswith(("d", "t"))
    )


def _essentialism(
    sentence: list[_Tok], targets: list[_Target], words: frozenset[str]
) -> ClauseHit | None:
    """A trait said to be in a protected group's blood: "dat zit in hun bloed/cultuur"."""
    group = _best_target([t for t in targets if t.kind == "protected_group"])
    if group is None or "hun" not in words or not words & ESSENCE or not words & _set("zit zitten"):
        return None
    if words & NEGATIONS:
        return None
    pred = next(t for t in sentence if t.low in ESSENCE)
    return _hit("hate", group, pred, sentence, "essentialism about protected_group")


def _hit(kind: str, target: _Target, pred: _Tok, clause: list[_Tok], rule: str) -> ClauseHit:
    first = clause[0].i
    ends = [pred]
    for t in clause:
        if t.i == target.index:
            ends.append(t)
    start = min(t.start for t in ends)
    end = max(t.end for t in ends)
    del first
    word = next(iter(pred.classes.values()), pred.low)
    score = {"threat": 0.9, "hate": 0.85, "insult": 0.8}[kind]
    return ClauseHit(kind, start, end, score, target.kind, rule, (target.word, word))


def _kind_for(target: str, predicate: str) -> str | None:
    if target == "protected_group":
        return "hate"
    if target == "other_group":
        return "insult"
    if target in ("you", "person"):
        return "insult"
    return None


_RANK = {"protected_group": 0, "you": 1, "person": 2, "other_group": 3}


def _best_target(targets: list[_Target]) -> _Target | None:
    return min(targets, key=lambda t: _RANK[t.kind], default=None)


def _group_kind(cls: str) -> str:
    return "protected_group" if cls == "protected" else "other_group"


def _negative_predicates(words: list[str]) -> dict[str, list[int]]:
    """Predicates with their own negation, by class, with the index of their last word."""
    found: dict[str, list[int]] = {}
    # "geen (echte) mensen": an adjective may stand inside the phrase.
    plain = [w for w in words if w not in PHRASE_ADJECTIVES]
    index = [k for k, w in enumerate(words) if w not in PHRASE_ADJECTIVES]
    for cls, phrase in NEGATIVE_PREDICATES:
        n = len(phrase)
        for k in range(len(plain) - n + 1):
            if tuple(plain[k : k + n]) == phrase:
                found.setdefault(cls, []).append(index[k + n - 1])
                found.setdefault("_used", []).append(index[k])
    if _rhetorical_why(words):
        # "Waarom schieten we ze niet gewoon dood?": a proposal, not a negation.
        found.setdefault("_used", []).extend(k for k, w in enumerate(words) if w == "niet")
    for k, w in enumerate(words):
        if w not in BELONG:
            continue
        # "X horen hier niet", "... dat X hier niet horen", "niet thuishoren".
        for j in (*range(k + 1, min(k + 4, len(words))), *range(max(k - 3, 0), k)):
            if words[j] in NEGATIONS and words[j + 1 : j + 2] != ["alleen"]:  # "niet alleen"
                found.setdefault("exclusion", []).append(j)
                found.setdefault("_used", []).append(j)
                break
    return found


def _linked(clause: list[_Tok], target: int, pred: int) -> bool:
    """Whether a predicate at clause position `pred` is said of the target at `target`.

    A poor man's parse that survives the tagger's mistakes: a link word (copula, "vinden",
    "noemen", "gedragen") within a window of eight words holding both, and between target and
    predicate only link words, adverbs, articles, adjectives and numbers -- no other noun or
    pronoun that the predicate could be about ("kinderen met kanker worden behandeld").
    """
    lo, hi = min(target, pred), max(target, pred)
    # "die hipsters uit de binnenstad zijn eikels", "de meiden van 2c zijn trutten": a
    # prepositional phrase right after the target belongs to it, when a link word follows.
    phrase_end = _modifier_end(clause, target) if target < pred else target + 1
    linked_after = any(clause[k].low in LINKS for k in range(phrase_end, pred))
    if phrase_end > target + 1 and not linked_after:
        phrase_end = target + 1
    hi_limit = 7 + (phrase_end - target - 1)
    window = range(max(lo - 3, 0), min(hi + 3, len(clause)))
    # "ze leven als beesten": a comparison right before the predicate links it too.
    compared = pred > target and any(
        clause[k].low in COMPARISONS for k in range(max(pred - 2, target + 1), pred)
    )
    if hi - lo > hi_limit or not (compared or any(clause[k].low in LINKS for k in window)):
        return False
    for k in range(lo + 1, hi):
        t = clause[k]
        if t.low in LINKS or t.low in FILLERS or t.low in COMPARISONS or "target_part" in t.classes:
            continue
        if target < k < phrase_end:
            continue  # inside the phrase that modifies the target
        if compared and t.pos == "VERB":
            continue  # "ze leven als beesten", "ze gedragen zich als apen"
        if (
            t.pos == "VERB"
            and k == pred - 1
            and (t.participle or t.low.endswith("ende") or t.low.startswith("ge"))
        ):
            continue  # a participle before the predicate: "roddelende trutten", "geboren dieven"
        if t.pos not in ("ADV", "DET", "ADJ", "NUM", "AUX", "PART", "CCONJ", "ADP"):
            return False
        if t.low in SUBJECT_WORDS:
            return False
    return True


def _modifier_end(clause: list[_Tok], target: int) -> int:
    """The position after a prepositional phrase right after the target ("uit de binnenstad",
    "van groep 8"): a preposition, then articles, adjectives or numbers, then its noun."""
    k = target + 1
    if k >= len(clause) or clause[k].low not in PREPOSITIONS or clause[k].pos != "ADP":
        return target + 1
    k += 1
    while (
        k < len(clause)
        and clause[k].pos in ("DET", "ADJ", "NUM")
        and not clause[k].classes.keys() - {"pronoun", "cue"}
    ):
        k += 1
    end = k
    while k < len(clause) and clause[k].pos in ("NOUN", "PROPN", "NUM", "X"):
        if clause[k].classes.keys() & {"you", "person", "protected", "other_group", "pronoun"}:
            return target + 1  # another target: "ouders van kinderen met ..."
        k += 1
        end = k
    return end if end > target + 2 else target + 1


def _demonstrative_before(clause: list[_Tok], at: int | None = None) -> bool:
    """Whether a demonstrative or exclamation stands right before a noun ("die sukkel")."""
    positions = range(len(clause)) if at is None else [at]
    for k in positions:
        if k <= 0 or k >= len(clause):
            continue
        j = k
        # "wat een arrogante eikel", "die domme sukkel": adjectives may stand between.
        while (
            j > 1 and k - j < 2 and (clause[j - 1].pos == "ADJ" or clause[j - 1].low.endswith("e"))
        ):
            if clause[j - 1].low in DEMONSTRATIVES | EXCLAIM | {"een"}:
                break
            j -= 1
        before = clause[j - 1].low in DEMONSTRATIVES | EXCLAIM or (
            j >= 2 and clause[j - 2].low == "wat" and clause[j - 1].low == "een"
        )
        if before and clause[k].classes.keys() & {"insult", "dehumanising"}:
            return True
    return False


def _sentences(toks: list[_Tok]) -> Iterator[list[_Tok]]:
    current: list[_Tok] = []
    for t in toks:
        if t.sentence_start and current:
            yield current
            current = []
        current.append(t)
    if current:
        yield current


def _clauses(sentence: list[_Tok]) -> Iterator[list[_Tok]]:
    current: list[_Tok] = []
    for t in sentence:
        if t.low in CLAUSE_BREAKS or t.low in SENTENCE_ENDS:
            if current:
                yield current
            current = []
            continue
        current.append(t)
    if current:
        yield current


def _quoted_offsets(text: str) -> Callable[[int], bool]:
    """A function telling whether a character offset lies between quote marks."""
    inside: list[bool] = []
    state = False
    for k, c in enumerate(text):
        if c in QUOTES:
            before = text[k - 1] if k else " "
            after = text[k + 1] if k + 1 < len(text) else " "
            # An apostrophe inside a word ("homo's", "zo'n") is no quote.
            if not (before.isalnum() and (after.isalnum() or c == "'")):
                state = not state
        inside.append(state)

    def quoted(offset: int) -> bool:
        return 0 <= offset < len(inside) and inside[offset]

    return quoted
