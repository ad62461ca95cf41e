"""`screening audit` as cron runs it: exit codes, messages, purge, and resuming after a kill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from screening.audit.face_cache import CACHE_FILE_NAME
from screening.audit.journal import JOURNAL_FILE_NAME
from screening.audit.lock import AuditLock
from tests.audit.library import PublishedState, astronaut, jpeg, write_item

ACTION_NEEDED, INPUT_ERROR, CONFIG_ERROR, BUSY = 1, 2, 3, 75


def env_for(state: PublishedState, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SCREENING_DATA_DIR": str(state.settings.data_dir), "COLUMNS": "200"}
    env.pop("SCREENING_TEMPLATE_KEY", None)
    env.pop("SCREENING_DATABASE_URL", None)
    return {**env, **extra}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "screening", "audit", *args]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_exit_codes_and_purge(published: PublishedState, tmp_path: Path) -> None:
    env = env_for(published)
    state = tmp_path / "state"
    out = tmp_path / "out"

    done = run(env, str(published.folder), "--out", str(out), "--state-dir", str(state), "-w", "1")
    assert done.returncode == ACTION_NEEDED, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert events[-1]["event"] == "audit.finish"
    assert events[-1]["counts"] == {
        "ok": 3,
        "take_down": 0,
        "violation": 2,
        "review": 2,
        "metadata": 0,
    }
    assert (out / "report.html").is_file() and (state / CACHE_FILE_NAME).is_file()

    missing = run(env, str(tmp_path / "weg"), "--out", str(out), "--state-dir", str(state))
    assert missing.returncode == INPUT_ERROR and "bestaat niet" in missing.stderr

    bad_key = run(
        env_for(published, SCREENING_TEMPLATE_KEY="kort"),
        str(published.folder),
        "--out",
        str(out),
        "--state-dir",
        str(state),
    )
    assert bad_key.returncode == CONFIG_ERROR and "E202" in bad_key.stderr

    with AuditLock(state):
        busy = run(env, str(published.folder), "--out", str(out), "--state-dir", str(state))
        refused_purge = run(env, "--purge-cache", "--state-dir", str(state), "--lang", "en")
    assert busy.returncode == BUSY and "er loopt al een controle" in busy.stderr
    assert refused_purge.returncode == BUSY and "another audit is already running" in (
        refused_purge.stderr
    )
    assert (state / CACHE_FILE_NAME).is_file()

    purged = run(env, "--purge-cache", "--state-dir", str(state))
    assert purged.returncode == 0 and "gezichtscache gewist" in purged.stderr
    assert not (state / CACHE_FILE_NAME).exists()


def test_cron_without_the_services_settings_finds_no_registry(
    published: PublishedState, tmp_path: Path
) -> None:
    """Run from cron without SCREENING_DATA_DIR, the audit must not start from a new, empty
    registry at the built-in location (every face would be 'unknown'): exit 3, saying where
    it looked, and nothing is created there."""
    home = tmp_path / "home"
    home.mkdir()
    env = env_for(published, HOME=str(home))
    for name in ("SCREENING_DATA_DIR", "XDG_DATA_HOME", "SCREENING_AUDIT_STATE_DIR"):
        env.pop(name, None)
    out = tmp_path / "out"
    bare = run(env, str(published.folder), "--out", str(out))
    assert bare.returncode == CONFIG_ERROR, bare.stderr
    assert "er is geen toestemmingsregister" in bare.stderr
    assert "SCREENING_DATA_DIR" in bare.stderr
    assert list(home.iterdir()) == [] and not out.exists()  # nothing made anywhere

    typo = run(
        env_for(published, SCREENING_DATA_DIR=str(tmp_path / "dta")),
        str(published.folder),
        "--out",
        str(out),
    )
    assert typo.returncode == CONFIG_ERROR and "dta" in typo.stderr
    assert not (tmp_path / "dta").exists()


def test_an_empty_source_is_a_loud_warning(published: PublishedState, tmp_path: Path) -> None:
    """A share that did not mount is an empty folder: exit 2, a Dutch warning on stderr
    (cron mails it) and in the report; --allow-empty accepts it."""
    empty = tmp_path / "share"
    empty.mkdir()
    env = env_for(published)
    out, state = tmp_path / "out", tmp_path / "state"
    warned = run(env, str(empty), "--out", str(out), "--state-dir", str(state))
    assert warned.returncode == INPUT_ERROR, warned.stderr
    assert "WAARSCHUWING" in warned.stderr and "bevat geen berichten" in warned.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "warning" and report["warnings"][0]["code"] == "E304"
    assert report["run"]["registry"].endswith("registry.sqlite3")
    assert report["run"]["policy"].startswith("svok@")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="warning"' in html and "bevat geen berichten" in html
    assert "Er is niets dat actie vraagt" not in html.split('class="warning"')[0]

    accepted = run(env, str(empty), "--out", str(out), "--state-dir", str(state), "--allow-empty")
    assert accepted.returncode == 0, accepted.stderr
    assert "WAARSCHUWING" not in accepted.stderr


def _variants(folder: Path, count: int, day: object) -> None:
    """`count` different photos of P1 (other crops and sizes: each is detected anew).

    Cropped above the suit's round badge, which some scales make look like a face.
    """
    base = astronaut()
    for n in range(count):
        side = 700 + 20 * n
        crop = base.crop((n * 3, 0, 440 - n * 2, 300 - n)).resize(
            (side, side * 300 // 440), Image.Resampling.BILINEAR
        )
        write_item(folder, f"foto-{n:02d}.jpg", jpeg(crop), "Sportdag", "website", day)  # type: ignore[arg-type]


def _children(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether `pid` is a running (not zombie) process."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _journal_items(path: Path) -> int:
    if not path.exists():
        return 0
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        try:
            json.loads(line)["item"]
        except (ValueError, KeyError):
            continue
        count += 1
    return count


def test_an_interrupted_audit_resumes_where_it_stopped(
    published: PublishedState, tmp_path: Path
) -> None:
    total = 24
    folder = tmp_path / "bibliotheek"
    _variants(folder, total, published.published)
    env = env_for(published)
    state, out = tmp_path / "state", tmp_path / "out"
    args = (str(folder), "--out", str(out), "--state-dir", str(state), "--workers", "2")
    journal = state / JOURNAL_FILE_NAME

    first = subprocess.Popen(
        command(*args),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while _journal_items(journal) < 4:
            assert first.poll() is None, "the audit ended before it could be interrupted"
            assert time.monotonic() < deadline, "the audit made no progress"
            time.sleep(0.02)
        # While it runs, a second audit on the same state directory is refused.
        second = run(env, *args)
        assert second.returncode == BUSY and "er loopt al een controle" in second.stderr
        # Two pool workers and multiprocessing's resource tracker (found through Linux /proc).
        workers = _children(first.pid) if Path("/proc/self/stat").exists() else []
        assert len(workers) >= 2 or not Path("/proc/self/stat").exists()
    finally:
        first.kill()
        first.wait()
    # Its worker processes notice and end too, instead of waiting forever for work.
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "worker processes outlived the killed audit"
        time.sleep(0.1)
    finished_before = _journal_items(journal)
    assert 4 <= finished_before < total

    resumed = run(env, *args)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["resumed"] == finished_before
    assert report["run"]["screened"] == total - finished_before
    assert len(report["items"]) == total and report["counts"]["ok"] == total
    assert not journal.exists()  # deleted once the reports were written


def test_queue_needs_a_broker_and_no_workers_option(tmp_path: Path) -> None:
    env = {**os.environ, "SCREENING_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("SCREENING_BROKER_URL", None)
    args = (str(tmp_path / "bron"), "--out", str(tmp_path / "out"), "--queue")

    alone = run(env, *args)
    assert alone.returncode == CONFIG_ERROR, alone.stderr
    assert "[E700]" in alone.stderr and "SCREENING_BROKER_URL" in alone.stderr

    both = run({**env, "SCREENING_BROKER_URL": "redis://127.0.0.1:1/0"}, *args, "-w", "2")
    assert both.returncode == INPUT_ERROR, both.stderr
    assert "--workers" in both.stderr and "screening worker" in both.stderr
    assert not (tmp_path / "out").exists()  # nothing was made
