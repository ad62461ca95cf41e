"""Uploaded CSV files waiting for the administrator to confirm the previewed import.

Kept in memory for a short while, bound to the key that uploaded them, so "confirm" imports
exactly the file whose preview was shown, without asking for it again.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field

#: How long a preview can be confirmed.
PENDING_MINUTES = 30
#: Previews held at once; the oldest is dropped beyond it.
MAX_PENDING = 20


@dataclass(frozen=True)
class PendingImport:
    """A previewed upload: the CSV and the optional mapping file."""

    key_id: str
    csv_name: str
    csv_data: bytes = field(repr=False)
    mapping: tuple[str, bytes] | None = field(repr=False)
    expires: float

    @property
    def sha256(self) -> str:
        """The CSV's fingerprint, shown on the preview and the result."""
        return hashlib.sha256(self.csv_data).hexdigest()


class PendingImports:
    """Previewed uploads by a random token."""

    def __init__(self, minutes: int = PENDING_MINUTES, max_items: int = MAX_PENDING) -> None:
        self._ttl = minutes * 60.0
        self._max = max_items
        self._items: dict[str, PendingImport] = {}
        self._lock = threading.Lock()

    def put(
        self, key_id: str, csv_name: str, csv_data: bytes, mapping: tuple[str, bytes] | None
    ) -> str:
        """Hold an upload; returns the token the confirm form carries."""
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._items = {t: p for t, p in self._items.items() if p.expires > now}
            while len(self._items) >= self._max:
                del self._items[next(iter(self._items))]
            self._items[token] = PendingImport(key_id, csv_name, csv_data, mapping, now + self._ttl)
        return token

    def take(self, token: str, key_id: str) -> PendingImport | None:
        """The upload for `token` if it is live and was made with the same key (once only)."""
        with self._lock:
            pending = self._items.get(token)
            if pending is None or pending.key_id != key_id:
                return None
            del self._items[token]
        return pending if pending.expires > time.monotonic() else None
