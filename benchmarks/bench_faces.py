"""Face-screening latency on one core: decode, detect (with landmarks) and landmarks alone.

Per image size (1, 12 and 24 megapixel JPEGs made by upscaling a real group photo from
../shared, or scikit-image's astronaut when ../shared is absent) and per detection_max_side,
prints the median and p99 of each stage. Fails on nothing.
Run: .venv/bin/python benchmarks/bench_faces.py [--repeat 15] [--max-side 1600 2000 2400]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from screening.faces.detect import DetectionConfig, detect_faces, load_detection_config
from screening.faces.models import FaceModels, load_face_models
from screening.faces.types import DetectedFace
from screening.images.intake import DecodedImage, decode_image

SHARED_PHOTO = (
    Path(__file__).resolve().parents[2] / "shared/data/faces/dlib/examples/faces/bald_guys.jpg"
)
#: Width x height of the generated photos (4:3, as phone cameras take them).
SIZES = {"1MP": (1152, 864), "12MP": (4000, 3000), "24MP": (5664, 4248)}
MAX_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 120_000_000


def pin_to_one_core() -> str:
    """Run on one CPU, as the budget is stated for one core; returns a description."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


def source_photo() -> tuple[Image.Image, str]:
    """A real photo with faces: the shared 24-face collage, else the astronaut."""
    if SHARED_PHOTO.is_file():
        return Image.open(SHARED_PHOTO).convert("RGB"), SHARED_PHOTO.name
    from skimage import data

    return Image.fromarray(data.astronaut()), "skimage astronaut"  # type: ignore[no-untyped-call]


def make_jpeg(photo: Image.Image, size: tuple[int, int]) -> bytes:
    """`photo` stretched to `size` and saved as a camera-quality JPEG."""
    buf = io.BytesIO()
    photo.resize(size, Image.Resampling.BICUBIC).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `fn` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def decode(data: bytes, max_side: int) -> DecodedImage:
    """The pipeline's decode step with the configured reduction."""
    return decode_image(data, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, max_side=max_side)


def landmarks(models: FaceModels, image: DecodedImage, faces: Sequence[DetectedFace]) -> None:
    """The 5-point shapes of `faces` alone (detect_faces already includes them)."""
    import dlib

    frame = np.ascontiguousarray(image.frame, dtype=np.uint8)
    for f in faces:
        b = f.frame_box
        models.landmarks5(frame, dlib.rectangle(b.left, b.top, b.right - 1, b.bottom - 1))


@dataclass(frozen=True)
class StageTimes:
    """Seconds per call of each stage for one JPEG at one max_side."""

    faces: int
    decode: list[float]
    detect: list[float]
    landmarks: list[float]


def bench_size(
    models: FaceModels, config: DetectionConfig, data: bytes, max_side: int, repeat: int
) -> StageTimes:
    """Stage timings of one JPEG at one max_side."""
    image = decode(data, max_side)
    faces = detect_faces(models, image, config)
    return StageTimes(
        faces=len(faces),
        decode=timed(lambda: decode(data, max_side), repeat),
        detect=timed(lambda: detect_faces(models, image, config), repeat),
        landmarks=timed(lambda: landmarks(models, image, faces), repeat),
    )


def ms(values: list[float]) -> str:
    """median / p99 in milliseconds."""
    return f"{statistics.median(values) * 1000:7.1f} / {percentile(values, 99) * 1000:7.1f}"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--max-side", type=int, nargs="+", default=[1600, 2000, 2400])
    parser.add_argument("--cnn", action="store_true", help="also time the thorough (CNN) mode")
    args = parser.parse_args()
    pinned = pin_to_one_core()
    photo, name = source_photo()
    models = load_face_models()
    config = load_detection_config()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{pinned}; source photo: {name}; repeat {args.repeat}")  # fmt: skip
    print("size   max_side faces  decode ms (median / p99)  detect ms   landmarks ms    total")
    configs = [("fast", config)]
    if args.cnn:
        configs.append(("thorough", replace(config, cnn_enabled=True, hog_upsample=1)))
    for label, cfg in configs:
        print(f"-- mode {label}")
        for size_name, size in SIZES.items():
            data = make_jpeg(photo, size)
            for max_side in args.max_side:
                repeat = args.repeat if label == "fast" else 2
                r = bench_size(models, cfg, data, max_side, repeat)
                total = statistics.median(r.decode) + statistics.median(r.detect)
                print(
                    f"{size_name:6} {max_side:8} {r.faces:5}  {ms(r.decode)}  "
                    f"{ms(r.detect)}  {ms(r.landmarks)}  {total * 1000:7.1f}"
                )

    full_screen(args.repeat)


ONE_FACE_PHOTO = (
    Path(__file__).resolve().parents[2]
    / "shared/data/faces/face_recognition/examples/knn_examples/test/obama1.jpg"
)


def full_screen(repeat: int) -> None:
    """The whole image screening of a one-face photo per size: decode, detect, recognizability,
    encode, match against an empty gallery and the verdict, through `Pipeline.screen`."""
    import tempfile
    from datetime import date

    from consent_store.repository import init_registry
    from kernel.settings import Settings
    from kernel.types import Channel, ImageInput, Post
    from screening.pipeline import build_pipeline

    if ONE_FACE_PHOTO.is_file():
        photo, name = Image.open(ONE_FACE_PHOTO).convert("RGB"), ONE_FACE_PHOTO.name
    else:
        photo, name = source_photo()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        init_registry(settings)  # a registry is never made on the fly
        pipeline = build_pipeline(settings, faces=True)
        print(f"-- full Pipeline.screen, photo {name}, detection_max_side "
              f"{pipeline.settings.detection_max_side}")  # fmt: skip
        for size_name, (width, height) in SIZES.items():
            scaled = photo.resize((width, round(photo.height * width / photo.width)))
            buf = io.BytesIO()
            scaled.crop((0, 0, width, height)).save(buf, "JPEG", quality=90)
            post = Post("", Channel.INSTAGRAM, date(2026, 11, 22),
                        (ImageInput("photo.jpg", buf.getvalue()),))  # fmt: skip
            times = timed(lambda post=post: pipeline.screen(post), repeat)  # type: ignore[misc]
            print(f"{size_name:6} screen ms (median / p99) {ms(times)}")


if __name__ == "__main__":
    main()
