"""Consent views (the nightly audit's): 'as known at publication' and 'still allowed today'.

First the rule as a table over made-up records (no database), then the same questions put to
the registry on SQLite and PostgreSQL, where `recorded_at` comes from the registry's own clock.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

import consent_store.repository as repository_module
from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, ConsentEntry, GivenBy, PersonInfo, Role
from consent_store.repository import Registry
from consent_store.school_year import SchoolYear
from consent_store.validity import consent_state_in_view
from kernel.types import ConsentView

G, R, W = ConsentDecision.GRANTED, ConsentDecision.REFUSED, ConsentDecision.WITHDRAWN
SELF, PARENT, STAFF = GivenBy.SELF, GivenBy.PARENT, GivenBy.STAFF
SM, WEB = Purpose.SOCIAL_MEDIA, Purpose.WEBSITE
BORN = date(2010, 3, 15)  # 15 at the publication below; 16 from 2026-03-15
PUBLISHED = date(2025, 10, 15)
#: The end of the publication day: what the school knew when the post went out.
AT_PUBLICATION = ConsentView(known_at=datetime(2025, 10, 15, 23, 59, 59, tzinfo=UTC))


def today(day: str) -> ConsentView:
    """The 'still allowed today' view on `day`."""
    return ConsentView(withdrawals_until=date.fromisoformat(day))


def rec(
    n: int,
    decision: ConsentDecision,
    by: GivenBy,
    on: str,
    *,
    recorded: str | None = None,
    year: int | None = None,
    purpose: Purpose = SM,
) -> ConsentEntry:
    """Record n, effective `on`, recorded on `recorded` (default: the day it took effect)."""
    day = date.fromisoformat(on)
    stamp = datetime.fromisoformat(recorded or on).replace(tzinfo=UTC) + timedelta(minutes=n)
    return ConsentEntry(
        record_id=n,
        person_id="p",
        purpose=purpose,
        school_year=SchoolYear(year) if year is not None else SchoolYear.of(day),
        decision=decision,
        given_by=by,
        effective_on=day,
        recorded_by="t",
        recorded_at=stamp,
        evidence="e",
        source="test",
    )


GRANT = rec(1, G, PARENT, "2025-09-01")

CASES = [
    # (id, records, view, valid, code)
    ("granted, nothing since", [GRANT], today("2026-03-20"), True, "granted"),
    ("granted, as known at publication", [GRANT], AT_PUBLICATION, True, "granted"),
    (
        "withdrawn after publication: not allowed today",
        [GRANT, rec(2, W, PARENT, "2026-03-03")],
        today("2026-03-20"),
        False,
        "withdrawn",
    ),
    (
        "withdrawn after publication: was fine at publication",
        [GRANT, rec(2, W, PARENT, "2026-03-03")],
        AT_PUBLICATION,
        True,
        "granted",
    ),
    (
        "withdrawal after the 'today' of the view does not count yet",
        [GRANT, rec(2, W, PARENT, "2026-04-01")],
        today("2026-03-20"),
        True,
        "granted",
    ),
    (
        "withdrawn by staff (someone phoned) counts",
        [GRANT, rec(2, W, STAFF, "2025-11-03")],
        today("2026-03-20"),
        False,
        "withdrawn",
    ),
    (
        "withdrawn, then granted again by the parent: the newest decision counts",
        [GRANT, rec(2, W, PARENT, "2025-11-03"), rec(3, G, PARENT, "2025-12-01")],
        today("2026-03-20"),
        True,
        "granted",
    ),
    (
        "a parent's new grant after the pupil turned 16 does not undo a withdrawal",
        [GRANT, rec(2, W, PARENT, "2025-11-03"), rec(3, G, PARENT, "2026-04-01")],
        today("2026-05-01"),
        False,
        "withdrawn",
    ),
    (
        "pupil turned 16 and refuses on next year's form",
        [GRANT, rec(2, R, SELF, "2026-08-20", year=2026)],
        today("2026-10-01"),
        False,
        "refused",
    ),
    (
        "school year ended without renewal: not a withdrawal",
        [GRANT],
        today("2026-10-01"),
        True,
        "granted",
    ),
    (
        "withdrawal of another purpose does not count",
        [GRANT, rec(2, W, PARENT, "2026-01-10", purpose=WEB)],
        today("2026-03-20"),
        True,
        "granted",
    ),
    (
        "grant recorded only after publication: not known then",
        [rec(1, G, PARENT, "2025-09-01", recorded="2025-11-20")],
        AT_PUBLICATION,
        False,
        "none",
    ),
    (
        "grant recorded only after publication: valid in today's view",
        [rec(1, G, PARENT, "2025-09-01", recorded="2025-11-20")],
        today("2026-03-20"),
        True,
        "granted",
    ),
    (
        "withdrawal backdated to before publication, recorded later",
        [GRANT, rec(2, W, PARENT, "2025-10-01", recorded="2025-12-01")],
        AT_PUBLICATION,
        True,
        "granted",
    ),
    (
        "withdrawal backdated to before publication: invalid today",
        [GRANT, rec(2, W, PARENT, "2025-10-01", recorded="2025-12-01")],
        today("2026-03-20"),
        False,
        "withdrawn",
    ),
    (
        "never granted stays invalid in every view",
        [rec(1, R, PARENT, "2025-09-01")],
        today("2026-03-20"),
        False,
        "refused",
    ),
    ("no view dates: the plain rule", [GRANT], ConsentView(), True, "granted"),
]


@pytest.mark.parametrize(
    ("records", "view", "valid", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_consent_view_table(
    records: list[ConsentEntry], view: ConsentView, valid: bool, code: str
) -> None:
    state = consent_state_in_view(Role.PUPIL, BORN, SM, records, PUBLISHED, view)
    assert (state.valid, state.code) == (valid, code)
    assert state.on_date == PUBLISHED


def test_a_withdrawal_after_publication_says_so_in_both_languages() -> None:
    state = consent_state_in_view(
        Role.PUPIL,
        BORN,
        SM,
        [GRANT, rec(2, W, PARENT, "2026-03-03")],
        PUBLISHED,
        today("2026-03-20"),
    )
    assert "na publicatie op 15-10-2025" in state.reason_nl
    assert "ingetrokken door ouder op 03-03-2026" in state.reason_nl
    assert "after publication on 2025-10-15" in state.reason_en
    assert state.record is not None and state.record.record_id == 2


# --- the registry, on both backends ------------------------------------------------------


def _pupil(registry: Registry, pid: str = "P1") -> None:
    registry.add_person(
        PersonInfo(pid, "Zoë de Vries", Role.PUPIL, date(2012, 3, 1)), recorded_by="test"
    )


def _stamp() -> datetime:
    """A moment strictly between two registry writes."""
    time.sleep(0.01)
    moment = datetime.now(UTC)
    time.sleep(0.01)
    return moment


def test_registry_views_known_at_and_withdrawals(registry: Registry) -> None:
    published = date(2025, 10, 15)
    _pupil(registry)
    registry.grant("P1", SM, SchoolYear(2025), PARENT, "form", on=date(2025, 9, 1))
    after_grant = _stamp()
    registry.withdraw("P1", SM, "mail", on=date(2026, 3, 3), given_by=PARENT)

    as_then = registry.consent_on("P1", SM, published, ConsentView(known_at=after_grant))
    still = registry.consent_on("P1", SM, published, today("2026-03-20"))
    plain = registry.consent_on("P1", SM, published)
    before_withdrawal = registry.consent_on("P1", SM, published, today("2026-03-02"))
    assert (as_then.valid, as_then.code) == (True, "granted")
    assert (still.valid, still.code) == (False, "withdrawn")
    assert (plain.valid, plain.code) == (True, "granted")  # on the publication date itself
    assert before_withdrawal.valid


def test_registry_view_sees_a_refusal_in_a_later_school_year(registry: Registry) -> None:
    _pupil(registry)
    registry.grant("P1", SM, SchoolYear(2025), PARENT, "form", on=date(2025, 9, 1))
    registry.refuse("P1", SM, SchoolYear(2026), PARENT, "form 2026", on=date(2026, 8, 25))
    registry.grant("P1", WEB, SchoolYear(2026), PARENT, "form 2026", on=date(2026, 8, 25))
    state = registry.consent_on("P1", SM, date(2025, 10, 15), today("2026-10-01"))
    assert (state.valid, state.code) == (False, "refused")
    # Only a renewal is missing for the website: its 2025 consent was never given at all.
    web = registry.consent_on("P1", WEB, date(2025, 10, 15), today("2026-10-01"))
    assert (web.valid, web.code) == (False, "none")


def test_registry_view_counts_only_what_was_recorded_by_then(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pupil(registry)
    published_end = datetime(2025, 10, 15, 23, 59, 59, tzinfo=UTC)
    # The form was signed in September but entered in November: not known at publication.
    monkeypatch.setattr(repository_module, "_now", lambda: datetime(2025, 11, 20, 9, tzinfo=UTC))
    registry.grant("P1", SM, SchoolYear(2025), PARENT, "form", on=date(2025, 9, 1))
    at_pub = registry.consent_on("P1", SM, date(2025, 10, 15), ConsentView(known_at=published_end))
    now = registry.consent_on("P1", SM, date(2025, 10, 15), today("2026-01-01"))
    assert (at_pub.valid, at_pub.code) == (False, "none")
    assert now.valid


def test_naive_known_at_is_refused(registry: Registry) -> None:
    _pupil(registry)
    with pytest.raises(ValueError, match="time zone"):
        registry.consent_on(
            "P1", SM, date(2025, 10, 15), ConsentView(known_at=datetime(2025, 1, 1))
        )
