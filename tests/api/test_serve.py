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


_SERVED_RE = re.compile(r"api\.requests \[(\d+)\]: (GET|POST) (\S+) (\d{3}) ")
_READY_RE = re.compile(r"api\.app \[(\d+)\]: service ready")
_POST_ID_RE = re.compile(r"/v1/screenings/([0-9a-f]{20})/images/0/annotated")
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


def _children(pid: int) -> set[int]:
    """Pids of the child processes of `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _csrf(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match[1]


def test_serve_with_two_workers_shares_sessions_photos_and_decisions(tmp_path: Path) -> None:
    from consent_store.repository import init_registry
    from kernel.settings import Settings
    from tests.api.conftest import jpeg_bytes

    init_registry(Settings(data_dir=tmp_path, database_url=None))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "SCREENING_DATA_DIR": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "SCREENING_OCR_ENABLED": "false",  # not needed here; the processes start sooner
        "OMP_NUM_THREADS": "1",
    }
    env.pop("SCREENING_DATABASE_URL", None)
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "screening", "serve", "--port", str(port), "--workers", "2"],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            text=True,
            env=env,
        )

    def served() -> list[tuple[int, str, str, int]]:
        return [
            (int(pid), method, route, int(status))
            for pid, method, route, status in _SERVED_RE.findall(log.read_text())
        ]

    try:
        deadline = time.monotonic() + 120
        while len(set(_READY_RE.findall(log.read_text()))) < 2:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the two processes did not get ready"
            time.sleep(0.2)
        ready = {int(p) for p in _READY_RE.findall(log.read_text())}
        assert ready <= _children(proc.pid)
        # The parent made and printed one first key before starting the processes.
        [raw] = KEY_RE.findall(log.read_text())

        # No keep-alive: every request is a new connection, taken by whichever process
        # accepts it first.
        with httpx.Client(
            base_url=url, limits=httpx.Limits(max_keepalive_connections=0), timeout=60
        ) as web:
            login = web.get("/login")
            signed_in = web.post(
                "/login", data={"csrf_token": _csrf(login.text), "api_key": raw, "next": "/"}
            )
            assert signed_in.status_code == 303, signed_in.text
            form = web.get("/")
            assert form.status_code == 200
            screened = web.post(
                "/",
                data={
                    "csrf_token": _csrf(form.text),
                    "text": "Bel 06-12345678 voor de sportdag",
                    "channel": "instagram",
                    "publish_on": "2026-03-02",
                },
                files={"photos": ("veld.jpg", jpeg_bytes((120, 90)), "image/jpeg")},
            )
            assert screened.status_code == 200, screened.text
            match = _POST_ID_RE.search(screened.text)
            assert match is not None
            post_id = match[1]
            photo_route = "/v1/screenings/{post_id}/images/{index}/{kind}"
            routes = ("/", photo_route, "/screenings/{post_id}/override")
            pages = {
                "/": "/",
                "annotated": f"/v1/screenings/{post_id}/images/0/annotated",
                "redacted": f"/v1/screenings/{post_id}/images/0/redacted",
                "override": f"/screenings/{post_id}/override",
            }
            pictures: dict[str, set[bytes]] = {"annotated": set(), "redacted": set()}
            for _ in range(60):
                for name, path in pages.items():
                    answer = web.get(path)
                    assert answer.status_code == 200, (name, answer.status_code)
                    if name in pictures:
                        pictures[name].add(answer.content)
                answered = {
                    route: {pid for pid, _, r, status in served() if r == route and status == 200}
                    for route in routes
                }
                if all(len(pids) == 2 for pids in answered.values()):
                    break
            assert all(answered[route] == ready for route in routes), answered
            # Whichever process rendered a picture, every process serves the same one.
            assert all(len(found) == 1 for found in pictures.values())
            # A form shown by one process is accepted by the other (the CSRF token too).
            page = web.get(pages["override"])
            recorded = web.post(
                pages["override"],
                data={"csrf_token": _csrf(page.text), "reason": "Het nummer van de school"},
            )
            assert recorded.status_code == 303, recorded.text
            # Signed out in one process: signed out in both.
            web.post("/logout", data={"csrf_token": _csrf(web.get("/").text)})
            for _ in range(6):
                assert web.get("/").status_code == 303
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "Bel 06-12345678" not in text and "06-12345678" not in text
