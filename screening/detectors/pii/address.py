"""Home addresses: Dutch postcodes and street addresses, merged into one finding per address.

Street names are recognised by their suffix ("Dorpsstraat", "Van Goghlaan", "Prins
Hendrikkade") followed by a house number, not by a list of street names: the one list that
was considered (deduce's 153,000 BAG street names) costs a new runtime dependency and
~70 ms and 15 MB at start-up, and a third of its names ("Dam", "Brink", "Voorhout") are
ordinary words that would need context anyway.

Postcodes are ``1234 AB`` with capitals. Lower-case letters ("1234 ab"), letter pairs that
are also words or units ("2024 EN", "1000 MB", "500 KM") and year-like digits ("2024 VO")
count only next to a street, a house number, a city or an address word. The pairs SA, SD and
SS are never issued.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from stdnum.nl import postcode as stdnum_postcode

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import (
    SP,
    Context,
    Pattern,
    SpanSet,
    lead,
    make_finding,
    with_context,
    words,
)
from screening.detectors.pii.dates import MONTHS
from screening.nlp import TextDoc

#: Endings of Dutch street names (lower case), longest first in the regex.
STREET_SUFFIXES: tuple[str, ...] = (
    "straat",
    "straatje",
    "str.",
    "steeg",
    "steegje",
    "laan",
    "laantje",
    "weg",
    "plein",
    "pleintje",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "dyk",
    "pad",
    "hof",
    "dreef",
    "park",
    "markt",
    "ring",
    "baan",
    "plantsoen",
    "wal",
    "erf",
    "veld",
    "haven",
    "boulevard",
    "allee",
    "promenade",
    "kanaal",
    "oever",
    "bolwerk",
    "hoven",
)
#: Street names that are only a suffix word, written alone: "Markt 12", "Plein 1944".
BARE_STREETS: tuple[str, ...] = ("Markt", "Plein", "Brink")
#: Words with a street ending that are places in every school post, not addresses.
NOT_STREETS: frozenset[str] = frozenset(
    {
        "schoolplein",
        "speelplein",
        "snelweg",
        "spoorweg",
        "onderweg",
        "halfweg",
        "zijweg",
        "fietspad",
        "wandelpad",
        "voetpad",
        "pretpark",
        "dierenpark",
        "attractiepark",
        "speelpark",
        "themapark",
        "sportpark",
        "kerstmarkt",
        "jaarmarkt",
        "rommelmarkt",
        "vlooienmarkt",
        "boekenmarkt",
        "weekmarkt",
        "supermarkt",
        "ijsbaan",
        "schaatsbaan",
        "skatebaan",
        "atletiekbaan",
        "glijbaan",
        "loopbaan",
        "renbaan",
        "startbaan",
        "bowlingbaan",
        "kartbaan",
        "wielerbaan",
        "zwembaan",
        "sportveld",
        "speelveld",
        "voetbalveld",
        "grasveld",
        "hockeyveld",
        "korfbalveld",
        "trapveld",
        "slagveld",
        "kunstgrasveld",
        "boksring",
        "oorring",
        "sleutelring",
        "kerkhof",
        "schoolhof",
        "binnenhof",
        "speelhof",
    }
)
#: Capitalised words that start a sentence or a phrase, never a street name.
NOT_NAME_PARTS: frozenset[str] = frozenset(
    {
        "aan",
        "adres",
        "bij",
        "bezoekadres",
        "door",
        "en",
        "hij",
        "ik",
        "in",
        "langs",
        "locatie",
        "naar",
        "of",
        "ons",
        "onze",
        "op",
        "over",
        "postadres",
        "richting",
        "tot",
        "vanaf",
        "via",
        "we",
        "welkom",
        "wij",
        "woonadres",
        "woont",
        "ze",
        "zij",
    }
)
# Not "aan", "op" or "in": in "Sanne woont aan de Kerkstraat" they end the street name.
_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ten", "ter", "te", "'t", "'s", "v.d."})
_ABBREVIATIONS = frozenset(
    {"dr.", "st.", "burg.", "mr.", "prof.", "ir.", "mgr.", "pr.", "ds.", "ing.", "v.", "jhr."}
)

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER_WORD = r"(?:[^\W\d_]|['’-])"
_SUFFIX_RE = "|".join(re.escape(s) for s in sorted(STREET_SUFFIXES, key=len, reverse=True))
_UNITS = (
    r"uur|u\.|u\b|keer|x\b|km|kilometer|meter|m\b|minuten|min\b|jaar|euro|kinderen|leerlingen|"
    r"%|procent|punten|graden|°|" + "|".join(MONTHS)
)
_HOUSE_NUMBER = (
    r"(?P<num>[1-9]\d{0,3})"
    rf"(?:{SP}?-{SP}?\d{{1,4}}(?!\d)|-?[a-zA-Z](?![\w])|{SP}(?:[a-zA-Z]|bis|BIS|hs|huis|bg|zw|"
    rf"rd|boven|I{{1,3}}|IV)(?![\w])|{SP}?(?:hs|bis)(?![\w]))?"
    rf"(?:{SP}+(?:nr\.?|no\.?|nummer){SP}*\d{{1,4}}(?![\w]))?"
)
# "Laan van Meerdervoort", "Plein 1944" and "Markt" have the street word in front.
# (Written without their capital, which the street regex reads first.)
_STREET_WORD_REST = (
    rf"(?:aan|eg|lein|ade|ingel|reef|of|ark|traat)(?:{SP}+(?:van|der|de|den|het|ten|"
    rf"ter|op|aan|in|'t|'s)){{1,3}}{SP}+[{_UPPER}][\w'’-]+"
)
_BARE_REST = "|".join(w[1:] for w in BARE_STREETS)
_CAPITAL = lead(f"[{_UPPER}]", r"[\w'’.-]")
_POSTCODE_HEAD = lead("[1-9]", r"[\w-]")
_STREET = re.compile(
    rf"(?P<word>{_CAPITAL}(?:{_LOWER_WORD}*?(?:{_SUFFIX_RE})|"
    rf"{_STREET_WORD_REST}|{_BARE_REST}))"
    rf"{SP}*,?{SP}+(?:(?:nr|no|nummer)\.?{SP}*)?{_HOUSE_NUMBER}"
    rf"(?![\w]|[.,:]\d|{SP}*(?:{_UNITS})(?!\w))"
)
# Prefix words of a street name, read backwards from the suffix word.
_PREFIX = re.compile(rf"(?:(?:[^\s,;:()]+){SP}+){{1,5}}$")

_POSTCODE = re.compile(
    rf"(?P<digits>{_POSTCODE_HEAD}\d{{3}}){SP}?(?P<letters>[A-Za-z]{{2}})(?![\w])"
    # A house number may follow ("1234 AB 12"), but a year is none ("in 2024 en 2025").
    rf"(?:{SP}*,?{SP}*(?!(?:19|20)\d\d(?!\d))(?P<num>[1-9]\d{{0,3}}(?:-?[a-zA-Z])?)"
    rf"(?![\w]|[.,:]\d|{SP}*(?:{_UNITS})))?"
)
_CITY_PREFIX = (
    r"(?:'s[- ]|'t[ ]|(?:Den|De|Het|Sint|St\.|Nieuw|Oud|Oude|Groot|Klein|Hoog|Laag|Noord|Zuid|"
    r"Oost|West)[ -])"
)
_CITY = re.compile(
    rf"{SP}*,?{SP}*(?P<city>{_CITY_PREFIX}?[{_UPPER}][\w'’-]+"
    rf"(?:{SP}(?:aan{SP}de|aan{SP}den|aan{SP}het|aan|op|in|bij|a/d){SP}[{_UPPER}][\w'’-]+)?)"
)
# Capitalised words after a postcode that are no place name (nor are NOT_NAME_PARTS).
_NOT_CITIES = frozenset(
    {"tel", "telefoon", "email", "e-mail", "mail", "website", "postbus", "t", "e", "kvk", "iban"}
)
#: Letter pairs that are also words, units or abbreviations in capitals.
AMBIGUOUS_LETTERS: frozenset[str] = frozenset(
    w.upper()
    for w in words(
        """EN OF IN OP DE TE IS ZO NA OM JA NU AL ET AN AT BE BY DO GO HE IF IT ME MY NO ON OR
        SO TO UP US WE KM KG MB GB KB TB PK CM MM ML CL DL MG HZ KW MW GW AM PM BC AD NL EU VS
        UK CV PC ID TV OK VR XL XS CD DJ HD LP PO VO MR BV NV HR NR"""
    )
)
_GAP = re.compile(r"[\s,;]{0,4}")


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    kind: str  # "street" or "postcode"
    pattern: Pattern


_EXPLANATIONS = {
    "street_house_number": "street name and house number",
    "postcode": "Dutch postcode",
    "postcode_house_number": "Dutch postcode with house number",
    "postcode_city": "Dutch postcode with place name",
    "street_postcode": "street address with postcode",
}


class AddressDetector(TextDetector):
    """Postcodes and street addresses; a postcode, street and city together are one finding."""

    name: ClassVar[str] = "address"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.address"

    STREET: ClassVar[Pattern] = Pattern("street_house_number", _STREET, 0.65, 0.8)
    POSTCODE: ClassVar[Pattern] = Pattern("postcode", _POSTCODE, 0.5, 0.7)
    POSTCODE_HOUSE_NUMBER: ClassVar[Pattern] = Pattern("postcode_house_number", _POSTCODE, 0.8, 0.9)
    POSTCODE_CITY: ClassVar[Pattern] = Pattern("postcode_city", _POSTCODE, 0.55, 0.75)
    FULL_ADDRESS: ClassVar[Pattern] = Pattern("street_postcode", _STREET, 0.85, 0.95)
    CONTEXT: ClassVar[Context] = Context(
        (
            "adres",
            "woonadres",
            "huisadres",
            "thuisadres",
            "woont",
            "wonen",
            "woonachtig",
            "wonende",
            "woonde",
            "verhuisd",
            "verhuist",
            "postcode",
        ),
        before=40,
        after=10,
    )
    #: Only these make an ambiguous letter pair ("2024 EN") a postcode without a street.
    POSTCODE_WORDS: ClassVar[Context] = Context(("postcode", "adres", "woonadres"), 30, 0)
    VALIDATION: ClassVar[str] = (
        "street suffix and house number; postcode format and issued letters (python-stdnum "
        "nl.postcode), in capitals or next to a street, house number or place name"
    )

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every address in the text, adjacent pieces merged into one finding."""
        text = doc.text
        if not _DIGIT.search(text):
            return []
        streets = self._streets(text)
        pieces = streets + self._postcodes(text, streets)
        findings: list[Finding] = []
        for group in _merge(text, pieces):
            start, end = group[0].start, max(p.end for p in group)
            context = self.CONTEXT.find(text, start, end)
            if {p.kind for p in group} == {"street", "postcode"}:
                pattern = self.FULL_ADDRESS
            else:
                pattern = max((p.pattern for p in group), key=lambda p: p.score)
            explanation = _EXPLANATIONS[pattern.name]
            explanation = with_context(explanation, context)
            findings.append(
                make_finding(
                    self,
                    self.kind,
                    text,
                    start,
                    end,
                    pattern.scored(bool(context)),
                    Evidence(
                        explanation=explanation,
                        pattern=pattern.name,
                        validation=self.VALIDATION,
                        context_words=context,
                    ),
                )
            )
        return findings

    def _streets(self, text: str) -> list[_Piece]:
        pieces: list[_Piece] = []
        for m in self.STREET.regex.finditer(text):
            if m.group("word").lower() in NOT_STREETS:
                continue
            start = _extend_backwards(text, m.start())
            pieces.append(_Piece(start, m.end(), "street", self.STREET))
        return pieces

    def _postcodes(self, text: str, streets: list[_Piece]) -> list[_Piece]:
        pieces: list[_Piece] = []
        street_spans = SpanSet((s.start, s.end) for s in streets)
        street_ends = sorted(s.end for s in streets)
        for m in self.POSTCODE.regex.finditer(text):
            letters = m.group("letters")
            if street_spans.overlaps(m.start(), m.end()):
                continue  # "Plein 1944 nr 3" holds no postcode
            if not stdnum_postcode.is_valid(m.group("digits") + letters):
                continue  # SA, SD and SS are never issued
            end = m.end()
            city = _CITY.match(text, end)
            if city is not None and _not_a_city(city.group("city")):
                city = None
            after_street = _follows_street(text, street_ends, m.start())
            has_number = m.group("num") is not None
            ambiguous = letters.upper() in AMBIGUOUS_LETTERS
            year_like = 1900 <= int(m.group("digits")) <= 2099
            if ambiguous:
                ok = after_street or bool(self.POSTCODE_WORDS.find(text, m.start(), m.end()))
            elif not letters.isupper():
                ok = (
                    after_street
                    or has_number
                    or bool(self.POSTCODE_WORDS.find(text, m.start(), m.end()))
                )
            elif year_like:
                ok = (
                    after_street
                    or has_number
                    or city is not None
                    or bool(self.CONTEXT.find(text, m.start(), m.end()))
                )
            else:
                ok = True
            if not ok:
                continue
            if has_number:
                pattern = self.POSTCODE_HOUSE_NUMBER
            elif city is not None:
                pattern = self.POSTCODE_CITY
            else:
                pattern = self.POSTCODE
            if city is not None:
                end = city.end()
            pieces.append(_Piece(m.start(), end, "postcode", pattern))
        return pieces


