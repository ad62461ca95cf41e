"""Tests that need ../shared cannot hide: absent data is a visible skip, or with
SCREENING_REQUIRE_SHARED=1 a failure (tests/conftest.py).

pytest runs in a subprocess on a copy of the suite's frame (pyproject.toml, tests/conftest.py)
in a temporary folder with no `shared` beside it, on the real deduce regression modules
(cases made at collection time from ../shared) and on a module using each helper directly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SHARED, ROOT, SHARED_ABSENT_ID

#: Real modules whose cases are made at collection time from ../shared.
REAL_MODULES = (
    "tests/detectors/test_names_deduce_regression.py",
    "tests/detectors/test_pii_deduce_regression.py",
)
SAMPLE = """
from pathlib import Path

import pytest

from tests.conftest import shared_params, shared_path


def test_reads_a_file_itself() -> None:
    shared_path("data", "faces", "MANIFEST.tsv")


@pytest.mark.shared
def test_marked_as_needing_the_data() -> None:
    pass


@pytest.mark.parametrize("path", shared_params(("data", "text"), lambda p: sorted(p.iterdir())))
def test_one_case_per_file(path: Path) -> None:
    assert path.is_file()
"""
ABSENT = "is absent (../shared is not beside the repo)"


@dataclass(frozen=True)
class Run:
    """A pytest run in the temporary layout: exit code, output and each test's outcome."""

    code: int
    output: str
    #: test id -> (outcome, message): "passed", "skipped", "failure" or "error".
    outcomes: dict[str, tuple[str, str]]


def _layout(repo: Path) -> None:
    """A repository with the suite's pytest frame and a few modules, and no ../shared."""
    (repo / "tests" / "detectors").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    for name in ("tests/__init__.py", "tests/conftest.py", "tests/detectors/__init__.py"):
        shutil.copy(ROOT / name, repo / name)
    for name in REAL_MODULES:
        shutil.copy(ROOT / name, repo / name)
    (repo / "tests" / "test_sample.py").write_text(SAMPLE, encoding="utf-8")


def _pytest(repo: Path, required: bool) -> Run:
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_SHARED}
    # The suite's frame needs no plugin but xdist's, whose options pyproject.toml sets; not
    # loading hypothesis' and schemathesis' saves seconds. A few tests: one process (-n 0).
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if required:
        env[REQUIRE_SHARED] = "1"
    report = repo.parent / f"report-{int(required)}.xml"
    args = ["-p", "no:cacheprovider", "-p", "xdist.plugin", "-n", "0", f"--junitxml={report}"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    outcomes: dict[str, tuple[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        result = next(iter(case), None)
        if result is None:
            outcomes[test_id] = ("passed", "")
        else:
            outcomes[test_id] = (result.tag, result.get("message", ""))
    return Run(proc.returncode, proc.stdout + proc.stderr, outcomes)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Run]:
    """The same suite without ../shared, run without and with the switch (in parallel)."""
    repo = tmp_path_factory.mktemp("layout") / "repo"
    _layout(repo)
    assert not (repo.parent / "shared").exists()
    with ThreadPoolExecutor(2) as pool:
        results = pool.map(lambda required: _pytest(repo, required), (False, True))
        return dict(zip((False, True), results, strict=True))


def _expected_ids(outcomes: dict[str, tuple[str, str]]) -> None:
    """Every test of the layout was collected, the data-made ones as one visible case each."""
    assert sorted(outcomes) == [
        "tests.detectors.test_names_deduce_regression::test_known_failures_are_real_cases",
        f"tests.detectors.test_names_deduce_regression::"
        f"test_matches_deduce_annotations[{SHARED_ABSENT_ID}]",
        f"tests.detectors.test_pii_deduce_regression::"
        f"test_bsn_ignores_other_identifiers_unless_elfproef_valid[{SHARED_ABSENT_ID}]",
        f"tests.detectors.test_pii_deduce_regression::"
        f"test_matches_deduce_annotations[{SHARED_ABSENT_ID}]",
        "tests.test_sample::test_marked_as_needing_the_data",
        f"tests.test_sample::test_one_case_per_file[{SHARED_ABSENT_ID}]",
        "tests.test_sample::test_reads_a_file_itself",
    ]


def test_without_the_switch_absent_data_skips_with_a_visible_reason(runs: dict[bool, Run]) -> None:
    run = runs[False]
    assert run.code == 0, run.output
    _expected_ids(run.outcomes)
    assert {outcome for outcome, _ in run.outcomes.values()} == {"skipped"}
    assert all(ABSENT in message for _, message in run.outcomes.values()), run.outcomes
    # The reasons are in the terminal summary (-ra), not only in a report file.
    assert re.search(rf"SKIPPED \[\d+\] .*{re.escape(ABSENT)}", run.output), run.output


def test_with_the_switch_absent_data_fails_the_run(runs: dict[bool, Run]) -> None:
    run = runs[True]
    assert run.code == 1, run.output
    _expected_ids(run.outcomes)
    assert {outcome for outcome, _ in run.outcomes.values()} <= {"failure", "error"}
    required = f"{REQUIRE_SHARED}=1 requires it"
    assert all(required in message for _, message in run.outcomes.values()), run.outcomes


def test_only_the_conftest_looks_for_the_shared_folder() -> None:
    """Every other test module goes through tests/conftest.py, so the switch holds there."""
    builds_the_path = re.compile(r"""/\s*["']shared["']|["']shared["']\s*/|["']shared/""")
    offenders = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests").rglob("*.py")
        if path not in (ROOT / "tests" / "conftest.py", Path(__file__).resolve())
        if builds_the_path.search(path.read_text(encoding="utf-8"))
    }
    assert offenders == set()
