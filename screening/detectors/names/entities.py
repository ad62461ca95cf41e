"""Joining the trained pipeline's person entities with the names the word lists recognise.

The word lists know Dutch names and the ways a school writes them ("juf Anna", "Sanne (9)",
"J. de Vries"); the trained recogniser knows from the sentence that "Bakker" is a person in
"zei Bakker" and a shop in "bij Bakker Bart", and finds names no list has. Together:

* a list name that a person entity overlaps is confirmed (its score rises to `CONFIRMED`);
* a first name that is also a word ("Ben") stands only when confirmed;
* a lone surname or "van" + surname that the recogniser calls a place is dropped ("Brussel",
  "van Londen"); otherwise it stands, as deduce's own tables expect;
* a list name inside a longer place or organisation entity ("Camp David", "het Anne Frank
  Huis") is dropped; one the recogniser only labels differently stays when the lists know it;
* a person entity that no list name covers becomes a name of its own (`ner_person`).

On the blank fallback pipeline (no entities) the list names pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from screening.detectors.names.recognise import NameSpan, unknown_name_word
from screening.detectors.names.tokens import Word
from screening.name_lists import NameLexicon, fast_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: Score of a list name that a person entity confirms.
CONFIRMED = 0.9
#: Score of a person entity that no list knows.
NER_ONLY = 0.75
#: List patterns that are weak on their own: a first name that is also a word ("Storm"). It
#: stands only where a person entity confirms it. (A lone surname in the middle of a sentence
#: stands unless the recogniser calls it a place or organisation.)
NEEDS_CONFIRMATION = frozenset({"first_name_also_a_word"})
#: List patterns whose own evidence (a title, an age, initials) says "person" whatever the
#: recogniser's label, unless a longer place or organisation name contains them.
SELF_EVIDENT = frozenset({"title", "name_and_age", "initials_and_surname"})


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of the trained pipeline, in characters of the text."""

    start: int
    end: int
    label: str
    #: The parser makes the entity the subject of its clause ("Katzav studeerde economie").
    subject: bool = False


def entities(doc: Doc) -> list[Entity] | None:
    """The pipeline's entities, or None when the pipeline recognises none (blank fallback)."""
    if not doc.has_annotation("ENT_IOB"):
        return None
    parsed = doc.has_annotation("DEP")
    return [Entity(e.start_char, e.end_char, e.label_, parsed and _subject(e)) for e in doc.ents]


def _subject(e: Span) -> bool:
    """The parser makes the entity its clause's subject and a verb follows it, as it does a
    subject at the start of a Dutch main clause ("Katzav studeerde"; not "Shit, de wifi ligt
    eruit", nor the imperative "Bel 06-12345678")."""
    doc = e.doc
    after = doc[e.end] if e.end < len(doc) else None
    return (
        e.root.dep_.startswith("nsubj")
        and after is not None
        and after.is_alpha  # the tagger reads "06-12345678" as a verb
        and after.pos_ in ("VERB", "AUX")
    )


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def merge(
    names: Sequence[NameSpan],
    ents: Sequence[Entity],
    words: Sequence[Word],
    lexicon: NameLexicon,
    text: str = "",
) -> list[NameSpan]:
    """The names to report: list names judged against the entities, plus entity-only names.

    `text` is the text the words and entities come from (to see a signature's brackets)."""
    persons = [e for e in ents if e.label == "PER"]
    others = [e for e in ents if e.label != "PER"]
    kept: list[NameSpan] = []
    for n in names:
        confirming = [e for e in persons if _overlaps(n.name_start, n.name_end, e.start, e.end)]
        if confirming:
            listed = {k for m in names if m is not n for k in range(m.first_word, m.last_word + 1)}
            kept.append(_extended(n, confirming[-1], words, lexicon, listed))
            continue
        if n.pattern in NEEDS_CONFIRMATION or _unlisted_after_title(n, lexicon):
            continue
        other = [e for e in others if _overlaps(n.name_start, n.name_end, e.start, e.end)]
        if other and n.pattern in SELF_EVIDENT and _listed_name(n, lexicon):
            kept.append(n)  # "Bel juf Anna" read as one entity: "juf Anna" is still a person
            continue
        # Part of a longer place or organisation name ("Camp David", "het Anne Frank Huis",
        # "Bakker Bart", "minister van Verkeer"): not a person. A name the recogniser merely
        # labels differently ("Fatima" as a place) is still a listed first name: kept, since
        # a missed pupil's name costs more than a needless look.
        if any(e.start < n.name_start or e.end > n.name_end for e in other):
            continue
        if (
            other
            and n.pattern in ("surname", "interfix_and_surname")
            and n.first_word == (n.last_word if n.pattern == "surname" else n.last_word - 1)
        ):
            continue  # "Brussel", "van Londen": surnames too, but here a place
        if other and _place_or_brand(n, words, lexicon):
            continue  # "in Sydney", "in Brecht", "Sint-Niklaas", "Wal-Mart"
        if other and n.pattern not in SELF_EVIDENT:
            if n.first_word != n.last_word and n.pattern.startswith(("first", "unknown")):
                continue  # the recogniser read the whole "Anne Frank Huis" as a place
            if not _listed_name(n, lexicon):
                continue
        kept.append(n)
    for e in persons:
        if any(_overlaps(e.start, e.end, n.start, n.end) for n in kept):
            continue
        span = _entity_name(e, words, lexicon, text)
        if span is not None:
            kept.append(span)
    return sorted(kept, key=lambda n: n.start)


