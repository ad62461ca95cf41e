"""`screening status`: the task queue's depth, the workers that answer, and recent batches.

For an operator, or a monitoring script (`--json`). The queue and the workers are asked with
short timeouts; the batches come from the registry database, so batches screened in the
service's own process (no broker configured) show too. Exit codes: 0 shown, 3 the registry
or a configured broker cannot be reached (what could be read is still shown), 4 internal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Column, Table

from cli.errors import CONFIG_ERROR, command_errors, fail, print_error
from kernel.errors import InputError, QueueUnavailableError
from kernel.settings import Settings
from screening.messages import Lang

if TYPE_CHECKING:
    from api.batches.monitor import LiveWorker
    from api.batches.store import BatchProgress

#: Item states in the order shown, with their Dutch and English labels.
_STATES = {
    "queued": ("wachtend", "queued"),
    "running": ("bezig", "running"),
    "done": ("klaar", "done"),
    "failed": ("mislukt", "failed"),
}


@dataclass
class QueueState:
    """What the broker said (nothing when none is configured)."""

    configured: bool
    name: str
    broker: str | None = None
    reachable: bool | None = None
    unreachable_because: str | None = None
    depth: int | None = None
    workers: list[LiveWorker] | None = None

    @property
    def live(self) -> list[LiveWorker]:
        """The workers that take messages from this installation's queue."""
        return [w for w in self.workers or [] if self.name in w.queues]


@dataclass
class Status:
    """Everything `screening status` shows."""

    queue: QueueState
    batches: int
    counts: dict[str, int]
    recent: list[BatchProgress] = field(default_factory=list)


def _queue_state(settings: Settings) -> QueueState:
    from api.batches.monitor import BrokerUnreachableError, live_workers, queue_depth
    from consent_store.database import safe_url

    if not settings.broker_url:
        return QueueState(configured=False, name=settings.broker_queue)
    state = QueueState(
        configured=True, name=settings.broker_queue, broker=safe_url(settings.broker_url)
    )
    try:
        state.depth = queue_depth(settings)
        state.workers = live_workers(settings)
    except BrokerUnreachableError as exc:
        state.reachable, state.unreachable_because = False, str(exc)
        return state
    state.reachable = True
    return state


def _read_status(settings: Settings, limit: int) -> Status:
    from api.batches.runner import utcnow
    from api.batches.store import BatchStore
    from consent_store.database import create_registry_engine, database_url
    from consent_store.location import require_registry
    from consent_store.repository import open_registry

    require_registry(settings)
    open_registry(settings).close()  # a registry that is not there: exit 3; the schema current
    engine = create_registry_engine(database_url(settings))
    try:
        store = BatchStore(engine)
        now = utcnow()
        batches, counts = store.totals(now)
        recent = store.recent(now, limit)
    finally:
        engine.dispose()
    return Status(_queue_state(settings), batches, counts, recent)


def _batch_json(b: BatchProgress) -> dict[str, Any]:
    return {
        "id": b.id,
        "created_at": b.created_at.isoformat(),
        "expires_at": b.expires_at.isoformat(),
        "total": b.total,
        "counts": b.counts,
        "finished": b.finished,
        "submitted_by": b.key_id,
    }


def status_json(status: Status) -> dict[str, Any]:
    """The status as the JSON `--json` prints."""
    q = status.queue
    return {
        "queue": {
            "configured": q.configured,
            "name": q.name,
            "broker": q.broker,
            "reachable": q.reachable,
            "depth": q.depth,
        },
        "workers": None
        if q.workers is None
        else {
            "live": len(q.live),
            "names": [w.name for w in q.live],
            "other_queues": [{"name": w.name, "queues": list(w.queues)} for w in q.workers]
            if len(q.live) != len(q.workers)
            else [],
        },
        "batches": {
            "unexpired": status.batches,
            "counts": status.counts,
            "recent": [_batch_json(b) for b in status.recent],
        },
    }


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%d-%m %H:%M")


