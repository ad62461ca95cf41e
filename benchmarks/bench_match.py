"""Face templates on one core: encode time per face, match time per face at 10k and 100k templates.

Prints median, p99 and the spread (wall time, and for matching also CPU time, which on a busy
machine leaves out the time the core spent on other processes); fails on nothing. Run:
    .venv/bin/python benchmarks/bench_match.py [--runs 200] [--sizes 10000,100000]
The galleries are random unit vectors grouped into people of 2-4 templates (about 3), which is
what the matcher's cost depends on; encoding uses a photo from ../shared/data/faces when that
folder is there, else a made-up picture (the encoder's cost does not depend on the content).
"""

from __future__ import annotations

import os

# One core, for numpy's BLAS too: it sizes its thread pool when it is first imported, so this
# comes before any import that loads numpy.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernel.settings import Settings  # noqa: E402
from kernel.types import Box  # noqa: E402
from screening.faces.encode import encode_faces  # noqa: E402
from screening.faces.match import Gallery  # noqa: E402
from screening.faces.models import FaceModels, load_face_models  # noqa: E402
from screening.faces.types import DetectedFace  # noqa: E402
from screening.images.intake import DecodedImage, decode_image  # noqa: E402
from screening.images.metadata import ImageMetadata  # noqa: E402

SHARED_PHOTO = (
    Path(__file__).resolve().parents[2]
    / "shared/data/faces/face_recognition/examples/knn_examples/test/obama_and_biden.jpg"
)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, values: list[float], unit: str) -> None:
    """Print median, percentiles and the spread of a series of timings."""
    print(
        f"{name:<40} n={len(values):<5} median={statistics.median(values):8.3f} {unit}  "
        f"p90={percentile(values, 90):8.3f}  p99={percentile(values, 99):8.3f}  "
        f"min={min(values):8.3f}  max={max(values):8.3f}  stdev={statistics.pstdev(values):7.3f}"
    )


def photo_and_faces(models: FaceModels) -> tuple[DecodedImage, list[DetectedFace], str]:
    """A photo with faces to encode: from ../shared if present, else a made-up picture."""
    if SHARED_PHOTO.is_file():
        settings = Settings()
        image = decode_image(
            SHARED_PHOTO.read_bytes(),
            max_bytes=settings.max_image_bytes,
            max_pixels=settings.max_image_pixels,
            max_side=settings.detection_max_side,
        )
        frame = np.asarray(image.frame)
        faces = []
        for rect in models.hog(frame, 0):
            box = Box(rect.left(), rect.top(), rect.right() + 1, rect.bottom() + 1)
            shape = models.landmarks5(frame, rect)
            points = tuple((float(p.x), float(p.y)) for p in shape.parts())
            faces.append(DetectedFace(box, box, 0, 1.0, "hog", points))
        return image, faces, SHARED_PHOTO.name
    rng = np.random.default_rng(0)
    picture = Image.fromarray(rng.integers(0, 256, (600, 800, 3), dtype=np.uint8), "RGB")
    image = DecodedImage((picture,), "PNG", (800, 600), 1.0, ImageMetadata(gps=False, fields=()))
    faces = [DetectedFace(b, b, 0, 1.0, "synthetic") for b in (Box(50, 50, 250, 250),) * 3]
    return image, faces, "made-up 800x600 picture"


def bench_encode(models: FaceModels, runs: int) -> None:
    """Encode time per face: one face per call, and all faces of a photo in one batch."""
    image, faces, source = photo_and_faces(models)
    print(f"encode: {len(faces)} faces from {source}, landmarks given, 1 jitter")
    encode_faces(models, image, faces[:1])  # warm up
    single, single_cpu = [], []
    for i in range(runs):
        face = faces[i % len(faces)]
        start, start_cpu = time.perf_counter(), time.process_time()
        encode_faces(models, image, [face])
        single_cpu.append((time.process_time() - start_cpu) * 1000)
        single.append((time.perf_counter() - start) * 1000)
    summary("encode, 1 face per call", single, "ms/face")
    summary("  (same, CPU time)", single_cpu, "ms/face")
    batched = []
    for _ in range(max(1, runs // len(faces))):
        start = time.perf_counter()
        encode_faces(models, image, faces)
        batched.append((time.perf_counter() - start) * 1000 / len(faces))
    summary(f"encode, {len(faces)} faces per call", batched, "ms/face")


def random_gallery(size: int, rng: np.random.Generator) -> Gallery:
    """`size` random unit vectors, in people of 2, 3 or 4 templates."""
    vectors = rng.normal(size=(size, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners: list[str] = []
    person = 0
    while len(owners) < size:
        owners += [f"P{person:07d}"] * int(rng.integers(2, 5))
        person += 1
    return Gallery(zip(owners[:size], vectors, strict=True))


def bench_match(size: int, runs: int, rng: np.random.Generator) -> None:
    """Match time per face against `size` templates, for 1 and for 8 faces per call."""
    start = time.perf_counter()
    gallery = random_gallery(size, rng)
    built = time.perf_counter() - start
    print(
        f"gallery: {len(gallery)} templates, {gallery.person_count} people, built in {built:.2f} s"
    )
    for batch in (1, 8):
        queries = rng.normal(size=(runs, batch, 128)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=2, keepdims=True)
        gallery.match(queries[0])  # warm up
        wall, cpu = [], []
        for q in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            gallery.match(q)
            cpu.append((time.process_time() - start_cpu) * 1000 / batch)
            wall.append((time.perf_counter() - start) * 1000 / batch)
        summary(f"match {size:>7} templates, {batch} face(s)/call", wall, "ms/face")
        # CPU time leaves out the time the core spent on other processes: on a busy machine
        # it is the matcher's own cost, where wall time is what a caller waits.
        summary("  (same, CPU time)", cpu, "ms/face")


def main() -> None:
    """Run both benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(
        f"{platform.processor() or platform.machine()}, python {platform.python_version()}, "
        f"numpy {np.__version__}, pinned to cores {cores}"
    )
    models = load_face_models()
    bench_encode(models, max(10, args.runs // 4))
    rng = np.random.default_rng(0)
    for size in (int(s) for s in args.sizes.split(",")):
        bench_match(size, args.runs, rng)


if __name__ == "__main__":
    main()