def _extended(
    n: NameSpan, e: Entity, words: Sequence[Word], lexicon: NameLexicon, listed: set[int]
) -> NameSpan:
    """A confirmed list name, grown to the person entity's end when the entity goes on with
    capitalised words the lists do not know as words ("Xiomara" + "Quispe")."""
    confirmed = replace(n, score=max(n.score, CONFIRMED))
    if e.end <= n.name_end or n.title is not None:
        return confirmed
    extra = [k for k in range(n.last_word + 1, len(words)) if words[k].start < e.end]
    if not extra or not all(
        k not in listed and _could_be_surname(words[k], lexicon) for k in extra
    ):
        return confirmed
    last = extra[-1]
    surname_parts = [words[k].text for k in extra]
    surname = " ".join([*(n.surname.split() if n.surname else []), *surname_parts])
    return replace(
        confirmed, end=words[last].end, name_end=words[last].end, surname=surname, last_word=last
    )


def _could_be_surname(w: Word, lexicon: NameLexicon) -> bool:
    """A capitalised word right after the previous one (only blanks between) that the lists
    know as nothing but a name; any length, since the recogniser already read it as a name."""
    return w.gap.strip(" \t\u00a0") == "" and unknown_name_word(w, lexicon, min_length=1)


#: Place prepositions after which a first name the recogniser does not call a person is a
#: place ("in Sydney", "naar Brecht"); not "bij", which is as often "bij Sanne" (at her home).
_PLACE_BEFORE = frozenset({"in", "naar", "uit", "vanuit", "nabij", "richting", "te"})


def _place_or_brand(n: NameSpan, words: Sequence[Word], lexicon: NameLexicon) -> bool:
    """A lone listed first name that an entity other than a person covers, and that is a
    place after a place preposition ("in Sydney") or a hyphenated word whose other part the
    lists know as a word, not a name ("Sint-Niklaas"; not "Jean-Philippe" or
    "Onbekendenaam-Willem")."""
    if not n.pattern.startswith("first_name") or n.first_word != n.last_word:
        return False
    w = words[n.first_word]
    if "-" in w.text and any(
        p not in lexicon.first_names
        and (p.lower() in lexicon.common or p.lower() in lexicon.never_alone)
        for p in w.text.split("-")
    ):
        return True
    prev = words[n.first_word - 1] if n.first_word > 0 else None
    return (
        prev is not None
        and prev.sentence == w.sentence
        and w.gap.strip(" \t\u00a0") == ""
        and prev.lower in _PLACE_BEFORE
    )


def _unlisted_after_title(n: NameSpan, lexicon: NameLexicon) -> bool:
    """A title before a name no list knows ("minister van Verkeer", "directeur van de
    Spoorwegen"): a person only when the recogniser says so."""
    return (
        n.pattern == "title"
        and not n.first_names
        and not n.initials
        and not _listed_name(n, lexicon)
    )


def _listed_word(text: str, lexicon: NameLexicon) -> bool:
    return any(p in lexicon.first_names or p in lexicon.surnames for p in text.split("-"))


def _listed_name(n: NameSpan, lexicon: NameLexicon) -> bool:
    """Whether the lists know a part of the name: "juf Anna" yes, "minister van Verkeer" no."""
    if any(_listed_word(f, lexicon) for f in n.first_names):
        return True
    last = n.surname.split()[-1] if n.surname else ""
    return bool(last) and (last in lexicon.surnames or last in lexicon.interfix_surnames)


