"""The word lists the name recognizer needs, read once when the pipeline is built.

Dutch first names, surnames, tussenvoegsels, titles, common words and place names come from
the lists the deduce package ships (plain text files, one entry a line, with a separate
exceptions file). They are read straight from the installed package, without importing
`deduce` itself (its import builds a whole de-identification pipeline and is slow). Our own
lists, under `models/lexicons/names/`, add titles of school staff and public roles, Dutch
words that are also names, famous names that are a topic rather than a person, and the words
that tie a name to a pupil.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from consent_store.names import name_key
from kernel.errors import ConfigError
from screening.resources import models_dir, read_lines

#: Where deduce keeps its source lists, relative to the package folder.
_DEDUCE_LISTS = Path("data", "lookup", "src")
_PLACE_LISTS = ("lst_municipality", "lst_province", "lst_region", "lst_residence")


@dataclass(frozen=True, slots=True)
class NameLexicon:
    """Every list the recognizer consults; words as written unless the field says otherwise."""

    #: deduce's first names (items minus exceptions), as written ("Sanne", "Jan-Willem").
    first_names: frozenset[str]
    #: deduce's one-word surnames ("Visser", "Halsema").
    surnames: frozenset[str]
    #: deduce's surnames of more than one word, by their first word ("Bruins" -> ("Slot",)).
    multi_surnames: dict[str, tuple[tuple[str, ...], ...]]
    #: Surnames that follow a tussenvoegsel, without it ("Vries" of "de Vries").
    interfix_surnames: frozenset[str]
    #: Tussenvoegsels, lower case, words separated by one space ("van der", "v/d", "d'").
    interfixes: frozenset[str]
    #: Initials longer than one letter ("Th", "Chr", "Ph").
    initials: frozenset[str]
    #: Title word (lower case, no final '.') -> its kind: honorific, staff, public, adult.
    titles: dict[str, str]
    #: Words of multi-word forms of address that are not part of the name ("heer").
    address_words: frozenset[str]
    #: Frequent Dutch words (lower case): deduce's common and stop words and ours.
    common: frozenset[str]
    #: Lower case: a name only with a title, initials or surname beside it.
    never_alone: frozenset[str]
    #: Lower case: a name in the middle of a sentence, a word at its start.
    not_at_start: frozenset[str]
    #: Lower case: capitalised words that are titles or things, not surnames.
    not_surname: frozenset[str]
    #: Lower case: adjectives of a people or language that are a first name plus s ("brits").
    people_adjectives: frozenset[str]
    #: One-word place names as written; `place_keys` has every place as a name key.
    places: frozenset[str]
    place_keys: frozenset[str]
    #: Lower case medical terms (deduce): "Olanzapine" after "Piet" is no surname.
    medical: frozenset[str]
    #: Name keys of diseases named after people ("pierre-robin") and of famous names.
    eponymous: frozenset[str]
    public_figures: frozenset[str]
    #: Lower case words of the pupil context and of the not-a-name context.
    pupil_words: frozenset[str]
    pupil_words_plural: frozenset[str]
    group_words: frozenset[str]
    institutions: frozenset[str]
    place_prepositions: frozenset[str]
    not_name_endings: tuple[str, ...]
    #: Which deduce lists were read, for the detector's evidence and version.
    source: str


def deduce_folder() -> Path:
    """The installed deduce package's folder, found without importing it."""
    spec = importlib.util.find_spec("deduce")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ConfigError(
            "the deduce package (Dutch name lists) is not installed; run "
            "`.venv/bin/pip install -e .`",
            "het pakket deduce (Nederlandse namenlijsten) is niet geïnstalleerd; voer "
            "`.venv/bin/pip install -e .` uit",
        )
    return Path(locations[0])


def deduce_version() -> str:
    """The installed deduce version ("unknown" if its metadata is missing)."""
    try:
        return importlib.metadata.version("deduce")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _read_list(folder: Path, *, required: bool = True) -> list[str]:
    """The entries of one deduce list: items.txt minus exceptions.txt, as written."""
    items_path = folder / "items.txt"
    if not items_path.is_file():
        if not required:
            return []
        raise ConfigError(
            f"deduce name list {items_path} is missing; reinstall deduce",
            f"namenlijst {items_path} van deduce ontbreekt; installeer deduce opnieuw",
        )
    # The files are clean (one entry a line, no surrounding blanks): no per-line strip.
    items = items_path.read_text(encoding="utf-8").splitlines()
    exceptions_path = folder / "exceptions.txt"
    if exceptions_path.is_file():
        excluded = set(exceptions_path.read_text(encoding="utf-8").splitlines())
        return [i for i in items if i and i not in excluded]
    return [i for i in items if i]


