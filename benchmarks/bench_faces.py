"""Face-screening latency on one core: stages, the encoder per face, and end to end.

1. Per image size (1, 12 and 24 megapixel JPEGs made by upscaling a real group photo from
   ../shared, or scikit-image's astronaut when ../shared is absent) and per
   detection_max_side: the median and p99 of decode, detect (with landmarks), landmarks alone.
2. The encoder per face chip: dlib's own network and the numpy run of it (screening.faces.resnet).
3. End to end through `Pipeline.screen` (empty registry, so every face is encoded and matched):
   a 12 MP photo of one face, and a 12 MP class photo of 25 faces (dlib's johns chips, ~170 px
   faces, on a textured 4000x3000 canvas), with the class photo's stages.
Fails on nothing. Pinned to one CPU with BLAS/OpenMP threads = 1, as the budget is for one core.
Run: .venv/bin/python benchmarks/bench_faces.py [--repeat 15] [--max-side 1600 2000 2400]
"""

# ruff: noqa: E402  (the thread variables must be set before numpy loads OpenBLAS)
from __future__ import annotations

import os

# One core means one BLAS thread (the encoder's matrix products run in OpenBLAS).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import io
import platform
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

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


def cpu_seconds() -> float:
    """CPU time of this process so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], object], repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `fn` after one warm-up call (CPU into `cpu`)."""
    fn()
    times = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        fn()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(cpu_seconds() - start_cpu)
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


def spread(values: list[float]) -> str:
    """median, min-max and p90 in milliseconds."""
    return (
        f"median {statistics.median(values) * 1000:7.1f}  min {min(values) * 1000:7.1f}  "
        f"p90 {percentile(values, 90) * 1000:7.1f}  max {max(values) * 1000:7.1f}"
    )


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--max-side", type=int, nargs="+", default=[1600, 2000, 2400])
    parser.add_argument("--cnn", action="store_true", help="also time the thorough (CNN) mode")
    parser.add_argument("--ocr", action="store_true", help="end to end with OCR of photo text")
    parser.add_argument("--only-e2e", action="store_true", help="skip the stage tables")
    parser.add_argument(
        "--e2e-max-side",
        type=int,
        default=None,
        help="detection_max_side end to end (default: settings)",
    )
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
    for label, cfg in configs if not args.only_e2e else []:
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

    if not args.only_e2e:
        encoder_per_face(models, args.repeat)
    full_screen(args.repeat, args.ocr, args.e2e_max_side)


JOHNS = Path(__file__).resolve().parents[2] / "shared/data/faces/dlib/examples/johns"


def class_photo(faces: int = 25, seed: int = 5) -> tuple[bytes, str]:
    """A 12 MP class photo: `faces` face photos (dlib's johns, 150x150, scaled to 300 px so
    the face box is ~170 px) in rows on a textured canvas, JPEG q90; the collage's faces when
    ../shared is absent."""
    rng = np.random.default_rng(seed)
    canvas = Image.fromarray(
        (rng.normal(120, 25, (3000, 4000, 3)).clip(0, 255)).astype(np.uint8), "RGB"
    ).filter(ImageFilter.GaussianBlur(3))
    chips = sorted(JOHNS.glob("*/*.jpg"))[:faces] if JOHNS.is_dir() else []
    if len(chips) < faces:
        photo, _ = source_photo()
        tiles = [photo.resize((300, 300)) for _ in range(faces)]
        name = "source photo tiles"
    else:
        tiles = [Image.open(p).convert("RGB").resize((300, 300)) for p in chips]
        name = "dlib johns"
    per_row = 7
    for i, tile in enumerate(tiles):
        row, col = divmod(i, per_row)
        canvas.paste(tile, (180 + col * 530 + (row % 2) * 120, 300 + row * 650))
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=90)
    return buf.getvalue(), f"{faces} faces ({name}) on 4000x3000"


