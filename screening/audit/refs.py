"""Item numbers that say nothing: a keyed hash of an item's id, the same every night.

An item's id is often a file name or a URL, and those name pupils ("anna-jansen-sportdag.jpg").
Mails, webhooks and logs carry the number instead; the report (readable only by the
officer's group) shows both. The key is derived from the registry's template key, so a
number cannot be recomputed from a guessed file name by anyone without that key.
"""

from __future__ import annotations

import hashlib
import hmac

#: Hex digits of a number: 48 bits, so a library of 100,000 items has no two alike in
#: practice (about one chance in 50,000).
REF_LENGTH = 12


def ref_key(template_key: bytes) -> bytes:
    """The key for item numbers, derived from (never equal to) the template key."""
    return hmac.new(template_key, b"school-post-screening/audit-item-ref/1", "sha256").digest()


def item_ref(key: bytes, item_id: str) -> str:
    """The public number of the item `item_id`: 12 hex digits in groups of four."""
    digest = hmac.new(key, item_id.encode("utf-8"), hashlib.sha256).hexdigest()[:REF_LENGTH]
    return "-".join(digest[i : i + 4] for i in range(0, REF_LENGTH, 4))
