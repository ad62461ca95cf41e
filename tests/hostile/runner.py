"""Runs hostile cases against the real interfaces, in this process, and classifies the answers.

* the command line: Typer's `CliRunner` on `cli.main.app` (what the `screening` script runs),
  and, for the `cli-process` sample, a real `python -m screening` process;
* the service: the FastAPI app of `api.app.create_app` through its `TestClient`, on a
  registry of its own, with a key per role;
* the audit: `screening audit` (through the same `CliRunner`) on files in the case's folder
  and on a small HTTP server on 127.0.0.1 (tests/audit/http_server.py).

Everything expensive is built once per campaign: the pipelines (the CLI and the audit would
build theirs per command; here `build_pipeline` hands out the campaign's), the service and
its keys, the HTTP server. Every case gets a folder of its own. Every exception a case
raises is caught (outcome CRASH), so one case cannot stop the campaign, and a case that
blocks on a named pipe is unblocked after a few seconds (outcome HANG).

Nothing leaves this computer: the audit's resolver answers only `localhost` (and literal
addresses, which the audit checks itself); every other host name fails to resolve.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import pytest

from tests.audit.http_server import Route, Site, serve
from tests.hostile.cases import (
    AuditCall,
    AuditItem,
    CaseResult,
    CliCall,
    FileSpec,
    HostileCase,
    HttpCall,
    Outcome,
    classify_cli,
    classify_http,
    classify_verdict,
)
from tests.hostile.corpus import slug

ROOT = Path(__file__).resolve().parents[2]
#: Seconds a case may keep a named pipe open before it is unblocked (and counted a HANG).
FIFO_SECONDS = 5.0
#: Seconds any one case (or audit batch) may take at all before it is stopped as a HANG.
CASE_SECONDS = 180.0
#: Seconds a `python -m screening` process may take.
PROCESS_SECONDS = 240.0
#: The audit's HTTP timeout in the campaign (the "too slow" server waits three seconds).
AUDIT_HTTP_TIMEOUT = "1"
#: A cell a spreadsheet runs as a formula (OWASP's list: = + - @, tab, carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Environment variables that would make the campaign read someone's own configuration.
_CLEARED_ENV = (
    "SCREENING_DATABASE_URL",
    "SCREENING_DEBUG",
    "SCREENING_DEFAULT_POLICY",
    "SCREENING_POLICY_DIRS",
    "SCREENING_LANG",
    "SCREENING_MIN_SCORE",
    "SCREENING_TEXT_DETECTORS",
    "SCREENING_SPACY_MODEL",
    "SCREENING_TEMPLATE_KEY",
    "SCREENING_AUDIT_STATE_DIR",
    "SCREENING_AUDIT_ALLOWED_HOSTS",
)
#: In a header value: a key of the campaign's service, by role ("all" has every role,
#: "revoked" is revoked); `{key-id:all}` is its public part, `{key:all:-1}` one character short.
_KEY_TOKEN = re.compile(rb"\{key(-id)?:([a-z_]+)(?::(-?\d+))?\}")

_App = TypeVar("_App")
_Built = TypeVar("_Built")


class CaseTimeout(BaseException):
    """A case ran longer than CASE_SECONDS (a BaseException: product code must not eat it)."""


# --- the campaign's shared resources ------------------------------------------------------


@dataclasses.dataclass
class Campaign:
    """What every case shares: folders, the registry template, pipelines, service, server."""

    root: Path
    template: Path
    data_dir: Path
    client: Any
    keys: dict[str, str]
    site: Site
    runner: Any
    #: Puts the campaign's own face cache back into the shared pipeline (after an audit).
    reset_face_cache: Callable[[], None]
    counter: int = 0
    #: Folders made for the case that runs now (removed when it passes).
    made: list[Path] = dataclasses.field(default_factory=list)

    def case_dir(self, case: HostileCase, *, tracked: bool = True) -> Path:
        """A new, empty folder for `case` (`tracked`: removed by `clean_up`)."""
        self.counter += 1
        folder = self.root / "cases" / f"{self.counter:05d}-{slug(case.id)[:40]}"
        folder.mkdir(parents=True)
        if tracked:
            self.made.append(folder)
        return folder

    def clean_up(self, keep: bool) -> None:
        """Remove the folders of the case that ran (kept, to look at, when it failed)."""
        if not keep:
            for folder in self.made:
                shutil.rmtree(folder, ignore_errors=True)
        self.made.clear()

    def fresh_data_dir(self, folder: Path) -> Path:
        """A data dir with a copy of the empty registry (for cases that write to it)."""
        from consent_store.location import DEFAULT_DB_NAME, KEY_FILE_NAME

        data = folder / "data"
        data.mkdir()
        for name in (DEFAULT_DB_NAME, KEY_FILE_NAME):
            shutil.copy2(self.template / name, data / name)
        return data


def _campaign_resolver(host: str, port: int) -> list[str]:
    """The audit's resolver during the campaign: `localhost` only, never the network."""
    if host.lower().rstrip(".") == "localhost":
        return ["127.0.0.1", "::1"]
    raise socket.gaierror(socket.EAI_NONAME, f"{host}: not resolvable in the campaign")


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in (*_CLEARED_ENV, *values)}
    for name in _CLEARED_ENV:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _kept_logging() -> Iterator[None]:
    """The audit replaces the root logger's handlers (JSON lines for cron): put them back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


class _MemoryFaceCache:
    """Face analyses by photo, in memory, for the whole campaign (a `FaceAnalysisCache`).

    What the face stages find depends only on a photo's bytes and the models (see
    `screening.faces.cache`): the same hostile photo sent to the CLI and to the service is
    analysed once. Matching and the consent look-up still run for every case.
    """

    def __init__(self) -> None:
        self._analyses: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self._analyses.get(key)

    def put(self, key: str, analysis: Any) -> None:
        self._analyses[key] = analysis


@contextlib.contextmanager
def _shared_pipelines() -> Iterator[Callable[[], None]]:
    """`build_pipeline` hands out one pipeline per kind, built once (the CLI and the audit
    would build one per command, which takes seconds). The audit's face cache, made per run,
    is put into the shared face detector for that run (otherwise the campaign's own), and
    its photo-text cache into the photo text detector."""
    import screening.audit.worker as worker_module
    import screening.pipeline as pipeline_module
    from screening.detectors.faces import FaceConsentDetector
    from screening.detectors.photo_text import PhotoTextDetector

    real = pipeline_module.build_pipeline
    built: dict[bool, Any] = {}
    memory = _MemoryFaceCache()

    def shared(
        settings: Any = None,
        registry: Any = None,
        *,
        faces: bool = True,
        face_cache: Any = None,
        text_cache: Any = None,
        doc_cache: Any = None,  # the audit's parse cache: the shared pipelines parse anew
    ) -> Any:
        if registry is not None:
            return real(
                settings, registry, faces=faces, face_cache=face_cache, text_cache=text_cache
            )
        if faces not in built:
            built[faces] = real(settings, faces=faces)
        pipeline = built[faces]
        for detector in pipeline.image_detectors:
            if isinstance(detector, FaceConsentDetector):
                detector.cache = memory if face_cache is None else face_cache
            if isinstance(detector, PhotoTextDetector):
                detector.cache = text_cache
        return pipeline

    def reset() -> None:
        if True in built:
            shared(faces=True)

    with pytest.MonkeyPatch.context() as patch:
        # The audit's worker module holds its own reference to build_pipeline.
        patch.setattr(pipeline_module, "build_pipeline", shared)
        patch.setattr(worker_module, "build_pipeline", shared)
        yield reset


@contextlib.contextmanager
def _command_built_once() -> Iterator[None]:
    """Typer's CliRunner turns the app into a click command on every call (two thirds of a
    short case's time); the `screening` script does it once per process, and so does this."""
    import typer.main
    import typer.testing

    # typer.testing calls typer.main.get_command under its own (private) name, _get_command.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", _once_per_app(typer.main.get_command))
        yield


def _once_per_app(build: Callable[[_App], _Built]) -> Callable[[_App], _Built]:
    """`build`, called once per app (told apart by identity); later calls get that result."""
    built: dict[int, _Built] = {}

    def once(app: _App) -> _Built:
        if id(app) not in built:
            built[id(app)] = build(app)
        return built[id(app)]

    return once


@contextlib.contextmanager
def _no_network_resolver() -> Iterator[None]:
    from screening.audit import addresses

    original = addresses.AddressGuard.from_settings

    def from_settings(cls: type[addresses.AddressGuard], settings: Any) -> Any:
        guard = original.__func__(cls, settings)  # type: ignore[attr-defined]
        return dataclasses.replace(guard, resolver=_campaign_resolver)

    addresses.AddressGuard.from_settings = classmethod(from_settings)  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        addresses.AddressGuard.from_settings = original  # type: ignore[method-assign]


@contextlib.contextmanager
def _quiet_server_errors() -> Iterator[None]:
    """The test server's threads print a traceback when a client hangs up early (the audit
    giving up on a slow or endless answer). Printed to sys.stderr, it would land in the
    output of whichever command the campaign is running then: not the product's."""
    original = ThreadingHTTPServer.handle_error
    ThreadingHTTPServer.handle_error = lambda self, request, client_address: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        ThreadingHTTPServer.handle_error = original  # type: ignore[method-assign]


def _build_service(folder: Path, pipeline: Any) -> tuple[Any, dict[str, str], Any]:
    """The service on a registry of its own, with a key per role, one with every role and
    one revoked; (services, raw keys, client)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.auth import Role
    from api.services import build_services
    from consent_store.repository import init_registry
    from kernel.settings import Settings

    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'registry.sqlite3'}",
        template_key=None,
    )
    init_registry(settings)
    services = build_services(settings, pipeline=pipeline)
    keys = {role.value: services.keys.create(f"campaign {role.value}", [role])[1] for role in Role}
    keys["all"] = services.keys.create("campaign all", list(Role))[1]
    revoked, raw = services.keys.create("campaign revoked", list(Role))
    services.keys.revoke(revoked.id)
    keys["revoked"] = raw
    client = TestClient(create_app(services=services), raise_server_exceptions=False)
    return services, keys, client


@contextlib.contextmanager
def campaign(workdir: Path | None = None) -> Iterator[Campaign]:
    """Everything the cases share, built once; torn down (and the folder removed) after."""
    from typer.testing import CliRunner

    from consent_store.repository import init_registry
    from kernel.settings import Settings

    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="hostile-")) if workdir is None else workdir
    template = root / "template"
    template.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if own:
            stack.callback(shutil.rmtree, root, True)
        init_registry(Settings(data_dir=template, database_url=None))
        data_dir = root / "data"
        shutil.copytree(template, data_dir)
        env = {
            "SCREENING_DATA_DIR": str(data_dir),
            "SCREENING_AUDIT_HTTP_TIMEOUT": AUDIT_HTTP_TIMEOUT,
            "COLUMNS": "120",
        }
        stack.enter_context(_environment(env))
        stack.enter_context(_kept_logging())
        reset_face_cache = stack.enter_context(_shared_pipelines())
        stack.enter_context(_no_network_resolver())
        stack.enter_context(_command_built_once())
        import screening.pipeline as pipeline_module

        face_pipeline = pipeline_module.build_pipeline(Settings(), faces=True)
        services, keys, client = _build_service(root / "api", face_pipeline)
        stack.callback(services.close)
        stack.enter_context(client)
        stack.enter_context(_quiet_server_errors())
        site = stack.enter_context(serve({}))
        yield Campaign(root, template, data_dir, client, keys, site, CliRunner(), reset_face_cache)


# --- files, placeholders, guards --------------------------------------------------------


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _fill_bytes(data: bytes, values: dict[str, str]) -> bytes:
    for name, value in values.items():
        data = data.replace(b"{" + name.encode() + b"}", value.encode())
    return data


def _make_files(folder: Path, files: Sequence[FileSpec], values: dict[str, str]) -> list[Path]:
    """Create the case's files; the named pipes among them."""
    fifos: list[Path] = []
    for spec in files:
        path = folder / _fill(spec.path, values)
        path.parent.mkdir(parents=True, exist_ok=True)
        if spec.kind == "fifo":
            os.mkfifo(path)
            fifos.append(path)
        elif spec.kind == "symlink":
            path.symlink_to(spec.target)
        else:
            path.write_bytes(_fill_bytes(spec.data, values))
    return fifos


class _Guard:
    """Unblocks a case that keeps a named pipe open, and stops one that runs far too long.

    After FIFO_SECONDS every pipe of the case is opened for writing and closed again: whoever
    is blocked reading it gets end-of-file (and the pipe is recorded as having hung). After
    CASE_SECONDS a CaseTimeout is raised in the main thread.
    """

    def __init__(self, fifos: Sequence[Path], seconds: float | None = None) -> None:
        self.fifos = list(fifos)
        self.seconds = CASE_SECONDS if seconds is None else seconds
        self.hung: list[Path] = []
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._alarm = False

    def __enter__(self) -> _Guard:
        if self.fifos:
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGALRM, self._timeout)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self._alarm = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _timeout(self, signum: int, frame: FrameType | None) -> None:
        raise CaseTimeout(f"the case ran longer than {self.seconds:.0f} s")

    def _watch(self) -> None:
        if self._done.wait(FIFO_SECONDS):
            return
        while not self._done.is_set():
            for fifo in self.fifos:
                try:
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:  # ENXIO: nobody is reading it
                    continue
                os.close(fd)
                if fifo not in self.hung:
                    self.hung.append(fifo)
            self._done.wait(0.1)


