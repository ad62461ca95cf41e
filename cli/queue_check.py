"""`screening check --jsonl FILE --queue`: a content calendar screened by the queue's workers.

The lines are read and checked here exactly as in process (a malformed line or a post that
cannot be screened gives the same error record); the posts are submitted as one batch and
the decisions written in line order as the workers finish them, each the same JSON as
`screening check --jsonl` writes without `--queue`.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rich.console import Console

from cli.inputs import parse_jsonl_line
from kernel.errors import InputError, QueueUnavailableError, UnknownPolicyError
from kernel.settings import Settings
from kernel.types import Channel, Post
from screening.messages import Lang

if TYPE_CHECKING:
    from api.batches.store import BatchStore

#: How often the database is asked for new results, and after how long without one the
#: command says what it is waiting for.
POLL_SECONDS = 0.2
QUIET_SECONDS = 15.0


@dataclass(frozen=True)
class JsonlSummary:
    """What a calendar gave: decisions, holds among them, and lines with an error."""

    decisions: int
    holds: int
    errors: int


def _error_record(line: int, item_id: str | None, error: InputError) -> dict[str, object]:
    return {
        "line": line,
        "id": item_id,
        "error": {"code": error.code, "message": error.message_en, "message_nl": error.message_nl},
    }


def _queue_policy(policy: str | None, settings: Settings) -> None:
    """Workers know installed packs by id; a path on this machine means nothing to them."""
    from screening.policy.pack import load_packs

    packs = load_packs(settings.policy_dirs, settings.default_policy)
    if policy is None or policy in packs.packs:
        return
    known = ", ".join(sorted(packs.packs))
    raise UnknownPolicyError(
        f"with --queue, --policy takes the id of an installed pack ({known}), not {policy!r}",
        f"met --queue neemt --policy de naam van een geïnstalleerd pakket ({known}), niet "
        f"{policy!r}",
    )


def check_jsonl_on_queue(
    path: Path,
    out: Path | None,
    channel: Channel,
    today: date,
    policy: str | None,
    settings: Settings,
    lang: Lang,
) -> JsonlSummary:
    """Submit every post of a JSONL calendar to the queue and write the decisions in order."""
    from api.batches.broker import Publisher
    from api.batches.store import BatchStore
    from api.batches.submit import new_items, submit_batch
    from consent_store.database import create_registry_engine, database_url
    from consent_store.repository import open_registry
    from screening.pipeline import validate_post

    if not path.is_file():
        raise InputError(f"{str(path)!r} does not exist", f"{str(path)!r} bestaat niet")
    publisher = Publisher(settings)  # no broker configured: an error before any work
    _queue_policy(policy, settings)
    # Line number -> an error record (ready now) or the position of its post in the batch.
    records: dict[int, dict[str, object] | int] = {}
    posts: list[tuple[str | None, Post]] = []
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            item = parse_jsonl_line(raw, n, path.parent, channel, today, settings.max_image_bytes)
            if item is None:
                continue
            error = item.error
            if item.post is not None:
                try:
                    validate_post(item.post, settings.max_text_chars)
                except InputError as exc:
                    error = exc
            if error is not None or item.post is None:
                assert error is not None
                records[n] = _error_record(n, item.id, error)
            else:
                records[n] = len(posts)
                posts.append((item.id, item.post))
    open_registry(settings).close()  # brings the schema up to date (the batch tables)
    engine = create_registry_engine(database_url(settings))
    try:
        store = BatchStore(engine)
        batch_id = None
        if posts:
            batch_id = submit_batch(
                store,
                publisher,
                None,
                key_id=None,
                policy=policy,
                items=new_items(posts),
                ttl=settings.batch_result_ttl,
            )
            _say(
                f"partij {batch_id}: {len(posts)} bericht(en) in de wachtrij",
                f"batch {batch_id}: {len(posts)} post(s) queued",
                lang,
            )
        sink: IO[str] = out.open("w", encoding="utf-8") if out else sys.stdout
        try:
            return _write_in_order(store, batch_id, records, sink, lang)
        finally:
            if out:
                sink.close()
    finally:
        engine.dispose()


def _say(nl: str, en: str, lang: Lang) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        nl if lang == "nl" else en, markup=False
    )


def _write_in_order(
    store: BatchStore,
    batch_id: str | None,
    records: dict[int, dict[str, object] | int],
    sink: IO[str],
    lang: Lang,
) -> JsonlSummary:
    """Write each line's record as soon as it and every line before it are ready."""
    from api.batches.runner import utcnow

    lines = sorted(records)
    waiting = {p: n for n, p in records.items() if isinstance(p, int)}
    ready: dict[int, dict[str, object]] = {
        n: r for n, r in records.items() if not isinstance(r, int)
    }
    decisions = holds = 0
    errors = len(ready)
    next_index = 0
    last_progress = time.monotonic()
    while next_index < len(lines):
        if batch_id is not None and waiting:
            if store.progress(batch_id, utcnow()) is None:
                raise QueueUnavailableError(
                    f"batch {batch_id} expired before every post was screened "
                    "(SCREENING_BATCH_RESULT_TTL)",
                    f"partij {batch_id} is verlopen voordat elk bericht gecontroleerd was "
                    "(SCREENING_BATCH_RESULT_TTL)",
                )
            new = [p for p in store.finished_positions(batch_id) if p in waiting]
            for result in store.results(batch_id, new):
                line = waiting.pop(result.position)
                ready[line] = {"line": line, **result.decision}
                decisions += 1
                holds += result.decision.get("action") == "hold"
                last_progress = time.monotonic()
        while next_index < len(lines) and lines[next_index] in ready:
            sink.write(json.dumps(ready.pop(lines[next_index]), ensure_ascii=False) + "\n")
            sink.flush()
            next_index += 1
        if next_index >= len(lines):
            break
        if time.monotonic() - last_progress > QUIET_SECONDS:
            _say(
                f"wacht op de wachtrij: nog {len(waiting)} bericht(en); draait er een worker "
                "('screening worker')?",
                f"waiting for the queue: {len(waiting)} post(s) to go; is a worker running "
                "('screening worker')?",
                lang,
            )
            last_progress = time.monotonic()
        time.sleep(POLL_SECONDS)
    return JsonlSummary(decisions=decisions, holds=holds, errors=errors)
