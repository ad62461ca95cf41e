"""Person names in Dutch text: first names, surnames with tussenvoegsels, initials, titles.

The recognizer walks the words of a post once and, at each word, tries the longest name that
starts there:

    [title ...] [initials ...] [first names ...] [tussenvoegsel] [surname]

("juf Anna", "dhr. J. de Vries", "Jan-Willem", "Sanne de Vries", "A.B.C. Visser",
"Pieter Oude Nijhuis", "Visser-de Jong", "Sanne's"). Which parts it needs depends on how
sure the lists are: a first name of deduce's list is a name on its own, but one that is also
a Dutch word ("Storm", "Ben") only with a capital in the middle of a sentence or beside
another part; a month or a greeting ("April", "Lieve") only beside a title or a surname. A
surname alone needs the middle of a sentence, and a tussenvoegsel and a surname alone ("de
Vries") must not be a place ("Den Helder"), an institution ("basisschool De Regenboog") or
"van" before a first name ("de tekening van Sanne"). Famous names that are a topic ("Van
Gogh") and diseases named after people are not reported.

A title is part of the finding ("juf Anna", as deduce does with "Dr. Visser") and says the
person is an adult in a role; the name itself (without title or possessive 's) is what is
looked up in the consent registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screening.detectors.names.tokens import Word, words
from screening.name_lists import NameLexicon, fast_key

#: How sure each way of recognising a name is (the policy decides what a score means).
SCORES: dict[str, float] = {
    "title": 0.9,
    "first_and_surname": 0.9,
    "initials_and_surname": 0.85,
    "first_name": 0.8,
    "first_name_at_start": 0.75,
    "first_name_also_a_word": 0.6,
    "name_in_list": 0.6,
    "name_and_age": 0.8,
    "unknown_first_and_surname": 0.75,
    "interfix_and_surname": 0.75,
    "surname": 0.6,
    # A person entity of the trained pipeline that no list knows (see `entities`).
    "ner_person": 0.75,
    # A capitalised word no list knows, found in the registry as someone's name or variant.
    "registry_name": 0.7,
    # A first name in a text without any capitals (chat style, see `chat`).
    "first_name_lowercase": 0.6,
    # A listed first name with a possessive s and no apostrophe ("Sannes", see `possessive`).
    "first_name_possessive": 0.75,
}
_NOT_A_PERSON = "not a person"
_ELIDED = frozenset({"d'", "l'", "D'", "L'"})
_DISEASE_WORDS = frozenset({"ziekte", "ziektes", "syndroom", "sequentie"})
_AGE_AFTER = re.compile(r"[ \t]?\([ \t]?\d{1,2}(?:[ \t]*(?:jaar|jr\.?|j\.?))?[ \t]?\)")
_LIST_GAP = re.compile(r"\s*(?:,|&|\+|/|en|of)\s*$")


@dataclass(frozen=True, slots=True)
class NameSpan:
    """One recognised name: the span to report, the name itself and how it was recognised."""

    start: int  # the finding's span: title included, possessive 's left out
    end: int
    name_start: int  # the name without its title
    name_end: int
    pattern: str  # a key of SCORES
    score: float
    title: str | None  # the (last) title word, lower case, without '.'
    title_kind: str | None  # honorific, staff, public, adult
    first_names: tuple[str, ...]
    initials: tuple[str, ...]
    surname: str | None  # with its tussenvoegsel ("de Vries")
    sentence: int
    first_word: int  # indices into the words of the text
    last_word: int

    @classmethod
    def one_word(cls, w: Word, k: int, pattern: str, *, first_name: str | None = None) -> NameSpan:
        """A name of one word `w` (word number `k`), recognised by `pattern`."""
        return cls(
            start=w.start,
            end=w.end,
            name_start=w.start,
            name_end=w.end,
            pattern=pattern,
            score=SCORES[pattern],
            title=None,
            title_kind=None,
            first_names=(first_name or w.text,),
            initials=(),
            surname=None,
            sentence=w.sentence,
            first_word=k,
            last_word=k,
        )


@dataclass(frozen=True, slots=True)
class Recognised:
    """The words of a text, the names found, and capitalised words that may be names.

    `possible` are words the lists do not know as names but that could be a name the consent
    registry knows ("Xiomara"); only the registry can say.
    """

    words: tuple[Word, ...]
    names: tuple[NameSpan, ...]
    possible: tuple[int, ...]


class _Words(list[Word]):
    """The words of one text and the text itself: state of one `find` call, so that one
    recognizer can serve several threads."""

    def __init__(self, text: str, items: list[Word]) -> None:
        super().__init__(items)
        self.text = text


@dataclass
class _Parts:
    """What the walk collected from word `start` on."""

    start: int
    title: str | None = None
    title_kind: str | None = None
    name_start: int | None = None  # word index where the name (after titles) starts
    initials: tuple[int, ...] = ()
    firsts: tuple[int, ...] = ()
    unknown_first: bool = False
    surname: tuple[int, int] | None = None  # word range [a, b) of the surname incl. interfix
    surname_kind: str | None = None  # interfix, list, unknown
    end: int = 0  # word index after the name


class NameRecognizer:
    """Finds person names in a text with the lists of a `NameLexicon`."""

    def __init__(self, lexicon: NameLexicon) -> None:
        self.lx = lexicon
        longest = sorted(lexicon.interfixes, key=len, reverse=True)
        alternatives: list[str] = []
        for entry in longest:
            forms = {entry, entry[:1].upper() + entry[1:], entry.title()}
            for form in sorted(forms, key=len, reverse=True):
                alternatives.append(re.escape(form).replace(r"\ ", r"[ \t]+"))
        # Lower-case words a name can start with: titles and tussenvoegsels ("juf", "van").
        self._starters = (
            frozenset(lexicon.titles)
            | {part for entry in lexicon.interfixes for part in entry.split()}
            | {"t"}
        )
        # A tussenvoegsel, then blanks (none after "d'" and "l'") and a capitalised word.
        self._interfix = re.compile(
            r"(?:" + "|".join(alternatives) + r")(?:(?<=')|[ \t]+)(?=[^\W\d_])"
        )

    # -- word classes ---------------------------------------------------------------------

    def _is_title(self, w: Word) -> bool:
        return (w.text.islower() or w.capitalised) and w.lower in self.lx.titles

    def _is_initial(self, ws: _Words, j: int) -> bool:
        """ "A." or "Th." (or a bare "A" before a capitalised word or tussenvoegsel)."""
        w = ws[j]
        single = len(w.text) == 1 and w.text.isupper()
        if not (single or w.text in self.lx.initials):
            return False
        if j + 1 >= len(ws):
            return False
        nxt = ws[j + 1]
        if nxt.gap.startswith("."):
            return nxt.gap in (".", ". ") or nxt.gap.strip() == "."
        return (
            single
            and nxt.gap == " "
            and (nxt.capitalised or self._interfix_at(ws, j + 1) is not None)
        )

    def _hyphen_parts_ok(self, text: str) -> bool:
        parts = text.split("-")
        if not all(p[:1].isupper() for p in parts):
            return False
        if any(p.lower().endswith(self.lx.not_name_endings) for p in parts):
            return False
        return fast_key(text) not in self.lx.eponymous and fast_key(text) not in self.lx.place_keys

    def _is_first_name(self, w: Word) -> bool:
        if not w.capitalised or len(w.text) < 2 or w.lower in self.lx.interfixes:
            return False
        text = w.text
        if text in self.lx.first_names:
            return True
        if "-" in text and self._hyphen_parts_ok(text):
            parts = text.split("-")
            known = [p in self.lx.first_names for p in parts]
            # "Jan-Willem", "Jan-Onbekendenaam", "Onbekendenaam-Willem"; not "Visser-Visser".
            unknown_words = any(
                not k and p.lower() in self.lx.common for p, k in zip(parts, known, strict=True)
            )
            starts_as_surname = not known[0] and parts[0] in self.lx.surnames
            return any(known) and not unknown_words and not starts_as_surname
        return False

    def _double(self, text: str) -> bool:
        """A double surname of capitalised parts, one of them a known surname ("Dijk-Smit";
        not "Bosnisch-Servische" or "MoMA-personeel")."""
        parts = text.split("-")
        return (
            len(parts) > 1
            and self._hyphen_parts_ok(text)
            and any(p in self.lx.surnames or p in self.lx.interfix_surnames for p in parts)
        )

    def _is_surname_word(self, text: str) -> bool:
        if text in self.lx.surnames or text in self.lx.interfix_surnames:
            return True
        if "-" in text and self._hyphen_parts_ok(text):
            return all(
                p in self.lx.surnames or p in self.lx.interfix_surnames for p in text.split("-")
            )
        return False

    def _is_unknown_name_word(self, w: Word) -> bool:
        """A capitalised word no list knows as anything else (a surname after a first name)."""
        return unknown_name_word(w, self.lx)

    def _interfix_at(self, ws: _Words, j: int) -> int | None:
        """Index of the surname word after a tussenvoegsel starting at word j, if any."""
        w = ws[j]
        text = ws.text
        # "'t" starts with an apostrophe that the word does not include.
        begin = w.start - 1 if w.gap.endswith(("'", "’")) and w.text in ("t", "T") else w.start
        if w.text[:2] in ("d'", "l'", "D'", "L'"):
            return j if w.text[2:3].isupper() else None  # "d'Sluis": one word
        m = self._interfix.match(text, begin)
        if m is None:
            return None
        k = j
        while k < len(ws) and ws[k].start < m.end():
            k += 1
        if k >= len(ws) or ws[k].start != m.end() or not ws[k].capitalised:
            return None
        if any("\n" in ws[x].gap for x in range(j + 1, k + 1)):
            return None
        return k

    # -- surnames -------------------------------------------------------------------------

    def _surname(self, ws: _Words, j: int, allow_unknown: bool) -> tuple[int, str] | None:
        """(word index after the surname, kind) for a surname starting at word j."""
        if j >= len(ws):
            return None
        k = self._interfix_at(ws, j)
        if k is not None:
            word = ws[k].text
            if k == j:  # "d'Sluis"
                word = word[2:]
            if len(word) < 2 or (k == j and word.lower() in self.lx.common):
                return None
            interfix = ws.text[ws[j].start : ws[k].start].strip().lower()
            if (
                interfix in ("van", "de", "den")
                and word in self.lx.first_names
                and word not in self.lx.surnames
                and word not in self.lx.interfix_surnames
            ):
                return None  # "de tekening van Sanne", "opa van Jayden": a preposition
            return k + 1, "interfix"
        w = ws[j]
        if not w.capitalised:
            return None
        tails = self.lx.multi_surnames.get(w.text)
        if tails:
            for tail in sorted(tails, key=len, reverse=True):
                end = j + 1 + len(tail)
                if end <= len(ws) and all(
                    ws[j + 1 + n].text == t and _joined(ws[j + 1 + n]) for n, t in enumerate(tail)
                ):
                    return end, "list"
        glued = w.text.endswith(("-de", "-van", "-den", "-der", "-ter", "-ten"))
        if glued and j + 1 < len(ws) and ws[j + 1].capitalised and _joined(ws[j + 1]):
            return j + 2, "list"  # "Visser-de Jong": the tussenvoegsel glued to the first part
        if self._is_surname_word(w.text):
            return j + 1, "list"
        if (
            allow_unknown
            and "-" in w.text
            and self._hyphen_parts_ok(w.text)
            and not any(part.lower() in self.lx.common for part in w.text.split("-"))
        ):
            return j + 1, "list"  # "A. Jansen-Smit": double-barrelled after initials or a title
        if allow_unknown and self._is_unknown_name_word(w) and not w.at_start:
            return j + 1, "unknown"
        return None

    # -- the walk -------------------------------------------------------------------------

    def find(self, text: str) -> Recognised:
        """Every name in `text`, and the capitalised words only the registry could place."""
        ws = _Words(text, words(text, self.lx.initials | {"Th", "Ch", "Chr", "Ph"}))
        names: list[NameSpan] = []
        rejected: list[_Parts] = []
        i = 0
        skipped: set[int] = set()  # words of famous names and places: no name, no registry
        while i < len(ws):
            w = ws[i]
            if not (w.capitalised or w.text[:2] in _ELIDED) and not (
                w.lower in self._starters and self._capital_soon(ws, i)
            ):
                i += 1  # most words: lower case, and no title or tussenvoegsel before a name
                continue
            parts = self._walk(ws, i)
            span = self._accept(ws, parts) if parts is not None else None
            if isinstance(span, NameSpan):
                names.append(span)
                i = span.last_word + 1
                continue
            if span == _NOT_A_PERSON and parts is not None:
                skipped.update(range(i, parts.end))
                i = parts.end
                continue
            if parts is not None and parts.firsts:
                rejected.append(parts)
            i += 1
        names = self._rescue_lists(ws, names, rejected)
        taken = skipped | {k for n in names for k in range(n.first_word, n.last_word + 1)}
        possible = tuple(
            k
            for k, w in enumerate(ws)
            if k not in taken
            and w.capitalised
            and len(w.text) >= 2
            and w.lower not in self.lx.common
            and w.lower not in self.lx.never_alone
            and w.lower not in self.lx.titles
            and w.text not in self.lx.places
            and not w.lower.endswith(self.lx.not_name_endings)
        )
        return Recognised(tuple(ws), tuple(names), possible)

    @staticmethod
    def _capital_soon(ws: _Words, i: int) -> bool:
        """A capitalised word within the next three ("van der Sluis", "juf Anna")."""
        return any(w.text[0].isupper() for w in ws[i + 1 : i + 4])

    def _walk(self, ws: _Words, i: int) -> _Parts | None:
        p = _Parts(start=i)
        j = i
        # Titles: "juf", "dhr.", "Prof. Dr.", "de heer", "burgemeester".
        while j < len(ws) and (j == i or _joined(ws[j], dot=True)):
            w = ws[j]
            if self._is_title(w):
                p.title, p.title_kind = w.lower, self.lx.titles[w.lower]
                j += 1
            elif (
                w.lower in self.lx.address_words
                and j > 0
                and (ws[j - 1].lower == "de" or ws[j - 1].lower in self.lx.address_words)
            ):
                p.title, p.title_kind = w.lower, "honorific"
                p.start = j + 1  # "de heer Visser": the name is "Visser"
                j += 1
            else:
                break
        if p.title is not None and (j >= len(ws) or not _joined(ws[j], dot=True)):
            return None
        p.name_start = j
        # Initials: "A.", "A.B.C.", "J. Th.", or one bare capital before a surname.
        initials: list[int] = []
        while (
            j < len(ws) and (not initials or _joined(ws[j], dot=True)) and self._is_initial(ws, j)
        ):
            if initials and j > 0 and ws[j].gap == " " and not ws[j - 1].text.isupper():
                break
            initials.append(j)
            j += 1
        p.initials = tuple(initials)
        # First names: "Sanne", "Jan Peter", "Jan-Willem".
        firsts: list[int] = []
        while (
            j < len(ws)
            and (j == p.name_start or _joined(ws[j], dot=bool(initials) and not firsts))
            and self._is_first_name(ws[j])
        ):
            firsts.append(j)
            j += 1
            if ws[j - 1].possessive:
                break
        p.firsts = tuple(firsts)
        last_possessive = bool(firsts) and ws[firsts[-1]].possessive
        # A surname, unless the name already ended with a possessive "Sanne's".
        sur = None
        if not last_possessive and j < len(ws) and (j == p.name_start or _joined(ws[j], dot=True)):
            sur = self._surname(ws, j, allow_unknown=bool(firsts or initials or p.title))
        if sur is None and not firsts and not initials and j < len(ws) and j == p.name_start:
            # "Xiomara de Vries": an unknown capitalised word before a sure surname.
            w = ws[j]
            if self._is_unknown_name_word(w) and j + 1 < len(ws) and _joined(ws[j + 1]):
                after = self._surname(ws, j + 1, allow_unknown=False)
                if after is not None:
                    p.firsts, p.unknown_first = (j,), True
                    j += 1
                    sur = after
            elif self._is_unknown_name_word(w) and _AGE_AFTER.match(ws.text, w.end):
                p.firsts = (j,)  # "Zyrelle (9)": an age after it makes a word a name
                j += 1
        if sur is not None:
            p.surname = (j, sur[0])
            p.surname_kind = sur[1]
            j = sur[0]
        elif len(firsts) >= 2 and ws[firsts[-1]].text in self.lx.surnames:
            # "Piet Visser" where "Visser" is a first name too: the last one is the surname.
            p.firsts = tuple(firsts[:-1])
            p.surname = (firsts[-1], firsts[-1] + 1)
            p.surname_kind = "list"
        p.end = j
        if j == p.name_start:
            # Only a title: a name in capitals after an honorific ("Dr. ABC", "dr A").
            if p.title_kind == "honorific" and j < len(ws) and _joined(ws[j], dot=True):
                w = ws[j]
                if w.text.isupper() and len(w.text) <= 4:
                    p.initials = (j,)
                    p.end = j + 1
                    return p
            return None
        return p

    # -- deciding -------------------------------------------------------------------------

    def _accept(self, ws: _Words, p: _Parts) -> NameSpan | str | None:
        """The name the parts make, None if they make none, or _NOT_A_PERSON for a
        famous name or a place (whose words are then not read again on their own)."""
        lx = self.lx
        if p.title is None and p.initials and p.surname is None:
            return None  # initials alone ("A. van der Li" without a known surname)
        name_start_word = p.name_start if p.name_start is not None else p.start
        first, last = ws[name_start_word], ws[p.end - 1]
        key = fast_key(ws.text[first.start : last.end])
        if self._is_public_figure(key) or key in lx.eponymous:
            return _NOT_A_PERSON
        if " " in key and key in lx.place_keys:
            return _NOT_A_PERSON  # "Den Helder", "De Bilt", "Bergen op Zoom"
        if p.surname is not None and p.surname_kind == "interfix":
            surname_key = fast_key(ws.text[ws[p.surname[0]].start : last.end])
            if self._is_public_figure(surname_key):
                return _NOT_A_PERSON  # "Vincent van Gogh", "het Van Gogh Museum"
            alone = not (p.firsts or p.initials or p.title)
            if alone and surname_key in lx.place_keys:
                return _NOT_A_PERSON  # "Den Helder"; but "Daan de Boer" is a person
        pattern = self._pattern(ws, p)
        if pattern is None:
            return None
        nxt = ws[p.end] if p.end < len(ws) else None
        if nxt is not None and _joined(nxt) and nxt.lower in _DISEASE_WORDS:
            return None  # "Pierre-Robin sequentie"
        if nxt is not None and _joined(nxt) and nxt.capitalised and nxt.lower in lx.institutions:
            return _NOT_A_PERSON  # "het Prinses Máxima Centrum", "de Anne Frank Stichting"
        before = ws[p.start - 1] if p.start > 0 else None
        if (
            before is not None
            and before.lower == "van"
            and p.start > 1
            and ws[p.start - 2].lower in _DISEASE_WORDS
        ):
            return _NOT_A_PERSON  # "de ziekte van Pfeiffer"
        if p.surname_kind == "interfix" and not p.firsts and p.title is None:
            interfix_word = ws[p.surname[0]].lower if p.surname else ""
            if interfix_word == "van" and before is not None and before.lower in _DISEASE_WORDS:
                return _NOT_A_PERSON  # "ziekte van Lyme": the tussenvoegsel is "van"
        start_word = ws[p.start]
        span_start = start_word.start
        initials = tuple(ws[k].text for k in p.initials)
        surname = None
        if p.surname is not None:
            a, b = p.surname
            surname = ws.text[ws[a].start : ws[b - 1].end]
        return NameSpan(
            start=span_start,
            end=last.end,
            name_start=first.start,
            name_end=last.end,
            pattern=pattern,
            score=SCORES[pattern],
            title=p.title,
            title_kind=p.title_kind,
            first_names=tuple(ws[k].text for k in p.firsts),
            initials=initials,
            surname=surname,
            sentence=start_word.sentence,
            first_word=p.start,
            last_word=p.end - 1,
        )

    def _is_public_figure(self, key: str) -> bool:
        figures = self.lx.public_figures
        if key in figures:
            return True
        # "Vincent van Gogh" ends in "van gogh"; "het Van Gogh Museum" starts with it.
        words_ = key.split()
        return any(" ".join(words_[n:]) in figures for n in range(1, len(words_) - 1))

    def _pattern(self, ws: _Words, p: _Parts) -> str | None:
        """How the name was recognised, or None when the parts do not make a name here."""
        lx = self.lx
        if p.title is not None:
            return "title"
        if p.initials:
            a, b = p.surname or (0, 0)
            if p.surname_kind == "unknown" or b - a < 1:
                return None
            if p.surname_kind == "interfix":
                surname_word = ws[b - 1].text
                if len(surname_word) < 3:
                    return None
                if surname_word.lower() in lx.medical:
                    return None
            elif ws[a].text.lower() in lx.medical:
                return None
            return "initials_and_surname"
        if p.firsts and p.surname is not None:
            if p.unknown_first:
                w = ws[p.firsts[0]]
                prev = ws[p.firsts[0] - 1] if p.firsts[0] > 0 else None
                if prev is not None and prev.lower in lx.institutions:
                    return None  # "basisschool Het Kompas" is no "Het Kompas" person
                if w.text in lx.places:
                    return None
                return "unknown_first_and_surname"
            return "first_and_surname"
        if p.firsts:
            return self._first_name_alone(ws, p)
        if p.surname is not None:
            return self._surname_alone(ws, p)
        return None

    def _first_name_alone(self, ws: _Words, p: _Parts) -> str | None:
        lx = self.lx
        w = ws[p.firsts[0]]
        low = w.lower
        after = ws.text[ws[p.end - 1].end : ws[p.end - 1].end + 16]
        if _AGE_AFTER.match(after):
            return "name_and_age"  # "April (9)": an age after it makes any word a name
        if len(p.firsts) == 1:
            if low in lx.never_alone:
                return None
            prev = ws[p.firsts[0] - 1] if p.firsts[0] > 0 else None
            if w.text in lx.places and prev is not None and prev.lower in lx.place_prepositions:
                return None  # "naar Axel", "in Lisse"
            if prev is not None and prev.lower in ("de", "het") and _joined(w):
                return None  # "de Storm", "het Wiel": an article before it makes it a thing
            also_a_word = low in lx.common or low in lx.not_at_start or low in lx.not_surname
            if also_a_word:
                return None if w.at_start else "first_name_also_a_word"
        return "first_name_at_start" if w.at_start else "first_name"

    def _surname_alone(self, ws: _Words, p: _Parts) -> str | None:
        lx = self.lx
        assert p.surname is not None
        a, b = p.surname
        prev = ws[a - 1] if a > 0 else None
        last = ws[b - 1]
        if p.surname_kind == "interfix":
            word = last.text
            if last.text[:2].lower() in ("d'", "l'"):
                word = last.text[2:]
            low = word.lower()
            if low in lx.common or low in lx.never_alone or low in lx.not_surname:
                return None
            if not (word in lx.surnames or word in lx.interfix_surnames or self._double(word)):
                return None  # "De Regenboog", "de Efteling": no known surname
            if fast_key(ws.text[ws[a].start : last.end]) in lx.place_keys:
                return None  # "Den Helder", "De Bilt"
            if prev is not None and _joined(ws[a]) and prev.lower in lx.institutions:
                return None  # "basisschool De Vlinder"
            if ws[a].text == "van" and word in lx.first_names:
                return None  # "de fiets van Thijs": a first name first
            return "interfix_and_surname"
        w = ws[a]
        low = w.lower
        if b - a > 1:
            return "surname"  # "Bruins Slot", "Visser-de Jong"
        if w.at_start or low in lx.common or low in lx.never_alone or low in lx.not_surname:
            return None
        if low in lx.not_at_start or low in lx.medical or w.text in lx.places:
            return None
        return "surname"

    def _rescue_lists(
        self, ws: _Words, names: list[NameSpan], rejected: list[_Parts]
    ) -> list[NameSpan]:
        """A first name that is also a word counts beside another name: "Ben en Lot"."""
        if not rejected or not names:
            return names
        ends = {n.last_word: n for n in names}
        starts = {n.first_word: n for n in names}
        added: list[NameSpan] = []
        for p in rejected:
            k = p.firsts[0]
            if len(p.firsts) != 1 or ws[k].lower in self.lx.never_alone:
                continue
            w = ws[k]
            left = ends.get(k - 1)
            right = starts.get(k + 1)
            near = (left is not None and _LIST_GAP.match(w.gap) is not None) or (
                right is not None and _LIST_GAP.match(ws[k + 1].gap) is not None
            )
            if not near and k + 2 < len(ws) and ws[k + 1].lower in ("en", "of"):
                right2 = starts.get(k + 2)
                near = right2 is not None and w.gap.strip() == ""
            if not near and k >= 2 and ws[k - 1].lower in ("en", "of"):
                near = ends.get(k - 2) is not None
            if near:
                added.append(NameSpan.one_word(w, k, "name_in_list"))
        return sorted([*names, *added], key=lambda n: n.start)


def unknown_name_word(w: Word, lx: NameLexicon, *, min_length: int = 3) -> bool:
    """A capitalised word of at least `min_length` letters that the lists know as nothing but
    a name: no frequent word, title, medical term or place ("Quispe", not "Huis")."""
    low = w.lower
    return (
        w.capitalised
        and len(w.text) >= min_length
        and low not in lx.common
        and low not in lx.never_alone
        and low not in lx.titles
        and low not in lx.medical
        and w.text not in lx.places
        and not low.endswith(lx.not_name_endings)
    )


def _joined(w: Word, *, dot: bool = False) -> bool:
    """Whether word `w` continues the previous one within a name (only blanks between)."""
    gap = w.gap
    if gap == " ":
        return True
    if dot and gap in (".", ". ", ".  "):
        return True
    return gap != "" and not gap.strip(" \t\u00a0") and "\n" not in gap
