"""Batches, their items and their results in the registry database.

The item row is the truth: a worker claims an item (state `running`, one more attempt), and
writes its result in one transaction that only succeeds while the item is unfinished, so
however often a task runs (a worker killed mid-task, a message delivered twice), an item
gets exactly one result. That transaction also deletes the item's post (text and photos)
and logs the decision for overrides. Every read skips expired batches; `purge_expired`
deletes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, func, select, update
from sqlalchemy.orm import Session

from api.decision_log import decision_log_row
from consent_store.batch_schema import ITEM_STATES, BatchItemRow, BatchPhotoRow, BatchRow
from consent_store.database import WRITE_OPTION, unavailable_on_error
from kernel.types import Channel, ImageInput, Post

#: States an item ends in.
FINAL_STATES = ("done", "failed")
_OPEN_STATES = ("queued", "running")
#: Items per query when reading results (bounded IN lists).
_CHUNK = 200


def item_id(batch_id: str, position: int) -> str:
    """The id of a batch's item (also its Celery task id)."""
    return f"{batch_id}-{position}"


@dataclass(frozen=True)
class NewItem:
    """A post to add to a batch; `post.id` becomes the decision's post_id."""

    position: int
    client_id: str | None
    post: Post
    content_sha256: str


@dataclass(frozen=True)
class ItemWork:
    """An item as a worker screens it."""

    id: str
    batch_id: str
    position: int
    key_id: str | None
    policy: str | None
    post: Post
    content_sha256: str
    attempts: int


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch is: items per state."""

    id: str
    key_id: str | None
    total: int
    counts: dict[str, int]
    created_at: datetime
    expires_at: datetime

    @property
    def finished(self) -> bool:
        """Whether every item has its result."""
        return sum(self.counts[s] for s in FINAL_STATES) >= self.total


@dataclass(frozen=True)
class ItemResult:
    """A finished item: its decision JSON (a hold that says why when it kept failing)."""

    position: int
    client_id: str | None
    state: str
    decision: dict[str, Any]


def _payload(post: Post) -> str:
    return json.dumps(
        {
            "text": post.text,
            "channel": post.channel.value,
            "publish_on": post.publish_on.isoformat(),
        },
        ensure_ascii=False,
    )


def _post(row: BatchItemRow, photos: Sequence[BatchPhotoRow]) -> Post:
    data = json.loads(row.payload or "{}")
    return Post(
        text=data["text"],
        channel=Channel(data["channel"]),
        publish_on=date.fromisoformat(data["publish_on"]),
        images=tuple(ImageInput(p.name, p.data) for p in photos),
        id=row.post_id,
    )


class BatchStore:
    """Batches in the registry database (the engine of the registry)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)

    def create(
        self,
        batch_id: str,
        key_id: str | None,
        policy: str | None,
        items: Sequence[NewItem],
        now: datetime,
        ttl: timedelta,
    ) -> list[str]:
        """Store a batch and its items (queued) in one transaction; their ids in order."""
        ids = [item_id(batch_id, item.position) for item in items]
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.add(
                BatchRow(
                    id=batch_id,
                    key_id=key_id,
                    policy=policy,
                    total=len(items),
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            s.flush()
            for new_id, item in zip(ids, items, strict=True):
                s.add(
                    BatchItemRow(
                        id=new_id,
                        batch_id=batch_id,
                        position=item.position,
                        client_id=item.client_id,
                        post_id=item.post.id,
                        content_sha256=item.content_sha256,
                        idempotency_key=None,
                        state="queued",
                        payload=_payload(item.post),
                        decision=None,
                        attempts=0,
                        created_at=now,
                    )
                )
            s.flush()
            for new_id, item in zip(ids, items, strict=True):
                for n, image in enumerate(item.post.images):
                    s.add(
                        BatchPhotoRow(item_id=new_id, position=n, name=image.name, data=image.data)
                    )
        return ids

    def delete(self, batch_id: str) -> None:
        """Delete a batch with its items and photos (a submission that could not be queued)."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.execute(delete(BatchRow).where(BatchRow.id == batch_id))

    def _work(self, s: Session, row: BatchItemRow, batch: BatchRow) -> ItemWork:
        photos = s.scalars(
            select(BatchPhotoRow)
            .where(BatchPhotoRow.item_id == row.id)
            .order_by(BatchPhotoRow.position)
        ).all()
        return ItemWork(
            id=row.id,
            batch_id=row.batch_id,
            position=row.position,
            key_id=batch.key_id,
            policy=batch.policy,
            post=_post(row, photos),
            content_sha256=row.content_sha256,
            attempts=row.attempts,
        )

    def claim(self, item: str, now: datetime) -> ItemWork | None:
        """Start on an unfinished item (one more attempt); None if it is finished or gone."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            row = s.get(BatchItemRow, item, with_for_update=True)
            if row is None or row.state not in _OPEN_STATES or row.payload is None:
                return None
            batch = s.get(BatchRow, row.batch_id)
            if batch is None or batch.expires_at <= now:
                return None
            row.state = "running"
            row.attempts += 1
            row.started_at = now
            return self._work(s, row, batch)

    def peek(self, item: str, now: datetime) -> ItemWork | None:
        """An unfinished item as it is, without starting on it; None if finished or gone."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            row = s.get(BatchItemRow, item)
            if row is None or row.state not in _OPEN_STATES or row.payload is None:
                return None
            batch = s.get(BatchRow, row.batch_id)
            if batch is None or batch.expires_at <= now:
                return None
            return self._work(s, row, batch)

    def reusable(self, key: str, work: ItemWork, now: datetime) -> dict[str, Any] | None:
        """The decision of another finished item with the same key, submitted by the same
        caller, whose batch has not expired; None if there is none."""
        same_caller = (
            BatchRow.key_id.is_(None) if work.key_id is None else BatchRow.key_id == work.key_id
        )
        query = (
            select(BatchItemRow.decision)
            .join(BatchRow, BatchRow.id == BatchItemRow.batch_id)
            .where(
                BatchItemRow.idempotency_key == key,
                BatchItemRow.state == "done",
                BatchItemRow.id != work.id,
                BatchRow.expires_at > now,
                same_caller,
            )
            .limit(1)
        )
        with unavailable_on_error(self._url), Session(self._engine) as s:
            found = s.scalars(query).first()
        return None if found is None else cast(dict[str, Any], json.loads(found))

    def finish(
        self,
        work: ItemWork,
        state: str,
        decision: dict[str, Any],
        key: str | None,
        now: datetime,
        ttl: timedelta,
    ) -> bool:
        """Write the item's result, once: False when it had one already.

        In the same transaction: the post's text and photos are deleted, the batch's expiry
        moves to `ttl` from now, and the decision is logged (for overrides) when an API key
        submitted the batch.
        """
        if state not in FINAL_STATES:
            raise ValueError(f"not a final state: {state}")
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            result = s.execute(
                update(BatchItemRow)
                .where(BatchItemRow.id == work.id, BatchItemRow.state.in_(_OPEN_STATES))
                .values(
                    state=state,
                    decision=json.dumps(decision, ensure_ascii=False),
                    idempotency_key=key,
                    payload=None,
                    finished_at=now,
                )
            )
            if cast(CursorResult[Any], result).rowcount != 1:
                return False
            s.execute(delete(BatchPhotoRow).where(BatchPhotoRow.item_id == work.id))
            s.execute(
                update(BatchRow)
                .where(BatchRow.id == work.batch_id, BatchRow.expires_at < now + ttl)
                .values(expires_at=now + ttl)
            )
            if work.key_id is not None and work.post.id is not None:
                s.add(decision_log_row(work.post.id, decision, work.key_id, now))
        return True

    def progress(self, batch_id: str, now: datetime) -> BatchProgress | None:
        """Items per state of an unexpired batch; None if unknown or expired."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            batch = s.get(BatchRow, batch_id)
            if batch is None or batch.expires_at <= now:
                return None
            counts = dict.fromkeys(ITEM_STATES, 0)
            for state, count in s.execute(
                select(BatchItemRow.state, func.count())
                .where(BatchItemRow.batch_id == batch_id)
                .group_by(BatchItemRow.state)
            ):
                counts[state] = int(count)
            return BatchProgress(
                id=batch.id,
                key_id=batch.key_id,
                total=batch.total,
                counts=counts,
                created_at=batch.created_at,
                expires_at=batch.expires_at,
            )

    def recent(self, now: datetime, limit: int = 10) -> list[BatchProgress]:
        """Items per state of the newest unexpired batches, newest first (`screening status`)."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            batches = s.scalars(
                select(BatchRow)
                .where(BatchRow.expires_at > now)
                .order_by(BatchRow.created_at.desc(), BatchRow.id)
                .limit(limit)
            ).all()
            counts = {b.id: dict.fromkeys(ITEM_STATES, 0) for b in batches}
            if counts:
                for batch_id, state, count in s.execute(
                    select(BatchItemRow.batch_id, BatchItemRow.state, func.count())
                    .where(BatchItemRow.batch_id.in_(list(counts)))
                    .group_by(BatchItemRow.batch_id, BatchItemRow.state)
                ):
                    counts[batch_id][state] = int(count)
            return [
                BatchProgress(
                    id=b.id,
                    key_id=b.key_id,
                    total=b.total,
                    counts=counts[b.id],
                    created_at=b.created_at,
                    expires_at=b.expires_at,
                )
                for b in batches
            ]

    def totals(self, now: datetime) -> tuple[int, dict[str, int]]:
        """How many unexpired batches there are, and their items per state."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            batches = int(
                s.scalar(
                    select(func.count()).select_from(BatchRow).where(BatchRow.expires_at > now)
                )
                or 0
            )
            counts = dict.fromkeys(ITEM_STATES, 0)
            for state, count in s.execute(
                select(BatchItemRow.state, func.count())
                .join(BatchRow, BatchRow.id == BatchItemRow.batch_id)
                .where(BatchRow.expires_at > now)
                .group_by(BatchItemRow.state)
            ):
                counts[state] = int(count)
            return batches, counts

    def finished_positions(self, batch_id: str) -> list[int]:
        """Positions of the batch's finished items, in order."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            return list(
                s.scalars(
                    select(BatchItemRow.position)
                    .where(
                        BatchItemRow.batch_id == batch_id,
                        BatchItemRow.state.in_(FINAL_STATES),
                    )
                    .order_by(BatchItemRow.position)
                )
            )

    def results(self, batch_id: str, positions: Iterable[int]) -> list[ItemResult]:
        """The results of the finished items at `positions`, in order."""
        wanted = sorted(set(positions))
        out: list[ItemResult] = []
        with unavailable_on_error(self._url), Session(self._engine) as s:
            for start in range(0, len(wanted), _CHUNK):
                rows = s.execute(
                    select(
                        BatchItemRow.position,
                        BatchItemRow.client_id,
                        BatchItemRow.state,
                        BatchItemRow.decision,
                    )
                    .where(
                        BatchItemRow.batch_id == batch_id,
                        BatchItemRow.position.in_(wanted[start : start + _CHUNK]),
                        BatchItemRow.state.in_(FINAL_STATES),
                    )
                    .order_by(BatchItemRow.position)
                )
                out.extend(
                    ItemResult(position, client_id, state, json.loads(decision or "{}"))
                    for position, client_id, state, decision in rows
                )
        return out

    def unfinished(self, now: datetime) -> list[str]:
        """Ids of every unfinished item of an unexpired batch, oldest batch first."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            return list(
                s.scalars(
                    select(BatchItemRow.id)
                    .join(BatchRow, BatchRow.id == BatchItemRow.batch_id)
                    .where(BatchItemRow.state.in_(_OPEN_STATES), BatchRow.expires_at > now)
                    .order_by(BatchRow.created_at, BatchItemRow.position)
                )
            )

    def purge_expired(self, now: datetime) -> int:
        """Delete every expired batch with its items, results and photos; how many."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            result = s.execute(delete(BatchRow).where(BatchRow.expires_at <= now))
            return int(cast(CursorResult[Any], result).rowcount)