_DIGIT = re.compile(r"\d")


def _not_a_city(word: str) -> bool:
    lower = word.lower().rstrip(".")
    return lower in _NOT_CITIES or lower in NOT_NAME_PARTS


def _gap(text: str, start: int, end: int) -> bool:
    """Whether only white space and commas separate two address pieces."""
    return _GAP.fullmatch(text, start, end) is not None


def _follows_street(text: str, street_ends: list[int], start: int) -> bool:
    """Whether a street address ends just before `start`, with only a comma or space between."""
    i = bisect_right(street_ends, start)
    return i > 0 and start - street_ends[i - 1] <= 4 and _gap(text, street_ends[i - 1], start)


def _merge(text: str, pieces: list[_Piece]) -> list[list[_Piece]]:
    """Overlapping or adjacent pieces, grouped in text order."""
    groups: list[list[_Piece]] = []
    last_end = 0
    for piece in sorted(pieces, key=lambda p: (p.start, -p.end)):
        # Adjacent pieces are one address unless the group has that kind of piece already:
        # "Dorpsstraat 12, 1234 AB Utrecht, Kerkweg 3" holds two addresses.
        if groups and (
            piece.start < last_end
            or (
                piece.kind not in {p.kind for p in groups[-1]} and _gap(text, last_end, piece.start)
            )
        ):
            groups[-1].append(piece)
            last_end = max(last_end, piece.end)
            continue
        groups.append([piece])
        last_end = piece.end
    return groups


