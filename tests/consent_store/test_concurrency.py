"""Several processes on one database: nothing lost, and a killed import leaves no trace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select

from consent_store.csv_import import COLUMNS
from consent_store.repository import Registry, open_registry
from consent_store.schema import ConsentRecord
from tests.consent_store.conftest import Backend
from tests.consent_store.helpers import add_pupil, dump

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from consent_store.purposes import Purpose
    from consent_store.records import GivenBy
    from consent_store.repository import open_registry
    from consent_store.school_year import SchoolYear

    name, go = sys.argv[1], Path(sys.argv[2])
    registry = open_registry()
    while not go.exists():
        time.sleep(0.005)
    purposes = list(Purpose)
    for i in range(200):
        registry.grant(
            f"p{i % 10}", purposes[i % 7], SchoolYear(2025), GivenBy.PARENT,
            f"{name}-{i}", on=date(2025, 9, 1), recorded_by=name,
        )
    registry.close()
    """
)

KILLED_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from consent_store.repository import open_registry

    def inside(done: int, total: int) -> None:
        print("INSIDE", done, total, flush=True)
        time.sleep(120)

    open_registry().import_csv(Path(sys.argv[1]), progress=inside)
    """
)


def _python(backend: Backend, script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=backend.env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_writing_at_once_lose_nothing(
    registry: Registry, backend: Backend, tmp_path: Path
) -> None:
    for i in range(10):
        add_pupil(registry, f"p{i}", date(2014, 1, 1))
    go = tmp_path / "go"
    writers = [_python(backend, WRITER, name, str(go)) for name in ("A", "B")]
    time.sleep(0.5)  # both are importing and opening the registry
    go.touch()
    for proc in writers:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    engine = create_engine(backend.url)
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(ConsentRecord))
        evidence = set(conn.scalars(select(ConsentRecord.evidence)))
    engine.dispose()
    assert total == 400
    assert evidence == {f"{n}-{i}" for n in "AB" for i in range(200)}


def test_import_killed_halfway_leaves_the_registry_as_before(
    registry: Registry, backend: Backend, tmp_path: Path
) -> None:
    add_pupil(registry, "0", date(2014, 1, 1))  # existing data that must survive untouched
    big = tmp_path / "big.csv"
    lines = [",".join(COLUMNS)]
    for i in range(1, 2501):
        for purpose in ("social_media", "website", "newsletter"):
            lines.append(
                f"{i},Leerling {i},pupil,2014-01-01,School,7A,,{purpose},2025-2026,granted,"
                "parent,2025-09-01,formulier"
            )
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = dump(backend.url)
    proc = _python(backend, KILLED_IMPORT, str(big))
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the import is inside its transaction
    assert line.startswith("INSIDE"), proc.stderr.read() if proc.stderr else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert dump(backend.url) == before
    # The registry is usable afterwards (no lock left behind), and the import can be redone.
    with open_registry(backend.settings()) as again:
        report = again.import_csv(big)
        assert (report.people_added, report.records_added) == (2500, 7500)
