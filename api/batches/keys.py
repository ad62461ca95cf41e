"""When two batch items are the same screening: a content hash and an idempotency key.

The key is made where the decision is made, at the moment it is made: the content, the
policy pack's id and version, the consent registry's revision and the versions of every
detector and the settings that shape a decision. Equal keys give equal decisions, so a
finished item's decision may stand for another item with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from kernel.settings import Settings
from kernel.types import Post
from screening.policy.pack import PolicyPack

#: Changes whenever what goes into a key changes, so old keys never match new ones.
KEY_SCHEMA = "batch-key/1"
#: Settings that say where things are or how the queue runs, not what a decision is (and
#: secrets, which have no place in a hash anyone may compare).
_NOT_DECIDING = frozenset(
    {
        "data_dir",
        "database_url",
        "template_key",
        "broker_url",
        "broker_queue",
        "broker_visibility_timeout",
        "batch_result_ttl",
        "batch_max_retries",
        "batch_retry_seconds",
        "cors_origins",
        "max_request_bytes",
        "session_minutes",
        "output_minutes",
        "retention_days",
        "audit_state_dir",
        "audit_http_timeout",
        "audit_max_feed_bytes",
        "audit_allowed_hosts",
        "smtp_host",
        "smtp_port",
        "smtp_from",
        "smtp_user",
        "smtp_password",
        "smtp_starttls",
        "lang",
    }
)


def _digest(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_sha256(post: Post) -> str:
    """SHA-256 of what is screened: text, channel, publication date and each photo."""
    photos = [[image.name, hashlib.sha256(image.data).hexdigest()] for image in post.images]
    return _digest([post.text, post.channel.value, post.publish_on.isoformat(), photos])


def idempotency_key(
    content: str,
    pack: PolicyPack,
    registry_revision: Sequence[int],
    detector_versions: Mapping[str, str],
    settings: Settings,
) -> str:
    """The key of one screening: same key, same decision (but for the post id)."""
    knobs = settings.model_dump(mode="json", exclude=set(_NOT_DECIDING))
    return _digest(
        [
            KEY_SCHEMA,
            content,
            pack.id,
            pack.version,
            list(registry_revision),
            dict(detector_versions),
            knobs,
        ]
    )
