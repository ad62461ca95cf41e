"""From two decisions on a published item to the audit's verdict.

Each item is screened with consent as it is today (`today_view`); when that finds something
blocking, it is screened again with consent as it was known at the end of the publication
day (`publication_view`). Per blocking finding of today's decision:

* a face that matches nobody or is ambiguous, an unreadable or unscreened photo, a failed
  check, an unreachable registry, or an item the source did not describe well -> `review`;
* otherwise, when the same finding (same photo and box, or same text span, same person)
  already blocked at publication -> `violation`: it was never allowed;
* otherwise -> `take_down`: it was allowed then and is not now (consent withdrawn or
  refused since).

The item takes the most serious verdict of its findings (violation, take_down, review), or
`ok`. Consent that was given before publication but entered in the registry only after it is
not a violation: the item was allowed, and still is.
"""

from __future__ import annotations

from datetime import date

from kernel.types import ConsentView, Decision, Finding, RatedFinding, Severity
from screening.audit.dates import end_of_day
from screening.audit.results import ArticleRecord, FindingRecord, Verdict

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
    """Only records entered by the end of the publication day (Dutch time)."""
    return ConsentView(known_at=end_of_day(published_on), withdrawals_until=None)


def needs_review(kind: str) -> bool:
    """Whether a blocking finding of this kind means 'a person must look' (review)."""
    return kind in REVIEW_KINDS or kind.startswith("audit.")


def needs_publication_view(today: Decision) -> bool:
    """Whether telling take_down from violation needs the at-publication screen."""
    return any(
        r.severity is Severity.HOLD and not needs_review(r.finding.kind) for r in today.findings
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
        elif then is None or location(r.finding) in then:
            # Without the at-publication screen nothing says it was ever allowed.
            verdicts.append(Verdict.VIOLATION)
        else:
            verdicts.append(Verdict.TAKE_DOWN)
    return verdicts


def finding_record(
    rated: RatedFinding, verdict: Verdict | None, image_map: tuple[int, ...] = ()
) -> FindingRecord:
    """A rated finding as the report shows it; `image_map` maps screened to item photo index."""
    f = rated.finding
    index = f.region.image_index if f.region is not None else None
    if index is not None and index < len(image_map):
        index = image_map[index]
    box = f.region.box if f.region is not None else None
    return FindingRecord(
        kind=f.kind,
        severity=rated.severity.value,
        verdict=verdict,
        articles=rated.articles,
        explanation=f.evidence.explanation,
        # The audit's own findings carry their Dutch message as the validation text.
        explanation_nl=f.evidence.validation if f.kind.startswith("audit.") else None,
        image_index=index,
        box=(box.left, box.top, box.right, box.bottom) if box is not None else None,
        span_text=f.span.text if f.span is not None else None,
        person_id=f.person_id,
        person_name=f.person_name,
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
