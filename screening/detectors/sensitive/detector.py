"""Special-category and confidential facts about an identifiable person in the post text.

`pii.special_category` (GDPR art. 9: health, religion, origin, sexual orientation) and
`pii.confidential` (SVOK III.A.3: discipline, grades, family circumstances). A fact fires only
when it is tied to a person in the same sentence:

* before it: a first name ("Sanne had een 3 voor wiskunde"), a possessive with a relative or
  role ("haar moeder heeft kanker", "onze leerling"), "een leerling uit groep 7", or a subject
  pronoun with a verb ("ze heeft dyslexie");
* right after it: "van" and such a person ("het overlijden van onze collega Jan");
* or a possessive right before the fact ("zijn ADHD").

A fact that is a topic does not fire: a topic word (over, tegen, voor, voorlichting, ...) just
before it ("de GGD geeft voorlichting over ADHD", "we lopen voor KWF tegen kanker").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kernel.errors import ConfigError
from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.language.lexicon import Phrase, PhraseIndex, compile_phrase
from screening.detectors.language.normalise import (
    Normalised,
    Token,
    canonical_word,
    normalised,
    render,
)
from screening.detectors.pii._common import best_non_overlapping, make_finding
from screening.nlp import TextDoc
from screening.resources import models_dir, read_lines

_SCORE = re.compile(r"\s+@([0-9.]+)$")
# "uw kind", "je moeder" address every reader, not one person: not possessives here.
_POSSESSIVES = frozenset(canonical_word(w) for w in ["haar", "zijn", "mijn", "onze", "ons", "hun"])
_ARTICLES = frozenset(canonical_word(w) for w in ["de", "het", "een"])
_GROUP_WORDS = frozenset(canonical_word(w) for w in ["groep", "klas", "jaar", "leerjaar"])
_CLASSES = {
    "COUNTRY": r"[^ §]+§[a-z]*c[a-z]*",
    "NATIONALITY": r"[^ §]+§[a-z]*t[a-z]*",
    "GRADE": r"(?:10|[1-9](?:\.[0-9])?)(?: , [0-9])?",
}
#: A class code such as "3B", "2b" or "H4A".
_CLASS_CODE = re.compile(r"[1-8][A-Za-z]|[A-Za-z]{1,3}[1-6][A-Za-z]?")
#: How far back (in words) a person may stand from the fact in the same sentence.
_REACH = 15


@dataclass(frozen=True, slots=True)
class _Category:
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class _Anchor:
    kind: str  # "name", "relative", "pupil", "role", "pronoun", "possessive"
    start: int  # token index
    end: int  # token index, exclusive


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    start: int
    end: int
    score: float
    evidence: Evidence


def _sections(path: Path) -> dict[str, frozenset[str]]:
    """A file with [section] headers and white-space separated words under each."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for number, content in read_lines(path):
        if content.startswith("[") and content.endswith("]"):
            current = sections.setdefault(content[1:-1], set())
        elif current is None:
            raise ConfigError(
                f"{path.name}:{number}: a word before the first [section]",
                f"{path.name}:{number}: een woord voor de eerste [sectie]",
            )
        else:
            current.update(canonical_word(w) for w in content.split())
    return {name: frozenset(words) for name, words in sections.items()}


def _words(path: Path) -> frozenset[str]:
    return frozenset(canonical_word(w) for _, line in read_lines(path) for w in line.split())


