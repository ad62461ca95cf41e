"""Who decided what about a person's consent, and when: the words behind a consent verdict.

For a face or name the audit found without consent, it asks the registry twice, per purpose
the publication needed: was consent valid on the publication day (judged by when consent
was *given*, whenever it was entered), and is it still valid today (a withdrawal or refusal
after publication counts)? Valid then and not now is a take-down, and the note says who
withdrew and on which day, and when that was entered; not valid then is a violation, and
the note says why. The entry dates stay in the note, so the officer sees a form that was
entered late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from consent_store.purposes import PURPOSE_LABELS, Purpose
from consent_store.records import ConsentDecision, ConsentEntry, ConsentState, Role
from consent_store.repository import Registry
from consent_store.validity import giver_label
from kernel.errors import RegistryError
from kernel.types import ConsentView
from screening.audit.dates import day_en, day_nl, local_day


@dataclass(frozen=True, slots=True)
class ConsentNote:
    """The consent behind one finding: allowed at publication or not, in words."""

    allowed_then: bool
    explanation_nl: str
    explanation_en: str
    #: Who withdrew or refused after publication (Dutch word), and when (effective, entered).
    decided_by: str | None = None
    decided_on: date | None = None
    entered_on: date | None = None


def at_publication() -> ConsentView:
    """Every record known now, judged on the publication day by when consent was given.

    Records entered after publication count with the day they took effect (a form signed
    in September and entered in December covered a post of November); decisions that took
    effect after the publication day do not.
    """
    return ConsentView(known_at=None, withdrawals_until=None)


def _by(role: Role, entry: ConsentEntry) -> tuple[str, str]:
    nl, en = giver_label(role, entry.given_by)
    return f"de {nl}", f"the {en}"


def _given(role: Role, entry: ConsentEntry) -> tuple[str, str]:
    """'given by the parent on 1 September 2026 (entered on ..., evidence: ...)'."""
    by_nl, by_en = _by(role, entry)
    entered = local_day(entry.recorded_at)
    return (
        f"gegeven door {by_nl} op {day_nl(entry.effective_on)} (ingevoerd op "
        f"{day_nl(entered)} door {entry.recorded_by}; bewijs: {entry.evidence})",
        f"given by {by_en} on {day_en(entry.effective_on)} (entered on {day_en(entered)} "
        f"by {entry.recorded_by}; evidence: {entry.evidence})",
    )


def _purpose_note(
    role: Role, purpose: Purpose, published: date, then: ConsentState, now: ConsentState
) -> ConsentNote | None:
    label_nl, label_en = PURPOSE_LABELS[purpose]
    if not then.valid:
        return ConsentNote(
            False,
            f"Bij publicatie op {day_nl(published)} was er geen geldige toestemming voor "
            f"{label_nl}: {then.reason_nl}.",
            f"When it was published on {day_en(published)} there was no valid consent for "
            f"{label_en}: {then.reason_en}.",
        )
    if now.valid:
        return None
    change = now.record
    if change is None:  # not expected: 'valid then' and 'not now' needs a later decision
        return ConsentNote(
            True,
            f"De toestemming voor {label_nl} geldt niet meer: {now.reason_nl}.",
            f"Consent for {label_en} no longer holds: {now.reason_en}.",
        )
    by_nl, by_en = _by(role, change)
    refused = change.decision is ConsentDecision.REFUSED
    verb_nl, verb_en = ("geweigerd", "refused") if refused else ("ingetrokken", "withdrawn")
    entered = local_day(change.recorded_at)
    given_nl, given_en = _given(role, then.record) if then.record else ("", "")
    return ConsentNote(
        True,
        f"Toestemming voor {label_nl} {verb_nl} door {by_nl} op {day_nl(change.effective_on)} "
        f"(ingevoerd op {day_nl(entered)}), na de publicatie op {day_nl(published)}. Bij "
        f"publicatie was de toestemming geldig" + (f": {given_nl}." if given_nl else "."),
        f"Consent for {label_en} {verb_en} by {by_en} on {day_en(change.effective_on)} "
        f"(entered on {day_en(entered)}), after publication on {day_en(published)}. At "
        "publication consent was valid" + (f": {given_en}." if given_en else "."),
        decided_by=giver_label(role, change.given_by)[0],
        decided_on=change.effective_on,
        entered_on=entered,
    )


def consent_note(
    registry: Registry,
    person_id: str,
    purposes: Sequence[Purpose],
    published: date,
    today_view: ConsentView,
) -> ConsentNote | None:
    """The consent behind a finding about `person_id`; None when the registry cannot say."""
    try:
        role = registry.get_person(person_id).role
        notes = [
            note
            for purpose in purposes
            if (
                note := _purpose_note(
                    role,
                    purpose,
                    published,
                    registry.consent_on(person_id, purpose, published, at_publication()),
                    registry.consent_on(person_id, purpose, published, today_view),
                )
            )
            is not None
        ]
    except RegistryError:
        return None
    if not notes:
        return None
    # Never allowed for one purpose makes the finding a violation, whatever the others say.
    never = [n for n in notes if not n.allowed_then]
    chosen = never or notes
    first = next((n for n in chosen if n.decided_by is not None), chosen[0])
    return ConsentNote(
        not never,
        " ".join(n.explanation_nl for n in chosen),
        " ".join(n.explanation_en for n in chosen),
        first.decided_by,
        first.decided_on,
        first.entered_on,
    )
