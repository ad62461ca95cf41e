"""Phone numbers, Dutch and international, found and validated with `phonenumbers`.

`phonenumbers.PhoneNumberMatcher` with ``Leniency.VALID`` does the work: on the deduce
regression set and our own tables it finds every Dutch notation that is a real number, while
``POSSIBLE`` also takes dates, years, amounts and BSNs, and the two grouping leniencies miss
"06 12 34 56 78" and "010 - 123 45 67".

The matcher is slow on long text (about 1.2 ms per 1,000 characters, whatever they hold), so
it only runs on short windows around runs of digits that could be a phone number we would
report (about 40 µs per number).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import phonenumbers
from phonenumbers import Leniency, PhoneNumberType

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import (
    Context,
    Pattern,
    SpanSet,
    lead,
    make_finding,
    with_context,
)
from screening.detectors.pii.dates import find_dates
from screening.detectors.pii.iban import iban_like_spans
from screening.nlp import TextDoc

# What a number we would report starts with: + or 00, a trunk 0, or ( before either; then at
# least six characters of digits and separators. Not glued to a letter or digit before it, nor
# inside a web address ("?id=0612345678").
_CANDIDATE = re.compile(lead("[+(0]", r"(?:[^\W_]|[=/#])") + r"[\d \t\u00a0\-–./()]{4,}\d\)?")
# How far the windows reach beyond a candidate: phonenumbers looks at the characters around
# a number to refuse letters and currency signs next to it.
_MARGIN = 2


def _type_pattern(name: str, score: float, context_score: float) -> Pattern:
    # phonenumbers does the matching; the regex is only what the candidates look like.
    return Pattern(name, _CANDIDATE, score, context_score)


_BY_TYPE: dict[int, tuple[str, Pattern]] = {
    PhoneNumberType.MOBILE: ("mobile", _type_pattern("phone_mobile", 0.75, 0.9)),
    PhoneNumberType.PERSONAL_NUMBER: ("personal", _type_pattern("phone_personal", 0.75, 0.9)),
    PhoneNumberType.FIXED_LINE_OR_MOBILE: (
        "fixed line or mobile",
        _type_pattern("phone_fixed_or_mobile", 0.65, 0.85),
    ),
    PhoneNumberType.FIXED_LINE: ("fixed line", _type_pattern("phone_fixed_line", 0.55, 0.8)),
    PhoneNumberType.VOIP: ("VoIP", _type_pattern("phone_voip", 0.55, 0.8)),
    PhoneNumberType.PAGER: ("pager", _type_pattern("phone_pager", 0.5, 0.7)),
    PhoneNumberType.VOICEMAIL: ("voicemail", _type_pattern("phone_voicemail", 0.5, 0.7)),
    # 088 company numbers, 0800 and 0900 service numbers reach an organisation, not a person.
    PhoneNumberType.UAN: (
        "company number (UAN)",
        _type_pattern("phone_company", 0.35, 0.5),
    ),
    PhoneNumberType.TOLL_FREE: ("toll-free service", _type_pattern("phone_service", 0.25, 0.35)),
    PhoneNumberType.PREMIUM_RATE: (
        "premium-rate service",
        _type_pattern("phone_service", 0.25, 0.35),
    ),
    PhoneNumberType.SHARED_COST: (
        "shared-cost service",
        _type_pattern("phone_service", 0.25, 0.35),
    ),
}
_UNKNOWN = ("unknown type", _type_pattern("phone_other", 0.5, 0.7))

# A Dutch national number is a trunk 0 and nine digits. One in that notation that is not in the
# numbering plan ("0123456789", an unallocated area code) is still most likely meant as a
# phone number: it is reported, with less weight. Only one dash, after the area code, so that
# dates and number lists do not qualify.
_NATIONAL_SHAPE = re.compile(
    r"(?<![\w+\-./])\(?0[1-9]\d{0,2}\)?(?:[ \t]?-[ \t]?|[ \t])?\d{2,8}(?:[ \t]\d{2,4}){0,3}"
    r"(?![\w]|[-./]\d)"
)
_NOT_IN_PLAN = "not in the numbering plan"
_POSSIBLE = _type_pattern("phone_possible_nl", 0.4, 0.6)


@dataclass(frozen=True, slots=True)
class PhoneMatch:
    """A phone number in text: valid as `phonenumbers` read it, or only Dutch-shaped."""

    start: int
    end: int
    region: str
    number_type: int
    valid: bool = True


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged, slightly widened ranges of the text around phone-shaped candidates."""
    merged: list[tuple[int, int]] = []
    for m in _CANDIDATE.finditer(text):
        lo, hi = max(0, m.start() - _MARGIN), min(len(text), m.end() + _MARGIN)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def find_phone_numbers(text: str) -> list[PhoneMatch]:
    """Phone numbers written with a trunk 0, + or 00 (never a bare run of digits).

    Valid numbers first; then ten-digit Dutch numbers in phone notation that are not in the
    numbering plan, marked ``valid=False``.
    """
    windows = _windows(text)
    if not windows:
        return []
    # The digits of a spaced IBAN ("NL91 ABNA 0417 1643 00") look like a phone number.
    ibans = iban_like_spans(text)
    found: list[PhoneMatch] = []
    for lo, hi in windows:
        window = text[lo:hi]
        dates: SpanSet | None = None
        for m in phonenumbers.PhoneNumberMatcher(window, "NL", leniency=Leniency.VALID):
            if _not_a_phone_notation(m.raw_string) or ibans.overlaps(lo + m.start, lo + m.end):
                continue
            if dates is None:  # "03-03-2024 06:30" reads as 030-3202406
                dates = SpanSet((d.start, d.end) for d in find_dates(window))
            if dates.overlaps(m.start, m.end):
                continue
            region = phonenumbers.region_code_for_number(m.number) or "??"
            found.append(
                PhoneMatch(lo + m.start, lo + m.end, region, phonenumbers.number_type(m.number))
            )
    valid = SpanSet((f.start, f.end) for f in found)
    for lo, hi in windows:
        for shape in _NATIONAL_SHAPE.finditer(text, lo, hi):
            start, end = shape.span()
            digits = sum(ch.isdigit() for ch in shape.group())
            if digits == 10 and not valid.overlaps(start, end) and not ibans.overlaps(start, end):
                found.append(PhoneMatch(start, end, "NL", PhoneNumberType.UNKNOWN, valid=False))
    return sorted(found, key=lambda f: f.start)


