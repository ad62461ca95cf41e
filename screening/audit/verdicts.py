"""From two decisions on a published item to the audit's verdict.

Each item is screened with consent as it is today (`today_view`); when that finds something
blocking, it is screened again with consent as it was on the publication day
(`publication_view`: judged by when consent was given, whenever it was entered). Per
blocking finding of today's decision:

* a face that matches nobody or is ambiguous, an unreadable or unscreened photo, a failed
  check, an unreachable registry, or an item the source did not describe well -> `review`;
* personal data in the photo's metadata (GPS, maker, rights holder) -> `metadata`: its own
  verdict with its own advice, never mixed up with consent;
* otherwise, when the same finding (same photo and box, or same text span, same person)
  already blocked at publication -> `violation`: it was never allowed;
* otherwise -> `take_down`: it was allowed then and is not now (consent withdrawn or
  refused since).

The item takes the most serious verdict of its findings (violation, take_down, review,
metadata), or `ok`. Consent that was given before publication but entered in the registry
only after it counts as given: withdrawn after publication, such an item is a take-down.
"""

from __future__ import annotations

from datetime import date

from kernel.types import ConsentView, Decision, Finding, RatedFinding, Severity
from screening.audit.consent_notes import ConsentNote, at_publication
from screening.audit.results import ArticleRecord, FindingRecord, Verdict
from screening.audit.texts import advice, explanation_nl

#: Blocking kinds about the photo file's metadata: their own verdict (`metadata`).
METADATA_KINDS = frozenset({"image.metadata"})

#: Blocking kinds that say "we cannot tell", not "this is not allowed".
REVIEW_KINDS = frozenset(
    {
        "face.unknown",
        "face.ambiguous",
        "image.unreadable",
        "image.not_screened",
        "screening.error",
        "registry.unavailable",
    }
)

Location = tuple[int | None, tuple[int, int, int, int] | None, tuple[int, int] | None, str | None]


def today_view(today: date) -> ConsentView:
    """Every record known now, and withdrawals after publication up to `today`."""
    return ConsentView(known_at=None, withdrawals_until=today)


def publication_view(published_on: date) -> ConsentView:
    """Consent on the publication day as given: every record known now that took effect by
    then, whenever it was entered (the entry date stays in the report's explanation)."""
    del published_on  # the day is the post's own publication date
    return at_publication()


def needs_review(kind: str) -> bool:
    """Whether a blocking finding of this kind means 'a person must look' (review)."""
    return kind in REVIEW_KINDS or kind.startswith("audit.")


def needs_publication_view(today: Decision) -> bool:
    """Whether telling take_down from violation needs the at-publication screen."""
    return any(
        r.severity is Severity.HOLD
        and not needs_review(r.finding.kind)
        and r.finding.kind not in METADATA_KINDS
        for r in today.findings
    )


def location(f: Finding) -> Location:
    """Where a finding points and at whom, whatever its kind in either view."""
    region = f.region
    box = region.box if region is not None else None
    return (
        region.image_index if region is not None else None,
        (box.left, box.top, box.right, box.bottom) if box is not None else None,
        (f.span.start, f.span.end) if f.span is not None else None,
        f.person_id,
    )


def judge(today: Decision, at_publication: Decision | None) -> list[Verdict | None]:
    """The verdict of each of today's findings (None for a notice), in their order."""
    then = (
        {location(r.finding) for r in at_publication.findings if r.severity is Severity.HOLD}
        if at_publication is not None
        else None
    )
    verdicts: list[Verdict | None] = []
    for r in today.findings:
        if r.severity is not Severity.HOLD:
            verdicts.append(None)
        elif needs_review(r.finding.kind):
            verdicts.append(Verdict.REVIEW)
        elif r.finding.kind in METADATA_KINDS:
            verdicts.append(Verdict.METADATA)
        elif then is None or location(r.finding) in then:
            # Without the at-publication screen nothing says it was ever allowed.
            verdicts.append(Verdict.VIOLATION)
        else:
            verdicts.append(Verdict.TAKE_DOWN)
    return verdicts


def consent_verdict(verdict: Verdict | None, note: ConsentNote | None) -> Verdict | None:
    """The verdict of a consent finding, made to agree with what its note says."""
    if note is None or verdict not in (Verdict.TAKE_DOWN, Verdict.VIOLATION):
        return verdict
    return Verdict.TAKE_DOWN if note.allowed_then else Verdict.VIOLATION


def finding_record(
    rated: RatedFinding,
    verdict: Verdict | None,
    image_map: tuple[int, ...] = (),
    note: ConsentNote | None = None,
) -> FindingRecord:
    """A rated finding as the report shows it; `image_map` maps screened to item photo index;
    `note` says who decided about the person's consent and when."""
    f = rated.finding
    index = f.region.image_index if f.region is not None else None
    if index is not None and index < len(image_map):
        index = image_map[index]
    box = f.region.box if f.region is not None else None
    verdict = consent_verdict(verdict, note)
    advice_nl, advice_en = advice(f.kind, verdict, f.evidence.context_words)
    return FindingRecord(
        kind=f.kind,
        severity=rated.severity.value,
        verdict=verdict,
        articles=rated.articles,
        explanation=note.explanation_en if note else f.evidence.explanation,
        explanation_nl=note.explanation_nl if note else explanation_nl(f),
        image_index=index,
        box=(box.left, box.top, box.right, box.bottom) if box is not None else None,
        span_text=f.span.text if f.span is not None else None,
        person_id=f.person_id,
        person_name=f.person_name,
        advice_nl=advice_nl,
        advice_en=advice_en,
        decided_by=note.decided_by if note else None,
        decided_on=note.decided_on.isoformat() if note and note.decided_on else None,
        entered_on=note.entered_on.isoformat() if note and note.entered_on else None,
    )


def article_records(*decisions: Decision) -> tuple[ArticleRecord, ...]:
    """Every article the decisions cite, once, in the order first cited."""
    seen: dict[str, ArticleRecord] = {}
    for decision in decisions:
        for reason in decision.reasons:
            c = reason.citation
            seen.setdefault(
                f"{c.pack}:{c.article_id}",
                ArticleRecord(c.pack, c.article_id, c.label, c.title, c.text),
            )
    return tuple(seen.values())
