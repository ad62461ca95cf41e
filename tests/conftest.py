"""Shared fixtures: the development data folder, an isolated environment, a built pipeline.

Every test that reads the development data in ../shared goes through the helpers here
(`shared_path`, `shared_params` and the `shared` marker). Where the data is absent such a
test skips with a visible reason; with SCREENING_REQUIRE_SHARED=1 (CI) it fails instead, so a
run without the data cannot pass for a complete one.

The suite runs on pytest-xdist workers (pyproject.toml: `-n auto --dist loadgroup`); how the
tests are spread over them, and how a report printed at the end gets from a worker to the
terminal, is at the end of this file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from spacy.language import Language

from consent_store.location import DEFAULT_DB_NAME, KEY_FILE_NAME
from consent_store.repository import init_registry
from kernel.settings import Settings
from screening.faces.models import FaceModels, load_face_models
from screening.nlp import build_nlp
from screening.pipeline import Pipeline, build_pipeline

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: Set to 1 (as .ci/run does) to make absent development data a failure, not a skip.
REQUIRE_SHARED = "SCREENING_REQUIRE_SHARED"
#: The id of the one case a parametrisation over absent development data collects.
SHARED_ABSENT_ID = "shared-data-absent"


def shared_required() -> bool:
    """Whether absent development data fails the tests that need it (CI) or skips them."""
    return os.environ.get(REQUIRE_SHARED) == "1"


def shared_missing(path: Path) -> NoReturn:
    """Skip the calling test with a visible reason, or fail it when the data is required."""
    reason = f"development data {path} is absent (../shared is not beside the repo)"
    if shared_required():
        pytest.fail(f"{reason}; {REQUIRE_SHARED}=1 requires it", pytrace=False)
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path under ../shared; if absent, the calling test skips or fails (`shared_missing`)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        shared_missing(path)
    return path


def shared_params(
    parts: tuple[str, ...], cases: Callable[[Path], Iterable[Any]], *, arity: int = 1
) -> list[Any]:
    """Parametrisation cases made at collection time from the data at ../shared/`parts`.

    When that path is absent, one placeholder case (id "shared-data-absent", `arity` Nones)
    is collected instead, marked `shared(*parts)`: it skips with the reason, or fails when
    the data is required, before the test body runs. The cases never just vanish.
    """
    path = SHARED.joinpath(*parts)
    if path.exists():
        return list(cases(path))
    return [pytest.param(*([None] * arity), id=SHARED_ABSENT_ID, marks=pytest.mark.shared(*parts))]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `shared` (optionally with the path parts it needs) checks the data first."""
    for mark in item.iter_markers("shared"):
        shared_path(*mark.args)


@pytest.fixture(scope="session")
def registry_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a new, empty registry and its key, made once (`registry init`)."""
    folder = tmp_path_factory.mktemp("registry-template")
    init_registry(Settings(data_dir=folder, database_url=None))
    return folder


def with_registry(template: Path, folder: Path) -> Path:
    """`folder` as a data dir holding a copy of the empty registry in `template`.

    A registry is never created on the fly (only by `screening registry init`), so every
    data dir a test screens with gets one; copying two files is cheaper than migrating.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in (DEFAULT_DB_NAME, KEY_FILE_NAME):
        shutil.copy2(template / name, folder / name)
    return folder


