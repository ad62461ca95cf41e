"""The browser extension as a user feels it: from the last key typed to the verdict badge, and
the in-browser downscaling of a phone photo (the extension's own `prepareImage`).

Runs Debian's Chromium with the unpacked extension (as tests/extension does) against the real
service on localhost. The keystroke figure includes the 0.7 s debounce on purpose: that is
what the user waits. Service-side latency alone: benchmarks/bench_api.py.

Prints figures; fails on nothing. Run: .venv/bin/python benchmarks/bench_extension.py
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # one way to start the service and the browser: the e2e test's

from tests.extension.test_extension_e2e import (  # noqa: E402
    CHROMIUM,
    EXTENSION,
    HERE,
    _QuietHandler,
    start_service,
)

TEXTS = {
    "clean": "Wat een mooie sportdag vandaag! Iedereen heeft goed zijn best gedaan.",
    "phone": "Bel me op 06-12345678 voor de foto's van de sportdag",
}


def _summary(name: str, values_ms: list[float]) -> None:
    ordered = sorted(values_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"{name:<44} n={len(ordered):>3}  median {statistics.median(ordered):8.1f} ms  "
        f"p99 {p99:8.1f}  min {ordered[0]:8.1f}  max {ordered[-1]:8.1f}"
    )


def _phone_photo(path: Path) -> None:
    """A 4032x3024 JPEG with camera-like noise (hard to compress, like a real photo)."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:3024, 0:4032]
    base = np.stack([(x / 16) % 256, (y / 12) % 256, ((x + y) / 20) % 256], axis=-1)
    noisy = np.clip(base + rng.normal(0, 18, base.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy).save(buf, format="JPEG", quality=92)
    path.write_bytes(buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is absent")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-extension-"))
    (work / "data").mkdir()
    service = start_service(work / "data")
    site = work / "site"
    site.mkdir()
    shutil.copy(HERE / "composer.html", site)
    photo = site / "phone.jpg"
    _phone_photo(photo)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page_url = f"http://127.0.0.1:{server.server_address[1]}/composer.html"
    unpacked = work / "extension"
    shutil.copytree(EXTENSION, unpacked, ignore=shutil.ignore_patterns("test", "package*.json"))
    manifest = json.loads((unpacked / "manifest.json").read_text())
    manifest["host_permissions"] = ["http://127.0.0.1/*"]
    (unpacked / "manifest.json").write_text(json.dumps(manifest))

    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"# photo: 4032x3024 JPEG, {photo.stat().st_size / 1e6:.1f} MB")
    pw = sync_playwright().start()
    context = pw.chromium.launch_persistent_context(
        str(work / "profile"),
        executable_path=str(CHROMIUM),
        headless=True,
        args=[f"--disable-extensions-except={unpacked}", f"--load-extension={unpacked}"],
    )
    try:
        worker = context.service_workers[0] if context.service_workers else None
        worker = worker or context.wait_for_event("serviceworker", timeout=30_000)
        extension_id = worker.url.split("/")[2]
        worker.evaluate(
            "s => chrome.storage.local.set({settings: s})",
            {
                "serviceUrl": service.url,
                "apiKey": service.extension_key,
                "lang": "nl",
                "extraSites": [{"pattern": "http://127.0.0.1/*", "channel": "instagram"}],
            },
        )
        page = context.new_page()
        page.wait_for_timeout(1000)  # the worker registers the extra site
        page.goto(page_url)
        badge = "[data-school-screening-badge] [role='status']"
        # Warm-up: the first check loads the text pipeline's lazy parts.
        page.click("#box")
        page.keyboard.type("warm-up")
        page.wait_for_selector(f"{badge}[data-state='publish']", timeout=120_000)

        for name, text in TEXTS.items():
            expected = "hold" if name == "phone" else "publish"
            times = []
            for _ in range(args.runs):
                page.fill("#box", "")
                page.wait_for_selector(f"{badge}[data-state='empty']")
                page.click("#box")
                page.keyboard.type(text, delay=5)
                start = time.perf_counter()
                page.wait_for_selector(f"{badge}[data-state='{expected}']", timeout=120_000)
                times.append((time.perf_counter() - start) * 1000)
            _summary(f"last key -> verdict, {name} text", times)

        downscale = page.evaluate(
            """async ([url, runs]) => {
                const { prepareImage } = await import(url);
                const blob = await (await fetch('phone.jpg')).blob();
                const file = new File([blob], 'phone.jpg', {type: 'image/jpeg'});
                const out = [];
                let size = 0;
                for (let i = 0; i < runs; i++) {
                  const t0 = performance.now();
                  const r = await prepareImage(file);
                  out.push(performance.now() - t0);
                  size = r.ok ? atob(r.image.data).length : -1;
                }
                return {out, size};
            }""",
            [f"chrome-extension://{extension_id}/src/images.js", args.runs],
        )
        _summary("prepareImage 4032x3024 -> 2048 px JPEG", downscale["out"])
        print(f"# downscaled size: {downscale['size'] / 1e6:.2f} MB")

        times = []
        for _ in range(max(3, args.runs // 3)):
            page.goto(page_url)
            page.click("#box")
            page.keyboard.type("Sportdag")
            page.wait_for_selector(f"{badge}[data-state='publish']", timeout=120_000)
            start = time.perf_counter()
            page.set_input_files("#photo", str(photo))
            page.wait_for_selector(f"{badge}[data-state='checking']", timeout=10_000)
            page.wait_for_selector(f"{badge}:not([data-state='checking'])", timeout=120_000)
            times.append((time.perf_counter() - start) * 1000)
        _summary("photo attached -> verdict (downscale+faces)", times)
    finally:
        context.close()
        pw.stop()
        server.shutdown()
        service.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
