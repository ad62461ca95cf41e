"""Which registered people a name in a post can refer to.

The consent registry knows each person's display name ("Zoë de Vries") and name variants
("Zoë", "Zo"). A name in a post refers to a person when it equals the display name or a
variant, when it has the same first name and surname, the same initial and surname ("Z. de
Vries"), or, for a first name on its own, when it is that person's first name. The index is
built from the registry once and rebuilt only when the registry's people change
(`Registry.names_revision()`), so screening a post costs a dictionary lookup per name, not a
database query per name. The index holds ids and name keys only; the people a post's names
point to are read in one query and kept until the index is rebuilt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from consent_store.names import name_key
from screening.detectors.names.recognise import NameSpan

if TYPE_CHECKING:
    from consent_store.records import NameKeys, PersonInfo
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
    """Everyone in the registry by the keys of their names.

    It holds ids only; the people a post's names refer to are read by `resolve` (the
    registry's `people`) when a lookup finds them, and kept for the index's lifetime.
    """

    def __init__(
        self,
        entries: Iterable[NameKeys],
        resolve: Callable[[Iterable[str]], dict[str, PersonInfo]] | None = None,
    ) -> None:
        self.full: dict[str, list[tuple[str, str]]] = {}  # key -> [(external id, how)]
        self.first: dict[str, list[str]] = {}
        self.surname: dict[str, list[str]] = {}
        self.first_of: dict[str, str] = {}  # external id -> key of the first given name
        self._resolve = resolve
        self._people: dict[str, PersonInfo] = {}
        self.size = 0
        full, first, surname = self.full, self.first, self.surname
        for entry in entries:
            self.size += 1
            ext = entry.external_id
            full.setdefault(entry.key, []).append((ext, "full name"))
            for alias_key in entry.alias_keys:
                full.setdefault(alias_key, []).append((ext, "name variant"))
            given, family = split_key(entry.key)
            if given:
                first.setdefault(given[0], []).append(ext)
                self.first_of[ext] = given[0]
            if family:
                surname.setdefault(" ".join(family), []).append(ext)

    def lookup(self, span: NameSpan, text: str) -> list[Candidate]:
        """The people the recognised name `span` of `text` may refer to."""
        found: list[tuple[str, str]] = list(
            self.full.get(name_key(text[span.name_start : span.name_end]), [])
        )
        surname_key = name_key(span.surname) if span.surname else ""
        if span.first_names and surname_key:
            first = name_key(span.first_names[0])
            found += [
                (p, "first name and surname")
                for p in self.surname.get(surname_key, [])
                if self.first_of.get(p) == first
            ]
        elif span.initials and surname_key:
            initial = name_key(span.initials[0])[:1]
            found += [
                (p, "initial and surname")
                for p in self.surname.get(surname_key, [])
                if self.first_of.get(p, "")[:1] == initial
            ]
        elif surname_key and span.title is not None:
            found += [(p, "surname") for p in self.surname.get(surname_key, [])]
        elif span.first_names and not surname_key and not span.initials:
            key = name_key(" ".join(span.first_names))
            found += [(p, "first name") for p in self.first.get(key, [])]
        return self._candidates(found)

    def knows_word(self, word: str) -> bool:
        """Whether a single capitalised word is someone's name or first name."""
        key = name_key(word)
        return bool(self.full.get(key) or self.first.get(key))

    def lookup_word(self, word: str) -> list[Candidate]:
        """The people a single capitalised word (not known as a name) may refer to."""
        key = name_key(word)
        found = list(self.full.get(key, []))
        found += [(p, "first name") for p in self.first.get(key, [])]
        return self._candidates(found)

    def _candidates(self, found: list[tuple[str, str]]) -> list[Candidate]:
        """The strongest match per person, as people read from the registry, by id."""
        best: dict[str, str] = {}
        for pid, how in found:
            if pid not in best or HOW_ORDER.index(how) < HOW_ORDER.index(best[pid]):
                best[pid] = how
        missing = [pid for pid in best if pid not in self._people]
        if missing and self._resolve is not None:
            self._people.update(self._resolve(missing))
        # A person removed from the registry since the index was built is left out.
        return [
            Candidate(self._people[pid], best[pid]) for pid in sorted(best) if pid in self._people
        ]


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
                self._index = (revision, PersonIndex(registry.name_keys(), registry.people))
            return registry, self._index[1]

    def close(self) -> None:
        """Release the registry's connections (it is opened again when needed)."""
        with self._lock:
            if self._registry is not None:
                self._registry.close()
            self._registry = None
            self._index = None