@pytest.fixture(scope="session", autouse=True)
def _session_data_dir(
    tmp_path_factory: pytest.TempPathFactory, registry_template: Path
) -> Iterator[None]:
    """Session and module fixtures, built before any per-test environment, get a temporary
    data dir too: a pipeline opens the consent registry there when a post names someone."""
    folder = with_registry(registry_template, tmp_path_factory.mktemp("session-data"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCREENING_DATA_DIR", str(folder))
        patch.delenv("SCREENING_DATABASE_URL", raising=False)
        yield


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    registry_template: Path,
) -> Iterator[None]:
    """No test reads the developer's own configuration or data directory; each test's data
    dir holds an empty registry of its own."""
    for name in (
        "SCREENING_DEFAULT_POLICY",
        "SCREENING_POLICY_DIRS",
        "SCREENING_LANG",
        "SCREENING_MIN_SCORE",
        "SCREENING_TEXT_DETECTORS",
        "SCREENING_SPACY_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    folder = with_registry(registry_template, tmp_path_factory.mktemp("data"))
    monkeypatch.setenv("SCREENING_DATA_DIR", str(folder))
    yield


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory, registry_template: Path) -> Pipeline:
    """The text pipeline (no face detector: photos hold as not screened), built once.

    Its data dir is a temporary one: a session fixture is built before the per-test
    environment, and the name detector opens the consent registry under the data dir.
    """
    data = with_registry(registry_template, tmp_path_factory.mktemp("pipeline-data"))
    return build_pipeline(Settings(data_dir=data, database_url=None), faces=False)


@pytest.fixture(scope="session")
def nlp_nl() -> Language:
    """The shipped Dutch spaCy pipeline (blank Dutch if its files are absent), loaded once
    for all text-detector tables."""
    return build_nlp()


@pytest.fixture(scope="session")
def face_pipeline(tmp_path_factory: pytest.TempPathFactory, registry_template: Path) -> Pipeline:
    """The full pipeline with the face detector, on an empty registry of its own."""
    folder = with_registry(registry_template, tmp_path_factory.mktemp("face-registry"))
    return build_pipeline(Settings(data_dir=folder), faces=True)


@pytest.fixture(scope="session")
def face_models() -> FaceModels:
    """dlib's face models, loaded once per worker for every test that uses them directly."""
    return load_face_models()


class Browsers:
    """Playwright's driver and Debian's Chromium, started when a browser test first needs
    them and stopped (`close`) as soon as the next test needs none.

    One driver per worker: Playwright's sync API keeps an event loop in the thread while it
    runs, so two drivers cannot run at once, and no other test of the worker may run
    `asyncio.run` until it stops. Every test marked `browser` launches through this one (the
    journeys share its Chromium, each test in contexts of its own; the extension's tests
    launch their own Chromium with the extension loaded).
    """

    def __init__(self) -> None:
        self._driver: Playwright | None = None
        self._chromium: Browser | None = None

    def driver(self) -> Playwright:
        """The running driver (skips, or fails in CI, without a browser)."""
        from tests.web.test_journeys import _browser_or_skip

        _browser_or_skip()
        if self._driver is None:
            from playwright.sync_api import sync_playwright

            self._driver = sync_playwright().start()
        return self._driver

    def chromium(self) -> Browser:
        """Chromium from the system (Playwright's own browser download does not work here)."""
        from tests.web.test_journeys import CHROMIUM

        if self._chromium is None or not self._chromium.is_connected():
            self._chromium = self.driver().chromium.launch(
                executable_path=str(CHROMIUM), headless=True
            )
        return self._chromium

    def close(self) -> None:
        """Stop Chromium and the driver, if they run."""
        chromium, driver = self._chromium, self._driver
        self._chromium = self._driver = None
        try:
            if chromium is not None:
                chromium.close()
        finally:
            if driver is not None:
                driver.stop()


_BROWSERS = Browsers()


@pytest.fixture(scope="session")
def browsers() -> Iterator[Browsers]:
    """The worker's browsers (`Browsers`): ask it for Chromium or the driver when needed."""
    yield _BROWSERS
    _BROWSERS.close()


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After the last of a run of browser tests (its module's fixtures torn down), stop the
    browsers: the tests that follow may run an asyncio loop of their own."""
    try:
        return (yield)
    finally:
        if nextitem is None or not nextitem.get_closest_marker("browser"):
            _BROWSERS.close()


# --- Running in parallel (pytest-xdist) -------------------------------------------------------
#
# Tests are handed to the workers one by one, except where they share more than the session:
# a module whose tests use a module-scoped fixture (a live service, a registry filled by the
# tests before, a report written after the module), or a session-scoped fixture defined in
# the module itself (one expensive computation for all its tests), runs whole on one worker,
# in its own order. Every browser test is in one group: one worker runs them one after another
# with one Playwright driver and one Chromium (`Browsers`). On the workers the longest groups
# (and modules of long tests) are queued first, and pyproject.toml keeps xdist from re-sorting
# them by size, so that no long one starts last while the other workers wait.

#: The xdist group of every test marked `browser`.
BROWSER_GROUP = "browser"
#: Groups, and modules of tests that run anywhere, that take longest (a minute or more in a
#: run on two cores): queued first, longest first, so that none starts last.
LONGEST_FIRST = (
    "tests/hostile/test_campaign.py",
    BROWSER_GROUP,
    "tests/audit/test_audit_cli.py",
    "tests/faces/test_face_cli_e2e.py",
    "tests/faces/test_faces_cli.py",
    "tests/images/test_intake_fuzz.py",
    "tests/faces/test_identification_shared_data.py",
    "tests/training/test_recipe.py",
    "tests/detectors/test_transformer_pipeline.py",
    "tests/notebooks/test_notebooks.py",
)
_SHARED_SCOPES = ("class", "module", "package")


def _xdist_group(item: pytest.Item) -> str | None:
    """The group `item` runs in (see above), or None for a test that may run anywhere."""
    if item.get_closest_marker("browser"):
        return BROWSER_GROUP
    module = item.nodeid.split("::", 1)[0]
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for defs in info.name2fixturedefs.values():
        fixture = defs[-1]
        if fixture.scope in _SHARED_SCOPES or (
            fixture.scope == "session" and fixture.baseid == module
        ):
            return module
    return None


#: Where the workers leave each test's group for the controller's scheduler (a folder).
_GROUPS_DIR = "SCREENING_XDIST_GROUPS"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test's xdist group; on a worker, queue the longest groups first and tell the
    controller the groups. Every worker sorts the same collection the same way."""
    queue: dict[str, str] = {}
    groups: dict[str, str] = {}
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark is None:
            group = _xdist_group(item)
            if group is not None:
                item.add_marker(pytest.mark.xdist_group(group))
        else:
            group = str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        if group is not None:
            groups[item.nodeid] = group
        queue[item.nodeid] = group or item.nodeid.split("::", 1)[0]
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:  # not an xdist worker (also not a pytest a test runs itself)
        return
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(queue[item.nodeid], len(rank)))
    folder = os.environ.get(_GROUPS_DIR)
    if folder:
        made = Path(folder) / f"{workerinput['workerid']}.json.tmp"
        made.write_text(json.dumps(groups), encoding="utf-8")
        made.replace(made.with_suffix(""))


#: The project's packages, whose modules every `python -m screening` a test starts imports.
_PACKAGES = ("kernel", "consent_store", "screening", "api", "cli")
#: Thread pools of numerical libraries, one thread each when the workers share the cores.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _unset(name: str) -> Callable[[], None]:
    """A cleanup that removes the environment variable `name` (if it is still set)."""

    def unset() -> None:
        os.environ.pop(name, None)

    return unset


def pytest_configure(config: pytest.Config) -> None:
    """Once, in the process that starts the run (not on its xdist workers):

    * the project's bytecode, written to its __pycache__ folders: the suite starts the command
      line in hundreds of processes, which with PYTHONDONTWRITEBYTECODE (set on these
      machines) would each compile every module again;
    * with more than one worker: one thread for OpenBLAS and OpenMP in the workers and what
      they start, so that workers sharing the cores do not also fight over them;
    * with `--dist loadgroup`: a folder for the workers' groups (`pytest_xdist_make_scheduler`).

    What the workers and their processes inherit goes into the environment they start with.
    """
    if hasattr(config, "workerinput"):
        return
    import compileall

    for package in _PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=2)
    if not config.pluginmanager.hasplugin("xdist"):
        return
    workers = config.getvalue("numprocesses")
    if isinstance(workers, int) and workers > 1:
        for name in _THREAD_VARIABLES:
            if name not in os.environ:
                os.environ[name] = "1"
                config.add_cleanup(_unset(name))
    if config.getvalue("dist") == "loadgroup":
        folder = tempfile.mkdtemp(prefix="screening-xdist-groups-")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        os.environ[_GROUPS_DIR] = folder
        config.add_cleanup(_unset(_GROUPS_DIR))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup`, with the groups the workers found (`_xdist_group`).

    xdist marks a group by appending it to the test's node id, which pytest 9 no longer lets
    it change; so the controller reads each test's group from the folder the workers wrote
    (the workers have collected, and written it, before anything is scheduled).
    """
    folder = os.environ.get(_GROUPS_DIR)
    if config.getvalue("dist") != "loadgroup" or not folder:
        return None
    from xdist.scheduler import LoadScopeScheduling

    groups_dir = Path(folder)

    class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:
                self._groups = {}
                for made in sorted(groups_dir.glob("*.json")):
                    self._groups.update(json.loads(made.read_text(encoding="utf-8")))
            group = self._groups.get(nodeid)
            return nodeid if group is None else f"group:{group}"

    return GroupScheduling(config, log)


#: What `report_at_end` collected in this process: (title, lines, red) in order.
_REPORTS = pytest.StashKey[list[tuple[str, list[str], bool]]]()
_WORKER_REPORTS = "screening_reports"


def report_at_end(
    config: pytest.Config, title: str, lines: Iterable[str], *, red: bool = False
) -> None:
    """Print `lines` under `title` in the terminal summary at the end of the run.

    On an xdist worker, whose output nobody sees, they travel to the controller with the
    worker's results (`workeroutput`) and are printed there.
    """
    report = (title, list(lines), red)
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput.setdefault(_WORKER_REPORTS, []).append(report)
    else:
        config.stash.setdefault(_REPORTS, []).append(report)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """The controller keeps the reports of a worker that finished (see `report_at_end`)."""
    reports = getattr(node, "workeroutput", {}).get(_WORKER_REPORTS, [])
    node.config.stash.setdefault(_REPORTS, []).extend(
        (title, list(lines), bool(red)) for title, lines, red in reports
    )


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The reports of `report_at_end`, each once (several workers may send the same)."""
    printed: set[tuple[str, tuple[str, ...]]] = set()
    for title, lines, red in terminalreporter.config.stash.get(_REPORTS, []):
        if (title, tuple(lines)) in printed:
            continue
        printed.add((title, tuple(lines)))
        terminalreporter.write_sep("-", title, red=red)
        for line in lines:
            terminalreporter.write_line(line, red=red)
