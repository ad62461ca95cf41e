"""Name-list features for the trained recogniser: four lexeme flags from deduce's lists.

A statistical recogniser trained on 200k words of newspaper text has seen few of the names a
school writes. The Dutch name lists that deduce ships know 15,000 first names and 13,000
surnames, so the recogniser's embedding reads, besides the word's form, prefix, suffix and
shape, four flags of the word: a known first name, a known surname, a frequent Dutch word,
and a place name. The flags are spaCy lexeme flags (FLAG19-FLAG22), set by a callback that the
pipeline's config names (``[nlp.after_creation]``), so the lists are read again whenever the
pipeline is loaded; `spacy.load` of the shipped model therefore needs this module imported,
which `screening.nlp` does.

Flags, not a copy of the lists, ship with the weights: the lists stay deduce's (LGPL/GPL,
installed as a dependency), and a school that extends them extends what the recogniser sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

CALLBACK = "screening.name_flags.v1"
#: Flag attribute names, in the order the recogniser's config lists them.
FLAGS = ("FLAG19", "FLAG20", "FLAG21", "FLAG22")


def _getters() -> tuple[Callable[[str], bool], ...]:
    from screening.name_lists import load_name_lexicon

    lx = load_name_lexicon()
    first = lx.first_names
    surnames = lx.surnames | lx.interfix_surnames
    common = lx.common
    places = lx.places

    def is_first(s: str) -> bool:
        return s in first or (s.islower() and s.capitalize() in first)

    def is_surname(s: str) -> bool:
        return s in surnames or (s.islower() and s.capitalize() in surnames)

    def is_common(s: str) -> bool:
        return s.lower() in common

    def is_place(s: str) -> bool:
        return s in places

    return is_first, is_surname, is_common, is_place


def add_name_flags(nlp: Language) -> Language:
    """Register the four name-list flags on `nlp`'s vocabulary (idempotent per vocab)."""
    from spacy.attrs import IDS  # type: ignore[import-not-found]

    vocab = nlp.vocab
    getters: dict[int, object] = vocab.lex_attr_getters  # type: ignore[attr-defined]
    if IDS[FLAGS[0]] in getters:
        return nlp
    for name, getter in zip(FLAGS, _getters(), strict=True):
        vocab.add_flag(getter, flag_id=IDS[name])
    return nlp


def register() -> None:
    """Make the callback known to spaCy's registry (once per process)."""
    from spacy.util import registry

    if CALLBACK not in registry.callbacks.get_all():
        registry.callbacks.register(CALLBACK, func=_make)


def _make() -> Callable[[Language], Language]:
    """The callback factory that the config's ``[nlp.after_creation]`` names."""
    return add_name_flags
