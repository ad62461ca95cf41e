"""CSV import (our format and a school export with a mapping) and export, on both backends."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from consent_store.csv_import import COLUMNS
from consent_store.purposes import Purpose
from consent_store.records import ChangeKind, GivenBy
from consent_store.repository import Registry
from kernel.errors import (
    CsvEncodingError,
    CsvFormatError,
    ImportValidationError,
    MappingFileError,
)
from tests.consent_store.conftest import Backend
from tests.consent_store.helpers import add_pupil, dump

HEADER = ",".join(COLUMNS)
GOOD = "\n".join(
    [
        HEADER,
        "1001,Zoë de Vries,pupil,2014-03-01,De Korre,7B,Zoë;Zo,social_media,2025-2026,granted,"
        "parent,2025-09-01,formulier 2025",
        "1001,Zoë de Vries,pupil,2014-03-01,De Korre,7B,Zoë;Zo,website,2025-2026,refused,"
        "parent,2025-09-01,formulier 2025",
        "1002,Daan Bakker,pupil,2008-05-01,De Korre,5H,,social_media,2025-2026,granted,self,"
        '2025-09-02,"formulier, getekend"',
        "2001,Els Smit,staff,1980-01-01,De Korre,,,,,,,,",
        "",
    ]
)

MAPPING = """
[columns]
person_id = "Leerlingnummer"
name = ["Roepnaam", "Tussenvoegsel", "Achternaam"]
birth_date = "Geboortedatum"
group = "Klas"
aliases = ["Roepnaam"]

[defaults]
role = "pupil"
school = "De Korre"
school_year = "2025-2026"
given_by = "parent"
given_on = "2025-09-01"
evidence = "Toestemmingsformulier Magister, export 2025-09-01"

[purposes]
"Foto's sociale media" = "social_media"
"Foto's website" = "website"
"Naam in bericht" = "named_in_post"

