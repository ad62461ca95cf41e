"""`screening registry ...`: the stable command-line contract.

The main flow runs as a separate process (`python -m screening registry ...`), as a school's
script would run it. The table of malformed inputs runs in-process through the same Typer
app, to keep the suite fast; one of them also runs as a process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.registry import registry_app
from consent_store.csv_import import COLUMNS
from tests.consent_store.conftest import Backend
from tests.consent_store.helpers import cli, dump

OK, INPUT_ERROR, CONFIG_ERROR = 0, 2, 3


def test_contract_end_to_end(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = backend.env()
    for name, value in env.items():
        if name.startswith("SCREENING_"):
            monkeypatch.setenv(name, value)
    runner = CliRunner()
    # Each process start costs most of a second; the commands that change the registry, the
    # import and export, and show run as real processes, the rest in-process.
    in_process = {"update-person", "refuse", "lacking"}

    def run(*args: str, code: int = OK) -> str:
        if args[0] in in_process or args[-2:] == ("--lang", "en"):
            result = runner.invoke(registry_app, list(args))
            assert result.exit_code == code, (args, result.output, result.stderr)
            return result.output
        proc = cli(env, *args)
        assert proc.returncode == code, (args, proc.stdout, proc.stderr)
        return proc.stdout + proc.stderr

    out = run(
        "add-person", "1001", "--name", "Zoë de Vries", "--role", "pupil",
        "--birth-date", "2010-03-15", "--school", "De Korre", "--group", "7B",
        "--alias", "Zoë", "--alias", "Zo",
    )  # fmt: skip
    assert "Persoon 1001 toegevoegd" in out
    run("update-person", "1001", "--group", "8B", "--recorded-by", "mentor")
    out = run(
        "grant", "1001", "--purpose", "social_media", "--school-year", "2025-2026",
        "--given-by", "parent", "--evidence", "formulier 2025", "--date", "2025-09-01",
        "--recorded-by", "administratie",
    )  # fmt: skip
    assert "Vastgelegd" in out
    run(
        "refuse", "1001", "--purpose", "website", "--school-year", "2025-2026",
        "--given-by", "parent", "--evidence", "formulier 2025", "--date", "2025-09-01",
    )  # fmt: skip
    run(
        "withdraw", "1001", "--purpose", "social_media", "--evidence", "mail moeder",
        "--date", "2025-11-01", "--given-by", "parent",
    )  # fmt: skip
    shown = json.loads(run("show", "1001", "--json", "--date", "2025-10-15"))
    assert shown["person"]["group"] == "8B" and shown["person"]["aliases"] == ["Zoë", "Zo"]
    assert shown["consent"]["social_media"]["valid"] is True
    assert shown["consent"]["website"]["code"] == "refused"
    kinds = [(h["type"], h.get("decision")) for h in shown["history"]]
    assert kinds == [
        ("person", None),
        ("person", None),
        ("consent", "granted"),
        ("consent", "refused"),
        ("consent", "withdrawn"),
    ]
    assert shown["history"][2]["recorded_by"] == "administratie"
    nl = run("show", "1001", "--date", "2025-11-15")
    assert "ingetrokken door ouder op 01-11-2025" in nl and "Geschiedenis" in nl
    en = run("show", "1001", "--date", "2025-11-15", "--lang", "en")
    assert "withdrawn by parent on 2025-11-01" in en and "History" in en
    lacking = json.loads(
        run("lacking", "--purpose", "social_media", "--school-year", "2025-2026", "--json")
    )
    assert [p["id"] for p in lacking] == ["1001"]

    csv_file = tmp_path / "in.csv"
    csv_file.write_text(
        ",".join(COLUMNS) + "\n2002,Bo Smit,pupil,2012-01-01,De Korre,5A,,website,"
        "2025-2026,granted,guardian,2025-09-03,formulier\n",
        encoding="utf-8",
    )
    before = dump(backend.url)
    out = run("import", str(csv_file), "--dry-run")
    assert "Proefrun" in out and "nieuwe persoon 2002" in out
    assert dump(backend.url) == before
    assert "personen nieuw 1" in run("import", str(csv_file))
    exported = tmp_path / "out.csv"
    run("export", str(exported))
    assert "2002,Bo Smit,pupil" in exported.read_text(encoding="utf-8-sig")


def test_malformed_input_as_a_process(backend: Backend) -> None:
    before = dump_after_open(backend)
    proc = cli(
        backend.env(), "grant", "nobody", "--purpose", "website", "--school-year",
        "2025-2026", "--given-by", "parent", "--evidence", "x", "--date", "2025-09-01",
    )  # fmt: skip
    assert proc.returncode == INPUT_ERROR
    assert "onbekende persoon 'nobody'" in proc.stderr
    assert dump(backend.url) == before


def dump_after_open(backend: Backend) -> dict[str, list[tuple[object, ...]]]:
    from consent_store.repository import open_registry

    open_registry(backend.settings()).close()
    return dump(backend.url)


PERSON = ["add-person", "1", "--name", "Bo", "--role", "pupil", "--birth-date", "2012-01-01"]
GRANT = ["grant", "1", "--purpose", "website", "--school-year", "2025-2026"]
GRANT_REST = ["--given-by", "parent", "--evidence", "formulier", "--date", "2025-09-01"]

MALFORMED = [
    ("unknown person", ["grant", "9", *GRANT[2:], *GRANT_REST], "onbekende persoon"),
    (
        "unknown purpose",
        ["grant", "1", "--purpose", "insta", *GRANT[4:], *GRANT_REST],
        "onbekend doel",
    ),
    ("date format", [*GRANT, *GRANT_REST[:-1], "2025/13/01"], "geen datum"),
    (
        "birth date format",
        ["add-person", "2", "--name", "X", "--role", "pupil", "--birth-date", "1 jan 2012"],
        "geen datum",
    ),
    ("duplicate id", PERSON, "bestaat al"),
    (
        "school year",
        ["grant", "1", "--purpose", "website", "--school-year", "2025-2027", *GRANT_REST],
        "geen schooljaar",
    ),
    (
        "school year words",
        ["grant", "1", "--purpose", "website", "--school-year", "dit jaar", *GRANT_REST],
        "geen schooljaar",
    ),
    (
        "unknown role",
        ["add-person", "2", "--name", "X", "--role", "kind", "--birth-date", "2012-01-01"],
        "onbekende rol",
    ),
    ("grant given by staff", [*GRANT, *GRANT_REST[:-2], "--given-by", "staff"], "--given-by"),
    ("empty evidence", [*GRANT, *GRANT_REST[:-4], "--evidence", " "], "bewijs"),
    ("show unknown", ["show", "9"], "onbekende persoon"),
    ("missing csv", ["import", "/nonexistent.csv"], "bestaat niet"),
]


@pytest.mark.parametrize(("args", "needle"), [pytest.param(c[1], c[2], id=c[0]) for c in MALFORMED])
def test_malformed_input_exit_2_and_nothing_changes(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    for name, value in backend.env().items():
        if name.startswith("SCREENING_"):
            monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert runner.invoke(registry_app, PERSON).exit_code == OK
    before = dump(backend.url)
    result = runner.invoke(registry_app, args)
    assert result.exit_code == INPUT_ERROR, result.output
    assert needle in result.stderr
    assert dump(backend.url) == before


def test_bad_csv_reports_every_line(backend: Backend, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(COLUMNS)
        + "\n1,A,pupil,2012-01-01,,,,website,2025-2026,granted,parent,,f"
        + "\n2,B,pupil,2012-99-01,,,,website,2025-2026,granted,parent,,f"
        + "\n3,C,pupil,2012-01-01,,,,website,2025-2026,granted,oma,,f\n",
        encoding="utf-8",
    )
    before = dump_after_open(backend)
    proc = cli(backend.env(), "import", str(bad))
    assert proc.returncode == INPUT_ERROR
    assert "regel 3" in proc.stderr and "regel 4" in proc.stderr and "oma" in proc.stderr
    assert "regel 2" not in proc.stderr
    assert dump(backend.url) == before


def test_unreachable_database_is_a_config_error(tmp_path: Path) -> None:
    env = Backend("postgresql", "postgresql+psycopg://x@127.0.0.1:1/none", tmp_path, None).env()
    proc = cli(env, "show", "1")
    assert proc.returncode == CONFIG_ERROR
    assert "niet bereikbaar" in proc.stderr and "Traceback" not in proc.stderr
