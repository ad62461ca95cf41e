"""What in the text ties a name to a pupil, or states a sensitive fact about the person.

An unregistered name is a notice, but "Sanne uit groep 7 is ziek" is a privacy incident: the
text says who she is (a pupil of one group) and a health fact about her. The cues, each in
the same sentence as the name:

* a group or class right beside the name: "Sanne uit groep 7", "Sanne (3B)", "Groep 8:
  Sanne", "groep 7-leerling Sanne", "Sanne zit in klas 2a";
* a pupil noun: "leerling Sanne", "Sanne, leerling van groep 7", "onze leerling van de week
  is Sanne", "leerlingen Tim en Sanne";
* a child's age near the name ("Sanne (9)", "de 9-jarige Sanne", "Sanne is 9 jaar"), from the
  age detector;
* a home address, from the address detector;
* a special-category or confidential fact (health, religion, origin, discipline, grades,
  family), from the sensitive-facts detector and its lexicon.

A cue beside one name of a list counts for the whole list: "Tim, Sanne en Noor uit groep 7".
"Groep 7 bedankt Jan Visser voor de gastles" ties nothing: the group is not beside the name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from kernel.types import Finding
from screening.detectors.names.recognise import NameSpan
from screening.detectors.names.tokens import Word
from screening.detectors.pii.age import NUMBER_WORDS
from screening.name_lists import NameLexicon

#: Oldest age that still says "pupil" (primary and secondary school, and a year to spare).
MAX_PUPIL_AGE = 19
#: How far (characters) an age may stand from the name it belongs to.
AGE_REACH = 25
_LIST_GAP = re.compile(r"^\s*(?:,|&|\+|/|en|of)?\s*(?:,|&|\+|/|en|of)\s*$")
_DIGITS = re.compile(r"\d+")
_FACT_KINDS = frozenset({"pii.special_category", "pii.confidential"})
#: A fact anchored on one of these ("ze heeft dyslexie", "haar moeder is ziek") is about the
#: nearest name in its sentence.
_PRONOUNS = frozenset({"hij", "zij", "ze", "zijn", "haar", "hem", "hun"})


@dataclass(frozen=True, slots=True)
class NameContext:
    """The cues around one name: pupil cues (as written) and facts stated in its sentence."""

    pupil: tuple[str, ...] = ()
    special: tuple[Finding, ...] = ()
    confidential: tuple[Finding, ...] = ()

    def merged(self, other: NameContext) -> NameContext:
        """Both contexts' cues and facts (for names in one list)."""
        return NameContext(
            _unique(self.pupil + other.pupil),
            _unique(self.special + other.special),
            _unique(self.confidential + other.confidential),
        )


_T = TypeVar("_T")