def _excerpt(text: str, limit: int = 300) -> str:
    """`text` on one line, shortened; from the traceback on if there is one."""
    text = " ".join(text[max(0, text.find("Traceback")) :].split())
    return text if len(text) <= limit else text[:limit] + "…"


# --- the command line ---------------------------------------------------------------------


def _invoke(
    campaign: Campaign, args: Sequence[str], stdin: bytes = b"", env: dict[str, str] | None = None
) -> tuple[int, str, str, BaseException | None]:
    """`screening ARGS` through Typer's CliRunner: (exit code, stdout, stderr, exception)."""
    from cli.main import app

    result = campaign.runner.invoke(app, list(args), input=stdin, env=env, catch_exceptions=True)
    exception = result.exception
    if isinstance(exception, SystemExit):
        exception = None
    return result.exit_code, result.stdout, result.stderr, exception


def _unsafe_cells(path: Path) -> list[str]:
    """Cells of an exported CSV that a spreadsheet would run as a formula."""
    return [cell for row in _csv_rows(path) for cell in row if cell.startswith(FORMULA_START)]


def _csv_rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _run_cli(campaign: Campaign, case: HostileCase, call: CliCall) -> tuple[Outcome, str]:
    folder = campaign.case_dir(case)
    values = {"dir": str(folder)}
    fifos = _make_files(folder, call.files, values)
    args = [_fill(a, values) for a in call.args]
    registry = case.surface == "cli-registry"
    env = {"SCREENING_DATA_DIR": str(campaign.fresh_data_dir(folder))} if registry else None
    with _Guard(fifos) as guard:
        code, out, err, exc = _invoke(campaign, args, call.stdin, env)
    outcome, detail = classify_cli(code, out, err, exc)
    if guard.hung:
        return Outcome.HANG, f"blocked reading {guard.hung[0].name}; {detail}"
    if registry and outcome is Outcome.PUBLISH:  # exit 0 of an import: taken in
        outcome, detail = Outcome.ACCEPTED, "exit 0, imported"
        if call.then_export:
            export = folder / "export.csv"
            code, out, err, exc = _invoke(campaign, ["registry", "export", str(export)], env=env)
            if code != 0 or exc is not None:
                outcome, detail = classify_cli(code, out, err, exc)
                return outcome, f"export: {detail}; {_excerpt(err)}"
            unsafe = _unsafe_cells(export)
            if unsafe:
                return Outcome.UNSAFE_OUTPUT, f"export holds formula cells {unsafe[:3]!r}"
            detail += ", exported safely"
    if exc is not None:
        detail += f": {_excerpt(repr(exc))}"
    elif outcome not in (Outcome.CLEAR_ERROR, Outcome.HOLD, Outcome.ACCEPTED):
        detail += f"; stderr: {_excerpt(err)}; stdout: {_excerpt(out)}"
    return outcome, detail


