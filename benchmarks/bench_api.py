"""Load benchmark of the service: throughput and latency at 1, 8 and 32 concurrent clients.

Starts `screening serve` in a subprocess on a free port (a fresh data directory, a key made
beforehand), then drives it with httpx.AsyncClient:
  * POST /v1/precheck with a short Dutch text (the browser extension's fast path);
  * POST /v1/screenings with a text and one 12-megapixel JPEG with a face (scikit-image's
    astronaut, upscaled), the officer's full path.
Prints requests per second, p50/p99 (and min/max) latency as the clients saw it, the number
of errors, and p50/p99 of the time the server itself logged (without the clients' share of
the CPU: they run on the same machine). Fails on nothing; a benchmark reports figures, it
does not judge them. Run:
    .venv/bin/python benchmarks/bench_api.py [--precheck 400] [--screenings 24] [--clients 1,8,32]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.auth import KeyStore, Role
from consent_store.repository import init_registry
from kernel.settings import Settings

PRECHECK_TEXTS = [
    "Wat een geweldige sportdag hadden we vandaag met groep 7!",
    "Morgen is de school gesloten vanwege een studiedag. Fijne dag allemaal.",
    "Vragen? Bel de administratie op 06-12345678 of mail naar info@example.nl.",
    "Onze leerlingen hebben prachtige kunstwerken gemaakt voor de tentoonstelling.",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def photo_12mp() -> bytes:
    """A 4000x3000 JPEG with one face: the astronaut, upscaled, on a wider canvas."""
    from PIL import Image
    from skimage import data

    face = Image.fromarray(data.astronaut()).resize((3000, 3000), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (4000, 3000), (200, 210, 220))
    canvas.paste(face, (500, 0))
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """`screening serve` on the port, logging to a file in the data directory."""
    env = {**os.environ, "SCREENING_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("SCREENING_DATABASE_URL", None)
    log = (data_dir / "server.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "screening", "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 300) -> float:
    """Seconds until /readyz answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if proc.poll() is not None:
            raise SystemExit("the server stopped while starting")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not become ready")


Send = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]
SERVER_LINE_RE = re.compile(r"POST (?P<route>\S+) \d+ (?P<ms>[0-9.]+)ms")


def server_times(log: Path, offset: int, route: str) -> list[float]:
    """Milliseconds the server itself logged for `route` after byte `offset` of its log."""
    with log.open("rb") as fh:
        fh.seek(offset)
        lines = fh.read().decode("utf-8", "replace").splitlines()
    found = (SERVER_LINE_RE.search(line) for line in lines)
    return [float(m["ms"]) for m in found if m and m["route"] == route]


async def run_load(
    url: str, headers: dict[str, str], send: Send, total: int, clients: int, log: Path, route: str
) -> None:
    """`total` requests over `clients` concurrent connections; prints the figures."""
    offset = log.stat().st_size
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=600, limits=limits
    ) as client:

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                t0 = time.perf_counter()
                try:
                    response = await send(client, i)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    # The request log is written as requests finish; give the last lines a moment.
    await asyncio.sleep(0.2)
    server = server_times(log, offset, route) or [float("nan")]
    print(
        f"  clients={clients:<3} n={total:<5} {total / elapsed:8.1f} req/s  "
        f"p50={statistics.median(latencies):8.1f} ms  p99={percentile(latencies, 99):8.1f} ms  "
        f"min={min(latencies):8.1f}  max={max(latencies):8.1f}  errors={errors}  "
        f"(in the server: p50={statistics.median(server):.1f} p99={percentile(server, 99):.1f} ms)",
        flush=True,
    )


def main() -> None:
    """Start the service, warm it up, and measure both routes at each concurrency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precheck", type=int, default=400, help="pre-checks per level")
    parser.add_argument("--screenings", type=int, default=24, help="screenings per level")
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]

    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    photo = photo_12mp()
    print(f"photo: 4000x3000 JPEG, {len(photo) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        data_dir = Path(tmp)
        init_registry(Settings(data_dir=data_dir, database_url=None))  # never made on the fly
        store = KeyStore.open(Settings(data_dir=data_dir, database_url=None))
        _, raw = store.create("benchmark", [Role.OFFICER])
        store.close()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(data_dir, port)
        try:
            print(f"ready after {wait_ready(url, proc):.1f} s (models loaded)")
            headers = {"Authorization": f"Bearer {raw}"}

            async def precheck(client: httpx.AsyncClient, i: int) -> httpx.Response:
                return await client.post(
                    "/v1/precheck", json={"text": PRECHECK_TEXTS[i % len(PRECHECK_TEXTS)]}
                )

            async def screening(client: httpx.AsyncClient, i: int) -> httpx.Response:
                return await client.post(
                    "/v1/screenings",
                    data={"text": PRECHECK_TEXTS[i % len(PRECHECK_TEXTS)]},
                    files=[("photos", ("astronaut.jpg", photo, "image/jpeg"))],
                )

            # Warm-up: first requests pay for lazy imports and the face gallery.
            log = data_dir / "server.log"
            pre, full = "/v1/precheck", "/v1/screenings"
            print("warm-up")
            asyncio.run(run_load(url, headers, precheck, 20, 1, log, pre))
            asyncio.run(run_load(url, headers, screening, 2, 1, log, full))
            print("POST /v1/precheck (text)")
            for clients in levels:
                asyncio.run(run_load(url, headers, precheck, args.precheck, clients, log, pre))
            print("POST /v1/screenings (text + one 12-megapixel photo)")
            for clients in levels:
                total = max(args.screenings, clients)
                asyncio.run(run_load(url, headers, screening, total, clients, log, full))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