def _unique(items: tuple[_T, ...]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(items))


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class PupilContext:
    """Finds the pupil cues and facts around each recognised name."""

    def __init__(self, lexicon: NameLexicon) -> None:
        groups = _alternatives(lexicon.group_words)
        singular = _alternatives(lexicon.pupil_words)
        every = _alternatives(lexicon.pupil_words | lexicon.pupil_words_plural)
        group = (
            rf"(?:(?:{groups})[ \t]*\d{{1,2}}[a-zA-Z]?(?:/\d{{1,2}})?(?![\w])"
            r"|(?<![\w-])[1-8][a-fA-F](?![\w-])"
            r"|(?<![\w-])[1-6][ \t]?(?:vwo|havo|vmbo|mavo|gymnasium|atheneum|tl|kb|bb|gt)(?!\w)"
            r"|brugklas|kleuterklas|kleutergroep)"
        )
        sp = r"[ \t]"
        self._after = re.compile(
            rf"(?:'s)?(?:{sp}*\({sp}*|{sp}*[,–-]{sp}*(?:(?:uit|van){sp}+)?"
            rf"|{sp}+(?:uit|van|in|zit{sp}+in|zat{sp}+in|zitten{sp}+in|zaten{sp}+in){sp}+)"
            rf"(?:(?:de|het){sp}+)?(?P<cue>{group})",
            re.IGNORECASE,
        )
        self._pupil_after = re.compile(
            rf"{sp}*,?{sp}*(?:(?:is|was|wordt|werd){sp}+)?(?:(?:een|onze|de|jullie){sp}+)?"
            rf"(?P<cue>{singular})(?!\w)",
            re.IGNORECASE,
        )
        self._before = re.compile(
            rf"(?P<cue>{group}(?:{sp}*-?{sp}*(?:{every}))?){sp}*[:,–-]?{sp}*$", re.IGNORECASE
        )
        self._pupil_before = re.compile(rf"(?<!\w)(?P<cue>{every}){sp}*[:,]?{sp}*$", re.IGNORECASE)
        self._pupil_loose = re.compile(
            rf"(?<!\w)(?P<cue>{singular})(?!\w)[^,.;:!?\n]{{0,30}}$", re.IGNORECASE
        )

    def of_names(
        self,
        text: str,
        words: Sequence[Word],
        names: Sequence[NameSpan],
        findings: Sequence[Finding],
    ) -> list[NameContext]:
        """The context of every name, in the order of `names`."""
        starts: list[int] = []  # where each sentence's first word starts
        for w in words:
            if w.sentence == len(starts):
                starts.append(w.start)

        def sentence_of(pos: int) -> int:
            return max(0, bisect_right(starts, pos) - 1)

        by_sentence: dict[int, list[Finding]] = {}
        facts_of: dict[int, list[Finding]] = {}  # by name index
        for f in findings:
            if f.span is None:
                continue
            sentence = sentence_of(f.span.start)
            if f.kind in _FACT_KINDS:
                for n in _about(f, sentence, names):
                    facts_of.setdefault(n, []).append(f)
            else:
                by_sentence.setdefault(sentence, []).append(f)
        contexts = [
            self._one(text, name, by_sentence.get(name.sentence, []), facts_of.get(n, []))
            for n, name in enumerate(names)
        ]
        # A cue beside one name of a list counts for every name of the list.
        i = 0
        while i < len(names):
            j = i
            while (
                j + 1 < len(names)
                and names[j + 1].sentence == names[i].sentence
                and _LIST_GAP.match(text[names[j].end : names[j + 1].start])
            ):
                j += 1
            if j > i:
                merged = contexts[i]
                for k in range(i + 1, j + 1):
                    merged = merged.merged(contexts[k])
                for k in range(i, j + 1):
                    contexts[k] = merged
            i = j + 1
        return contexts

    def _one(
        self, text: str, name: NameSpan, findings: list[Finding], facts: list[Finding]
    ) -> NameContext:
        cues: list[str] = []
        after = text[name.end : name.end + 60]
        before = text[max(0, name.start - 60) : name.start]
        for regex, where in (
            (self._after, after),
            (self._pupil_after, after),
        ):
            m = regex.match(where)
            if m is not None:
                cues.append(" ".join(m.group("cue").split()))
        for regex in (self._before, self._pupil_before, self._pupil_loose):
            m = regex.search(before)
            if m is not None:
                cues.append(" ".join(m.group("cue").split()))
                break
        special: list[Finding] = []
        confidential: list[Finding] = []
        for f in findings:
            assert f.span is not None
            if f.kind == "pii.age":
                age = _age(f.span.text)
                near = (0 <= f.span.start - name.end <= AGE_REACH) or (
                    0 <= name.start - f.span.end <= AGE_REACH
                )
                if near and age is not None and age <= MAX_PUPIL_AGE:
                    cues.append(f"age {f.span.text}")
            elif f.kind == "pii.address":
                cues.append(f"address '{f.span.text}'")
        for f in facts:
            (special if f.kind == "pii.special_category" else confidential).append(f)
        return NameContext(_unique(tuple(cues)), tuple(special), tuple(confidential))


def _about(fact: Finding, sentence: int, names: Sequence[NameSpan]) -> list[int]:
    """The names a fact is about: the ones its span covers ("Tim heeft ADHD"), or, when it is
    about "hij", "zij" or "haar moeder", the nearest name in its sentence."""
    assert fact.span is not None
    start, end = fact.span.start, fact.span.end
    covered = [n for n, name in enumerate(names) if name.start < end and start < name.end]
    if covered:
        return covered
    anchor = fact.evidence.context_words[0] if fact.evidence.context_words else ""
    if anchor.split()[:1] and anchor.split()[0].lower() in _PRONOUNS:
        near = [
            (min(abs(name.start - end), abs(start - name.end)), n)
            for n, name in enumerate(names)
            if name.sentence == sentence
        ]
        if near:
            return [min(near)[1]]
    return []


def _age(text: str) -> int | None:
    """The (first) age in an age span: "9", "11-12", "zes"."""
    m = _DIGITS.search(text)
    if m is not None:
        return int(m.group())
    return NUMBER_WORDS.get(text.strip().lower())
