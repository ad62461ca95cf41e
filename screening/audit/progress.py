"""How a running audit reports progress: a bar for a person, JSON lines for cron.

With stderr on a terminal a rich progress bar counts items and verdicts; otherwise every
event is one JSON object on one line of stderr, for a log collector. Either way only ids,
counts and verdict kinds are shown, never caption text or faces.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

from screening.audit.results import ItemResult


class Progress(Protocol):
    """Receives the audit's events."""

    def start(self, total: int, already_done: int) -> None:
        """The run starts: `total` items, of which `already_done` come from the journal."""

    def advance(self, result: ItemResult) -> None:
        """One item is finished."""

    def event(self, name: str, **fields: Any) -> None:
        """Something else worth recording (ids and counts only)."""

    def close(self) -> None:
        """The run is over."""


class JsonLinesProgress:
    """One JSON object per line on a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr

    def _emit(self, event: str, fields: dict[str, Any]) -> None:
        record = {"ts": datetime.now(UTC).isoformat(timespec="seconds"), "event": event, **fields}
        self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._stream.flush()

    def start(self, total: int, already_done: int) -> None:
        """Log the start."""
        self._emit("audit.start", {"items": total, "resumed": already_done})

    def advance(self, result: ItemResult) -> None:
        """Log one finished item: id, verdict, finding kinds, whether faces were re-detected."""
        self._emit(
            "audit.item",
            {
                "item": result.ref or result.item_id,
                "verdict": result.verdict.value,
                "kinds": sorted({f.kind for f in result.blocking}),
                "redetected": result.redetected,
            },
        )

    def event(self, name: str, **fields: Any) -> None:
        """Log another event."""
        self._emit(name, fields)

    def close(self) -> None:
        """Nothing to release."""


class BarProgress:
    """A rich progress bar with running verdict counts, for a person at a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._console = Console(stderr=True)
        self._bar = Progress(
            TextColumn("[bold]controle[/] / audit"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"),
            console=self._console,
            transient=False,
        )
        self._counts: Counter[str] = Counter()
        self._task: Any = None

    def _summary(self) -> str:
        return "  ".join(f"{k}: {v}" for k, v in sorted(self._counts.items()))

    def start(self, total: int, already_done: int) -> None:
        """Show the bar."""
        self._bar.start()
        self._task = self._bar.add_task("audit", total=total, completed=already_done, counts="")
        if already_done:
            self._console.print(
                f"hervat: {already_done} van {total} al gecontroleerd / resumed: "
                f"{already_done} of {total} already done",
                highlight=False,
            )

    def advance(self, result: ItemResult) -> None:
        """Count one item."""
        self._counts[result.verdict.value] += 1
        self._bar.update(self._task, advance=1, counts=self._summary())

    def event(self, name: str, **fields: Any) -> None:
        """Events are for logs; the bar shows counts only."""

    def close(self) -> None:
        """Stop the bar."""
        self._bar.stop()


def default_progress() -> Progress:
    """The bar when stderr is a terminal, JSON lines otherwise."""
    return BarProgress() if sys.stderr.isatty() else JsonLinesProgress()


class JsonLogHandler(logging.Handler):
    """Log records as JSON lines on stderr, beside the progress events (for cron)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write one record: level, logger and message (messages never quote a post)."""
        try:
            line = {
                "ts": datetime.now(UTC).isoformat(timespec="seconds"),
                "event": "log",
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            }
            sys.stderr.write(json.dumps(line, ensure_ascii=False) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def use_json_logs(level: int = logging.WARNING) -> None:
    """Send this process's warnings to stderr as JSON lines instead of plain text."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = JsonLogHandler(level)
    root.addHandler(handler)
    root.setLevel(level)
