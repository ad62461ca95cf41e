"""The word lists of the language detector, loaded once, and the lookup of one word in them.

A word is looked up by its canonical form (see `normalise`): first as written (with its
inflections: "sukkels", "hoertje"), then as a curse compound ("kanker" + "lijer"), then with
one hidden letter (`k*nker`), and finally with one letter deleted or two letters swapped
("knker", "kankre") -- the last only for long, unambiguous entries, so that ordinary words
one letter away from an insult do not fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from screening.detectors.language.lexicon import Entry, read_words
from screening.detectors.language.normalise import WILDCARD, canonical_word
from screening.resources import read_lines

#: Endings that inflect a Dutch noun or adjective: plural, diminutive, adjective -e.
_INFLECTIONS = ("", "s", "en", "'s", "e", "n", "je", "tje", "jes", "tjes", "etje")
#: Prefixes that are diseases: disguising one of them is a curse, never the disease.
_DISEASE_PREFIXES = tuple(
    canonical_word(w)
    for w in [
        "kanker",
        "kenker",
        "tyfus",
        "tiefus",
        "tyfes",
        "tering",
        "tiering",
        "kolere",
        "klere",
        "kelere",
        "pleuris",
        "pokken",
    ]
)
#: Tricks that only a writer who hides a word uses (a repeated letter counts: "kankerrrr").
DELIBERATE = frozenset(
    {
        "leetspeak",
        "letter hidden by a sign",
        "symbols inside the word",
        "spaced letters",
        "repeated letters",
        "spaces inside the word",
    }
)
_CACHE_LIMIT = 50_000
_FUZZY_MIN = 6  # shorter entries have too many ordinary neighbours ("neger" - "negen")


@dataclass(frozen=True, slots=True)
class Hit:
    """What a word is: its list, the entry, the finding kind it makes and how sure."""

    list_name: str
    entry: str
    line: int
    kind: str  # "insult", "hate", "profanity", "mild" (an insult only inside a phrase)
    score: float
    target: str  # "person", "group", "object" or "unknown"
    how: str  # "exact", "curse compound", "one hidden letter", "one letter off"
    rest: str = ""  # the second half of a curse compound


@dataclass(frozen=True, slots=True)
class _Listed:
    entry: Entry
    list_name: str


def _inflected(entries: list[Entry], list_name: str) -> dict[str, _Listed]:
    forms: dict[str, _Listed] = {}
    for e in entries:
        if " " in e.text:
            continue
        base = e.form
        listed = _Listed(e, list_name)
        for end in _INFLECTIONS:
            # Canonical forms collapse doubled letters, also where base and ending meet.
            forms.setdefault(base + end[1:] if end and base[-1] == end[0] else base + end, listed)
        if base.endswith("f"):
            forms.setdefault(base[:-1] + "ven", listed)  # wijf -> wijven
    return forms


def _deletions_and_swaps(form: str) -> set[str]:
    """Forms one deleted letter or one swap of neighbours away; the first letter stays."""
    out: set[str] = set()
    for i in range(1, len(form)):
        out.add(form[:i] + form[i + 1 :])
        if i + 1 < len(form):
            out.add(form[:i] + form[i + 1] + form[i] + form[i + 2 :])
    out.discard(form)
    return out


class Words:
    """Every word list of the language detector, keyed by canonical form."""

    def __init__(self, folder: Path) -> None:
        lang = folder / "language"
        self.slurs = _inflected(read_words(lang / "slurs.txt"), "slurs.txt")
        self.strong = _inflected(read_words(lang / "insults_strong.txt"), "insults_strong.txt")
        self.mild = _inflected(read_words(lang / "insults.txt"), "insults.txt")
        self.profanity = {
            e.form: _Listed(e, "profanity.txt") for e in read_words(lang / "profanity.txt")
        }
        self.groups = {e.form: e for e in read_words(lang / "groups.txt")}
        self.persons = _inflected(read_words(lang / "person_nouns.txt"), "person_nouns.txt")
        self.prefixes = sorted(
            (e.form for e in read_words(lang / "curse_prefixes.txt")), key=len, reverse=True
        )
        self.person_prefixes = sorted(
            (e.form for e in read_words(lang / "curse_prefixes_person_only.txt")),
            key=len,
            reverse=True,
        )
        self.exact_exceptions: set[str] = set()
        self.prefix_exceptions: list[str] = []
        for _, content in read_lines(lang / "exceptions.txt"):
            if content.endswith("*"):
                self.prefix_exceptions.append(canonical_word(content[:-1]))
            else:
                self.exact_exceptions.add(" ".join(canonical_word(w) for w in content.split()))
        self.counter_cues = {e.form for e in read_words(lang / "counter_speech.txt")}
        raw_common = [
            w.lower() for _, line in read_lines(folder / "common_words.txt") for w in line.split()
        ]
        self.common = {canonical_word(w) for w in raw_common}
        # Compared with the word as written: canonical "dan" is also the name "Daan".
        self.common_as_written = frozenset(raw_common)
        self._fuzzy = self._build_fuzzy()
        # Prefixes one letter off ("knker", "tyfsu"), for compounds aimed at a person.
        self._fuzzy_prefixes: dict[str, str] = {}
        for prefix in self.prefixes:
            if len(prefix) >= 5:
                for variant in _deletions_and_swaps(prefix):
                    self._fuzzy_prefixes.setdefault(variant, prefix)
        self._fuzzy_lengths = sorted({len(v) for v in self._fuzzy_prefixes}, reverse=True)
        # Every beginning of a hit that spacing can split ("kan" of "kanker lijer").
        self.join_heads: frozenset[str] = frozenset(
            form[:n]
            for form in (
                *(f for f, x in self.slurs.items() if f == x.entry.form),
                *(f for f, x in self.strong.items() if f == x.entry.form),
                *self.prefixes,
                *_DISEASE_PREFIXES,
            )
            for n in range(2, len(form))
        )
        self._cache: dict[str, Hit | None] = {}

    def _build_fuzzy(self) -> dict[str, _Listed]:
        """One-letter-off variants of long strong entries, minus every real word we know."""
        known = (
            set(self.slurs)
            | set(self.strong)
            | set(self.mild)
            | set(self.profanity)
            | set(self.groups)
            | set(self.persons)
            | self.common
            | self.exact_exceptions
        )
        fuzzy: dict[str, _Listed] = {}
        for table in (self.slurs, self.strong):
            for form, listed in table.items():
                if len(form) < _FUZZY_MIN or form != canonical_word(listed.entry.text):
                    continue  # inflected forms would multiply the variants for little gain
                for variant in _deletions_and_swaps(form):
                    if variant not in known and not self.is_exception(variant):
                        fuzzy.setdefault(variant, listed)
        return fuzzy

    def is_exception(self, form: str) -> bool:
        """Whether a harmless word looks like a hit (exceptions.txt)."""
        return form in self.exact_exceptions or form.startswith(tuple(self.prefix_exceptions))

    def lookup(self, form: str, deliberate: bool) -> Hit | None:
        """What the word `form` is, if anything; `deliberate` says it was disguised."""
        key = f"{form}\x00{deliberate}"
        if key not in self._cache:
            if len(self._cache) > _CACHE_LIMIT:  # a long-running server sees endless words
                self._cache.clear()
            self._cache[key] = self._lookup(form, deliberate)
        return self._cache[key]

    def _lookup(self, form: str, deliberate: bool) -> Hit | None:
        if WILDCARD in form:
            return self._wildcard(form, deliberate)
        hit = self._exact(form, deliberate)
        if hit is not None or self.is_exception(form) or form in self.common:
            return hit
        listed = self._fuzzy.get(form)
        if listed is not None:
            kind = "hate" if listed.list_name == "slurs.txt" else "insult"
            target = "group" if kind == "hate" else "person"
            return Hit(
                listed.list_name,
                listed.entry.text,
                listed.entry.line,
                kind,
                0.75,
                target,
                "one letter off",
            )
        return self._compound(form, deliberate, fuzzy_prefix=True)

    def _exact(self, form: str, deliberate: bool) -> Hit | None:
        exception = self.is_exception(form)
        for table, kind, score, target in (
            (self.slurs, "hate", 0.95, "group"),
            (self.strong, "insult", 0.9, "person"),
        ):
            listed = table.get(form)
            if listed is not None:
                e = listed.entry
                if exception:
                    # "mongolen" is also a people; as an insult it needs a phrase.
                    return Hit(listed.list_name, e.text, e.line, "mild", 0.8, "person", "exact")
                return Hit(
                    listed.list_name, e.text, e.line, kind, e.score or score, target, "exact"
                )
        listed = self.profanity.get(form)
        if listed is not None and not exception:
            e = listed.entry
            return Hit(
                listed.list_name, e.text, e.line, "profanity", e.score or 0.8, "unknown", "exact"
            )
        listed = self.mild.get(form)
        if listed is not None:
            e = listed.entry
            return Hit(listed.list_name, e.text, e.line, "mild", e.score or 0.8, "person", "exact")
        if exception:
            return None
        if deliberate and form in _DISEASE_PREFIXES:
            # Nobody disguises the disease: "k4nker" and "k a n k e r" are curses.
            return Hit("curse_prefixes.txt", form, 0, "profanity", 0.8, "unknown", "exact")
        return self._compound(form, deliberate, fuzzy_prefix=False)

    def _rest(self, rest: str) -> tuple[str, str] | None:
        """Whether the second half of a compound is a group ('hate') or a person ('insult')."""
        for candidate in (
            rest,
            rest[:-1] if rest.endswith("s") else "",
            rest[:-2] if rest.endswith("en") else "",
        ):
            if candidate and candidate in self.groups:
                return "hate", "group"
        if rest in self.persons or rest in self.strong or rest in self.mild or rest in self.slurs:
            return "insult", "person"
        return None

    def _prefix_splits(self, form: str, fuzzy: bool) -> list[tuple[str, str]]:
        """(prefix, rest) pairs for `form`: exact prefixes, or prefixes one letter off."""
        if not fuzzy:
            return [(p, form[len(p) :]) for p in self.prefixes if form.startswith(p)]
        splits: list[tuple[str, str]] = []
        for n in self._fuzzy_lengths:
            prefix = self._fuzzy_prefixes.get(form[:n])
            if prefix is not None and not form.startswith(prefix):
                splits.append((prefix, form[n:]))
        return splits

    def _compound(self, form: str, deliberate: bool, fuzzy_prefix: bool) -> Hit | None:
        how = "curse compound, prefix one letter off" if fuzzy_prefix else "curse compound"
        for prefix, rest in self._prefix_splits(form, fuzzy_prefix):
            if len(rest) < 2:
                continue
            aimed = self._rest(rest)
            if aimed is not None:
                kind, target = aimed
                score = 0.95 if kind == "hate" else 0.9
                if fuzzy_prefix:
                    score = 0.75
                return Hit("curse_prefixes.txt", prefix, 0, kind, score, target, how, rest)
            if fuzzy_prefix or len(rest) < 3:
                continue
            score = 0.9 if prefix in _DISEASE_PREFIXES else 0.75
            return Hit("curse_prefixes.txt", prefix, 0, "profanity", score, "object", how, rest)
        if fuzzy_prefix:
            return None
        for prefix in self.person_prefixes:
            if form.startswith(prefix) and len(form) > len(prefix) + 1:
                aimed = self._rest(form[len(prefix) :])
                if aimed is not None:
                    kind, target = aimed
                    return Hit(
                        "curse_prefixes_person_only.txt",
                        prefix,
                        0,
                        kind,
                        0.7,
                        target,
                        "curse compound",
                        form[len(prefix) :],
                    )
        return None

    def _wildcard(self, form: str, deliberate: bool) -> Hit | None:
        """A word with a hidden letter: "k*nker" hides one letter, "ka*nker" hides nothing."""
        without = form.replace(WILDCARD, "")
        for prefix in (*_DISEASE_PREFIXES, *self.prefixes):
            head = form[: len(prefix)]
            if len(head) == len(prefix) and _wild_equal(head, prefix):
                hit = self._exact(prefix + form[len(prefix) :], True)
                if hit is not None:
                    return _hidden(hit)
        for table in (self.slurs, self.strong, self.profanity, self.mild):
            for candidate in _same_shape(form, table):
                hit = self._exact(candidate, True)
                if hit is not None:
                    return _hidden(hit)
        if without and WILDCARD not in without:
            hit = self._exact(without, True)
            if hit is not None:
                return _hidden(hit)
        return None


def _hidden(hit: Hit) -> Hit:
    return Hit(
        hit.list_name,
        hit.entry,
        hit.line,
        hit.kind,
        hit.score,
        hit.target,
        f"{hit.how}, one hidden letter",
        hit.rest,
    )


def _wild_equal(pattern: str, form: str) -> bool:
    return len(pattern) == len(form) and all(
        p in (WILDCARD, f) for p, f in zip(pattern, form, strict=True)
    )


def _same_shape(pattern: str, table: dict[str, _Listed]) -> list[str]:
    """Entries of `table` that `pattern` (with `?` for any letter) spells."""
    if pattern.startswith(WILDCARD):
        return []
    return [form for form in table if form[0] == pattern[0] and _wild_equal(pattern, form)]