class SensitiveFactsDetector(TextDetector):
    """Health, religion, origin, orientation, discipline, grades and family of a person."""

    name: ClassVar[str] = "sensitive_facts"
    version: ClassVar[str] = "1.0"

    CATEGORIES: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("health", "pii.special_category", 0.85),
        ("religion", "pii.special_category", 0.8),
        ("origin", "pii.special_category", 0.8),
        ("sexual_orientation", "pii.special_category", 0.85),
        ("discipline", "pii.confidential", 0.8),
        ("grades", "pii.confidential", 0.8),
        ("family", "pii.confidential", 0.8),
    )

    def __init__(self, lexicons: Path | None = None) -> None:
        folder = lexicons if lexicons is not None else models_dir() / "lexicons"
        here = folder / "sensitive"
        anchors = _sections(here / "anchors.txt")
        self.relatives = anchors.get("relatives", frozenset())
        self.roles = anchors.get("roles", frozenset())
        self.pronouns = anchors.get("pronouns", frozenset())
        self.verbs = anchors.get("verbs", frozenset())
        self.topics = anchors.get("topics", frozenset())
        self.countries = _words(here / "countries.txt")
        self.nationalities = _words(here / "nationalities.txt")
        # Compared with the word as written: canonical "dan" is also the name "Daan".
        self.common = frozenset(
            w.lower() for _, line in read_lines(folder / "common_words.txt") for w in line.split()
        )
        self.category_of: dict[str, _Category] = {}  # by file name
        self.scores: dict[str, float] = {}  # by phrase location
        phrases: list[Phrase] = []
        for name, kind, default in self.CATEGORIES:
            path = here / f"{name}.txt"
            self.category_of[path.name] = _Category(name, kind)
            for number, content in read_lines(path):
                score = default
                m = _SCORE.search(content)
                if m:
                    score = float(m.group(1))
                    content = content[: m.start()]
                where = f"{path.name}:{number}"
                phrases.append(compile_phrase(content, _CLASSES, where))
                self.scores[where] = score
        # One index for every category: a post is walked once.
        self.phrases = PhraseIndex(phrases, {})

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every special-category or confidential fact tied to a person in the same sentence."""
        norm = normalised(doc.text, doc.doc)
        tokens = norm.tokens
        if not tokens:
            return []
        tagged = render(tokens, [self._tagged(t) for t in tokens])
        no_classes: list[tuple[str, ...]] = [()] * len(tokens)  # no phrase starts with a class
        sentence_of: list[int] = []
        sentence = 0
        for tok in tokens:
            sentence_of.append(sentence)
            if tok.boundary_after == ".":
                sentence += 1
        candidates: list[_Candidate] = []
        for phrase, m in self.phrases.matches(tagged, no_classes):
            category = self.category_of[phrase.where.partition(":")[0]]
            cstart, cend = m.span()
            fact = tagged.token_range(cstart, max(cstart + 1, cend - 1))
            candidate = self._candidate(norm, sentence_of, category, phrase, fact)
            if candidate is not None:
                candidates.append(candidate)
        findings: list[Finding] = []
        for kind in ("pii.special_category", "pii.confidential"):
            for c in best_non_overlapping([c for c in candidates if c.kind == kind]):
                findings.append(
                    make_finding(self, c.kind, doc.text, c.start, c.end, c.score, c.evidence)
                )
        findings.sort(key=lambda f: (f.span.start if f.span else 0, f.kind))
        return findings

    def _tagged(self, tok: Token) -> str:
        tags = ""
        if tok.form in self.countries:
            tags += "c"
        if tok.form in self.nationalities or tok.form.rstrip("e") in self.nationalities:
            tags += "t"
        return f"{tok.form}§{tags}" if tags else tok.form

    def _candidate(
        self,
        norm: Normalised,
        sentence_of: list[int],
        category: _Category,
        phrase: Phrase,
        fact: range,
    ) -> _Candidate | None:
        tokens = norm.tokens
        first = fact.start
        before = [tokens[k].form for k in range(max(0, first - 2), first)]
        owned = bool(before) and before[-1] in _POSSESSIVES  # "de zorg rond zijn ADHD"
        # "voorlichting over ADHD", "tegen kanker", "over de ramadan" -- but not "naar
        # Nederland gevlucht": a topic word right before the fact, or before an article.
        topic = bool(before) and (
            before[-1] in self.topics
            or (len(before) == 2 and before[0] in self.topics and before[1] in _ARTICLES)
        )
        if topic and not owned:
            return None
        anchor = self._anchor_before(tokens, sentence_of, fact) or self._anchor_after(
            tokens, sentence_of, fact
        )
        if anchor is None:
            return None
        score = self.scores[phrase.where]
        if category.name == "grades":
            score = _grade_score(
                norm.text[tokens[fact.start].start : tokens[fact.stop - 1].end], score
            )
        obituary = category.name == "family" and anchor.kind not in ("relative", "possessive")
        if obituary and any(tokens[k].form in _DEATH for k in fact):
            score = min(score, 0.45)  # an obituary for the person, not a pupil's loss
        if anchor.kind == "role" and score > 0.5 and category.name == "health":
            score = max(score - 0.1, 0.5)
        lo = min(anchor.start, fact.start)
        hi = max(anchor.end, fact.stop)
        start, end = tokens[lo].start, tokens[hi - 1].end
        person = norm.text[tokens[anchor.start].start : tokens[anchor.end - 1].end]
        fact_text = norm.text[tokens[fact.start].start : tokens[fact.stop - 1].end]
        return _Candidate(
            category.kind,
            start,
            end,
            round(score, 3),
            Evidence(
                explanation=(
                    f"{category.name.replace('_', ' ')}: '{fact_text}' ({phrase.where}) about "
                    f"'{person}' ({anchor.kind}) in the same sentence"
                ),
                pattern=phrase.where,
                validation=f"person: {anchor.kind}",
                context_words=(person,),
            ),
        )

    def _anchor_at(self, tokens: tuple[Token, ...], k: int) -> _Anchor | None:
        """A person reference that ends at token k, if there is one."""
        tok = tokens[k]
        form = tok.form
        prev = tokens[k - 1].form if k > 0 and not tokens[k - 1].boundary_after else ""
        if form in self.relatives and prev in _POSSESSIVES:
            return _Anchor("relative", k - 1, k + 1)
        if form in self.roles:
            if prev in _POSSESSIVES or prev in ("de", "het"):
                return _Anchor("role", k - 1, k + 1)
            nxt = tokens[k + 1].form if k + 1 < len(tokens) else ""
            if (
                nxt in ("uit", "van", "in")
                and k + 2 < len(tokens)
                and tokens[k + 2].form in _GROUP_WORDS
            ):
                return _Anchor("pupil", k, k + 3)
        if self._names_pupil(tokens, k):  # "Sanne uit groep 7 is ziek", "Tim uit 3B ..."
            return _Anchor("pupil", k, k + 3)
        if self._is_name(tokens, k):
            # "de opa van Jayden" is a pupil's relative, like "zijn opa".
            if k >= 2 and tokens[k - 1].form == "van" and tokens[k - 2].form in self.relatives:
                return _Anchor("relative", k - 2, k + 1)
            return _Anchor("name", k, k + 1)
        if form in self.pronouns:
            nxt = tokens[k + 1].form if k + 1 < len(tokens) else ""
            if nxt in self.verbs and not tok.boundary_after:
                return _Anchor("pronoun", k, k + 1)
        return None

    def _names_pupil(self, tokens: tuple[Token, ...], k: int) -> bool:
        """A capitalised word followed by 'uit/van/in' and a group: "Sanne uit groep 7"."""
        tok = tokens[k]
        if not tok.capitalised or not tok.form.isalpha() or tok.text.lower() in self.common:
            return False
        if k + 2 >= len(tokens) or tok.boundary_after or tokens[k + 1].boundary_after:
            return False
        if tokens[k + 1].form not in ("uit", "van", "in"):
            return False
        group = tokens[k + 2].text
        return tokens[k + 2].form in _GROUP_WORDS or _CLASS_CODE.fullmatch(group) is not None

    def _is_name(self, tokens: tuple[Token, ...], k: int) -> bool:
        tok = tokens[k]
        if not tok.capitalised or not tok.form.isalpha() or len(tok.form) < 2:
            return False
        if (
            tok.text.lower() in self.common
            or tok.form in self.countries
            or tok.form in self.nationalities
        ):
            return False
        if tok.sentence_start:
            # "Gisteren", "Helaas": a capital at the start says nothing; a verb after it does,
            # or an age ("Sanne (10) is ziek").
            nxt = tokens[k + 1].form if k + 1 < len(tokens) else ""
            if tok.boundary_after == ".":
                return False
            return nxt.isdigit() or (nxt in self.verbs and not tok.boundary_after)
        return True

    def _anchor_before(
        self, tokens: tuple[Token, ...], sentence_of: list[int], fact: range
    ) -> _Anchor | None:
        first = fact.start
        possessive = (
            first > 0
            and tokens[first - 1].form in _POSSESSIVES
            and not tokens[first - 1].boundary_after
        )
        # "een spreekbeurt over zijn ADHD" may still be about someone else: look further.
        if possessive and (first < 2 or tokens[first - 2].form not in ("over", "voor")):
            return _Anchor("possessive", first - 1, first)
        for k in range(first - 1, max(-1, first - 1 - _REACH), -1):
            if sentence_of[k] != sentence_of[first]:
                break
            anchor = self._anchor_at(tokens, k)
            if anchor is not None:
                return anchor
        return None

    def _anchor_after(
        self, tokens: tuple[Token, ...], sentence_of: list[int], fact: range
    ) -> _Anchor | None:
        k = fact.stop
        if k >= len(tokens) or tokens[k].form != "van" or tokens[fact.stop - 1].boundary_after:
            return None
        for j in range(k + 1, min(len(tokens), k + 5)):
            if sentence_of[j] != sentence_of[k]:
                break
            anchor = self._anchor_at(tokens, j)
            if anchor is not None:
                return anchor
        return None


_DEATH = frozenset(
    canonical_word(w)
    for w in [
        "overleden",
        "gestorven",
        "omgekomen",
        "verongelukt",
        "overlijden",
        "overleed",
        "kwam",
        "te",
    ]
)
_NUMBER = re.compile(r"(10|[1-9])(?:[.,]([0-9]))?")


def _grade_score(text: str, score: float) -> float:
    """A fail mark (under 5.5) holds; a pass mark about one pupil is shown as a notice."""
    m = _NUMBER.search(text)
    if m is None:
        return score
    value = float(m.group(1) + "." + (m.group(2) or "0"))
    return score if value < 5.5 else 0.45
