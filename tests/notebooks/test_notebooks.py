"""Every notebook in notebooks/ runs top to bottom, and what it computes is what is committed.

A notebook that derives an artifact (calibrated thresholds) writes it under
NOTEBOOK_OUTPUT_DIR, mirroring the repository layout; this test then compares each file with
the committed one, so a threshold cannot drift from the calibration that justifies it.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT, shared_path

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Seconds per cell; the calibration notebook needs about 15 s in all on two cores.
CELL_TIMEOUT = 300
#: Measured figures beside the thresholds may move in the last digits with the CPU (dlib's
#: SIMD paths differ); the thresholds themselves are rounded and must match exactly.
FIGURE_TOLERANCE = 2e-3


def _same(produced: Any, committed: Any, where: str, exact: bool) -> list[str]:
    """Differences between two parsed TOML values, as readable lines."""
    if isinstance(produced, dict) and isinstance(committed, dict):
        problems = [f"{where}.{k}: only in one file" for k in produced.keys() ^ committed.keys()]
        for key in produced.keys() & committed.keys():
            inner_exact = exact or key == "thresholds"
            problems += _same(produced[key], committed[key], f"{where}.{key}", inner_exact)
        return problems
    both_float = isinstance(produced, float) and isinstance(committed, float)
    if both_float and not exact:
        close = math.isclose(produced, committed, abs_tol=FIGURE_TOLERANCE)
        return [] if close else [f"{where}: notebook {produced} != committed {committed}"]
    return [] if produced == committed else [f"{where}: notebook {produced!r} != {committed!r}"]


@pytest.mark.shared
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_matches_committed_artifacts(
    notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared_path("data", "faces", "MANIFEST.tsv")
    output_dir = tmp_path / "out"
    # The kernel is a child process and inherits this environment.
    monkeypatch.setenv("NOTEBOOK_OUTPUT_DIR", str(output_dir))
    monkeypatch.delenv("CALIBRATE_WRITE", raising=False)
    nb = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute()

    produced_files = sorted(p for p in output_dir.rglob("*") if p.is_file())
    if "NOTEBOOK_OUTPUT_DIR" in notebook.read_text(encoding="utf-8"):
        assert produced_files, f"{notebook.name} promises artifacts but wrote none"
    for produced in produced_files:
        committed = ROOT / produced.relative_to(output_dir)
        assert committed.is_file(), f"{notebook.name} produced {committed}, which is not committed"
        if produced.suffix == ".toml":
            problems = _same(
                tomllib.loads(produced.read_text(encoding="utf-8")),
                tomllib.loads(committed.read_text(encoding="utf-8")),
                committed.name,
                exact=False,
            )
            assert not problems, (
                f"{notebook.name} computes other values than {committed} holds; rerun it with "
                "CALIBRATE_WRITE=1 and review the change:\n" + "\n".join(problems)
            )
        else:
            assert produced.read_bytes() == committed.read_bytes(), committed


def test_calibration_notebook_writes_the_thresholds() -> None:
    """The calibration notebook is there and targets the file the matcher reads."""
    names = {p.name for p in NOTEBOOKS}
    assert "calibrate_face_thresholds.ipynb" in names
    text = (ROOT / "notebooks" / "calibrate_face_thresholds.ipynb").read_text(encoding="utf-8")
    assert "identification.toml" in text and "NOTEBOOK_OUTPUT_DIR" in text