def _sections(path: Path) -> dict[str, list[str]]:
    """A list file of ours: [section] headers, white-space separated words under each."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, content in read_lines(path):
        if content.startswith("[") and content.endswith("]"):
            current = sections.setdefault(content[1:-1], [])
        elif current is None:
            raise ConfigError(
                f"{path.name}:{number}: a word before the first [section]",
                f"{path.name}:{number}: een woord voor de eerste [sectie]",
            )
        else:
            current.extend(content.split())
    return sections


def _lower(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def fast_key(text: str) -> str:
    """`name_key`, with a shortcut for plain ASCII (most entries; reading lists stays fast)."""
    if text.isascii():
        return " ".join(text.lower().split())
    return name_key(text)


_SPACES = re.compile(r"\s+")


def load_name_lexicon(lexicons: Path | None = None, deduce: Path | None = None) -> NameLexicon:
    """Read deduce's name lists and ours (`models/lexicons/names/`) into one lexicon."""
    folder = (lexicons if lexicons is not None else models_dir() / "lexicons") / "names"
    src = (deduce if deduce is not None else deduce_folder()) / _DEDUCE_LISTS
    names = src / "names"

    first_names = frozenset(_read_list(names / "lst_first_name"))
    surnames: set[str] = set()
    multi: dict[str, list[tuple[str, ...]]] = {}
    for entry in _read_list(names / "lst_surname"):
        words = tuple(entry.split())
        if len(words) == 1:
            surnames.add(entry)
        else:
            multi.setdefault(words[0], []).append(words[1:])
    # "'t Wout", "Aa": the part after the tussenvoegsel that the list may include.
    interfix_surnames = frozenset(e.split()[-1] for e in _read_list(names / "lst_interfix_surname"))
    interfixes = frozenset(_SPACES.sub(" ", e.lower()) for e in _read_list(names / "lst_interfix"))
    initials = frozenset(e for e in _read_list(names / "lst_initial") if len(e) > 1)

    ours = _sections(folder / "titles.txt")
    titles: dict[str, str] = {}
    address_words: set[str] = set()
    for entry in _read_list(names / "lst_prefix"):
        parts = entry.lower().split()
        if len(parts) == 1:
            titles.setdefault(parts[0].rstrip("."), "honorific")
        else:  # "de heer", "de weledelgeleerde": the words after "de" address, not name
            address_words.update(w for w in parts if w != "de")
    for kind in ("honorific", "staff", "public", "adult"):
        section = {"honorific": "honorifics", "adult": "adults"}.get(kind, kind)
        for word in ours.get(section, []):
            titles[word.lower().rstrip(".")] = kind
    address_words.add("heer")

    whitelist = src / "whitelist"
    common = set(_lower(_read_list(whitelist / "lst_common_word")))
    common |= _lower(_read_list(whitelist / "lst_stop_word"))
    common_file = folder.parent / "common_words.txt"
    common |= {w.lower() for _, line in read_lines(common_file) for w in line.split()}
    exceptions = _sections(folder / "exceptions.txt")

    places: set[str] = set()
    place_keys: set[str] = set()
    for kind in _PLACE_LISTS:
        for entry in _read_list(src / "locations" / "lst_placename" / kind, required=False):
            if entry.endswith(")"):  # "De Beek (Gld)"
                entry = entry[: entry.rfind("(")].rstrip()
            place_keys.add(fast_key(entry))
            if " " not in entry:
                places.add(entry)

    context = _sections(folder / "context.txt")
    public = frozenset(fast_key(line) for _, line in read_lines(folder / "public_figures.txt"))
    return NameLexicon(
        first_names=first_names,
        surnames=frozenset(surnames),
        multi_surnames={k: tuple(v) for k, v in multi.items()},
        interfix_surnames=interfix_surnames,
        interfixes=interfixes,
        initials=initials,
        titles=titles,
        address_words=frozenset(address_words),
        common=frozenset(common),
        never_alone=_lower(exceptions.get("never_alone", [])),
        not_at_start=_lower(exceptions.get("not_at_sentence_start", [])),
        not_surname=_lower(exceptions.get("not_surname", [])),
        people_adjectives=_lower(exceptions.get("people_adjectives", [])),
        places=frozenset(places),
        place_keys=frozenset(place_keys),
        medical=_lower(_read_list(whitelist / "lst_medical_term", required=False)),
        eponymous=frozenset(
            fast_key(e) for e in _read_list(whitelist / "lst_eponymous_disease", required=False)
        ),
        public_figures=public,
        pupil_words=_lower(context.get("pupil_words", [])),
        pupil_words_plural=_lower(context.get("pupil_words_plural", [])),
        group_words=_lower(context.get("group_words", [])),
        institutions=_lower(context.get("institutions", [])),
        place_prepositions=_lower(context.get("place_prepositions", [])),
        not_name_endings=tuple(w.lower() for w in context.get("not_name_endings", [])),
        source=f"deduce {deduce_version()}",
    )
