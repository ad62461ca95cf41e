"""IBAN bank account numbers of any country, checked with python-stdnum."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from stdnum import iban as stdnum_iban

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
from screening.nlp import TextDoc

# Country code in capitals, check digits, then groups of four (or the same run without
# spaces); the last group may be shorter. Validation decides where the number really ends.
_IBAN_LIKE = re.compile(
    lead("[A-Z]", "[A-Za-z0-9]")
    + rf"[A-Z]\d{{2}}(?:{SP}?[A-Za-z0-9]{{4}}){{2,8}}(?:{SP}?[A-Za-z0-9]{{1,3}})?(?![A-Za-z0-9])"
)
_GROUP_END = re.compile(rf"(?={SP})|$")


def iban_like_spans(text: str) -> SpanSet:
    """Where `text` has something shaped like an IBAN, valid or not (for other detectors)."""
    return SpanSet(m.span() for m in _IBAN_LIKE.finditer(text))


def _longest_valid(raw: str) -> int | None:
    """Length of the longest prefix of `raw`, ending at a group boundary, that is an IBAN."""
    ends = sorted({m.start() for m in _GROUP_END.finditer(raw)}, reverse=True)
    for end in ends:
        if end >= 15 and stdnum_iban.is_valid(raw[:end]):
            return end
    return None


class IbanDetector(TextDetector):
    """Bank account numbers in IBAN form whose check digits are right."""

    name: ClassVar[str] = "iban"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.iban"

    PATTERN: ClassVar[Pattern] = Pattern("iban", _IBAN_LIKE, score=0.85, context_score=0.95)
    CONTEXT: ClassVar[Context] = Context(
        (
            "iban",
            "rekening",
            "rekeningnummer",
            "rekeningnr",
            "bankrekening",
            "bankrekeningnummer",
            "banknummer",
            "t.n.v.",
            "tnv",
            "ten name van",
            "overmaken",
            "maak over",
            "storten",
            "betalen",
        ),
        before=50,
        after=40,
    )
    #: An account held by the school or a committee is not a person's bank account.
    ORGANISATION_HOLDER: ClassVar[re.Pattern[str]] = re.compile(
        rf"(?:t\.?n\.?v\.?|ten{SP}+name{SP}+van){SP}*:?{SP}*(?:de{SP}+|het{SP}+)?"
        r"(?:stichting|vereniging|ouderraad|oudervereniging|ouderfonds|medezeggenschapsraad|"
        r"mr\b|or\b|school|basisschool|kindcentrum|ikc|gemeente|sv\b|v\.?v\.?)",
        re.IGNORECASE,
    )
    ORGANISATION_SCORE: ClassVar[float] = 0.5
    VALIDATION: ClassVar[str] = (
        "ISO 13616 mod-97 check digits and national format (python-stdnum iban)"
    )

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every IBAN in the text whose checksum is right."""
        text = doc.text
        findings: list[Finding] = []
        for m in self.PATTERN.regex.finditer(text):
            length = _longest_valid(m.group())
            if length is None:
                continue
            start, end = m.start(), m.start() + length
            context = self.CONTEXT.find(text, start, end)
            score = self.PATTERN.scored(bool(context))
            explanation = "IBAN with valid check digits"
            holder = self.ORGANISATION_HOLDER.search(text, end, min(len(text), end + 40))
            if holder is not None:
                score = min(score, self.ORGANISATION_SCORE)
                explanation += f"; account holder looks like an organisation ({holder.group()!r})"
            explanation = with_context(explanation, context)
            findings.append(
                make_finding(
                    self,
                    self.kind,
                    text,
                    start,
                    end,
                    score,
                    Evidence(
                        explanation=explanation,
                        pattern=self.PATTERN.name,
                        validation=self.VALIDATION,
                        context_words=context,
                    ),
                )
            )
        return findings
