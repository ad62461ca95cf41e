"""Dutch citizen service numbers (burgerservicenummer, BSN), validated with the elfproef."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import ClassVar

from stdnum.nl import bsn as stdnum_bsn

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
)
from screening.detectors.pii.iban import iban_like_spans
from screening.nlp import TextDoc

# Not glued to letters, digits or number punctuation: "NL91ABNA0417164300", "1.234567890",
# "06-12345678" and "+31612345678" have no BSN inside.
_HEAD = lead(r"\d", r"[\w.,+/-]")
_TAIL = r"(?![\w]|[.,/-]\d)"

# A trunk or country prefix just before the digits makes them the rest of a phone number:
# "06 12345678", "+31 612345678", "(020) 12345678", "+31 (0)6 12345678".
_PHONE_PREFIX = re.compile(
    rf"(?:\+\d{{1,3}}|(?<!\d)00\d{{1,3}}|\(0\)|(?<!\d)\(?0\d{{1,4}}\)?){SP}*(?:\(0\){SP}*)?[-.]?{SP}*$"
)
_MONEY_BEFORE = re.compile(rf"(?:€|eur|euro|\$|£|fl\.?){SP}*$", re.IGNORECASE)
_MONEY_AFTER = re.compile(rf"(?:,[-–=]|{SP}*(?:euro|eur)\b)", re.IGNORECASE)


# Name, the pattern after its first digit, score without and with context words.
_PATTERN_TABLE: tuple[tuple[str, str, float, float], ...] = (
    ("bsn_9_digits", rf"\d{{8}}{_TAIL}", 0.6, 0.95),
    # The notation the government itself prints: 1234.56.782.
    (
        "bsn_4_2_3",
        rf"(?<!\d{SP}\d)\d{{3}}(?P<s423>[.]|{SP})\d{{2}}(?P=s423)\d{{3}}{_TAIL}",
        0.65,
        0.95,
    ),
    (
        "bsn_3_3_3",
        rf"(?<!\d{SP}\d)\d{{2}}(?P<s333>[.]|{SP})\d{{3}}(?P=s333)\d{{3}}{_TAIL}(?!{SP}\d)",
        0.55,
        0.95,
    ),
    # Old sofinummers of eight digits; eight digits are also many other things, so a bare
    # match counts for little.
    ("bsn_8_digits", rf"\d{{7}}{_TAIL}", 0.3, 0.9),
)


class BsnDetector(TextDetector):
    """Nine-digit (or old eight-digit) numbers that pass the BSN elfproef."""

    name: ClassVar[str] = "bsn"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.bsn"

    PATTERNS: ClassVar[tuple[Pattern, ...]] = tuple(
        Pattern(name, re.compile(_HEAD + rest), score, context_score)
        for name, rest, score, context_score in _PATTERN_TABLE
    )
    CONTEXT: ClassVar[Context] = Context(
        (
            "bsn",
            "bsn-nummer",
            "bsn nummer",
            "bsn-nr",
            "burgerservicenummer",
            "burger service nummer",
            "burgerservice nummer",
            "sofinummer",
            "sofi-nummer",
            "sofi nummer",
            "sofinr",
        ),
        before=50,
        after=20,
    )
    #: Numbers of organisations, orders and phones that also pass an elfproef by chance (the
    #: RSIN of a school's foundation passes it by design).
    NOT_A_BSN: ClassVar[Context] = Context(
        (
            "rsin",
            "kvk",
            "kvk-nummer",
            "kamer van koophandel",
            "fiscaal nummer",
            "btw",
            "btw-nummer",
            "anbi",
            "vestigingsnummer",
            "brin",
            "brinnummer",
            "ordernummer",
            "bestelnummer",
            "factuurnummer",
            "factuur",
            "klantnummer",
            "dossiernummer",
            "zaaknummer",
            "polisnummer",
            "kenmerk",
            "referentie",
            "artikelnummer",
            "postbus",
            "tel",
            "tel.",
            "telefoon",
            "telefoonnummer",
            "mobiel",
            "fax",
            "iban",
            "rekeningnummer",
        ),
        before=40,
        after=15,
    )
    VALIDATION: ClassVar[str] = "elfproef (python-stdnum nl.bsn)"
    # All patterns in one pass over the text; the group name says which one matched.
    SCAN: ClassVar[re.Pattern[str]] = re.compile(
        _HEAD + "(?:" + "|".join(f"(?P<{name}>{rest})" for name, rest, _, _ in _PATTERN_TABLE) + ")"
    )
    BY_NAME: ClassVar[dict[str, Pattern]] = {p.name: p for p in PATTERNS}

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every elfproef-valid BSN-shaped number that is not part of a phone number or IBAN."""
        text = doc.text
        findings: list[Finding] = []
        iban_spans: SpanSet | None = None
        for m in self.SCAN.finditer(text):
            pattern = self.BY_NAME[m.lastgroup or ""]
            start, end = m.span()
            digits = re.sub(r"\D", "", m.group())
            if not stdnum_bsn.is_valid(digits) or self._looks_like_something_else(text, start, end):
                continue
            if iban_spans is None:
                iban_spans = iban_like_spans(text)
            if iban_spans.overlaps(start, end):
                continue
            context = self.CONTEXT.find(text, start, end)
            if not context and self.NOT_A_BSN.find(text, start, end):
                continue
            explanation = f"{len(digits)}-digit number that passes the BSN elfproef"
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

    @staticmethod
    def _looks_like_something_else(text: str, start: int, end: int) -> bool:
        """Phone number tails, money amounts and dates that happen to pass the elfproef."""
        before = text[max(0, start - 12) : start]
        if _PHONE_PREFIX.search(before) or _MONEY_BEFORE.search(before):
            return True
        if _MONEY_AFTER.match(text, end):
            return True
        return end - start == 8 and _is_compact_date(text[start:end])


def _is_compact_date(digits: str) -> bool:
    """Whether eight digits read as a date, 20140312 or 12032014."""
    for year, month, day in (
        (digits[:4], digits[4:6], digits[6:]),
        (digits[4:], digits[2:4], digits[:2]),
    ):
        try:
            if 1900 <= int(year) <= 2099:
                dt.date(int(year), int(month), int(day))
                return True
        except ValueError:
            continue
    return False
