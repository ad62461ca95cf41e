"""The task queue seen from outside (`screening status`): messages waiting, workers answering.

Both questions go to the broker with short timeouts, so a broker that does not answer makes
`screening status` say so within seconds instead of hanging. Nothing is changed anywhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kombu.transport.redis import PRIORITY_STEPS, Channel

from api.batches.broker import CONNECT_SECONDS, make_celery
from kernel.settings import Settings

log = logging.getLogger(__name__)

#: How long `screening status` waits for workers to answer a ping (seconds).
PING_SECONDS = 1.0
_REDIS_SCHEMES = ("redis://", "rediss://")


@dataclass(frozen=True)
class LiveWorker:
    """A Celery worker that answered, and the queues it takes messages from."""

    name: str
    queues: tuple[str, ...]


class BrokerUnreachableError(Exception):
    """The broker did not answer (only the type of the cause is kept: it may hold a URL)."""


def queue_depth(settings: Settings) -> int | None:
    """Messages waiting in the installation's queue (the Redis list); None for a broker that
    is not Redis. BrokerUnreachableError when Redis does not answer in time."""
    url = settings.broker_url or ""
    if not url.lower().startswith(_REDIS_SCHEMES):
        return None
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_SECONDS, socket_timeout=CONNECT_SECONDS
    )
    queue = settings.broker_queue
    # Celery's Redis transport keeps a queue as one list per priority step; messages
    # without a priority (ours) are in the first, named like the queue itself.
    names = [queue if step == 0 else f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS]
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.llen(name)
            return sum(int(n) for n in pipe.execute())
    except redis.RedisError as exc:
        log.info("broker unreachable: %s", type(exc).__name__)
        raise BrokerUnreachableError(type(exc).__name__) from None
    finally:
        client.close()


def live_workers(settings: Settings, timeout: float = PING_SECONDS) -> list[LiveWorker]:
    """The workers that answer a ping within `timeout`, with their queues, by name."""
    app = make_celery(settings)
    try:
        inspect = app.control.inspect(timeout=timeout)
        replies = inspect.ping() or {}
        if not replies:
            return []
        names = sorted(replies)
        # Only the workers that answered are asked, so this returns as soon as they reply.
        queues = app.control.inspect(timeout=timeout, destination=names).active_queues() or {}
    except Exception as exc:
        log.info("workers could not be asked: %s", type(exc).__name__)
        raise BrokerUnreachableError(type(exc).__name__) from None
    finally:
        app.close()
    return [
        LiveWorker(name, tuple(sorted(q.get("name", "") for q in queues.get(name) or [])))
        for name in names
    ]
