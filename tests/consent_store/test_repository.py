"""The registry's acceptance cases, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from consent_store.purposes import Purpose, purpose_for_channel
from consent_store.records import ConsentDecision, GivenBy, PersonChange, PersonInfo, Role
from consent_store.repository import Registry, init_registry, open_registry
from consent_store.schema import ConsentRecord
from consent_store.school_year import SchoolYear
from kernel.errors import (
    DuplicatePersonError,
    InvalidPersonDataError,
    RegistryInputError,
    RegistryUnavailableError,
    UnknownPersonError,
)
from kernel.settings import Settings
from kernel.types import Channel
from tests.consent_store.conftest import Backend
from tests.consent_store.helpers import Y2025, add_pupil, dump, grant

SM = Purpose.SOCIAL_MEDIA


def count_records(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(ConsentRecord))
    engine.dispose()
    return int(n or 0)


def test_age_rule(registry: Registry) -> None:
    # 15 years old when the parent consented: valid.
    add_pupil(registry, "p15", date(2010, 3, 15))
    grant(registry, "p15", SM, GivenBy.PARENT, date(2025, 9, 1))
    assert registry.consent_on("p15", SM, date(2025, 10, 1)).valid
    # 17 years old, only a parent's consent recorded after the 16th birthday: not valid.
    add_pupil(registry, "p17", date(2008, 5, 1))
    grant(registry, "p17", SM, GivenBy.PARENT, date(2025, 9, 1))
    state = registry.consent_on("p17", SM, date(2025, 10, 1))
    assert not state.valid and state.code == "not_eligible"
    assert "16 of ouder" in state.reason_nl
    # ...until the pupil grants it themselves.
    grant(registry, "p17", SM, GivenBy.SELF, date(2025, 10, 2))
    assert registry.consent_on("p17", SM, date(2025, 10, 3)).valid


def test_year_boundary(registry: Registry) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    grant(registry, "p", SM, GivenBy.PARENT, date(2025, 9, 1), SchoolYear.parse("2025-2026"))
    assert registry.consent_on("p", SM, date(2026, 7, 31)).valid
    lapsed = registry.consent_on("p", SM, date(2026, 8, 1))
    assert not lapsed.valid
    assert lapsed.reason_nl == "niet geldig: geen toestemming vastgelegd voor schooljaar 2026-2027"


def test_withdrawal_adds_a_record_and_as_of_queries(registry: Registry, backend: Backend) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    grant(registry, "p", SM, GivenBy.PARENT, date(2025, 9, 1))
    assert count_records(backend.url) == 1
    [entry] = registry.withdraw(
        "p", SM, "e-mail van moeder", on=date(2025, 11, 1), given_by=GivenBy.PARENT
    )
    assert entry.decision is ConsentDecision.WITHDRAWN
    assert count_records(backend.url) == 2  # a new row; the grant is still there
    assert registry.consent_on("p", SM, date(2025, 10, 31)).valid  # before: valid
    after = registry.consent_on("p", SM, date(2025, 11, 1))
    assert not after.valid and after.code == "withdrawn"
    assert after.reason_nl == "niet geldig: ingetrokken door ouder op 01-11-2025"
    history = registry.history("p")
    assert [type(h) for h in history] == [PersonChange, type(entry), type(entry)]
    assert [getattr(h, "decision", None) for h in history[1:]] == [
        ConsentDecision.GRANTED,
        ConsentDecision.WITHDRAWN,
    ]


def test_withdrawal_also_covers_next_years_form(registry: Registry) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    grant(registry, "p", SM, GivenBy.PARENT, date(2025, 9, 1))
    grant(registry, "p", SM, GivenBy.PARENT, date(2026, 6, 1), SchoolYear(2026))
    entries = registry.withdraw("p", SM, "brief", on=date(2026, 6, 15))
    assert [e.school_year for e in entries] == [SchoolYear(2025), SchoolYear(2026)]
    assert not registry.consent_on("p", SM, date(2026, 9, 1)).valid


def test_purpose_specificity(registry: Registry) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    grant(registry, "p", Purpose.WEBSITE, GivenBy.PARENT, date(2025, 9, 1))
    day = date(2025, 10, 1)
    assert registry.consent_on("p", purpose_for_channel(Channel.WEBSITE), day).valid
    assert not registry.consent_on("p", purpose_for_channel(Channel.INSTAGRAM), day).valid
    states = registry.consents_on("p", day)
    assert [p for p, s in states.items() if s.valid] == [Purpose.WEBSITE]


def test_consent_records_cannot_be_updated_or_deleted(registry: Registry, backend: Backend) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    grant(registry, "p", SM, GivenBy.PARENT, date(2025, 9, 1))
    engine = create_engine(backend.url)
    for statement in (
        "UPDATE consent_records SET decision = 'refused'",
        "DELETE FROM consent_records",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
    assert count_records(backend.url) == 1


def test_people_names_and_history(registry: Registry) -> None:
    add_pupil(registry, "p1", date(2014, 1, 1), name="Zoë de Vries", aliases=("Zoë", "Zo"))
    add_pupil(registry, "p2", date(2014, 1, 1), name="Daan Bakker", group="7B")
    assert [p.external_id for p in registry.find_by_name("ZOE DE  VRIES")] == ["p1"]
    assert [p.external_id for p in registry.find_by_name("zoe")] == ["p1"]
    assert registry.find_by_name("Zoëtje") == []
    updated = registry.update_person("p2", group="8B", aliases=["Daantje"], recorded_by="mentor")
    assert updated.group == "8B"
    assert [p.external_id for p in registry.find_by_name("daantje")] == ["p2"]
    [created, change] = registry.history("p2")
    assert isinstance(change, PersonChange) and change.changed_by == "mentor"
    assert change.changes == {"group": ("7B", "8B"), "aliases": (None, "Daantje")}
    assert isinstance(created, PersonChange) and created.action == "created"


def test_name_keys_and_people_by_id(registry: Registry) -> None:
    """What the names detector's index is built from: ids and name keys, people on demand."""
    add_pupil(registry, "p1", date(2014, 1, 1), name="Zoë de Vries", aliases=("Zoë", "Zo"))
    add_pupil(registry, "p2", date(2014, 1, 1), name="Daan Bakker")
    keys = {k.external_id: k for k in registry.name_keys()}
    assert keys["p1"].key == "zoe de vries" and keys["p1"].alias_keys == ("zoe", "zo")
    assert keys["p2"].key == "daan bakker" and keys["p2"].alias_keys == ()
    people = registry.people(["p2", "p1", "gone"])
    assert sorted(people) == ["p1", "p2"]  # an unknown id is left out
    assert people["p1"].display_name == "Zoë de Vries" and people["p1"].aliases == ("Zoë", "Zo")
    assert registry.people([]) == {}


