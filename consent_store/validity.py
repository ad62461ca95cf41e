"""Whether consent holds: pure functions over a person's records, no database.

The rule: for person P, purpose X and date D, look at P's records for X in the school year
that contains D whose `effective_on` is on or before D. The latest of those (by effective_on,
then recorded_at, then record id) that *counts* decides; a grant is valid, a refusal or a
withdrawal is not. A grant counts only when the eligible person gave it: for a pupil younger
than 16 on the day it was given a parent or guardian, from 16 the pupil; staff and interns
decide for themselves. Refusals and withdrawals count whoever gave them, because the safe
direction is to hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, ConsentEntry, ConsentState, GivenBy, Role
from consent_store.school_year import SchoolYear
from kernel.inputs import shown_date
from kernel.types import ConsentView


def _nl(day: date) -> str:
    """A date in a Dutch reason, as Dutch readers write it (dd-mm-jjjj)."""
    return shown_date(day, "nl")


#: Age from which a pupil decides on their own consent (UAVG art. 5: 16).
AGE_OF_CONSENT = 16


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day` (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def eligible_givers(role: Role, birth_date: date, on: date) -> frozenset[GivenBy]:
    """Who can give a consent that counts, for this person on this day."""
    if role is Role.PUPIL and age_on(birth_date, on) < AGE_OF_CONSENT:
        return frozenset({GivenBy.PARENT, GivenBy.GUARDIAN})
    return frozenset({GivenBy.SELF})


def record_counts(role: Role, birth_date: date, record: ConsentEntry) -> bool:
    """Whether a record takes part in deciding: every refusal/withdrawal, eligible grants."""
    if record.decision is not ConsentDecision.GRANTED:
        return True
    return record.given_by in eligible_givers(role, birth_date, record.effective_on)


def _order(record: ConsentEntry) -> tuple[date, object, int]:
    return (record.effective_on, record.recorded_at, record.record_id)


def giver_label(role: Role, given_by: GivenBy) -> tuple[str, str]:
    """Dutch and English words for who gave a decision, e.g. ('ouder', 'parent')."""
    if given_by is GivenBy.SELF:
        return {
            Role.PUPIL: ("leerling zelf", "the pupil"),
            Role.STAFF: ("medewerker zelf", "the staff member"),
            Role.INTERN: ("stagiair zelf", "the intern"),
        }[role]
    return {
        GivenBy.PARENT: ("ouder", "parent"),
        GivenBy.GUARDIAN: ("voogd", "guardian"),
        GivenBy.STAFF: ("school", "the school"),
    }[given_by]


def _not_eligible_reason(role: Role, birth_date: date, grant: ConsentEntry) -> tuple[str, str]:
    giver_nl, giver_en = giver_label(role, grant.given_by)
    if role is Role.PUPIL and grant.given_by in (GivenBy.PARENT, GivenBy.GUARDIAN):
        return (
            f"niet geldig: toestemming van {giver_nl} telt niet meer, leerling was 16 of ouder "
            f"(op {_nl(grant.effective_on)})",
            f"not valid: consent from a {giver_en} no longer counts, the pupil was 16 or older "
            f"(on {grant.effective_on.isoformat()})",
        )
    if role is Role.PUPIL and grant.given_by is GivenBy.SELF:
        return (
            "niet geldig: toestemming van de leerling zelf telt niet, leerling was jonger dan "
            f"16 (op {_nl(grant.effective_on)}); een ouder of voogd beslist",
            "not valid: the pupil's own consent does not count, the pupil was under 16 "
            f"(on {grant.effective_on.isoformat()}); a parent or guardian decides",
        )
    if role is Role.PUPIL:
        return (
            "niet geldig: toestemming is vastgelegd zonder te zeggen wie haar gaf; dat telt niet",
            "not valid: consent was recorded without stating who gave it; that does not count",
        )
    who_nl, who_en = giver_label(role, GivenBy.SELF)
    return (
        f"niet geldig: toestemming van {giver_nl} telt niet, die moet van {who_nl} komen",
        f"not valid: consent from {giver_en} does not count, it must come from {who_en}",
    )


def consent_state(
    role: Role,
    birth_date: date,
    purpose: Purpose,
    records: Iterable[ConsentEntry],
    on_date: date,
) -> ConsentState:
    """Whether consent for `purpose` holds on `on_date`, given all of a person's records."""
    year = SchoolYear.of(on_date)
    in_year = [r for r in records if r.purpose is purpose and r.school_year == year]
    applicable = sorted((r for r in in_year if r.effective_on <= on_date), key=_order)
    counting = [r for r in applicable if record_counts(role, birth_date, r)]

    def state(valid: bool, code: str, nl: str, en: str, rec: ConsentEntry | None) -> ConsentState:
        return ConsentState(valid, code, nl, en, purpose, on_date, rec)

    if counting:
        deciding = counting[-1]
        giver_nl, giver_en = giver_label(role, deciding.given_by)
        day, day_nl = deciding.effective_on.isoformat(), _nl(deciding.effective_on)
        if deciding.decision is ConsentDecision.GRANTED:
            return state(
                True,
                "granted",
                f"geldig: toestemming gegeven door {giver_nl} op {day_nl}",
                f"valid: consent granted by {giver_en} on {day}",
                deciding,
            )
        if deciding.decision is ConsentDecision.REFUSED:
            return state(
                False,
                "refused",
                f"niet geldig: geweigerd door {giver_nl} op {day_nl}",
                f"not valid: refused by {giver_en} on {day}",
                deciding,
            )
        return state(
            False,
            "withdrawn",
            f"niet geldig: ingetrokken door {giver_nl} op {day_nl}",
            f"not valid: withdrawn by {giver_en} on {day}",
            deciding,
        )
    if applicable:
        nl, en = _not_eligible_reason(role, birth_date, applicable[-1])
        return state(False, "not_eligible", nl, en, None)
    if in_year:
        starts = min(r.effective_on for r in in_year)
        first = starts.isoformat()
        return state(
            False,
            "not_yet",
            f"niet geldig: wat voor schooljaar {year} is vastgelegd, geldt pas vanaf {_nl(starts)}",
            f"not valid: what is recorded for school year {year} only applies from {first}",
            None,
        )
    return state(
        False,
        "none",
        f"niet geldig: geen toestemming vastgelegd voor schooljaar {year}",
        f"not valid: no consent recorded for school year {year}",
        None,
    )


