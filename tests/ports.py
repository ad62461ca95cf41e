"""Free localhost ports for servers that a test starts and that bind the port themselves.

A port found by binding port 0 and closing the socket is free only until someone else binds
it: with the suite spread over pytest-xdist workers, another worker (or another test run on
the machine) may be handed the same ephemeral port before our server binds it. So each
worker takes its ports from a range of its own below the kernel's ephemeral range (32768 and
up on Linux), starting at a random place in it, and checks that each one is free.

A server that can be given an open socket (uvicorn in a thread, http.server) binds port 0 and
keeps the socket instead; it needs none of this.
"""

from __future__ import annotations

import os
import random
import socket
from itertools import count

#: The first port of the first range, and the size of each worker's range.
BASE = 20_000
SPAN = 500
#: Ranges that fit below 32768; more workers than this share ranges (still checked free).
RANGES = (32_768 - BASE) // SPAN

_turn = count(random.randrange(SPAN))


def worker_index() -> int:
    """0 for a run without xdist, n + 1 for xdist's worker "gw<n>"."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    digits = name.removeprefix("gw")
    return int(digits) + 1 if digits.isdigit() else 0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on now, from this worker's own range."""
    start = BASE + (worker_index() % RANGES) * SPAN
    for _ in range(SPAN):
        port = start + next(_turn) % SPAN
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}..{start + SPAN - 1}")