def test_people_lacking(registry: Registry) -> None:
    add_pupil(registry, "a", date(2014, 1, 1))
    add_pupil(registry, "b", date(2014, 1, 1))
    grant(registry, "a", SM, GivenBy.PARENT, date(2025, 9, 1))
    lacking = registry.people_lacking(SM, Y2025, date(2025, 10, 1))
    assert [(p.external_id, s.code) for p, s in lacking] == [("b", "none")]


def test_input_errors_change_nothing(registry: Registry, backend: Backend) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    before = dump(backend.url)
    with pytest.raises(DuplicatePersonError):
        add_pupil(registry, "p", date(2014, 1, 1))
    with pytest.raises(UnknownPersonError):
        grant(registry, "nobody", SM, GivenBy.PARENT, date(2025, 9, 1))
    with pytest.raises(InvalidPersonDataError):
        registry.grant("p", SM, Y2025, GivenBy.PARENT, "  ", on=date(2025, 9, 1))
    with pytest.raises(RegistryInputError, match=r"na het einde|after the end"):
        registry.grant("p", SM, Y2025, GivenBy.PARENT, "e", on=date(2026, 8, 1))
    with pytest.raises(InvalidPersonDataError):
        registry.add_person(PersonInfo("q", "", Role.PUPIL, date(2014, 1, 1)))
    with pytest.raises(InvalidPersonDataError):
        registry.add_person(PersonInfo("q", "Q", Role.PUPIL, date(2999, 1, 1)))
    assert dump(backend.url) == before


def test_unreachable_database_is_a_registry_error() -> None:
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(RegistryUnavailableError) as err:
        open_registry(settings)
    assert err.value.code == "E201" and err.value.category == "config"


def test_database_gone_after_open_is_a_registry_error(tmp_path: Path) -> None:
    init_registry(Settings(data_dir=tmp_path))
    reg = open_registry(Settings(data_dir=tmp_path))
    add_pupil(reg, "p", date(2014, 1, 1))
    reg.close()
    db = tmp_path / "registry.sqlite3"
    db.unlink()
    db.mkdir()  # now a folder: SQLite cannot open it
    with pytest.raises(RegistryUnavailableError):
        reg.consent_on("p", SM, date(2025, 10, 1))
