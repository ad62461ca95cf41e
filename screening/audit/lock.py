"""One audit at a time per state directory: an exclusive flock on `audit.lock`.

The kernel releases the lock when the process ends, however it ends, so a killed audit never
leaves a stale lock behind. The file holds the owner's pid and start time for the message a
second audit prints.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from screening.audit.errors import AuditRunningError

LOCK_FILE_NAME = "audit.lock"


class AuditLock:
    """An exclusive, non-blocking lock on `<state_dir>/audit.lock`."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_FILE_NAME
        self._fd: int | None = None

    def acquire(self) -> AuditLock:
        """Take the lock, or raise AuditRunningError naming the audit that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "?"
            os.close(fd)
            raise AuditRunningError(
                f"another audit is already running on {self.path.parent} ({holder}); "
                "wait for it to finish",
                f"er loopt al een controle op {self.path.parent} ({holder}); wacht tot die "
                "klaar is",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Let go of the lock (closing the file releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AuditLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
