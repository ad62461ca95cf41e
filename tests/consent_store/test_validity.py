"""The validity rule as tables: (records, date) -> valid or not, and why. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, ConsentEntry, GivenBy, Role
from consent_store.school_year import SchoolYear
from consent_store.validity import age_on, consent_state, eligible_givers

G, R, W = ConsentDecision.GRANTED, ConsentDecision.REFUSED, ConsentDecision.WITHDRAWN
SELF, PARENT, GUARDIAN, STAFF = GivenBy.SELF, GivenBy.PARENT, GivenBy.GUARDIAN, GivenBy.STAFF
SM = Purpose.SOCIAL_MEDIA
BORN = date(2010, 3, 15)  # 15 on 2025-09-01; 16 from 2026-03-15
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def rec(
    n: int,
    decision: ConsentDecision,
    by: GivenBy,
    on: str,
    year: int | None = None,
    purpose: Purpose = SM,
) -> ConsentEntry:
    """Record number n; later n means recorded later."""
    day = date.fromisoformat(on)
    return ConsentEntry(
        record_id=n,
        person_id="p",
        purpose=purpose,
        school_year=SchoolYear(year) if year is not None else SchoolYear.of(day),
        decision=decision,
        given_by=by,
        effective_on=day,
        recorded_by="t",
        recorded_at=T0 + timedelta(minutes=n),
        evidence="e",
        source="test",
    )


CASES = [
    # (id, role, records, date, valid, code)
    ("no records", Role.PUPIL, [], "2025-10-01", False, "none"),
    (
        "parent grant at 15",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01")],
        "2025-10-01",
        True,
        "granted",
    ),
    (
        "guardian grant at 15",
        Role.PUPIL,
        [rec(1, G, GUARDIAN, "2025-09-01")],
        "2025-10-01",
        True,
        "granted",
    ),
    (
        "own grant at 15 does not count",
        Role.PUPIL,
        [rec(1, G, SELF, "2025-09-01")],
        "2025-10-01",
        False,
        "not_eligible",
    ),
    (
        "parent grant at 15 stays valid after 16th birthday",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01")],
        "2026-05-01",
        True,
        "granted",
    ),
    (
        "parent grant after 16th birthday does not count",
        Role.PUPIL,
        [rec(1, G, PARENT, "2026-03-15")],
        "2026-05-01",
        False,
        "not_eligible",
    ),
    (
        "parent grant the day before 16th birthday counts",
        Role.PUPIL,
        [rec(1, G, PARENT, "2026-03-14")],
        "2026-05-01",
        True,
        "granted",
    ),
    (
        "pupil's own grant from 16 counts",
        Role.PUPIL,
        [rec(1, G, SELF, "2026-03-15")],
        "2026-05-01",
        True,
        "granted",
    ),
    (
        "pupil's own later refusal overrides parent",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01"), rec(2, R, SELF, "2026-04-01")],
        "2026-05-01",
        False,
        "refused",
    ),
    (
        "parent withdrawal for a 16-year-old counts (safe direction)",
        Role.PUPIL,
        [rec(1, G, SELF, "2026-03-20"), rec(2, W, PARENT, "2026-04-01")],
        "2026-05-01",
        False,
        "withdrawn",
    ),
    (
        "after a parent's withdrawal the pupil grants again",
        Role.PUPIL,
        [
            rec(1, G, SELF, "2026-03-20"),
            rec(2, W, PARENT, "2026-04-01"),
            rec(3, G, SELF, "2026-04-10"),
        ],
        "2026-05-01",
        True,
        "granted",
    ),
    (
        "a later parent grant for a 16-year-old does not undo a withdrawal",
        Role.PUPIL,
        [rec(1, W, SELF, "2026-04-01"), rec(2, G, PARENT, "2026-04-10")],
        "2026-05-01",
        False,
        "withdrawn",
    ),
    (
        "withdrawal: before it, valid",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01"), rec(2, W, PARENT, "2025-11-01")],
        "2025-10-31",
        True,
        "granted",
    ),
    (
        "withdrawal: on its day, not valid",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01"), rec(2, W, PARENT, "2025-11-01")],
        "2025-11-01",
        False,
        "withdrawn",
    ),
    (
        "withdrawal by school staff counts",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01"), rec(2, W, STAFF, "2025-11-01")],
        "2025-12-01",
        False,
        "withdrawn",
    ),
    (
        "grant recorded later but effective earlier than a refusal loses",
        Role.PUPIL,
        [rec(1, R, PARENT, "2025-10-01"), rec(2, G, PARENT, "2025-09-01")],
        "2025-12-01",
        False,
        "refused",
    ),
    (
        "same effective day: the later recorded wins",
        Role.PUPIL,
        [rec(1, R, PARENT, "2025-10-01"), rec(2, G, PARENT, "2025-10-01")],
        "2025-12-01",
        True,
        "granted",
    ),
    (
        "year boundary: last day of the school year",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01")],
        "2026-07-31",
        True,
        "granted",
    ),
    (
        "year boundary: 1 August is a new school year",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01")],
        "2026-08-01",
        False,
        "none",
    ),
    (
        "consent for next year given in June counts from 1 August",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-06-20", year=2025)],
        "2025-08-01",
        True,
        "granted",
    ),
    (
        "consent for next year does not count this year",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-06-20", year=2025)],
        "2025-07-01",
        False,
        "none",
    ),
    (
        "future-dated grant not yet in force",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-12-01")],
        "2025-10-01",
        False,
        "not_yet",
    ),
    (
        "purpose specific: website consent is not social media",
        Role.PUPIL,
        [rec(1, G, PARENT, "2025-09-01", purpose=Purpose.WEBSITE)],
        "2025-10-01",
        False,
        "none",
    ),
    (
        "staff decide for themselves",
        Role.STAFF,
        [rec(1, G, SELF, "2025-09-01")],
        "2025-10-01",
        True,
        "granted",
    ),
    (
        "staff: a parent's grant does not count",
        Role.STAFF,
        [rec(1, G, PARENT, "2025-09-01")],
        "2025-10-01",
        False,
        "not_eligible",
    ),
    (
        "intern decides for themselves",
        Role.INTERN,
        [rec(1, G, SELF, "2025-09-01")],
        "2025-10-01",
        True,
        "granted",
    ),
    (
        "a grant recorded by the school without a giver never counts",
        Role.PUPIL,
        [rec(1, G, STAFF, "2025-09-01")],
        "2025-10-01",
        False,
        "not_eligible",
    ),
]


@pytest.mark.parametrize(
    ("role", "records", "on", "valid", "code"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_validity_table(
    role: Role, records: list[ConsentEntry], on: str, valid: bool, code: str
) -> None:
    state = consent_state(role, BORN, SM, records, date.fromisoformat(on))
    assert (state.valid, state.code) == (valid, code), state.reason_en
    assert state.reason_nl.startswith("geldig" if valid else "niet geldig")
    assert state.reason_en.startswith("valid" if valid else "not valid")
    assert (state.record is not None) == (code in ("granted", "refused", "withdrawn"))


@pytest.mark.parametrize(
    ("records", "on", "nl"),
    [
        (
            [rec(1, G, PARENT, "2025-09-01")],
            "2025-10-01",
            "geldig: toestemming gegeven door ouder op 01-09-2025",
        ),
        (
            [rec(1, G, PARENT, "2025-09-01"), rec(2, W, PARENT, "2025-11-01")],
            "2025-12-01",
            "niet geldig: ingetrokken door ouder op 01-11-2025",
        ),
        ([], "2026-09-01", "niet geldig: geen toestemming vastgelegd voor schooljaar 2026-2027"),
        (
            [rec(1, G, PARENT, "2026-04-01")],
            "2026-05-01",
            "niet geldig: toestemming van ouder telt niet meer, leerling was 16 of ouder",
        ),
        (
            [rec(1, R, SELF, "2026-04-01")],
            "2026-05-01",
            "niet geldig: geweigerd door leerling zelf op 01-04-2026",
        ),
    ],
)
def test_reasons_in_plain_dutch(records: list[ConsentEntry], on: str, nl: str) -> None:
    assert consent_state(
        Role.PUPIL, BORN, SM, records, date.fromisoformat(on)
    ).reason_nl.startswith(nl)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        ("2010-03-15", "2026-03-14", 15),
        ("2010-03-15", "2026-03-15", 16),
        ("2008-02-29", "2024-02-28", 15),
        ("2008-02-29", "2024-02-29", 16),
        ("2008-02-29", "2025-02-28", 16),
        ("2009-02-28", "2025-03-01", 16),
    ],
)
def test_age_on(birth: str, on: str, age: int) -> None:
    assert age_on(date.fromisoformat(birth), date.fromisoformat(on)) == age


def test_eligible_givers() -> None:
    assert eligible_givers(Role.PUPIL, BORN, date(2026, 3, 14)) == {PARENT, GUARDIAN}
    assert eligible_givers(Role.PUPIL, BORN, date(2026, 3, 15)) == {SELF}
    assert eligible_givers(Role.STAFF, date(1980, 1, 1), date(2026, 3, 15)) == {SELF}