def _run_process(folder: Path, call: CliCall) -> tuple[Outcome, str, float]:
    """`python -m screening ARGS` as a separate process (what a school's script runs)."""
    started = time.perf_counter()
    outcome, detail = _process(folder, call)
    return outcome, detail, time.perf_counter() - started


def _process(folder: Path, call: CliCall) -> tuple[Outcome, str]:
    values = {"dir": str(folder)}
    _make_files(folder, call.files, values)
    args = [_fill(a, values) for a in call.args]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "screening", *args],
            input=call.stdin,
            capture_output=True,
            env={**os.environ, "COLUMNS": "120"},
            cwd=ROOT,
            timeout=PROCESS_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome.HANG, f"no answer within {PROCESS_SECONDS:.0f} s"
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    outcome, detail = classify_cli(proc.returncode, out, err, None)
    if outcome not in (Outcome.CLEAR_ERROR, Outcome.HOLD):
        detail += f"; stderr: {_excerpt(err)}"
    return outcome, detail


# --- the service --------------------------------------------------------------------------


def _key_value(keys: dict[str, str], match: re.Match[bytes]) -> bytes:
    raw = keys[match.group(2).decode()]
    if match.group(1):  # the key's public part: sps_<id>
        raw = raw.rsplit("_", 1)[0]
    if match.group(3):
        raw = raw[: int(match.group(3))]
    return raw.encode()


