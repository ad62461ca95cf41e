"""Accepting a batch: store it, then hand its items to the task queue or to this process.

With a broker (SCREENING_BROKER_URL) the items go to Celery workers; without one a thread
of this process screens them, the same steps in the same order, so the embedded default
needs nothing else. Either way the batch is in the database first: a task never looks for
an item that is not there yet. When the broker cannot be reached, nothing is kept: the
broker is asked before anything is stored, and a publication that fails half-way deletes
the batch again (the items already published then find nothing to do).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from api.batches.broker import Publisher
from api.batches.keys import content_sha256
from api.batches.runner import InProcessRunner, utcnow
from api.batches.store import BatchProgress, BatchStore, NewItem
from api.process_group import first_in_group
from api.services import Services
from kernel.errors import QueueUnavailableError, ScreeningError
from kernel.types import Post

log = logging.getLogger(__name__)

Mode = Literal["queue", "in_process"]


def new_batch_id() -> str:
    """A fresh, unguessable batch id."""
    return secrets.token_hex(10)


def new_items(posts: Sequence[tuple[str | None, Post]]) -> list[NewItem]:
    """Items at positions 0, 1, ... for (caller's id, post) pairs."""
    return [
        NewItem(position=n, client_id=client_id, post=post, content_sha256=content_sha256(post))
        for n, (client_id, post) in enumerate(posts)
    ]


def submit_batch(
    store: BatchStore,
    publisher: Publisher | None,
    runner: InProcessRunner | None,
    *,
    key_id: str | None,
    policy: str | None,
    items: Sequence[NewItem],
    ttl: timedelta,
) -> str:
    """Store a batch and start screening it; its id. QueueUnavailableError keeps nothing."""
    if publisher is not None:
        publisher.check()
    batch_id = new_batch_id()
    ids = store.create(batch_id, key_id, policy, items, utcnow(), ttl)
    if publisher is not None:
        try:
            publisher.publish(ids)
        except QueueUnavailableError:
            try:
                store.delete(batch_id)
            except ScreeningError as err:  # expires with its TTL all the same
                log.warning(
                    "batch %s not deleted after a failed submission: %s", batch_id, err.code
                )
            raise
    elif runner is not None:
        runner.enqueue(ids)
    log.info("batch %s submitted: %d item(s)", batch_id, len(ids))
    return batch_id


class BatchService:
    """The service's batches: submitting, progress and results, queued or in process."""

    def __init__(self, services: Services) -> None:
        if services.engine is None:
            raise RuntimeError("the services have no database engine")
        self.services = services
        self.store = BatchStore(services.engine)
        settings = services.settings
        self.publisher = Publisher(settings) if settings.broker_url else None
        self.runner = None if self.publisher else InProcessRunner(services, self.store)

    @property
    def mode(self) -> Mode:
        """Whether batches go to Celery workers or to a thread of this process."""
        return "queue" if self.publisher is not None else "in_process"

    def start(self) -> None:
        """Delete expired batches; in process, pick up the items a previous run left (in
        one process only of a `screening serve --workers N`)."""
        self.store.purge_expired(utcnow())
        if self.runner is not None and first_in_group("resume-batches"):
            resumed = self.runner.resume()
            if resumed:
                log.info("resuming %d unfinished batch item(s)", resumed)

    def submit(
        self, key_id: str | None, policy: str | None, posts: Sequence[tuple[str | None, Post]]
    ) -> str:
        """Accept a batch of (caller's id, post); its id."""
        self.store.purge_expired(utcnow())
        return submit_batch(
            self.store,
            self.publisher,
            self.runner,
            key_id=key_id,
            policy=policy,
            items=new_items(posts),
            ttl=self.services.settings.batch_result_ttl,
        )

    def progress(self, batch_id: str) -> BatchProgress | None:
        """Items per state of an unexpired batch."""
        return self.store.progress(batch_id, utcnow())

    def close(self) -> None:
        """Stop the in-process runner (unfinished items stay in the database)."""
        if self.runner is not None:
            self.runner.close()
