"""Reading the plain-text word lists and phrase patterns under `models/lexicons/`.

A list file has one entry a line; `#` starts a comment. A word list line may end in a score
("shit 0.5"). A phrase line is a sequence of slots separated by spaces, matched against the
canonical text (see `normalise`):

* `a|b|c` — one of these words; `_` joins words inside one alternative (`in_elkaar`);
* a slot ending in `?` is optional;
* `...` — up to three words, none of them a negation (niet, geen, nooit) or a boundary;
* `.` and `,` — a sentence or clause boundary; `^` (first) — the start of a sentence;
* an upper-case name (`INS`, `GRP`, `NAME`, ...) — a class the detector fills in: it renders
  a token in a class as its form, `§` and the class letters, e.g. "sanne§n".

Entries are put through the same canonical form as the text ("idioot" -> "idiot").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kernel.errors import ConfigError
from screening.detectors.language.normalise import Rendered, canonical_word
from screening.resources import read_lines

#: Negations in canonical form ("geen" -> "gen", "nooit" -> "noit").
NEGATIONS = tuple(canonical_word(w) for w in ("niet", "geen", "nooit", "niemand", "niks", "niets"))
#: What follows a token's form when the detector puts it in classes ("sanne§n", "sukkel§i").
TAG = "§"
TAGGED = f"(?:{TAG}[a-z]+)?"
_GAP = r"(?:(?!(?:" + "|".join(NEGATIONS) + r")[ §])[^ .,]+ ){0,3}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a list: the entry as written, its canonical form and an optional score."""

    text: str
    form: str
    score: float | None
    line: int


def read_words(path: Path) -> list[Entry]:
    """The entries of a word list, each with an optional trailing score."""
    entries: list[Entry] = []
    for number, content in read_lines(path):
        fields = content.split()
        score: float | None = None
        if len(fields) > 1:
            try:
                score = float(fields[-1])
            except ValueError:
                score = None
            else:
                fields = fields[:-1]
                if not 0.0 <= score <= 1.0:
                    raise ConfigError(
                        f"{path.name}:{number}: score {score} is outside [0, 1]",
                        f"{path.name}:{number}: score {score} ligt niet tussen 0 en 1",
                    )
        text = " ".join(fields)
        form = " ".join(canonical_word(w) for w in fields)
        if form:
            entries.append(Entry(text, form, score, number))
    return entries


def _slot(slot: str, classes: Mapping[str, str], where: str) -> str:
    if slot == "...":
        return _GAP
    optional = slot.endswith("?") and len(slot) > 1
    body = slot[:-1] if optional else slot
    if body == "^":
        raise ConfigError(
            f"{where}: '^' must be the first slot", f"{where}: '^' moet vooraan staan"
        )
    alternatives: list[str] = []
    single: list[str] = []  # one-word literals share one optional tag suffix (smaller regex)
    for alt in body.split("|"):
        if alt in classes:
            alternatives.append(classes[alt])
        elif alt in {".", ","}:
            alternatives.append(re.escape(alt))
        elif alt.isupper() and alt.isalpha():
            raise ConfigError(
                f"{where}: unknown class {alt!r}", f"{where}: onbekende klasse {alt!r}"
            )
        else:
            words = [w for w in (canonical_word(w) for w in alt.split("_")) if w]
            if len(words) == 1:
                single.append(re.escape(words[0]))
            else:
                # A literal word also matches when the detector tagged it with a class.
                alternatives.append(" ".join(re.escape(w) + TAGGED for w in words))
    if single:
        alternatives.insert(0, f"(?:{'|'.join(single)}){TAGGED}")
    group = f"(?:(?:{'|'.join(alternatives)}) )"
    return group + "?" if optional else group


def _first_slots(slots: list[str]) -> list[str]:
    """The slots a match can start with: leading optional slots and the first required one."""
    first: list[str] = []
    for slot in slots:
        first.append(slot)
        if not (slot.endswith("?") and len(slot) > 1):
            break
    return first


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled phrase pattern, the words or classes it can start with, and its line.

    The regex is matched at the start of a token (`regex.match(text, pos)`), never searched:
    only tokens that are one of `first_words` or in one of `first_classes` are tried, which
    is what keeps matching a few hundred phrases against a post under a millisecond.
    """

    source: str
    where: str
    regex: re.Pattern[str]
    sentence_start: bool
    first_words: frozenset[str]
    first_classes: frozenset[str]


def compile_phrase(line: str, classes: Mapping[str, str], where: str) -> Phrase:
    """The compiled pattern of one phrase line."""
    slots = line.split()
    at_start = bool(slots) and slots[0] == "^"
    if at_start:
        slots = slots[1:]
    if not slots:
        raise ConfigError(f"{where}: empty phrase", f"{where}: lege frase")
    if slots[0] == "...":
        raise ConfigError(
            f"{where}: a phrase cannot start with '...'",
            f"{where}: een frase kan niet met '...' beginnen",
        )
    pattern = "".join(_slot(s, classes, where) for s in slots)
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"{where}: phrase does not compile: {exc}", f"{where}: frase is ongeldig: {exc}"
        ) from None
    words: set[str] = set()
    named: set[str] = set()
    for slot in _first_slots(slots):
        for alt in slot.rstrip("?").split("|") if slot != "?" else [slot]:
            if alt in classes:
                named.add(alt)
            else:
                words.add(canonical_word(alt.split("_")[0]) or alt)
    return Phrase(line, where, regex, at_start, frozenset(words), frozenset(named))


def read_phrases(path: Path, classes: Mapping[str, str]) -> list[Phrase]:
    """Every phrase pattern of a file, compiled."""
    return [
        compile_phrase(content, classes, f"{path.name}:{number}")
        for number, content in read_lines(path)
    ]


class PhraseIndex:
    """Phrases by the words and classes they start with, to try only where they can match."""

    def __init__(self, phrases: Sequence[Phrase], class_words: Mapping[str, frozenset[str]]):
        """`class_words` gives, per class, the literal words it stands for (PERS: "je", ...)."""
        self.phrases = tuple(phrases)
        self._by_word: dict[str, list[int]] = {}
        self._by_class: dict[str, list[int]] = {}
        for i, phrase in enumerate(self.phrases):
            for word in phrase.first_words:
                self._by_word.setdefault(word, []).append(i)
            for name in phrase.first_classes:
                self._by_class.setdefault(name, []).append(i)
                for word in class_words.get(name, frozenset()):
                    self._by_word.setdefault(word, []).append(i)

    def matches(
        self, rendered: Rendered, classes_of: Sequence[Iterable[str]]
    ) -> Iterator[tuple[Phrase, re.Match[str]]]:
        """Every (phrase, match) that starts at a token; `classes_of[i]` are token i's classes."""
        canon = rendered.canon
        by_word = self._by_word
        by_class = self._by_class
        starts = rendered.token_starts
        for i, tok in enumerate(rendered.tokens):
            tried = by_word.get(tok.form)
            names = classes_of[i]
            if names:
                tried = [*(tried or ()), *(j for n in names for j in by_class.get(n, ()))]
                tried = sorted(set(tried))
            if not tried:
                continue
            for index in tried:
                phrase = self.phrases[index]
                if phrase.sentence_start and not tok.sentence_start:
                    continue
                m = phrase.regex.match(canon, starts[i])
                if m is not None:
                    yield phrase, m