def _run_http(campaign: Campaign, case: HostileCase, call: HttpCall) -> tuple[Outcome, str]:
    headers = [
        (name, _KEY_TOKEN.sub(lambda m: _key_value(campaign.keys, m), value))
        for name, value in call.headers
    ]
    names = {name.lower() for name, _ in headers}
    if call.key != "none" and not names & {b"authorization", b"x-api-key"}:
        headers.append((b"Authorization", b"Bearer " + campaign.keys[call.key].encode()))
    with _Guard(()):
        response = campaign.client.request(
            call.method, call.path, headers=headers, content=call.body
        )
    outcome, detail = classify_http(response.status_code, response.content)
    if outcome not in (Outcome.CLEAR_ERROR, Outcome.HOLD, Outcome.ACCEPTED):
        detail += f"; body: {_excerpt(response.content.decode('utf-8', 'replace'))}"
    return outcome, detail


# --- the audit ----------------------------------------------------------------------------


def _serve(campaign: Campaign, routes: Sequence[tuple[str, Route]]) -> None:
    """Let the campaign's server answer `routes` (with `{base}` filled in) and nothing else."""
    values = {"base": campaign.site.base}
    campaign.site.routes = {
        path: dataclasses.replace(
            route,
            body=_fill_bytes(route.body, values),
            headers={k: _fill(v, values) for k, v in route.headers.items()},
        )
        for path, route in routes
    }


