"""What the web pages add to the service: page rendering beside the same work as JSON.

In process (FastAPI's TestClient, text-only pipeline, a fresh registry of 2,000 people), one
request at a time:
  * GET / (the empty form) and GET /registry/people/{id} (consent on a date and history);
  * the same held post screened through the page (POST /, HTML with marks and quoted
    articles) and through the API (POST /v1/screenings, JSON): the difference is the page.
Prints median, p99, min and max per request. Fails on nothing. Run:
    .venv/bin/python benchmarks/bench_web.py [--n 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role
from api.services import build_services
from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo
from consent_store.records import Role as PersonRole
from consent_store.repository import init_registry
from consent_store.school_year import SchoolYear
from kernel.settings import Settings

POST = (
    "Wat een mooie sportdag! Groep 7b won de estafette. Vragen? Bel 06-12345678 of mail "
    "naar juf.marieke@example.nl. De ouderbijdrage kan op NL91ABNA0417164300."
)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def timed(label: str, n: int, call: Callable[[], int]) -> None:
    """Run `call` n times (after two warm-up calls) and print its latency figures in ms."""
    for _ in range(2):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        status = call()
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    print(
        f"{label:<46} median {statistics.median(times):7.2f} ms  p99 "
        f"{percentile(times, 99):7.2f}  min {min(times):7.2f}  max {max(times):7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="requests per measurement")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'r.sqlite3'}")
        init_registry(settings)  # a registry is never made on the fly
        services = build_services(settings, faces=False)
        year = SchoolYear.of(date.today())
        for i in range(2000):
            services.registry.add_person(
                PersonInfo(f"{100000 + i}", f"Leerling {i}", PersonRole.PUPIL, date(2013, 1, 1)),
                recorded_by="bench",
            )
        for purpose in (Purpose.SOCIAL_MEDIA, Purpose.WEBSITE, Purpose.BIOMETRIC_MATCHING):
            services.registry.grant("100000", purpose, year, GivenBy.PARENT, "formulier")
        raw = services.keys.create("bench", [Role.OFFICER, Role.REGISTRY_ADMIN])[1]
        with TestClient(create_app(services=services)) as client:
            login = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', login)
            assert token is not None
            client.post("/login", data={"csrf_token": token[1], "api_key": raw})
            page = client.get("/").text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert csrf is not None
            form = {"csrf_token": csrf[1], "text": POST, "channel": "instagram"}
            api_headers = {"Authorization": f"Bearer {raw}"}

            timed("GET / (empty form)", args.n, lambda: client.get("/").status_code)
            timed(
                "GET /registry/people/{id} (state + history)",
                args.n,
                lambda: client.get("/registry/people/100000").status_code,
            )
            timed(
                "POST / (page: held post, HTML)",
                args.n,
                lambda: client.post("/", data=form).status_code,
            )
            timed(
                "POST /v1/screenings (API: same post, JSON)",
                args.n,
                lambda: (
                    client.post(
                        "/v1/screenings",
                        data={"text": POST, "channel": "instagram"},
                        headers=api_headers,
                    ).status_code
                ),
            )
        services.close()


if __name__ == "__main__":
    main()
