"""Whether the registry database answers: a `SELECT 1` through the service's engine, in time.

/readyz asks this on every probe, so it must be cheap and must not hang: the query runs in a
thread of its own and /readyz waits for it at most `PROBE_SECONDS`. A database that does not
answer (a host that drops packets waits out the driver's connect timeout) is then "not
ready" at once, and while that attempt still hangs, later probes wait for the same attempt
instead of opening connection after connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from api.errors import log_registry_failure
from consent_store.database import unavailable_on_error
from kernel.errors import RegistryError

log = logging.getLogger(__name__)

#: How long /readyz waits for the registry database to answer.
PROBE_SECONDS = 2.0


def select_one(engine: Engine) -> None:
    """Ask the database for `SELECT 1` (RegistryUnavailableError, with the detail, if it fails)."""
    url = engine.url.render_as_string(hide_password=True)
    with unavailable_on_error(url), engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@dataclass
class _Attempt:
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class RegistryProbe:
    """Asks the registry database whether it answers; one attempt at a time."""

    def __init__(
        self,
        engine: Engine,
        timeout: float = PROBE_SECONDS,
        check: Callable[[Engine], None] = select_one,
    ) -> None:
        self._engine = engine
        self._timeout = timeout
        self._check = check
        self._lock = threading.Lock()
        self._running: _Attempt | None = None

    def reachable(self) -> bool:
        """Whether the database answered within the timeout (the reason is logged if not)."""
        attempt = self._current_attempt()
        if not attempt.done.wait(self._timeout):
            log.warning("registry probe: no answer within %.1f s", self._timeout)
            return False
        return attempt.ok

    def _current_attempt(self) -> _Attempt:
        with self._lock:
            if self._running is None:
                self._running = _Attempt()
                threading.Thread(
                    target=self._run, args=(self._running,), name="registry-probe", daemon=True
                ).start()
            return self._running

    def _run(self, attempt: _Attempt) -> None:
        try:
            self._check(self._engine)
            attempt.ok = True
        except RegistryError as err:
            log_registry_failure("/readyz", err)
        except Exception as exc:  # the probe answers "not ready", whatever went wrong
            log.warning("registry probe failed: %s", type(exc).__name__)
        finally:
            with self._lock:
                self._running = None
            attempt.done.set()
