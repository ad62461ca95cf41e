"""`screening serve` for real: a subprocess on a free port, the first key, readiness, a request.

The server is started by the test on localhost and stopped by it (by its process id).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.ports import free_port

KEY_RE = re.compile(r"sps_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


@contextmanager
def serving(data_dir: Path, port: int) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """Run `screening serve` until the block ends; yields the process and its stderr lines."""
    env = {**os.environ, "SCREENING_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("SCREENING_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "screening", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    try:
        yield proc, lines
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        lines.extend(err.splitlines())


def wait_ready(url: str, proc: subprocess.Popen[str], seconds: float = 180) -> None:
    """Poll /readyz until it answers 200 (the models load in the background)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server stopped"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not become ready")


def test_serve_makes_a_first_key_and_answers_with_it(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    made = subprocess.run(
        [sys.executable, "-m", "screening", "registry", "init"],
        env={**os.environ, "SCREENING_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Nieuw, leeg toestemmingsregister aangemaakt" in made.stdout
    with serving(tmp_path, port) as (proc, first_lines):
        wait_ready(url, proc)
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        # stderr is read after the server stops; the key is needed now, so find it in the
        # registry's own list of keys instead and check its roles.
        from api.auth import KeyStore, Role
        from kernel.settings import Settings

        store = KeyStore.open(Settings(data_dir=tmp_path, database_url=None))
        try:
            [first] = store.list()
        finally:
            store.close()
        assert first.roles == frozenset({Role.OFFICER, Role.REGISTRY_ADMIN})
        refused = httpx.post(f"{url}/v1/precheck", json={"text": "Bel 06-12345678"})
        assert refused.status_code == 401
    printed = "\n".join(first_lines)
    [raw] = KEY_RE.findall(printed)
    assert f"{url}/login" in printed
    assert "Bel 06-12345678" not in printed
    with serving(tmp_path, port) as (proc, lines):
        wait_ready(url, proc)
        answer = httpx.post(
            f"{url}/v1/precheck",
            json={"text": "Bel 06-12345678"},
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert answer.status_code == 200
        assert answer.json()["action"] == "hold"
    # A second start with a key in place prints no new key; logs carry no post text.
    again = "\n".join(lines)
    assert not KEY_RE.search(again)
    assert "POST /v1/precheck 200" in again
    assert "06-12345678" not in again
