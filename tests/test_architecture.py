"""The house's shape: imports point one way and no package's modules import each other.

The contracts live in pyproject.toml ([tool.importlinter]): cli > api > screening >
consent_store > kernel, and no import cycle among the modules of any package. The first test
holds the project to them; the others show, on a small tree made for the purpose, that the
same contracts fail on an upward import and on a cycle (so the first cannot pass by accident).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kernel", "consent_store", "screening", "api", "cli")
LAYERS = "Layers point one way"
ACYCLIC = "No import cycles among the modules of a package"


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    """import-linter with the project's contracts, on the packages found in `where`."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(where / 'pyproject.toml')!r}, "
        "no_cache=True, no_logo=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_project_keeps_its_import_contracts() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{LAYERS}" in run.stdout and "KEPT" in run.stdout


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The five packages, empty but for the one import the contract excuses, and our config."""
    (tmp_path / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for name in PACKAGES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "cli" / "main.py").write_text("def main() -> None: ...\n", encoding="utf-8")
    (tmp_path / "screening" / "__main__.py").write_text(
        "from cli.main import main\n", encoding="utf-8"
    )
    return tmp_path


def test_the_contracts_pass_a_tree_that_keeps_them(tree: Path) -> None:
    (tree / "api" / "routes.py").write_text("import screening\nimport kernel\n", encoding="utf-8")
    run = lint_imports(tree)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("kernel", "consent_store"),
        ("consent_store", "screening"),
        ("screening", "api"),
        ("api", "cli"),
    ],
)
def test_an_upward_import_breaks_the_layers(tree: Path, importer: str, imported: str) -> None:
    (tree / importer / "upward.py").write_text(f"import {imported}\n", encoding="utf-8")
    run = lint_imports(tree)
    assert run.returncode != 0
    assert f"{LAYERS}" in run.stdout and "BROKEN" in run.stdout


def test_a_cycle_inside_a_package_breaks_the_acyclic_contract(tree: Path) -> None:
    (tree / "consent_store" / "schema.py").write_text(
        "from consent_store import access_schema\n", encoding="utf-8"
    )
    (tree / "consent_store" / "access_schema.py").write_text(
        "def f() -> None:\n    from consent_store import schema  # inside a function counts too\n",
        encoding="utf-8",
    )
    run = lint_imports(tree)
    assert run.returncode != 0
    assert f"{ACYCLIC} BROKEN" in run.stdout, run.stdout
