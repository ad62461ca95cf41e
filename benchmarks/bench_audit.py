"""Nightly-audit throughput: images per second on a generated library, fresh and cached.

Generates a library of published photos (default 2,000) from scikit-image's pictures: the
astronaut (enrolled as a pupil with consent) in varied crops, scales and flips, faces of
other people from scikit-image's LFW sample (nobody enrolled: review), and pictures without
a face; longer side 640-1600 px, each with a JSON sidecar. Then, with all cores:

* fresh:  the face cache purged before each run, so every photo is detected and encoded;
* cached: the same library again, with only the registry's consent re-checked.

Prints images/s per run, the median and the spread (min/max) over the repeats, and the
per-photo time (median, p99) measured inside the workers. Fails on nothing.
Run: .venv/bin/python benchmarks/bench_audit.py [--photos 2000] [--repeats 3] [--workers N]
     [--fresh-runs K] [--repost R] (e.g. --photos 400 --repost 5 --fresh-runs 1: 2,000 items
     whose cache one fresh run of 400 photos fills)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo, Role
from consent_store.repository import init_registry, open_registry
from consent_store.school_year import SchoolYear
from kernel.settings import Settings
from screening.audit.progress import JsonLinesProgress
from screening.audit.runner import AuditOptions, AuditOutcome, purge_state, run_audit
from screening.faces.detect import load_detection_config
from screening.faces.enroll import enroll
from screening.faces.models import load_face_models
from screening.faces.quality import load_recognizability_config

#: The astronaut's face box in skimage.data.astronaut() (512 x 512).
FACE = (175, 76, 266, 167)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))]


def _pictures() -> tuple[Image.Image, np.ndarray, list[Image.Image]]:
    from skimage import data

    astronaut = Image.fromarray(data.astronaut())  # type: ignore[no-untyped-call]
    lfw = data.lfw_subset()  # type: ignore[no-untyped-call]
    backgrounds = [
        Image.fromarray(getattr(data, name)()).convert("RGB")
        for name in ("coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")
    ]
    return astronaut, lfw, backgrounds


def _scaled(img: Image.Image, rng: random.Random) -> Image.Image:
    longer = rng.randint(640, 1600)
    k = longer / max(img.size)
    return img.resize((round(img.width * k), round(img.height * k)), Image.Resampling.BILINEAR)


def make_library(folder: Path, count: int, published: date, seed: int = 7) -> dict[str, int]:
    """`count` photos with sidecars in `folder`; how many of each kind."""
    rng = random.Random(seed)
    astronaut, lfw, backgrounds = _pictures()
    kinds = {"astronaut": 0, "stranger": 0, "no_face": 0}
    for n in range(count):
        roll = n % 20
        if roll < 2:
            kind = "no_face"
            img = backgrounds[n % len(backgrounds)]
            img = img.crop((0, 0, img.width - rng.randint(0, 60), img.height - rng.randint(0, 60)))
        elif roll < 6:
            kind = "stranger"
            face = (lfw[rng.randrange(len(lfw))] * 255).astype(np.uint8)
            side = rng.randint(180, 300)
            portrait = (
                Image.fromarray(face).convert("RGB").resize((side, side), Image.Resampling.BICUBIC)
            )
            img = backgrounds[n % len(backgrounds)].resize((900, 600)).copy()
            img.paste(portrait, (rng.randint(0, 900 - side), rng.randint(0, 600 - side)))
        else:
            kind = "astronaut"
            left = rng.randint(0, FACE[0] - 20)
            top = rng.randint(0, FACE[1] - 20)
            right = rng.randint(FACE[2] + 20, 512)
            bottom = rng.randint(FACE[3] + 40, 300)  # above the suit's badge
            img = astronaut.crop((left, top, right, bottom))
        if rng.random() < 0.5:
            img = ImageOps.mirror(img)
        img = _scaled(img, rng)
        kinds[kind] += 1
        out = io.BytesIO()
        img.save(out, "JPEG", quality=rng.randint(80, 95))
        path = folder / f"{n // 500:02d}" / f"foto-{n:05d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(out.getvalue())
        sidecar = {"caption": f"Sportdag, foto {n}", "published_on": published.isoformat()}
        path.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
    return kinds


def make_registry(settings: Settings, root: Path, published: date) -> None:
    """Pupil P1 (the astronaut) with social-media consent and an enrolled face."""
    today = date.today()
    init_registry(settings)  # a registry is never made on the fly
    with open_registry(settings) as registry:
        registry.add_person(PersonInfo("P1", "Anna Jansen", Role.PUPIL, date(2014, 5, 1)))
        registry.grant(
            "P1", Purpose.SOCIAL_MEDIA, SchoolYear.of(published), GivenBy.PARENT, "f", on=published
        )
        registry.grant(
            "P1", Purpose.BIOMETRIC_MATCHING, SchoolYear.of(today), GivenBy.PARENT, "f", on=today
        )
        from skimage import data

        photo = root / "enrol.jpg"
        Image.fromarray(data.astronaut()).crop((40, 0, 512, 472)).save(photo, "JPEG")  # type: ignore[no-untyped-call]
        enroll(
            registry,
            "P1",
            [photo],
            load_face_models(),
            load_detection_config(),
            load_recognizability_config(),
            settings,
        )


def one_run(
    settings: Settings, library: Path, out: Path, workers: int
) -> tuple[float, AuditOutcome]:
    """Wall-clock seconds of one complete audit, and its outcome."""
    started = time.perf_counter()
    outcome = run_audit(
        AuditOptions(source=str(library), out_dir=out, workers=workers),
        settings,
        JsonLinesProgress(io.StringIO()),
    )
    return time.perf_counter() - started, outcome


def report(name: str, count: int, runs: list[tuple[float, AuditOutcome]]) -> None:
    """Print images/s per run, median and spread, and the per-photo worker times."""
    rates = [count / seconds for seconds, _ in runs]
    per_photo = [r.seconds for _, outcome in runs for r in outcome.results]
    redetected = [outcome.run.redetected for _, outcome in runs]
    print(
        f"{name:<7} images/s: median {statistics.median(rates):7.1f}  min {min(rates):7.1f}  "
        f"max {max(rates):7.1f}  runs [{', '.join(f'{r:.1f}' for r in rates)}]"
    )
    print(
        f"{'':<7} per photo in a worker: median {statistics.median(per_photo) * 1000:6.0f} ms  "
        f"p99 {percentile(per_photo, 99) * 1000:6.0f} ms  max {max(per_photo) * 1000:6.0f} ms;"
        f"  photos re-detected per run: {redetected}"
    )


def repost(folder: Path, times: int) -> int:
    """Publish every photo of the library `times` times in all (each copy its own item with
    its own caption, as a photo posted on two channels); the number of items. A cached run
    costs the same per item whether photos repeat or not (each item reads its own cache
    entries); repeats only make the fresh run that fills the cache cheaper."""
    photos = sorted(folder.rglob("*.jpg"))
    count = len(photos)
    for copy in range(1, times):
        for photo in photos:
            n = count * copy + int(photo.stem.split("-")[1])
            target = folder / f"{n // 500:02d}" / f"foto-{n:05d}.jpg"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(photo.read_bytes())
            sidecar = json.loads(photo.with_suffix(".json").read_text(encoding="utf-8"))
            sidecar["caption"] = f"Sportdag, foto {n}"
            target.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
    return count * times


def main() -> None:
    """Generate the library, then time fresh and cached audits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--fresh-runs",
        type=int,
        default=None,
        help="fresh runs (default: as many as --repeats); the cached runs follow the last one",
    )
    parser.add_argument(
        "--repost",
        type=int,
        default=1,
        help="publish each photo this many times (more items for the cached runs)",
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        root = Path(tmp)
        settings = Settings(data_dir=root / "data")
        published = date.today() - timedelta(days=30)
        made = time.perf_counter()
        kinds = make_library(root / "library", args.photos, published)
        items = repost(root / "library", args.repost)
        make_registry(settings, root, published)
        print(
            f"library: {args.photos} photos {kinds} in {items} items, 640-1600 px, made in "
            f"{time.perf_counter() - made:.0f} s; {args.workers} workers on "
            f"{os.cpu_count()} cores ({platform.processor() or platform.machine()})"
        )
        fresh, cached = [], []
        fresh_runs = args.repeats if args.fresh_runs is None else max(1, args.fresh_runs)
        for n in range(max(args.repeats, fresh_runs)):
            if n < fresh_runs:
                purge_state(settings)
                fresh.append(one_run(settings, root / "library", root / f"out-f{n}", args.workers))
            if n < args.repeats:
                cached.append(one_run(settings, root / "library", root / f"out-c{n}", args.workers))
        counts = fresh[0][1].summary["counts"]
        print(f"verdicts: {counts}")
        report("fresh", items, fresh)
        if items != args.photos:
            print(f"        (fresh: {args.photos} photos analysed; the other items reuse them)")
        report("cached", items, cached)


if __name__ == "__main__":
    main()
