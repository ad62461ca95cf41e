"""What a hostile case is, what answers it can get, and how an answer is classified.

A case names the interface it is sent to (`surface`), what it sends (`payload`) and which
outcomes are acceptable (by default: a clear error or a hold). The classifiers read what the
real interface answered: the CLI's exit code and output, the service's status and body, the
audit's verdict for an item.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

from tests.audit.http_server import Route


class Outcome(StrEnum):
    """How an interface answered a hostile input."""

    #: Refused with a message that names the problem: a 4xx in the error shape, exit code 2
    #: or 3 with `fout [E...]`, an audit source refused.
    CLEAR_ERROR = "clear-error"
    #: Screened and held: decision `hold`, exit code 1, audit item flagged (not `ok`).
    HOLD = "hold"
    #: Taken in as data (a registry import or person that is well-formed, however odd).
    ACCEPTED = "accepted"
    #: Screened and allowed: decision `publish`, exit code 0, audit item `ok`.
    PUBLISH = "publish"
    #: Neither a clear error nor a hold: a 4xx without the error shape, an exit code without a
    #: message, an audit that checked nothing and said nothing, an item left out.
    UNCLEAR = "unclear"
    #: Accepted, then written back out so that it runs (a spreadsheet formula in an export).
    UNSAFE_OUTPUT = "unsafe-output"
    #: The interface waited for input that never comes (it opened a pipe).
    HANG = "hang"
    #: A 5xx, exit code 4, or a traceback in the output.
    SERVER_ERROR = "server-error"
    #: An exception escaped the interface.
    CRASH = "crash"


#: Outcomes that break the campaign's rule whatever the case says.
FAILING = frozenset(
    {
        Outcome.PUBLISH,
        Outcome.UNCLEAR,
        Outcome.UNSAFE_OUTPUT,
        Outcome.HANG,
        Outcome.SERVER_ERROR,
        Outcome.CRASH,
    }
)
REFUSE_OR_HOLD = frozenset({Outcome.CLEAR_ERROR, Outcome.HOLD})
REFUSE_OR_ACCEPT = frozenset({Outcome.CLEAR_ERROR, Outcome.ACCEPTED})


@dataclass(frozen=True, slots=True)
class FileSpec:
    """A file (or pipe, or link) the case needs, relative to its own folder."""

    path: str
    data: bytes = b""
    #: "file", "fifo" (a named pipe nobody writes to) or "symlink" (to `target`).
    kind: str = "file"
    target: str = ""


@dataclass(frozen=True, slots=True)
class CliCall:
    """A `screening ...` command line, run in process. `{dir}` is the case's own folder."""

    args: tuple[str, ...]
    stdin: bytes = b""
    files: tuple[FileSpec, ...] = ()
    #: Import, then export: the export must not hold a cell a spreadsheet would run.
    then_export: bool = False


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One request to the service. `key` names whose key is sent ("none": no key)."""

    method: str
    path: str
    key: str = "all"
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class AuditCall:
    """`screening audit SOURCE`, run in process, on files in the case's folder and routes on
    the campaign's HTTP server. `{dir}` is the folder, `{base}` the server's address for
    this case."""

    source: str
    files: tuple[FileSpec, ...] = ()
    routes: tuple[tuple[str, Route], ...] = ()
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditItem:
    """One item of a shared audit source (`batch`): the runner puts the items of a batch
    together and audits them in one run; this case's outcome is its item's verdict.

    `fragment` is the item's JSONL line or RSS <item>; `{slug}` in it, in `item_id` and in
    file paths stands for the case's own name, `{base}` for the server's address.
    """

    batch: str
    item_id: str
    fragment: str = ""
    files: tuple[FileSpec, ...] = ()


Payload = CliCall | HttpCall | AuditCall | AuditItem


@dataclass(frozen=True, slots=True)
class HostileCase:
    """One hostile input for one interface."""

    surface: str
    family: str
    name: str
    payload: Payload
    allowed: frozenset[Outcome] = REFUSE_OR_HOLD

    @property
    def id(self) -> str:
        """A unique, readable id: surface/family/name."""
        return f"{self.surface}/{self.family}/{self.name}"


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What one case got."""

    case: HostileCase
    outcome: Outcome
    #: The evidence: status or exit code, error code, verdict, exception type.
    detail: str
    seconds: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the answer keeps the campaign's rules."""
        return self.outcome not in FAILING and self.outcome in self.case.allowed


# --- classifying answers ----------------------------------------------------------------

#: How the CLI names an error: "fout [E205] ...", or (the audit, for an empty source)
#: "WAARSCHUWING [E304] ...".
_CLI_ERROR = re.compile(r"(?:fout|error|waarschuwing|warning) \[E\d{3}\]", re.IGNORECASE)
_JSONL_ERROR = re.compile(r'"error": \{"code": "E\d{3}"')


def classify_cli(
    exit_code: int, stdout: str, stderr: str, exception: BaseException | None
) -> tuple[Outcome, str]:
    """Outcome of a `screening check` / `registry` / `audit` run (exit codes of README)."""
    if exception is not None and not isinstance(exception, SystemExit):
        return Outcome.CRASH, f"{type(exception).__name__} escaped"
    if "Traceback" in stdout or "Traceback" in stderr:
        return Outcome.SERVER_ERROR, f"exit {exit_code}, traceback in the output"
    if exit_code == 0:
        return Outcome.PUBLISH, "exit 0"
    if exit_code == 1:
        return Outcome.HOLD, "exit 1"
    if exit_code in (2, 3):
        code = _CLI_ERROR.search(stderr) or _JSONL_ERROR.search(stdout)
        if code:
            return Outcome.CLEAR_ERROR, f"exit {exit_code}, {code.group()}"
        if "Usage:" in stderr and "Error" in stderr:  # the command-line parser's own message
            return Outcome.CLEAR_ERROR, f"exit {exit_code}, usage error"
        return Outcome.UNCLEAR, f"exit {exit_code} without an error message"
    if exit_code == 4:
        return Outcome.SERVER_ERROR, "exit 4 (internal error)"
    return Outcome.UNCLEAR, f"exit {exit_code}"


def classify_http(status: int, body: bytes) -> tuple[Outcome, str]:
    """Outcome of one response of the service."""
    if b"Traceback" in body:
        return Outcome.SERVER_ERROR, f"{status}, traceback in the body"
    if status >= 500:
        return Outcome.SERVER_ERROR, f"{status}"
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    if 400 <= status < 500:
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and all(
            isinstance(error.get(k), str) and error.get(k) for k in ("code", "message", "nl", "en")
        ):
            return Outcome.CLEAR_ERROR, f"{status} {error['code']}"
        return Outcome.UNCLEAR, f"{status} without the error shape"
    if 200 <= status < 300 and isinstance(data, dict):
        action = data.get("action")
        if action == "hold":
            return Outcome.HOLD, f"{status} hold"
        if action == "publish":
            return Outcome.PUBLISH, f"{status} publish"
        return Outcome.ACCEPTED, f"{status}"
    if 200 <= status < 300:
        return Outcome.ACCEPTED, f"{status}"
    return Outcome.UNCLEAR, f"{status}"


def classify_verdict(verdict: str | None) -> tuple[Outcome, str]:
    """Outcome of one audit item by its verdict (None: the item is not in the report)."""
    if verdict is None:
        return Outcome.UNCLEAR, "the item is not in the report"
    if verdict == "ok":
        return Outcome.PUBLISH, "verdict ok"
    return Outcome.HOLD, f"verdict {verdict}"