def consent_state_in_view(
    role: Role,
    birth_date: date,
    purpose: Purpose,
    records: Iterable[ConsentEntry],
    on_date: date,
    view: ConsentView,
) -> ConsentState:
    """`consent_state` as seen from a `ConsentView` (the nightly audit's two points of view).

    `known_at` drops every record recorded after that moment (what the school knew then).
    `withdrawals_until` then looks past the publication date: when consent held on `on_date`,
    the newest counting decision for the purpose that took effect after `on_date` and up to
    that date (in the same or a later school year) decides; a refusal or withdrawal makes it
    invalid, a new grant by the right person after such a withdrawal makes it valid again. A
    school year ending without renewal is not a withdrawal: the codes require renewal for new
    publications, not the removal of old ones.
    """
    known = [
        r
        for r in records
        if r.purpose is purpose and (view.known_at is None or r.recorded_at <= view.known_at)
    ]
    base = consent_state(role, birth_date, purpose, known, on_date)
    until = view.withdrawals_until
    if not base.valid or until is None or until <= on_date:
        return base
    first_year = SchoolYear.of(on_date)
    later = sorted(
        (
            r
            for r in known
            if r.school_year >= first_year
            and on_date < r.effective_on <= until
            and record_counts(role, birth_date, r)
        ),
        key=_order,
    )
    if not later or later[-1].decision is ConsentDecision.GRANTED:
        return base
    deciding = later[-1]
    giver_nl, giver_en = giver_label(role, deciding.given_by)
    day, published = deciding.effective_on.isoformat(), on_date.isoformat()
    refused = deciding.decision is ConsentDecision.REFUSED
    verb_nl, verb_en = ("geweigerd", "refused") if refused else ("ingetrokken", "withdrawn")
    return ConsentState(
        False,
        deciding.decision.value,
        f"niet meer geldig: na publicatie op {_nl(on_date)} {verb_nl} door {giver_nl} op "
        f"{_nl(deciding.effective_on)}",
        f"no longer valid: {verb_en} by {giver_en} on {day}, after publication on {published}",
        purpose,
        on_date,
        deciding,
    )