_TIMES = re.compile(r"(?:[01]?\d|2[0-3])[.:][0-5]\d(?:\s*[-–]\s*(?:[01]?\d|2[0-3])[.:][0-5]\d)?")


def _not_a_phone_notation(raw: str) -> bool:
    """Strings phonenumbers accepts that no one writes as a phone number."""
    # A Dutch number is always written with its trunk 0 or a country prefix; a bare
    # "612345678" is far more likely a BSN or an order number.
    if not raw.lstrip("( \t").startswith(("0", "+")):
        return True
    # "0-306-40615-2" is an ISBN; "09.00-10.30" are times.
    return raw.startswith(("0-", "0.")) or _TIMES.fullmatch(raw) is not None


class PhoneDetector(TextDetector):
    """Phone numbers in every common Dutch notation, and foreign ones with a country code."""

    name: ClassVar[str] = "phone"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.phone"

    CONTEXT: ClassVar[Context] = Context(
        (
            "tel",
            "tel.",
            "telefoon",
            "telefoonnummer",
            "telnr",
            "mobiel",
            "mobiele nummer",
            "mob.",
            "gsm",
            "bel",
            "bellen",
            "belt",
            "sms",
            "whatsapp",
            "app",
            "appen",
            "bereikbaar",
            "nummer",
        ),
        before=40,
        after=15,
    )
    #: Numbers of other kinds that can look like a phone number.
    NOT_A_PHONE: ClassVar[Context] = Context(
        (
            "isbn",
            "issn",
            "ean",
            "artikelnummer",
            "artikelnr",
            "bestelnummer",
            "ordernummer",
            "klantnummer",
            "factuurnummer",
            "referentie",
            "kenmerk",
            "dossiernummer",
            "zaaknummer",
            "polisnummer",
            "postbus",
            "kvk",
            "btw",
            "rsin",
            "bsn",
            "burgerservicenummer",
            "iban",
            "rekeningnummer",
            "versie",
        ),
        before=25,
        after=0,
    )
    VALIDATION: ClassVar[str] = "phonenumbers Leniency.VALID, default region NL"

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every valid phone number in the text, with its type and region."""
        text = doc.text
        findings: list[Finding] = []
        for match in find_phone_numbers(text):
            if match.valid:
                type_name, pattern = _BY_TYPE.get(match.number_type, _UNKNOWN)
                explanation = f"{type_name} phone number, region {match.region}"
                validation = self.VALIDATION
            else:
                pattern = _POSSIBLE
                explanation = f"Dutch 10-digit phone notation, {_NOT_IN_PLAN}"
                validation = "ten digits with trunk 0; phonenumbers finds no valid number"
            context = self.CONTEXT.find(text, match.start, match.end)
            if not context and self.NOT_A_PHONE.find(text, match.start, match.end):
                continue
            explanation = with_context(explanation, context)
            findings.append(
                make_finding(
                    self,
                    self.kind,
                    text,
                    match.start,
                    match.end,
                    pattern.scored(bool(context)),
                    Evidence(
                        explanation=explanation,
                        pattern=pattern.name,
                        validation=validation,
                        context_words=context,
                    ),
                )
            )
        return findings