@dataclasses.dataclass
class _AuditRun:
    """What one `screening audit` run answered."""

    code: int
    out: str
    err: str
    exception: BaseException | None
    hung: list[Path]
    report: dict[str, Any] | None
    #: Rows of report.csv with a cell a spreadsheet would run as a formula.
    unsafe_rows: list[list[str]]


def _audit(
    campaign: Campaign, folder: Path, source: str, args: Sequence[str], fifos: Sequence[Path]
) -> _AuditRun:
    """`screening audit SOURCE`, its reports into `folder`."""
    out = folder / "rapport"
    argv = ["audit", source, "--out", str(out), "--state-dir", str(folder / "state")]
    argv += ["--workers", "1", *args]
    with _Guard(fifos) as guard:
        try:
            code, stdout, stderr, exc = _invoke(campaign, argv)
        finally:
            campaign.reset_face_cache()  # the run's own face cache is closed now
    report_path = out / "report.json"
    report = json.loads(report_path.read_text("utf-8")) if report_path.is_file() else None
    unsafe = [
        row
        for row in _csv_rows(out / "report.csv")[1:]
        if any(cell.startswith(FORMULA_START) for cell in row)
    ]
    return _AuditRun(code, stdout, stderr, exc, guard.hung, report, unsafe)


def _run_audit(campaign: Campaign, case: HostileCase, call: AuditCall) -> tuple[Outcome, str]:
    folder = campaign.case_dir(case)
    values = {"dir": str(folder / "bron"), "base": campaign.site.base}
    (folder / "bron").mkdir()
    fifos = _make_files(folder / "bron", call.files, values)
    _serve(campaign, call.routes)
    source = _fill(call.source, values)
    run = _audit(campaign, folder, source, call.args, fifos)
    exc, err, report = run.exception, run.err, run.report
    outcome, detail = classify_cli(run.code, run.out, err, exc)
    if run.hung:
        return Outcome.HANG, f"blocked reading {run.hung[0].name}; {detail}"
    if run.unsafe_rows:
        return Outcome.UNSAFE_OUTPUT, f"report.csv runs as a formula: {run.unsafe_rows[0]!r}"
    if outcome in (Outcome.PUBLISH, Outcome.HOLD) and report is not None:
        counts = ", ".join(f"{k} {v}" for k, v in report["counts"].items() if v)
        if outcome is Outcome.PUBLISH and not report["items"]:
            # Exit 0 for a source with nothing in it: checked nothing, said nothing.
            return Outcome.UNCLEAR, "exit 0 and no items: the audit checked nothing"
        detail += f" ({counts or 'no items'})"
    if exc is not None:
        detail += f": {_excerpt(repr(exc))}"
    elif outcome not in (Outcome.CLEAR_ERROR, Outcome.HOLD):
        detail += f"; stderr: {_excerpt(err)}"
    return outcome, detail


