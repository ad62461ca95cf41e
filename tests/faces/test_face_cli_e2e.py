"""End to end through the CLI: enrol, consent per channel, unknown faces, withdrawal, redaction.

Consent states are built with the registry's own CLI; photos come from ../shared/data/faces
(the test skips with a visible reason where that folder is absent, and fails with
SCREENING_REQUIRE_SHARED=1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from consent_store.repository import init_registry
from kernel.settings import Settings
from tests.conftest import shared_path

PUBLISH, HOLD = 0, 1


def _school_year(today: date) -> str:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("registry")
    init_registry(Settings(data_dir=data))  # `screening registry init`
    return {**os.environ, "SCREENING_DATA_DIR": str(data), "COLUMNS": "120"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def check(env: dict[str, str], photo: Path, channel: str, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    proc = run(
        env,
        "check",
        "--json",
        "--channel",
        channel,
        "--image",
        str(photo),
        *extra,
        "Sportdag op school",
    )
    assert proc.returncode in (PUBLISH, HOLD), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def face_kinds(decision: dict) -> list[str]:  # type: ignore[type-arg]
    return [f["kind"] for f in decision["findings"] if f["kind"].startswith("face.")]


@pytest.mark.shared
def test_enrol_consent_channel_unknown_withdraw_redact(env: dict[str, str], tmp_path: Path) -> None:
    faces = shared_path("data", "faces", "face_recognition")
    train = faces / "examples" / "knn_examples" / "train" / "obama"
    third = faces / "examples" / "knn_examples" / "test" / "obama1.jpg"
    stranger = faces / "examples" / "knn_examples" / "train" / "biden" / "biden2.jpg"
    no_faces = shared_path("data", "faces", "dlib", "dlib", "test", "ffmpeg_data", "giraffe.jpg")
    year = _school_year(date.today())

    assert (
        run(
            env,
            "registry",
            "add-person",
            "P100",
            "--name",
            "Barack Obama",
            "--role",
            "pupil",
            "--birth-date",
            "2012-05-01",
        ).returncode
        == 0
    )
    # Without consent for face matching, enrolment is refused and nothing is stored.
    refused = run(env, "registry", "enroll-face", "P100", str(train / "obama.jpg"))
    assert refused.returncode == 2 and "gezichtsherkenning" in refused.stderr
    for purpose in ("biometric_matching", "social_media"):
        granted = run(
            env,
            "registry",
            "grant",
            "P100",
            "--purpose",
            purpose,
            "--school-year",
            year,
            "--given-by",
            "parent",
            "--evidence",
            "formulier 2026",
        )
        assert granted.returncode == 0, granted.stderr
    # A photo with more than one face is refused as an enrolment photo.
    group = faces / "examples" / "two_people.jpg"
    bad = run(env, "registry", "enroll-face", "P100", str(train / "obama.jpg"), str(group))
    assert bad.returncode == 2 and "precies één gezicht" in bad.stderr
    ok = run(
        env, "registry", "enroll-face", "P100", str(train / "obama.jpg"), str(train / "obama2.jpg")
    )
    assert ok.returncode == 0, ok.stderr

    code, d = check(env, third, "instagram")
    assert code == PUBLISH, d["findings"]
    assert face_kinds(d) == ["face.consented"]
    [face] = [f for f in d["findings"] if f["kind"] == "face.consented"]
    assert face["person_id"] == "P100" and face["box"] and face["distance"] is not None

    code, d = check(env, third, "website")
    assert code == HOLD and face_kinds(d) == ["face.no_consent"]
    reason = next(r for r in d["reasons"] if r["severity"] == "hold")
    assert reason["article_id"] == "III.B.8"
    assert d["redacted_publishable"] is True

    code, d = check(env, stranger, "instagram")
    assert code == HOLD and face_kinds(d) == ["face.unknown"]

    code, d = check(env, no_faces, "instagram")
    assert code == PUBLISH and face_kinds(d) == []

    out = tmp_path / "redacted"
    code, d = check(
        env, third, "website", "--redact", str(out), "--annotate", str(tmp_path / "annotated")
    )
    [redacted] = list(out.iterdir())
    [annotated] = list((tmp_path / "annotated").iterdir())
    assert annotated.stat().st_size > 0
    # The redacted photo holds no detectable face any more, and no metadata.
    code, d = check(env, redacted, "website")
    assert code == PUBLISH, d["findings"]
    assert face_kinds(d) == []

    withdrawn = run(
        env,
        "registry",
        "withdraw",
        "P100",
        "--purpose",
        "social_media",
        "--evidence",
        "mail van ouder",
    )
    assert withdrawn.returncode == 0, withdrawn.stderr
    code, d = check(env, third, "instagram")
    assert code == HOLD and face_kinds(d) == ["face.no_consent"]