[answers]
yes = ["ja", "J", "1", "Ja, ik geef toestemming"]
no = ["nee", "N", "0", "Nee, ik geef geen toestemming"]
"""
MAGISTER = (
    "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Klas;"
    "Foto's sociale media;Foto's website;Naam in bericht\n"
    "5001;Sem;van;Dijk;01-02-2014;6A;Ja, ik geef toestemming;N;\n"
    "5002;Lotte;;Visser;15-11-2013;6A;ja;1;0\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_import_our_format(registry: Registry, tmp_path: Path) -> None:
    report = registry.import_csv(write(tmp_path / "in.csv", GOOD), recorded_by="admin")
    assert (report.people_added, report.records_added, report.records_skipped) == (3, 3, 0)
    day = date(2025, 10, 1)
    assert registry.consent_on("1001", Purpose.SOCIAL_MEDIA, day).valid
    assert not registry.consent_on("1001", Purpose.WEBSITE, day).valid
    assert registry.consent_on("1002", Purpose.SOCIAL_MEDIA, day).valid  # 17, gave it himself
    assert registry.get_person("1001").aliases == ("Zoë", "Zo")
    assert registry.get_person("2001").role.value == "staff"
    entry = registry.consent_on("1001", Purpose.SOCIAL_MEDIA, day).record
    assert entry is not None and entry.source.startswith("import:") and entry.recorded_by == "admin"


def test_reimport_is_idempotent(registry: Registry, backend: Backend, tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", GOOD)
    registry.import_csv(path)
    before = dump(backend.url)
    report = registry.import_csv(path)
    assert (report.people_added, report.people_updated, report.records_added) == (0, 0, 0)
    assert report.records_skipped == 3
    assert dump(backend.url) == before


def test_import_with_mapping_semicolons_and_bom(registry: Registry, tmp_path: Path) -> None:
    mapping = write(tmp_path / "magister.toml", MAPPING)
    path = write(tmp_path / "export.csv", "\ufeff" + MAGISTER)
    report = registry.import_csv(path, mapping=mapping)
    assert (report.people_added, report.records_added) == (2, 5)
    sem = registry.get_person("5001")
    assert (sem.display_name, sem.group, sem.aliases, sem.birth_date) == (
        "Sem van Dijk",
        "6A",
        ("Sem",),
        date(2014, 2, 1),
    )
    day = date(2025, 10, 1)
    states = {p: s.valid for p, s in registry.consents_on("5002", day).items()}
    assert states[Purpose.SOCIAL_MEDIA] and states[Purpose.WEBSITE]
    assert not states[Purpose.NAMED_IN_POST]
    assert registry.consents_on("5001", day)[Purpose.NAMED_IN_POST].code == "none"  # empty cell
    # The same export again adds nothing.
    assert registry.import_csv(path, mapping=mapping).records_added == 0


def test_dry_run_changes_nothing(registry: Registry, backend: Backend, tmp_path: Path) -> None:
    before = dump(backend.url)
    report = registry.import_csv(write(tmp_path / "in.csv", GOOD), dry_run=True)
    assert report.dry_run and (report.people_added, report.records_added) == (3, 3)
    kinds = {c.kind for c in report.changes if c.external_id == "1001"}
    assert kinds == {ChangeKind.NEW_PERSON, ChangeKind.CONSENT}
    assert dump(backend.url) == before


def test_import_updates_people_and_logs_it(registry: Registry, tmp_path: Path) -> None:
    registry.import_csv(write(tmp_path / "a.csv", GOOD))
    moved = GOOD.replace("De Korre,7B", "De Korre,8B")
    report = registry.import_csv(write(tmp_path / "b.csv", moved))
    assert (report.people_updated, report.records_added) == (1, 0)
    assert registry.get_person("1001").group == "8B"
    assert any(
        getattr(h, "changes", {}).get("group") == ("7B", "8B") for h in registry.history("1001")
    )


BAD_CASES = [
    ("missing column", GOOD.replace(",evidence", ""), CsvFormatError, "evidence"),
    ("unknown column", GOOD.replace("given_on,", "gegeven_op,"), CsvFormatError, "gegeven_op"),
    ("empty file", "", CsvFormatError, "leeg"),
]


@pytest.mark.parametrize(
    ("text", "error", "needle"), [pytest.param(*c[1:], id=c[0]) for c in BAD_CASES]
)
def test_malformed_files_change_nothing(
    registry: Registry,
    backend: Backend,
    tmp_path: Path,
    text: str,
    error: type[Exception],
    needle: str,
) -> None:
    add_pupil(registry, "1001", date(2014, 3, 1))
    before = dump(backend.url)
    with pytest.raises(error) as exc:
        registry.import_csv(write(tmp_path / "bad.csv", text))
    assert needle in str(exc.value.message_nl)  # type: ignore[attr-defined]
    assert dump(backend.url) == before


def test_wrong_encoding_is_refused_with_advice(
    registry: Registry, backend: Backend, tmp_path: Path
) -> None:
    before = dump(backend.url)
    for encoding in ("cp1252", "utf-16"):
        with pytest.raises(CsvEncodingError) as exc:
            registry.import_csv(write(tmp_path / f"{encoding}.csv", GOOD, encoding))
        assert "UTF-8" in exc.value.message_nl and "sla het bestand" in exc.value.message_nl
    assert dump(backend.url) == before


def test_every_bad_row_is_reported_and_nothing_changes(
    registry: Registry, backend: Backend, tmp_path: Path
) -> None:
    add_pupil(registry, "1001", date(2014, 3, 1))
    before = dump(backend.url)
    lines = GOOD.splitlines()
    bad = [
        lines[0],
        lines[1],  # line 2: fine
        "1003,Bo,pupil,2014-13-01,,,,website,2025-2026,granted,parent,2025-09-01,f",  # 3: date
        "1004,Bo,pupil,2014-01-01,,,,instagram,2025-2026,granted,parent,2025-09-01,f",  # 4
        "1005,Bo,pupil,2014-01-01,,,,website,2025-2027,granted,parent,2025-09-01,f",  # 5
        "1006,Bo,kid,2014-01-01,,,,website,2025-2026,granted,parent,2025-09-01,f",  # 6: role
        "1007,Bo,pupil,2014-01-01,,,,website,2025-2026,granted,parent,2025-09-01,",  # 7
        ",Bo,pupil,2014-01-01,,,,website,2025-2026,granted,parent,2025-09-01,f",  # 8: no id
        "1001,Zoë de Vries,pupil,2014-03-02,De Korre,7B,,website,2025-2026,granted,parent,"
        "2025-09-01,f",  # 9: conflicts with line 2
        "1008,Bo,pupil,2014-01-01,,,,website,2025-2026,maybe,oma,2025-09-01,f",  # 10: two
    ]
    with pytest.raises(ImportValidationError) as exc:
        registry.import_csv(write(tmp_path / "bad.csv", "\n".join(bad) + "\n"))
    assert [n for n, _, _ in exc.value.problems] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "maybe" in exc.value.problems[-1][1] and "oma" in exc.value.problems[-1][1]
    message = exc.value.message_nl
    for needle in ("regel 3", "birth_date", "instagram", "2025-2027", "kid", "evidence", "regel 9"):
        assert needle in message
    assert dump(backend.url) == before


def test_bad_mapping_and_unknown_answers(registry: Registry, tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", MAGISTER.replace(";ja;1;0", ";misschien;1;0"))
    with pytest.raises(ImportValidationError) as exc:
        registry.import_csv(path, mapping=write(tmp_path / "m.toml", MAPPING))
    assert exc.value.problems[0][0] == 3 and "misschien" in exc.value.problems[0][1]
    broken = MAPPING.replace('"named_in_post"', '"instagram"')
    with pytest.raises(MappingFileError, match="instagram"):
        registry.import_csv(path, mapping=write(tmp_path / "b.toml", broken))
    with pytest.raises(MappingFileError):
        registry.import_csv(path, mapping=write(tmp_path / "c.toml", "[columns\n"))
    missing_col = MAPPING.replace('group = "Klas"', 'group = "Stamgroep"')
    with pytest.raises(CsvFormatError, match="Stamgroep"):
        registry.import_csv(path, mapping=write(tmp_path / "d.toml", missing_col))


def test_export_round_trip(registry: Registry, backend: Backend, tmp_path: Path) -> None:
    registry.import_csv(write(tmp_path / "in.csv", GOOD))
    registry.withdraw(
        "1001", Purpose.SOCIAL_MEDIA, "mail", on=date(2025, 12, 1), given_by=GivenBy.PARENT
    )
    out = tmp_path / "out.csv"
    assert registry.export_csv(out) == 4
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it lists pupils' dates of birth
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == HEADER
    assert "withdrawn,parent,2025-12-01,mail" in text
    assert "2001,Els Smit,staff,1980-01-01,De Korre,,,,,,,," in text
    # Importing the export into the same registry changes nothing.
    before = dump(backend.url)
    assert registry.import_csv(out).records_added == 0
    assert dump(backend.url) == before


def test_mapping_with_a_given_by_column(registry: Registry, tmp_path: Path) -> None:
    mapping = MAPPING.replace('aliases = ["Roepnaam"]', 'aliases = ["Roepnaam"]\ngiven_by = "Door"')
    mapping += '\n[given_by_values]\n"Ouder/verzorger" = "parent"\n"Leerling" = "self"\n'
    export = (
        "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Klas;Door;"
        "Foto's sociale media;Foto's website;Naam in bericht\n"
        "6001;Mees;;Bos;01-02-2008;5V;Leerling;ja;;\n"
        "6002;Noor;;Bos;01-02-2014;5V;ouder/verzorger;ja;;\n"
    )
    registry.import_csv(
        write(tmp_path / "e.csv", export), mapping=write(tmp_path / "m.toml", mapping)
    )
    day = date(2025, 10, 1)
    for pid, giver in (("6001", GivenBy.SELF), ("6002", GivenBy.PARENT)):
        state = registry.consent_on(pid, Purpose.SOCIAL_MEDIA, day)
        assert state.valid and state.record is not None and state.record.given_by is giver