#: Per batch: the source file (None: the folder itself; a URL path: served) and its frame.
_BATCH_SOURCES: dict[str, tuple[str | None, Callable[[str], str]]] = {
    "folder": (None, lambda body: body),
    "jsonl": ("manifest.jsonl", lambda body: body),
    "rss-file": ("feed.xml", lambda body: _rss(body)),
    "rss-remote": ("/feed.xml", lambda body: _rss(body)),
}


def _rss(items: str) -> str:
    from tests.hostile.feeds import rss

    return rss(items)


def _run_batch(
    campaign: Campaign, batch: str, cases: Sequence[HostileCase]
) -> list[tuple[HostileCase, Outcome, str]]:
    """Audit the items of one batch together; each case's outcome is its item's verdict."""
    if batch not in _BATCH_SOURCES:
        raise ValueError(f"unknown audit batch {batch!r}")
    target, frame = _BATCH_SOURCES[batch]
    folder = campaign.root / "batches" / batch
    source_dir = folder / "bron"
    source_dir.mkdir(parents=True)
    campaign.made.append(folder)
    slugs: dict[str, str] = {}
    fifos_of: dict[str, list[Path]] = {}
    fragments: list[str] = []
    lines: dict[str, int] = {}
    for case in cases:
        item = case.payload
        assert isinstance(item, AuditItem)
        name = slug(f"{case.family}-{case.name}")
        while name in slugs.values():
            name += "-x"
        slugs[case.id] = name
        values = {"slug": name, "dir": str(source_dir), "base": campaign.site.base}
        fifos_of[case.id] = _make_files(source_dir, item.files, values)
        if item.fragment:
            fragments.append(_fill(item.fragment, values))
            lines[case.id] = len(fragments)
    body = frame("\n".join(fragments) + ("\n" if batch == "jsonl" else ""))
    if target is None:
        source = str(source_dir)
    elif target.startswith("/"):
        _serve(campaign, [(target, Route(body.encode(), content_type="application/rss+xml"))])
        source = campaign.site.base + target
    else:
        (source_dir / target).write_text(body, encoding="utf-8")
        source = str(source_dir / target)
    fifos = [f for found in fifos_of.values() for f in found]
    run = _audit(campaign, folder, source, (), fifos)
    exc, err, hung, report = run.exception, run.err, run.hung, run.report
    verdicts: dict[str, str] = {}
    if report is not None:
        verdicts = {i["item_id"]: i["verdict"] for i in report["items"]}
    unsafe = {row[0].removeprefix("'"): row for row in run.unsafe_rows}
    run_outcome, run_detail = classify_cli(run.code, run.out, err, exc)
    results = []
    for case in cases:
        item = case.payload
        assert isinstance(item, AuditItem)
        values = {"slug": slugs[case.id], "dir": str(source_dir), "base": campaign.site.base}
        item_id = _fill(item.item_id, values)
        if item_id in unsafe:
            results.append((case, Outcome.UNSAFE_OUTPUT, f"report.csv: {unsafe[item_id]!r}"))
            continue
        if any(f in hung for f in fifos_of[case.id]):
            results.append((case, Outcome.HANG, f"blocked reading a named pipe; {run_detail}"))
            continue
        if run_outcome in (Outcome.SERVER_ERROR, Outcome.CRASH):
            why = _excerpt(repr(exc) if exc else err, 600)
            results.append((case, run_outcome, f"the batch's audit: {run_detail}; {why}"))
            continue
        verdict = verdicts.get(item_id)
        if verdict is None and batch == "jsonl" and case.id in lines:
            # A line that is no JSON cannot name its id: the audit lists it by line number.
            verdict = verdicts.get(f"line-{lines[case.id]}")
        outcome, detail = classify_verdict(verdict)
        if verdict is None:
            detail += f" (batch: {run_detail}; {_excerpt(err)})"
        results.append((case, outcome, detail))
    return results