def _known_not_a_name(parts: Sequence[str], lexicon: NameLexicon) -> bool:
    """Whether the lists know an entity's words as something else than a person's name.

    Medicine and anatomy ("Olanzapine", "E. Coli", "V. Cava Inferior"), diseases and famous
    people named as a topic, and a single word that is an ordinary Dutch word ("Hart", "Tel")
    or too short to be a name.
    """
    # Initials and tussenvoegsels aside: "A. van der Li" has no name word left.
    words_ = [
        p
        for p in parts
        if not (len(p) <= 2 and p[:1].isupper()) and p.lower() not in lexicon.interfixes
    ]
    if not words_:
        return True  # initials alone
    if any(p.lower() in lexicon.medical for p in words_):
        return True
    keys = [
        fast_key(" ".join(parts[i:j]))
        for i in range(len(parts))
        for j in range(i + 1, len(parts) + 1)
    ]
    if any(k in lexicon.eponymous or k in lexicon.public_figures for k in keys):
        return True  # "het Van Gogh Museum": a famous name inside is a topic, not a person
    if len(parts) == 1 and len(parts[0]) <= 2:
        return True
    # "Hart", "Tel", "De Vriendschap" (a ship): only ordinary words, no name among them.
    return all(
        p.lower() in lexicon.common
        or p.lower() in lexicon.never_alone
        or p.lower() in lexicon.not_surname
        or p.lower() in lexicon.titles
        for p in words_
    )


_SIGNATURE = re.compile(r"[ \t]*\([ \t]*([A-Z]{2,4})[ \t]*\)[ \t]*")


def _signature(w: Word, text: str) -> bool:
    """Initials in brackets alone on their line, "(RG)": a signature, so a person's initials."""
    line_start = text.rfind("\n", 0, w.start) + 1
    line_end = text.find("\n", w.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    m = _SIGNATURE.fullmatch(line)
    return m is not None and m.group(1) == w.text


def _entity_name(
    e: Entity, words: Sequence[Word], lexicon: NameLexicon, text: str
) -> NameSpan | None:
    """A NameSpan for a person entity, split into first names and surname for the registry."""
    covered = [k for k, w in enumerate(words) if _overlaps(w.start, w.end, e.start, e.end)]
    if not covered:
        return None  # an entity of digits or signs only: no name to look up
    signed = len(covered) == 1 and _signature(words[covered[0]], text)
    if not signed and _known_not_a_name([words[k].text for k in covered], lexicon):
        return None
    before = words[covered[0] - 1] if covered[0] > 0 else None
    if (
        before is not None
        and before.lower in _PLACE_BEFORE
        and before.sentence == words[covered[0]].sentence
        and not any(_listed_word(words[k].text, lexicon) for k in covered)
    ):
        return None  # "uit Togo", "in Kotelnich": no list knows it, a place preposition before
    if len(covered) == 1 and not _listed_word(words[first := covered[0]].text, lexicon):
        w = words[first]
        if w.text.isupper() and not signed:
            return None  # "GGD", "SPD": an acronym, unless it signs the text as initials
        if w.at_start and not w.text.isupper() and not e.subject:
            # "Kutweer vandaag", "Shit, de wifi": a capital at the start of a sentence says
            # nothing and no list knows the word, unless the word is the clause's subject
            # ("Katzav studeerde economie").
            return None
    first, last = covered[0], covered[-1]
    start, end = words[first].start, words[last].end
    parts = [words[k].text for k in covered]
    firsts: list[str] = []
    for part in parts[:-1] if len(parts) > 1 else parts:
        if part in lexicon.first_names or (not firsts and len(parts) == 1):
            firsts.append(part)
        else:
            break
    surname_parts = parts[len(firsts) :]
    surname = " ".join(surname_parts) if surname_parts else None
    if not firsts and surname is not None and len(parts) > 1:
        # "Kim Clijsters", "Ali B": an unknown first word before the rest is a first name.
        firsts, surname = [parts[0]], " ".join(parts[1:])
    return NameSpan(
        start=start,
        end=end,
        name_start=start,
        name_end=end,
        pattern="ner_person",
        score=NER_ONLY,
        title=None,
        title_kind=None,
        first_names=tuple(firsts),
        initials=(),
        surname=surname,
        sentence=words[first].sentence,
        first_word=first,
        last_word=last,
    )
