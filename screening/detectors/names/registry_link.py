"""Which registered people a name in a post can refer to.

The consent registry knows each person's display name ("Zoë de Vries") and name variants
("Zoë", "Zo"). A name in a post refers to a person when it equals the display name or a
variant, when it has the same first name and surname, the same initial and surname ("Z. de
Vries"), or, for a first name on its own, when it is that person's first name. The index is
built from the registry once and rebuilt only when the registry's people change
(`Registry.names_revision()`), so screening a post costs a dictionary lookup per name, not a
database query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from consent_store.names import name_key
from screening.detectors.names.recognise import NameSpan

if TYPE_CHECKING:
    from consent_store.records import NameEntry, PersonInfo
    from consent_store.repository import Registry

#: Lower-case tussenvoegsels that start a surname in a display name ("Zoë de Vries").
_SURNAME_START = frozenset(
    {
        "van",
        "de",
        "den",
        "der",
        "het",
        "'t",
        "te",
        "ten",
        "ter",
        "in",
        "op",
        "aan",
        "bij",
        "uit",
        "d'",
        "da",
        "di",
        "du",
        "el",
        "la",
        "le",
        "von",
        "zur",
    }
)

#: How a name matched a person, strongest first.
HOW_ORDER = (
    "full name",
    "name variant",
    "first name and surname",
    "initial and surname",
    "surname",
    "first name",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registered person a name may refer to, and how the name matched them."""

    person: PersonInfo
    how: str


def split_key(key: str) -> tuple[list[str], list[str]]:
    """(given names, surname) of a name key: the surname starts at a tussenvoegsel."""
    parts = key.split()
    if len(parts) < 2:
        return parts, []
    for i in range(1, len(parts)):
        if parts[i] in _SURNAME_START:
            return parts[:i], parts[i:]
    return parts[:-1], parts[-1:]


class PersonIndex:
    """Everyone in the registry by the keys of their names."""

    def __init__(self, entries: Iterable[NameEntry]) -> None:
        self.full: dict[str, list[Candidate]] = {}
        self.first: dict[str, list[PersonInfo]] = {}
        self.surname: dict[str, list[PersonInfo]] = {}
        self.first_of: dict[str, str] = {}  # external id -> key of the first given name
        self.size = 0
        for entry in entries:
            self.size += 1
            person = entry.person
            self.full.setdefault(entry.key, []).append(Candidate(person, "full name"))
            for alias_key in entry.alias_keys:
                self.full.setdefault(alias_key, []).append(Candidate(person, "name variant"))
            given, surname = split_key(entry.key)
            if given:
                self.first.setdefault(given[0], []).append(person)
                self.first_of[person.external_id] = given[0]
            if surname:
                self.surname.setdefault(" ".join(surname), []).append(person)

    def lookup(self, span: NameSpan, text: str) -> list[Candidate]:
        """The people the recognised name `span` of `text` may refer to."""
        found: list[Candidate] = list(
            self.full.get(name_key(text[span.name_start : span.name_end]), [])
        )
        surname_key = name_key(span.surname) if span.surname else ""
        if span.first_names and surname_key:
            first = name_key(span.first_names[0])
            found += [
                Candidate(p, "first name and surname")
                for p in self.surname.get(surname_key, [])
                if self.first_of.get(p.external_id) == first
            ]
        elif span.initials and surname_key:
            initial = name_key(span.initials[0])[:1]
            found += [
                Candidate(p, "initial and surname")
                for p in self.surname.get(surname_key, [])
                if self.first_of.get(p.external_id, "")[:1] == initial
            ]
        elif surname_key and span.title is not None:
            found += [Candidate(p, "surname") for p in self.surname.get(surname_key, [])]
        elif span.first_names and not surname_key and not span.initials:
            key = name_key(" ".join(span.first_names))
            found += [Candidate(p, "first name") for p in self.first.get(key, [])]
        return _best_per_person(found)

    def lookup_word(self, word: str) -> list[Candidate]:
        """The people a single capitalised word (not known as a name) may refer to."""
        key = name_key(word)
        found = list(self.full.get(key, []))
        found += [Candidate(p, "first name") for p in self.first.get(key, [])]
        return _best_per_person(found)


def _best_per_person(found: list[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for c in found:
        pid = c.person.external_id
        if pid not in best or HOW_ORDER.index(c.how) < HOW_ORDER.index(best[pid].how):
            best[pid] = c
    return sorted(best.values(), key=lambda c: c.person.external_id)


class RegistryLink:
    """The consent registry, opened on first use, and its name index, rebuilt when it changes."""

    def __init__(self, open_registry: Callable[[], Registry | None]) -> None:
        self._open = open_registry
        self._registry: Registry | None = None
        self._index: tuple[tuple[int, int], PersonIndex] | None = None
        self._lock = threading.Lock()

    def current(self) -> tuple[Registry | None, PersonIndex]:
        """The registry and an index of its people as they are now (RegistryError if down).

        No registry (None) when the embedded one has not been created yet: then nobody is
        registered, and opening is tried again on the next post.
        """
        with self._lock:
            if self._registry is None:
                self._registry = self._open()
                if self._registry is None:
                    return None, PersonIndex(())
            registry = self._registry
            revision = registry.names_revision()
            if self._index is None or self._index[0] != revision:
                self._index = (revision, PersonIndex(registry.name_directory()))
            return registry, self._index[1]

    def close(self) -> None:
        """Release the registry's connections (it is opened again when needed)."""
        with self._lock:
            if self._registry is not None:
                self._registry.close()
            self._registry = None
            self._index = None
