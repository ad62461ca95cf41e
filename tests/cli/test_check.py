"""`screening check` end to end, as a separate process like a school's script would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from tests.images.drawing import jpeg_bytes

PUBLISH, HOLD, INPUT_ERROR, CONFIG_ERROR = 0, 1, 2, 3


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "screening", "check", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def as_json(proc: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(proc.stdout))


def test_phone_number_holds_citing_svok_iii_a_3() -> None:
    proc = run("--json", "Bel me op 06-12345678")
    assert proc.returncode == HOLD, proc.stderr
    d = as_json(proc)
    assert d["action"] == "hold"
    [f] = d["findings"]
    assert f["kind"] == "pii.phone"
    assert f["span"] == {"start": 10, "end": 21, "text": "06-12345678"}
    assert f["severity"] == "hold" and f["detector"] == "phone" and 0 < f["score"] <= 1
    reason = d["reasons"][0]
    assert (reason["pack"], reason["article_id"]) == ("svok", "III.A.3")
    assert reason["text"].startswith("Het is toegestaan om kennis en informatie")
    assert reason["finding_ids"] == [f["id"]]
    assert d["versions"]["policy"].startswith("svok@")
    assert d["versions"]["detectors"]["phone"]


def test_phone_number_with_de_korre_cites_its_paragraph() -> None:
    proc = run("--json", "--policy", "de-korre", "Bel me op 06-12345678")
    assert proc.returncode == HOLD
    reason = as_json(proc)["reasons"][0]
    assert (reason["pack"], reason["article_id"], reason["label"]) == ("de-korre", "3.3a", "3.3")
    assert "persoonsgegevens" in reason["text"]


def test_clean_post_publishes() -> None:
    proc = run("--json", "Wat een mooie sportdag vandaag! Dank aan alle vrijwilligers.")
    assert proc.returncode == PUBLISH, proc.stderr
    assert as_json(proc)["action"] == "publish"


def test_human_output_is_dutch_and_highlights_the_text() -> None:
    proc = run("Bel me op 06-12345678")
    out = proc.stdout.decode()
    assert proc.returncode == HOLD
    assert "NIET PUBLICEREN" in out and "Telefoonnummer" in out
    assert "06-12345678" in out and "III.A.3" in out
    assert "Het is toegestaan om kennis en informatie" in out
    en = run("--lang", "en", "Bel me op 06-12345678").stdout.decode()
    assert "HOLD" in en and "Phone number" in en


def test_text_from_file_and_stdin(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("Mail naar jan.de.vries@example.nl voor info.", encoding="utf-8")
    from_file = run("--json", "--file", str(post))
    from_stdin = run("--json", stdin=post.read_bytes())
    from_dash = run("--json", "-", stdin=post.read_bytes())
    for proc in (from_file, from_stdin, from_dash):
        assert proc.returncode == HOLD, proc.stderr
        assert [f["kind"] for f in as_json(proc)["findings"]] == ["pii.email"]


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        ((), b"", "geen tekst"),
        (("   ",), None, "geen tekst"),
        (("-",), b"Caf\xe9 \xff", "UTF-8"),
        (("-",), b"a" * 5_000_000, "langer dan"),
        (("--channel", "myspace", "hallo"), None, "onbekend kanaal"),
        (("--policy", "kennemerland", "hallo"), None, "onbekend beleidspakket"),
        (("--date", "31-02-2026", "hallo"), None, "geen datum"),
        (("--date", "morgen", "hallo"), None, "geen datum"),
        (("--image", "/does/not/exist.jpg", "hallo"), None, "bestaat niet"),
        (("--lang", "fr", "hallo"), None, "onbekende taal"),
    ],
)
def test_bad_input_is_a_clear_error(
    args: tuple[str, ...], stdin: bytes | None, needle: str
) -> None:
    proc = run(*args, stdin=stdin)
    assert proc.returncode == INPUT_ERROR, (proc.stdout, proc.stderr)
    err = proc.stderr.decode()
    assert needle in err
    assert "Traceback" not in err
    assert proc.stdout == b""


def test_bad_input_file_is_a_clear_error(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5_000_000)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Groeten uit Zürich".encode("latin-1"))
    for path, needle in ((big, "langer dan"), (latin, "UTF-8"), (tmp_path, "niet lezen")):
        proc = run("--file", str(path))
        assert proc.returncode == INPUT_ERROR
        assert needle in proc.stderr.decode()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("kapot.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "corrupt"),
        ("brief.jpg", b"%PDF-1.4 hello", "not_an_image"),
        ("leeg.png", b"", "empty"),
        ("notitie.jpg", b"Dit is tekst, geen foto.\n", "unknown_format"),
    ],
)
def test_unreadable_image_holds_with_a_clear_finding(
    tmp_path: Path, name: str, data: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    proc = run("--json", "--image", str(path), "Sportdag")
    assert proc.returncode == HOLD, proc.stderr
    assert b"Traceback" not in proc.stderr
    [f] = as_json(proc)["findings"]
    assert f["kind"] == "image.unreadable"
    assert f["image_index"] == 0
    assert f["evidence"]["validation"] in {code, "corrupt", "truncated", "unknown_format"}
    human = run("--image", str(path), "Sportdag").stdout.decode()
    assert "Foto onleesbaar" in human and name in human


def test_jsonl_content_calendar(tmp_path: Path) -> None:
    (tmp_path / "foto.jpg").write_bytes(jpeg_bytes())
    lines = [
        {"id": "a", "text": "Open dag op zaterdag!", "channel": "website", "date": "2026-12-05"},
        {"id": "b", "text": "Vragen? Bel 020-1234567", "channel": "facebook"},
        {"id": "c", "text": "Sportdag", "images": ["foto.jpg"]},
        {"id": "d", "text": "Hallo", "channel": "myspace"},
    ]
    src = tmp_path / "kalender.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n\nnot json\n", encoding="utf-8")
    out = tmp_path / "besluiten.jsonl"
    proc = run("--jsonl", str(src), "--out", str(out))
    assert proc.returncode == INPUT_ERROR  # two bad lines
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id", r.get("post_id")) for r in records] == ["a", "b", "c", "d", None]
    # The drawn photo has no face: with face screening on, it publishes.
    assert [r.get("action") for r in records] == ["publish", "hold", "publish", None, None]
    assert records[0]["channel"] == "website" and records[0]["publish_on"] == "2026-12-05"
    assert "onbekend kanaal" in records[3]["error"]["message_nl"]
    assert records[4]["line"] == 6 and "JSON" in records[4]["error"]["message"]

    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps(lines[0]) + "\n", encoding="utf-8")
    assert run("--jsonl", str(ok)).returncode == PUBLISH


def test_broken_school_pack_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "eigen.toml").write_text(
        'id = "eigen"\nversion = "1"\ntitle = "t"\n[[articles]]\nid = "1"\nsection = "s"\n'
        'text = "t"\n[fallback]\narticles = ["2"]\nseverity = "hold"\n',
        encoding="utf-8",
    )
    proc = run("hallo", env={"SCREENING_POLICY_DIRS": json.dumps([str(tmp_path)])})
    assert proc.returncode == CONFIG_ERROR
    assert "cites article '2'" in proc.stderr.decode() or "'2'" in proc.stderr.decode()


@pytest.mark.parametrize("variable", ["SCREENING_DATABASE_URL", "SCREENING_DATA_DIR"])
def test_a_registry_that_is_not_there_is_exit_3_and_nothing_is_created(
    tmp_path: Path, variable: str
) -> None:
    """Issue 19: a typo in the registry's location published a post that names a pupil
    without consent, because a new, empty registry was silently made there."""
    typo = tmp_path / "sreening" / "registry.sqlite3"
    value = f"sqlite:///{typo}" if variable == "SCREENING_DATABASE_URL" else str(typo.parent)
    for text in ("Sanne uit groep 7 was jarig.", "Wat een mooie sportdag!"):
        proc = run("--json", text, env={variable: value})
        assert proc.returncode == CONFIG_ERROR, proc.stdout
        assert proc.stdout == b""
        err = proc.stderr.decode()
        assert "[E205]" in err and "screening registry init" in err and str(typo) in err
    assert not typo.parent.exists()


def test_registry_init_then_check_screens_against_it(tmp_path: Path) -> None:
    env = {**os.environ, "SCREENING_DATA_DIR": str(tmp_path / "data")}
    made = subprocess.run(
        [sys.executable, "-m", "screening", "registry", "init"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert "Nieuw, leeg toestemmingsregister aangemaakt" in made.stdout
    assert (tmp_path / "data" / "registry.sqlite3").is_file()
    assert (tmp_path / "data" / "template.key").is_file()
    proc = run(
        "--json", "Sanne uit groep 7 was jarig.", env={"SCREENING_DATA_DIR": str(tmp_path / "data")}
    )
    assert proc.returncode == HOLD
    assert {f["kind"] for f in as_json(proc)["findings"]} == {"pii.pupil_name"}
    again = subprocess.run(
        [sys.executable, "-m", "screening", "registry", "init", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert again.returncode == 0 and "already exists" in again.stdout
