"""E-mail addresses, including mailto: links and the "naam(at)school.nl" spelling."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import (
    SP,
    Anchor,
    Context,
    Pattern,
    best_non_overlapping,
    make_finding,
    matches_near,
    with_context,
)
from screening.nlp import TextDoc

# Local part: word characters and . % + - (not starting or ending with a dot), at most 64.
_LOCAL = r"(?<![\w.%+-])(?P<local>[^\W_](?:[\w.%+-]{0,62}[\w%+-])?)"
# Domain: labels of letters, digits and hyphens, then a top-level domain of letters. A dot
# after the address ends the sentence; "a@b.nl.x" is no address.
_DOMAIN = r"(?P<domain>(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24})(?![\w-]|\.[^\W_])"

#: Local parts of addresses that reach a function, not a person.
ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    {
        "info",
        "administratie",
        "admin",
        "secretariaat",
        "directie",
        "contact",
        "noreply",
        "no-reply",
        "receptie",
        "balie",
        "ouderraad",
        "or",
        "mr",
        "gmr",
        "medezeggenschapsraad",
        "bestuur",
        "communicatie",
        "redactie",
        "nieuwsbrief",
        "leerlingenzaken",
        "verzuim",
        "ziekmelding",
        "ziekmeldingen",
        "absentie",
        "aanmelden",
        "aanmelding",
        "inschrijving",
        "facturen",
        "factuur",
        "support",
        "helpdesk",
        "klachten",
        "privacy",
        "webmaster",
        "postmaster",
        "office",
        "team",
        "school",
    }
)


# An address is only looked for around its @ (or (at)). A local part has at most 64
# characters; real domains are far shorter than the 255 allowed.
_ANCHORS = (Anchor(("@",)), Anchor(("(at)", "[at]", "{at}", "(apenstaartje)")))
_REACH_BEFORE = 70
_REACH_AFTER = 130


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    score: float
    pattern: Pattern
    role: str


class EmailDetector(TextDetector):
    """E-mail addresses; addresses of a function (info@, administratie@) score lower."""

    name: ClassVar[str] = "email"
    version: ClassVar[str] = "1.0"
    kind: ClassVar[str] = "pii.email"

    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("email", re.compile(f"{_LOCAL}@{_DOMAIN}"), 0.85, 0.9),
        # Written out to fool spam harvesters: "jan.jansen(at)school.nl", "jan [at] school.nl".
        Pattern(
            "email_obfuscated",
            re.compile(
                rf"{_LOCAL}{SP}?(?:\(at\)|\[at\]|\{{at\}}|\(apenstaartje\)){SP}?{_DOMAIN}",
                re.IGNORECASE,
            ),
            0.8,
            0.9,
        ),
    )
    ROLE_SCORE: ClassVar[float] = 0.4
    CONTEXT: ClassVar[Context] = Context(
        ("mailto:", "mail", "e-mail", "email", "mailen", "mailadres", "e-mailadres"),
        before=30,
        after=0,
    )
    VALIDATION: ClassVar[str] = "syntax: local part, @, domain with a top-level domain"

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every e-mail address in the text; a mailto: prefix is not part of the span."""
        text = doc.text
        lower = text.lower()
        candidates: list[_Candidate] = []
        for pattern, anchor in zip(self.PATTERNS, _ANCHORS, strict=True):
            for m in matches_near(pattern.regex, anchor, text, lower, _REACH_BEFORE, _REACH_AFTER):
                local = m.group("local").lower()
                role = local in ROLE_LOCAL_PARTS
                context = self.CONTEXT.find(text, m.start(), m.end())
                score = self.ROLE_SCORE if role else pattern.scored(bool(context))
                candidates.append(
                    _Candidate(m.start(), m.end(), score, pattern, local if role else "")
                )
        findings: list[Finding] = []
        for kept in best_non_overlapping(candidates):
            context = self.CONTEXT.find(text, kept.start, kept.end)
            if kept.role:
                explanation = f"e-mail address of a function ('{kept.role}@'), not of a person"
            else:
                explanation = "e-mail address"
            if kept.pattern.name == "email_obfuscated":
                explanation += ", written with (at) instead of @"
            explanation = with_context(explanation, context)
            findings.append(
                make_finding(
                    self,
                    self.kind,
                    text,
                    kept.start,
                    kept.end,
                    kept.score,
                    Evidence(
                        explanation=explanation,
                        pattern=kept.pattern.name,
                        validation=self.VALIDATION,
                        context_words=context,
                    ),
                )
            )
        return findings