# --- running cases ------------------------------------------------------------------------


def run_case(campaign: Campaign, case: HostileCase) -> CaseResult:
    """Run one case (not an audit item: those run in batches) and classify its answer."""
    started = time.perf_counter()
    try:
        payload = case.payload
        if isinstance(payload, CliCall):
            outcome, detail = _run_cli(campaign, case, payload)
        elif isinstance(payload, HttpCall):
            outcome, detail = _run_http(campaign, case, payload)
        elif isinstance(payload, AuditCall):
            outcome, detail = _run_audit(campaign, case, payload)
        else:
            raise TypeError(f"{type(payload).__name__} runs in a batch")
    except CaseTimeout as exc:
        outcome, detail = Outcome.HANG, str(exc)
    except Exception as exc:
        outcome, detail = Outcome.CRASH, f"{type(exc).__name__}: {_excerpt(str(exc))}"
    result = CaseResult(case, outcome, detail, time.perf_counter() - started)
    campaign.clean_up(keep=not result.ok)
    return result


def _batch_results(
    campaign: Campaign, batch: str, cases: Sequence[HostileCase]
) -> list[CaseResult]:
    started = time.perf_counter()
    try:
        answered = _run_batch(campaign, batch, cases)
    except CaseTimeout as exc:
        answered = [(c, Outcome.HANG, f"the batch: {exc}") for c in cases]
    except Exception as exc:
        detail = f"the batch: {type(exc).__name__}: {_excerpt(str(exc))}"
        answered = [(c, Outcome.CRASH, detail) for c in cases]
    share = (time.perf_counter() - started) / max(1, len(cases))
    results = [CaseResult(c, o, d, share) for c, o, d in answered]
    campaign.clean_up(keep=not all(r.ok for r in results))
    return results


def run_cases(
    cases: Sequence[HostileCase],
    *,
    workdir: Path | None = None,
    progress: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Run every case against the real interfaces; the results in the order of `cases`.

    `cli-process` cases run in a separate process each, one at a time, beside the others;
    audit items run per batch, after the other cases.
    """
    results: dict[str, CaseResult] = {}

    def record(result: CaseResult) -> None:
        results[result.case.id] = result
        if progress is not None:
            progress(result)

    with campaign(workdir) as shared, ThreadPoolExecutor(max_workers=1) as processes:
        pending: list[tuple[HostileCase, Future[tuple[Outcome, str, float]]]] = []
        batches: dict[str, list[HostileCase]] = defaultdict(list)
        for case in cases:
            payload = case.payload
            if isinstance(payload, AuditItem):
                batches[payload.batch].append(case)
            elif case.surface == "cli-process" and isinstance(payload, CliCall):
                folder = shared.case_dir(case, tracked=False)  # the process may outlive a case
                pending.append((case, processes.submit(_run_process, folder, payload)))
            else:
                record(run_case(shared, case))
        for batch, members in batches.items():
            for result in _batch_results(shared, batch, members):
                record(result)
        for case, future in pending:
            try:
                outcome, detail, seconds = future.result()
            except Exception as exc:
                outcome, detail = Outcome.CRASH, f"{type(exc).__name__}: {_excerpt(str(exc))}"
                seconds = 0.0
            record(CaseResult(case, outcome, detail, seconds))
    return [results[case.id] for case in cases]
