"""Replace the personal data the text detectors find by a placeholder ("[naam]").

Used for free text the service keeps for a long time, such as an officer's reason for an
override: that record is append-only and read by auditors for years, while the reason is
about a post, not about the pupil, so a pupil's name, phone number or health fact does not
belong in it. The detectors report; this only rewrites the spans of `pii.*` findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from kernel.types import Channel, Finding, PostContext

#: Placeholder per finding kind (after "pii."), Dutch as the records are read in Dutch; a
#: kind not listed becomes `[persoonsgegeven]`.
PLACEHOLDERS: dict[str, str] = {
    "name": "[naam]",
    "pupil_name": "[naam]",
    "name_consented": "[naam]",
    "name_no_consent": "[naam]",
    "name_ambiguous": "[naam]",
    "name_sensitive": "[naam]",
    "phone": "[telefoonnummer]",
    "email": "[e-mailadres]",
    "address": "[adres]",
    "bsn": "[BSN]",
    "iban": "[rekeningnummer]",
    "date_of_birth": "[geboortedatum]",
    "age": "[leeftijd]",
    "special_category": "[gevoelig gegeven]",
    "confidential": "[vertrouwelijk gegeven]",
}
DEFAULT_PLACEHOLDER = "[persoonsgegeven]"


class PseudonymiseError(RuntimeError):
    """The text could not be checked for personal data (a detector failed)."""


def placeholder(kind: str) -> str:
    """The placeholder for a finding kind such as "pii.phone"."""
    return PLACEHOLDERS.get(kind.removeprefix("pii."), DEFAULT_PLACEHOLDER)


def pseudonymise(text: str, findings: Sequence[Finding]) -> str:
    """`text` with every span of a `pii.*` finding replaced by its placeholder.

    Overlapping spans are merged and take the placeholder of the one that starts first
    (the longer one on a tie). A failed detector (`screening.error`) raises
    PseudonymiseError: text that could not be checked is not kept.
    """
    if any(f.kind == "screening.error" for f in findings):
        failed = sorted({f.detector for f in findings if f.kind == "screening.error"})
        raise PseudonymiseError(f"detectors failed: {', '.join(failed)}")
    spans = sorted(
        (f.span.start, -f.span.end, placeholder(f.kind))
        for f in findings
        if f.kind.startswith("pii.") and f.span is not None
    )
    out: list[str] = []
    at = 0
    for start, neg_end, label in spans:
        end = -neg_end
        if start < at:  # inside or overlapping the previous replacement
            at = max(at, end)
            continue
        out.append(text[at:start])
        out.append(label)
        at = end
    out.append(text[at:])
    return "".join(out)


class TextScreener(Protocol):
    """What `Pipeline.screen_text` offers."""

    def screen_text(self, text: str, context: PostContext) -> list[Finding]: ...


def pseudonymise_text(screener: TextScreener, text: str) -> str:
    """`text` run through every text detector (the registry's names included) and then
    `pseudonymise`d. Raises PseudonymiseError when a detector failed."""
    context = PostContext(channel=Channel.WEBSITE, publish_on=date.today())
    return pseudonymise(text, screener.screen_text(text, context))
