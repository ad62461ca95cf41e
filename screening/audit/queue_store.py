"""The nightly audit's items on the task queue, and the cache its workers share, in the
registry database.

The audit stores a run with one row per item before any message is sent (a message holds
only the row's id). The item row is the truth, as for batches (`api.batches.store`): a
worker claims it (state `running`, one more attempt) and writes its result in one
transaction that only succeeds while the item is unfinished, so however often a task runs,
an item gets one result. The audit gathers finished items (and the replacement photos the
workers made) into its journal and reports and then deletes them; the run goes when the
audit is done with it, or when it expires.

The face analyses and photo text the workers read are cached here, encrypted, per library
(the audit's state directory, named by a random id kept in it), so that a night in which
only consents changed detects nothing again, whichever worker gets which photo.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from consent_store.audit_schema import (
    AuditCacheRow,
    AuditItemRow,
    AuditReplacementRow,
    AuditRunRow,
)
from consent_store.database import WRITE_OPTION, reader, unavailable_on_error
from screening.audit.face_cache import AnalysisCache, create_private_file
from screening.audit.items import AuditItem

#: States an item ends in.
FINAL_STATES = ("done", "failed")
_OPEN_STATES = ("queued", "running")
#: Rows per statement when inserting, gathering or deleting (bounded IN lists).
_CHUNK = 500
#: The file in the state directory that names its library in the database.
LIBRARY_FILE_NAME = "library-id"


def library_id(state_dir: Path) -> str:
    """The library's random id, kept in the state directory (made on first use, mode 0600)."""
    path = state_dir / LIBRARY_FILE_NAME
    found = existing_library_id(state_dir)
    if found is not None:
        return found
    made = secrets.token_hex(16)
    create_private_file(path)
    with path.open("w", encoding="ascii") as fh:
        fh.write(made + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return made


def existing_library_id(state_dir: Path) -> str | None:
    """The library's id if the state directory has one (it ran on the queue before)."""
    try:
        text = (state_dir / LIBRARY_FILE_NAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 32 and all(c in "0123456789abcdef" for c in text) else None


def run_id(library: str, fingerprint: str) -> str:
    """The run's id: the same for the same library and run (an audit started again)."""
    return hashlib.sha256(f"{library}:{fingerprint}".encode()).hexdigest()[:32]


def item_row_id(run: str, item_id: str) -> str:
    """The id of an item's row (also its Celery task id)."""
    return f"{run}-{hashlib.sha256(item_id.encode()).hexdigest()[:24]}"


@dataclass(frozen=True)
class AuditWork:
    """An item as a worker judges it, with its run's settings."""

    id: str
    run_id: str
    library: str
    policy: str | None
    lang: str
    today: date
    item: AuditItem
    attempts: int


@dataclass(frozen=True)
class _Run:
    """What a worker needs of a run (none of it changes while the run lives)."""

    id: str
    library: str
    policy: str | None
    lang: str
    today: date


@dataclass(frozen=True)
class Gathered:
    """A finished item: its result (JSON form) and the replacement photos made for it."""

    id: str
    state: str
    result: dict[str, Any]
    replacements: dict[str, bytes]


class AuditQueueStore:
    """Audit runs and their items in the registry database (the registry's engine)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        #: For one statement that writes: on PostgreSQL without BEGIN and COMMIT around it
        #: (one statement is atomic on its own), saving two round trips per item.
        self._single = reader(self._writer)
        self._url = engine.url.render_as_string(hide_password=True)
        #: The runs this process judged items of, by id (read once per run).
        self._runs: dict[str, _Run] = {}

    def create_run(
        self,
        run: str,
        library: str,
        policy: str | None,
        lang: str,
        today: date,
        items: Sequence[AuditItem],
        now: datetime,
        ttl: timedelta,
    ) -> list[str]:
        """Store the run and those of `items` it lacks; the ids of the unfinished ones.

        A run that exists already (an audit started again the same night) keeps what its
        workers finished: those items are gathered, not published again.
        """
        ids = [item_row_id(run, i.id) for i in items]
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            found = s.get(AuditRunRow, run, with_for_update=True)
            if found is None:
                s.add(
                    AuditRunRow(
                        id=run,
                        library=library,
                        policy=policy,
                        lang=lang,
                        today=today,
                        created_at=now,
                        expires_at=now + ttl,
                    )
                )
                s.flush()
                states: dict[str, str] = {}
            else:
                found.expires_at = max(found.expires_at, now + ttl)
                states = dict(
                    s.execute(
                        select(AuditItemRow.id, AuditItemRow.state).where(
                            AuditItemRow.run_id == run
                        )
                    ).all()
                )
            new = [
                {
                    "id": row,
                    "run_id": run,
                    "payload": json.dumps(item.to_dict(), ensure_ascii=False),
                    "state": "queued",
                    "result": None,
                    "attempts": 0,
                    "created_at": now,
                }
                for row, item in zip(ids, items, strict=True)
                if row not in states
            ]
            for start in range(0, len(new), _CHUNK):
                s.execute(insert(AuditItemRow), new[start : start + _CHUNK])
        return [row for row in ids if states.get(row, "queued") in _OPEN_STATES]

    def _work(self, row_id: str, payload: str, attempts: int, run: _Run) -> AuditWork:
        return AuditWork(
            id=row_id,
            run_id=run.id,
            library=run.library,
            policy=run.policy,
            lang=run.lang,
            today=run.today,
            item=AuditItem.from_dict(json.loads(payload)),
            attempts=attempts,
        )

    def _run(self, run: str) -> _Run | None:
        """The run's settings, from this process's memory after the first item."""
        found = self._runs.get(run)
        if found is None:
            with unavailable_on_error(self._url), Session(reader(self._engine)) as s:
                row = s.get(AuditRunRow, run)
                if row is None:
                    return None
                found = _Run(row.id, row.library, row.policy, row.lang, row.today)
            if len(self._runs) > 64:  # a long-lived worker sees a run or two a night
                self._runs.clear()
            self._runs[run] = found
        return found

    def claim(self, item: str, now: datetime) -> AuditWork | None:
        """Start on an unfinished item of a live run (one more attempt); None if it is
        finished, gone or its run expired. One statement: the nightly re-check claims
        hundreds of items a second."""
        live = select(AuditRunRow.id).where(AuditRunRow.expires_at > now)
        statement = (
            update(AuditItemRow)
            .where(
                AuditItemRow.id == item,
                AuditItemRow.state.in_(_OPEN_STATES),
                AuditItemRow.payload.is_not(None),
                AuditItemRow.run_id.in_(live),
            )
            .values(state="running", attempts=AuditItemRow.attempts + 1, started_at=now)
            .returning(AuditItemRow.run_id, AuditItemRow.payload, AuditItemRow.attempts)
        )
        with unavailable_on_error(self._url), self._single.begin() as conn:
            row = conn.execute(statement).first()
        if row is None:
            return None
        run = self._run(row.run_id)
        if run is None:  # deleted after the claim: its items went with it
            return None
        return self._work(item, row.payload, row.attempts, run)

    def peek(self, item: str, now: datetime) -> AuditWork | None:
        """An unfinished item as it is, without starting on it; None if finished or gone."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            row = s.get(AuditItemRow, item)
            if row is None or row.state not in _OPEN_STATES or row.payload is None:
                return None
            found = s.get(AuditRunRow, row.run_id)
            if found is None or found.expires_at <= now:
                return None
            run = _Run(found.id, found.library, found.policy, found.lang, found.today)
            return self._work(row.id, row.payload, row.attempts, run)

    def finish(
        self,
        work: AuditWork,
        state: str,
        result: dict[str, Any],
        replacements: dict[str, bytes],
        now: datetime,
    ) -> bool:
        """Write the item's result and replacement photos, once: False when it had one."""
        if state not in FINAL_STATES:
            raise ValueError(f"not a final state: {state}")
        # Without replacement photos it is one statement (`_single`); with them, one
        # transaction with their rows.
        engine = self._writer if replacements else self._single
        with unavailable_on_error(self._url), engine.begin() as conn:
            done = conn.execute(
                update(AuditItemRow)
                .where(AuditItemRow.id == work.id, AuditItemRow.state.in_(_OPEN_STATES))
                .values(
                    state=state,
                    result=json.dumps(result, ensure_ascii=False),
                    payload=None,
                    finished_at=now,
                )
            )
            if done.rowcount != 1:
                return False
            if replacements:
                conn.execute(
                    insert(AuditReplacementRow),
                    [
                        {"item_id": work.id, "name": name, "data": data}
                        for name, data in sorted(replacements.items())
                    ],
                )
        return True

    def finished(self, run: str, limit: int = _CHUNK) -> list[Gathered]:
        """Up to `limit` finished items of the run, with their replacement photos."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            rows = s.execute(
                select(AuditItemRow.id, AuditItemRow.state, AuditItemRow.result)
                .where(AuditItemRow.run_id == run, AuditItemRow.state.in_(FINAL_STATES))
                .limit(limit)
            ).all()
            photos: dict[str, dict[str, bytes]] = {}
            if rows:
                for item_id, name, data in s.execute(
                    select(
                        AuditReplacementRow.item_id,
                        AuditReplacementRow.name,
                        AuditReplacementRow.data,
                    ).where(AuditReplacementRow.item_id.in_([r[0] for r in rows]))
                ):
                    photos.setdefault(item_id, {})[name] = bytes(data)
        return [
            Gathered(item_id, state, json.loads(result or "{}"), photos.get(item_id, {}))
            for item_id, state, result in rows
        ]

    def forget(self, items: Iterable[str]) -> None:
        """Delete gathered items with their replacement photos (a late message skips them)."""
        wanted = list(items)
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            for start in range(0, len(wanted), _CHUNK):
                s.execute(
                    delete(AuditItemRow).where(AuditItemRow.id.in_(wanted[start : start + _CHUNK]))
                )

    def open_items(self, run: str, now: datetime) -> int | None:
        """How many items of the run are unfinished; None if the run expired or is gone."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            found = s.get(AuditRunRow, run)
            if found is None or found.expires_at <= now:
                return None
            return len(
                s.scalars(
                    select(AuditItemRow.id).where(
                        AuditItemRow.run_id == run, AuditItemRow.state.in_(_OPEN_STATES)
                    )
                ).all()
            )

    def delete_run(self, run: str) -> None:
        """Delete a run with everything left of it."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.execute(delete(AuditRunRow).where(AuditRunRow.id == run))

    def purge_expired(self, now: datetime) -> int:
        """Delete every expired run with its items and photos; how many."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            gone = s.execute(delete(AuditRunRow).where(AuditRunRow.expires_at <= now))
            return int(cast(CursorResult[Any], gone).rowcount)

    def prune_cache(self, library: str, keep: Iterable[str]) -> int:
        """Delete the library's cache entries whose key is not in `keep`; how many."""
        kept = set(keep)
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            keys = s.scalars(select(AuditCacheRow.key).where(AuditCacheRow.library == library))
            gone = [k for k in keys if k not in kept]
            for start in range(0, len(gone), _CHUNK):
                s.execute(
                    delete(AuditCacheRow).where(
                        AuditCacheRow.library == library,
                        AuditCacheRow.key.in_(gone[start : start + _CHUNK]),
                    )
                )
        return len(gone)

    def purge_library(self, library: str) -> bool:
        """Delete the library's cache and runs; whether there was anything to delete."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            cache = s.execute(delete(AuditCacheRow).where(AuditCacheRow.library == library))
            runs = s.execute(delete(AuditRunRow).where(AuditRunRow.library == library))
            return bool(
                cast(CursorResult[Any], cache).rowcount or cast(CursorResult[Any], runs).rowcount
            )


class DatabaseCache(AnalysisCache):
    """The audit's cache in the registry database, for the library of the item in hand.

    Outside `scope` (a worker screening a batch's draft, not a published item) it holds and
    keeps nothing: a draft's faces are never stored.
    """

    def __init__(self, engine: Engine, template_key: bytes) -> None:
        super().__init__(template_key)
        #: The registry's template key (the queue's workers number items with it too).
        self.template_key = template_key
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._reader = reader(engine)
        self._url = engine.url.render_as_string(hide_password=True)
        self._library: str | None = None

    @contextmanager
    def scope(self, library: str) -> Iterator[None]:
        """Use the cache of `library` until the block ends."""
        self._library = library
        try:
            yield
        finally:
            self._library = None

    def _load(self, key: str) -> tuple[bytes, bytes] | None:
        if self._library is None:
            return None
        with unavailable_on_error(self._url), self._reader.connect() as conn:
            row = conn.execute(
                select(AuditCacheRow.nonce, AuditCacheRow.ciphertext).where(
                    AuditCacheRow.library == self._library, AuditCacheRow.key == key
                )
            ).first()
        return None if row is None else (bytes(row[0]), bytes(row[1]))

    def _store(self, key: str, nonce: bytes, ciphertext: bytes) -> None:
        if self._library is None:
            return
        now = datetime.now(UTC)
        values = {
            "library": self._library,
            "key": key,
            "nonce": nonce,
            "ciphertext": ciphertext,
            "stored_at": now,
        }
        changed = {"nonce": nonce, "ciphertext": ciphertext, "stored_at": now}
        # Two workers may analyse the same photo (in two items) at once: the last one wins.
        statement: Any
        if self._engine.dialect.name == "postgresql":
            statement = pg_insert(AuditCacheRow).values(**values)
        else:
            statement = sqlite_insert(AuditCacheRow).values(**values)
        statement = statement.on_conflict_do_update(index_elements=["library", "key"], set_=changed)
        with unavailable_on_error(self._url), self._writer.begin() as conn:
            conn.execute(statement)

    def _active(self) -> bool:
        return self._library is not None

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()