def encoder_per_face(models: FaceModels, repeat: int) -> None:
    """The encoder's cost per chip: dlib's network and the numpy run, as batches of 1 and 50."""
    from screening.faces.encode import face_chips

    data, _ = class_photo()
    image = decode(data, 2000)
    chips = face_chips(models, image, detect_faces(models, image, load_detection_config()))
    chips += [np.ascontiguousarray(c[:, ::-1]) for c in chips]  # flip averaging's mirror chips
    print(f"-- encoder per face chip (wall / CPU ms, median of {repeat}; "
          f"{len(chips)} chips = 25 faces + mirrors)")  # fmt: skip
    runs: list[tuple[str, Callable[[], object], int]] = [
        ("dlib, 1 chip", lambda: models.encoder.compute_face_descriptor(chips[:1], 1), 1),
        ("dlib, 50 chips", lambda: models.encoder.compute_face_descriptor(chips, 1), len(chips)),
        ("numpy, 1 chip", lambda: models.resnet.descriptors(chips[:1]), 1),
        ("numpy, 50 chips", lambda: models.resnet.descriptors(chips), len(chips)),
    ]
    for label, fn, n in runs:
        cpu: list[float] = []
        times = timed(fn, max(3, repeat // 3) if n > 1 else repeat, cpu)
        print(f"{label:16} {statistics.median(times) * 1000 / n:6.1f} / "
              f"{statistics.median(cpu) * 1000 / n:6.1f} ms per chip")  # fmt: skip


def class_photo_stages(pipeline: object, data: bytes, repeat: int) -> None:
    """Where the class photo's time goes: decode, detect, recognizability, chips, encode."""
    from screening.faces.encode import encode_chips, face_chips
    from screening.faces.quality import assess

    detector = next(d for d in pipeline.image_detectors if d.checks_faces)  # type: ignore[attr-defined]
    models, max_side = detector.models, pipeline.settings.detection_max_side  # type: ignore[attr-defined]
    image = decode(data, max_side)
    faces = detect_faces(models, image, detector.detection)
    chips = face_chips(models, image, faces)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("decode", lambda: decode(data, max_side)),
        ("detect + landmarks", lambda: detect_faces(models, image, detector.detection)),
        (
            "recognizability",
            lambda: [assess(models, image, f, detector.recognizability) for f in faces],
        ),
        ("face chips", lambda: face_chips(models, image, faces)),
        (
            f"encode (flip {detector.flip_average})",
            lambda: encode_chips(models, chips, flip_average=detector.flip_average),
        ),
    ]
    for label, fn in stages:
        print(f"   {label:22} ms (median / p99) {ms(timed(fn, max(3, repeat // 3)))}")


ONE_FACE_PHOTO = (
    Path(__file__).resolve().parents[2]
    / "shared/data/faces/face_recognition/examples/knn_examples/test/obama1.jpg"
)


def full_screen(repeat: int, ocr: bool = False, max_side: int | None = None) -> None:
    """The whole screening of a post with one photo through `Pipeline.screen` (decode, EXIF,
    every image detector; faces: detect, recognizability, encode, match against an empty
    registry, verdict): a one-face photo per size and the 12 MP class photo."""
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
        # Text in photos (OCR) is another image detector with its own budget
        # (benchmarks/bench_ocr.py); off here unless asked for, so these are the face path.
        extra: dict[str, object] = {}
        if not ocr and "ocr_enabled" in Settings.model_fields:
            extra["ocr_enabled"] = False
        if max_side:
            extra["detection_max_side"] = max_side
        settings = Settings(data_dir=Path(data_dir), **extra)  # type: ignore[arg-type]
        init_registry(settings)  # a registry is never made on the fly
        pipeline = build_pipeline(settings, faces=True)
        print(f"-- full Pipeline.screen, detection_max_side "
              f"{pipeline.settings.detection_max_side}, OCR {'on' if ocr else 'off'}, "
              f"ms over {repeat} runs")  # fmt: skip
        photos: list[tuple[str, bytes]] = []
        for size_name, (width, height) in SIZES.items():
            scaled = photo.resize((width, round(photo.height * width / photo.width)))
            buf = io.BytesIO()
            scaled.crop((0, 0, width, height)).save(buf, "JPEG", quality=90)
            photos.append((f"{size_name} {name}", buf.getvalue()))
        class_data, class_name = class_photo()
        photos.append((f"12MP class photo, {class_name}", class_data))
        for label, data in photos:
            post = Post("", Channel.INSTAGRAM, date(2026, 11, 22),
                        (ImageInput("photo.jpg", data),))  # fmt: skip
            cpu: list[float] = []
            times = timed(lambda post=post: pipeline.screen(post), repeat, cpu)  # type: ignore[misc]
            faces = sum(f.finding.kind.startswith("face.") for f in pipeline.screen(post).findings)
            print(f"{label} ({faces} face findings)")
            print(f"   wall {spread(times)}")
            print(f"   CPU  median {statistics.median(cpu) * 1000:7.1f}")
        class_photo_stages(pipeline, class_data, repeat)


if __name__ == "__main__":
    main()