def _extend_backwards(text: str, start: int) -> int:
    """Where a street name really starts: "Burgemeester de Withstraat", "Van Goghlaan"."""
    before = text[max(0, start - 80) : start]
    m = _PREFIX.search(before)
    if m is None:
        return start
    tokens = m.group().split()
    offset = start
    taken: list[tuple[str, int]] = []
    # Walk back token by token while they can be part of a street name.
    cursor = start
    for token in reversed(tokens):
        token_start = text.rfind(token, 0, cursor)
        if token_start < 0:
            break
        lower = token.lower()
        capitalised = token[:1].isupper()
        particle = lower in _PARTICLES and not (capitalised and lower in NOT_NAME_PARTS)
        name_part = lower in _ABBREVIATIONS or (
            capitalised and lower not in NOT_NAME_PARTS and _NAME_TOKEN.fullmatch(token)
        )
        if not (particle or name_part):
            break
        taken.append((token, token_start))
        cursor = token_start
        if len(taken) == 4:
            break
    # A street name starts with a capital: drop lower-case particles in front ("naar de").
    while taken and not taken[-1][0][:1].isupper():
        taken.pop()
    if taken:
        offset = taken[-1][1]
    return offset


_NAME_TOKEN = re.compile(rf"[{_UPPER}](?:[^\W\d_]|['’.-])*")