def _print_queue(out: Console, q: QueueState, nl: bool) -> None:
    if not q.configured:
        out.print(
            "Wachtrij: niet ingesteld (SCREENING_BROKER_URL); batches worden in het proces van "
            "de dienst gecontroleerd."
            if nl
            else "Queue: not configured (SCREENING_BROKER_URL); batches are screened in the "
            "service's own process.",
            markup=False,
        )
        return
    where = f"'{q.name}' {'op' if nl else 'at'} {q.broker}"
    if not q.reachable:
        out.print(
            f"Wachtrij {where}: niet bereikbaar ({q.unreachable_because})."
            if nl
            else f"Queue {where}: unreachable ({q.unreachable_because}).",
            markup=False,
        )
        return
    if q.depth is None:
        depth = "aantal wachtende berichten onbekend" if nl else "messages waiting unknown"
    else:
        depth = f"{q.depth} bericht(en) wachten" if nl else f"{q.depth} message(s) waiting"
    out.print(f"{'Wachtrij' if nl else 'Queue'} {where}: {depth}.", markup=False)
    live = q.live
    names = ", ".join(w.name for w in live)
    if live:
        line = (
            f"Workers: {len(live)} actief ({names})."
            if nl
            else f"Workers: {len(live)} live ({names})."
        )
    else:
        line = (
            "Workers: geen enkele worker antwoordt; er wordt niets gecontroleerd."
            if nl
            else "Workers: no worker answers; nothing is being screened."
        )
    others = len(q.workers or []) - len(live)
    if others:
        line += (
            f" {others} andere op een andere wachtrij."
            if nl
            else f" {others} more on another queue."
        )
    out.print(line, markup=False)


def _print_batches(out: Console, status: Status, nl: bool) -> None:
    counts = ", ".join(
        f"{status.counts.get(state, 0)} {labels[0 if nl else 1]}"
        for state, labels in _STATES.items()
    )
    out.print(
        f"Batches (nog niet verlopen): {status.batches}; berichten: {counts}."
        if nl
        else f"Batches (not expired): {status.batches}; posts: {counts}.",
        markup=False,
    )
    if not status.recent:
        return
    table = Table(
        Column("batch", no_wrap=True),  # an id to copy, whatever the terminal's width
        Column("ingediend" if nl else "submitted", no_wrap=True),
        Column("totaal" if nl else "total", justify="right"),
        *(Column(labels[0 if nl else 1], justify="right") for labels in _STATES.values()),
        title="Recente batches, nieuwste eerst" if nl else "Recent batches, newest first",
        box=box.SIMPLE,
        show_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for b in status.recent:
        table.add_row(
            b.id,
            _local(b.created_at),
            str(b.total),
            *(str(b.counts.get(state, 0)) for state in _STATES),
        )
    out.print(table)


def status(
    batches: Annotated[
        int,
        typer.Option(
            "--batches", min=0, max=1000, help="Toon zoveel recente batches (standaard 10)."
        ),
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Schrijf de stand als JSON.")] = False,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Taal van de uitvoer: nl of en.")
    ] = None,
) -> None:
    """Toon wachtrij, workers en batches (show the queue, its workers and recent batches)."""
    settings = Settings()
    chosen = (lang or settings.lang).strip().lower()
    if chosen not in ("nl", "en"):
        fail(InputError(f"unknown language {lang!r}", f"onbekende taal {lang!r}"), "nl")
    language: Lang = "en" if chosen == "en" else "nl"
    with command_errors(language, "status"):
        shown = _read_status(settings, batches)
    if as_json:
        typer.echo(json.dumps(status_json(shown), ensure_ascii=False))
    else:
        out = Console(highlight=False, soft_wrap=True)
        _print_queue(out, shown.queue, language == "nl")
        _print_batches(out, shown, language == "nl")
    q = shown.queue
    if q.configured and not q.reachable:
        print_error(
            QueueUnavailableError(
                f"the task queue ({q.broker}) cannot be reached",
                f"de wachtrij ({q.broker}) is niet bereikbaar",
            ),
            language,
        )
        raise typer.Exit(CONFIG_ERROR)
