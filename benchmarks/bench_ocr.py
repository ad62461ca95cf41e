"""Text in photos: OCR time per 12 MP photo, and recall/precision of the text findings.

1. Speed: a 12 MP JPEG (4000x3000, a textured scene with a poster of a name, a phone number
   and an e-mail address) through the photo-text path as `Pipeline.screen` runs it: decode
   (reduced to detection_max_side), read the text (screening.images.ocr.read_lines at each
   --max-side), and the whole photo-text detector (OCR plus the text detectors on what it
   read). Median, p90 and spread over --runs runs.
2. Quality: --photos generated photos (1600x1200, fixed seed) with Dutch names (deduce's
   first names and surnames, as the name detector reads them), mobile and landline numbers,
   valid BSNs (python-stdnum's elfproef) and e-mail addresses, in 9 fonts (DejaVu as shipped
   inside opencv-python, Pillow's own), 22-70 px, turned -15..15 degrees, on gradients,
   noise and shapes, with harmless text beside them and some photos with no personal data.
   Each photo goes through `Pipeline.screen`; its photo findings are compared with what was
   drawn (per kind: name, phone, bsn, email). Printed: recall and precision per kind and
   overall, and the same against what the caption detectors find in the drawn text itself
   (the loss due to reading alone).

Fails on nothing. Run: .venv/bin/python benchmarks/bench_ocr.py [--runs 7] [--photos 60]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consent_store.repository import init_registry  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from kernel.types import Channel, Finding, ImageInput, Post, PostContext  # noqa: E402
from screening.detectors.photo_text import PhotoTextDetector  # noqa: E402
from screening.images.intake import decode_image  # noqa: E402
from screening.images.ocr import read_lines  # noqa: E402
from screening.name_lists import load_name_lexicon  # noqa: E402
from screening.pipeline import Pipeline, build_pipeline  # noqa: E402

SEED = 20260601
CONTEXT = PostContext(Channel.INSTAGRAM, date(2026, 6, 1))
KINDS = ("name", "phone", "bsn", "email")
HARMLESS = (
    "Sportdag 2026",
    "Groep 7 wint!",
    "Welkom op school",
    "Schoolreisje Efteling",
    "Koningsspelen",
    "Kerstmarkt vrijdag",
    "Juf en meester bedankt",
    "Open dag 14 maart",
)


def _category(kind: str) -> str:
    """A finding kind as one of KINDS, or 'other'."""
    if kind.startswith("pii.name"):
        return "name"
    return {"pii.phone": "phone", "pii.bsn": "bsn", "pii.email": "email"}.get(kind, "other")


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _truetype(path: Path) -> Callable[[int], Font]:
    return lambda size: ImageFont.truetype(str(path), size)


def _fonts() -> list[Callable[[int], Font]]:
    """DejaVu faces shipped inside opencv-python (a dependency of the OCR), Pillow's own."""
    import cv2

    folder = Path(cv2.__file__).parent / "qt" / "fonts"
    fonts = [_truetype(path) for path in sorted(folder.glob("DejaVu*.ttf"))[:8]]
    fonts.append(lambda size: ImageFont.load_default(size=size))
    return fonts


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, values_ms: list[float]) -> None:
    """Print median, p90 and the spread of a series of timings."""
    print(
        f"{name:<34} n={len(values_ms):<3} median={statistics.median(values_ms):8.0f} ms  "
        f"p90={percentile(values_ms, 90):8.0f}  min={min(values_ms):8.0f}  "
        f"max={max(values_ms):8.0f}  stdev={statistics.pstdev(values_ms):6.0f}"
    )


# --- generated photos -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A generated photo, the kinds of personal data drawn on it, and its drawn text."""

    jpeg: bytes
    kinds: frozenset[str]
    text: str


class Generator:
    """Draws photos with Dutch personal data in varied fonts, sizes, angles, backgrounds."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        lex = load_name_lexicon()
        common = lex.common | lex.never_alone | lex.not_surname
        self.first = sorted(n for n in lex.first_names if n.isalpha() and n.lower() not in common)
        self.surnames = sorted(n for n in lex.surnames if n.isalpha() and n.lower() not in common)
        self.interfixed = sorted(n for n in lex.interfix_surnames if n.isalpha())
        self.fonts = _fonts()

    def name(self) -> str:
        first = self.rng.choice(self.first)
        if self.rng.random() < 0.4:
            interfix = self.rng.choice(("de", "van", "van der", "van den", "ter"))
            return f"{first} {interfix} {self.rng.choice(self.interfixed)}"
        return f"{first} {self.rng.choice(self.surnames)}"

    def phone(self) -> str:
        """A number that exists in the Dutch numbering plan (phonenumbers says valid)."""
        import phonenumbers

        while True:
            digits = "".join(self.rng.choice("0123456789") for _ in range(8))
            mobile = f"06-{digits}" if self.rng.random() < 0.5 else f"06 {digits[:4]} {digits[4:]}"
            landline = f"030-{digits[:3]} {digits[3:7]}"
            number = self.rng.choice((mobile, mobile, landline, f"+31 6 {digits}"))
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "NL")):
                return number

    def bsn(self) -> str:
        from stdnum.nl import bsn

        while True:
            number = "".join(self.rng.choice("0123456789") for _ in range(9))
            if number[0] != "0" and bsn.is_valid(number):
                return f"BSN: {number}" if self.rng.random() < 0.7 else f"BSN {number}"

    def email(self) -> str:
        first = self.rng.choice(self.first).lower()
        last = self.rng.choice(self.surnames).lower()
        domain = self.rng.choice(("gmail.com", "hotmail.nl", "ziggo.nl", "kpnmail.nl"))
        return f"{first}.{last}@{domain}"

    def background(self, size: tuple[int, int]) -> Image.Image:
        w, h = size
        style = self.rng.choice(("gradient", "noise", "shapes"))
        x, y = np.meshgrid(np.linspace(0, 1, w), np.linspace(0, 1, h))
        c = [self.rng.uniform(120, 240) for _ in range(6)]
        pixels = np.stack([c[0] + (c[1] - c[0]) * x, c[2] + (c[3] - c[2]) * y, c[4] + 0 * x], 2)
        if style == "noise":
            pixels = pixels + np.random.default_rng(self.rng.randrange(2**32)).normal(
                0, 18, pixels.shape
            )
        img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
        if style == "shapes":
            draw = ImageDraw.Draw(img)
            for _ in range(8):
                x0, y0 = self.rng.randrange(w), self.rng.randrange(h)
                r = self.rng.randrange(40, 260)
                colour = tuple(self.rng.randrange(60, 250) for _ in range(3))
                draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=colour)
        return img

    def sample(self, size: tuple[int, int] = (1600, 1200)) -> Sample:
        rng = self.rng
        makers = {"name": self.name, "phone": self.phone, "bsn": self.bsn, "email": self.email}
        chosen = [] if rng.random() < 0.15 else rng.sample(KINDS, rng.randint(1, 3))
        items = [(kind, makers[kind]()) for kind in chosen]
        items += [("", rng.choice(HARMLESS)) for _ in range(rng.randint(0, 2))]
        rng.shuffle(items)
        img = self.background(size)
        y = rng.randrange(40, 200)
        for _, text in items:
            font = rng.choice(self.fonts)(rng.randint(22, 70))
            ink = (rng.randrange(0, 70), rng.randrange(0, 70), rng.randrange(0, 90))
            if rng.random() < 0.25:
                ink = (250, 250, 250)
            probe = ImageDraw.Draw(img).textbbox((0, 0), text, font=font)
            tw, th = round(probe[2] - probe[0]) + 20, round(probe[3] - probe[1]) + 20
            label = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
            draw = ImageDraw.Draw(label)
            if ink == (250, 250, 250):  # light text on a dark band, as on a banner
                draw.rectangle((0, 0, tw, th), fill=(30, 40, 90, 255))
            draw.text((10 - probe[0], 10 - probe[1]), text, font=font, fill=(*ink, 255))
            angle = rng.uniform(-15, 15)
            turned = label.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
            x = rng.randrange(20, max(21, size[0] - turned.width - 20))
            if y + turned.height > size[1] - 20:
                break
            img.paste(turned, (x, y), turned)
            y += turned.height + rng.randrange(20, 120)
        if rng.random() < 0.3:
            img = img.filter(ImageFilter.GaussianBlur(0.8))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(75, 95))
        drawn = [(kind, text) for kind, text in items]
        return Sample(
            buf.getvalue(),
            frozenset(kind for kind, _ in drawn if kind),
            "\n".join(text for _, text in drawn),
        )


def scene_12mp(gen: Generator) -> bytes:
    """A 4000x3000 JPEG: textured scene with a poster of a name, a phone number, an address."""
    img = gen.background((4000, 3000)).filter(ImageFilter.GaussianBlur(1.5))
    draw = ImageDraw.Draw(img)
    draw.rectangle((1300, 900, 2900, 1900), fill=(245, 245, 235))
    font = gen.fonts[0](90)
    for n, line in enumerate(("Sanne de Vries", "Bel 06-12345678", "sanne.devries@gmail.com")):
        draw.text((1380, 1000 + n * 260), line, font=font, fill=(20, 20, 50))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


# --- the two parts --------------------------------------------------------------------------


def bench_speed(pipe: Pipeline, gen: Generator, runs: int, sides: list[int]) -> None:
    data = scene_12mp(gen)
    settings = pipe.settings
    print(
        f"\n1. OCR per 12 MP photo (4000x3000 JPEG, {len(data) // 1024} KiB; decode reduces to "
        f"detection_max_side={settings.detection_max_side})"
    )
    decode_ms = []
    for _ in range(runs):
        t = time.perf_counter()
        decoded = decode_image(
            data,
            max_bytes=settings.max_image_bytes,
            max_pixels=settings.max_image_pixels,
            max_side=settings.detection_max_side,
        )
        decode_ms.append((time.perf_counter() - t) * 1000)
    summary("decode (reduced)", decode_ms)
    frame = decoded.frame
    read_lines(frame, max_side=sides[0], min_confidence=settings.ocr_min_confidence)  # load
    for side in sides:
        read_ms = []
        for _ in range(runs):
            t = time.perf_counter()
            lines = read_lines(
                frame,
                max_side=side,
                min_confidence=settings.ocr_min_confidence,
                threads=settings.ocr_threads,
            )
            read_ms.append((time.perf_counter() - t) * 1000)
        summary(f"read text, max side {side}", read_ms)
        print(f"{'':<34} read: {' | '.join(line.text for line in lines)}")
    [detector] = [d for d in pipe.image_detectors if isinstance(d, PhotoTextDetector)]
    whole_ms = []
    for _ in range(runs):
        t = time.perf_counter()
        found = detector.detect(decoded, 0, CONTEXT)
        whole_ms.append((time.perf_counter() - t) * 1000)
    summary(f"photo-text detector ({detector.max_side})", whole_ms)
    print(f"{'':<34} findings: {sorted(f.kind for f in found)}")


def _score(rows: list[tuple[frozenset[str], set[str]]]) -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for expected, found in rows:
        for kind in found:
            (tp if kind in expected else fp)[kind] += 1
        for kind in expected - found:
            fn[kind] += 1
    for kind in (*KINDS, "other"):
        t, p, n = tp[kind], fp[kind], fn[kind]
        recall = f"{t / (t + n):.3f}" if t + n else "  -  "
        precision = f"{t / (t + p):.3f}" if t + p else "  -  "
        print(
            f"   {kind:<6} drawn={t + n:<3} found={t + p:<3} recall={recall}  precision={precision}"
        )
    t, p, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"   {'all':<6} drawn={t + n:<3} found={t + p:<3} recall={t / (t + n):.3f}  "
          f"precision={t / (t + p):.3f}")  # fmt: skip


def bench_quality(pipe: Pipeline, gen: Generator, photos: int, show: int) -> None:
    samples = [gen.sample() for _ in range(photos)]
    print(
        f"\n2. Text findings on {photos} generated 1600x1200 photos (seed {SEED}; "
        f"{sum(1 for s in samples if not s.kinds)} without personal data)"
    )
    against_drawn: list[tuple[frozenset[str], set[str]]] = []
    against_caption: list[tuple[frozenset[str], set[str]]] = []
    misses: list[str] = []
    seconds = []
    for n, sample in enumerate(samples):
        post = Post("", Channel.INSTAGRAM, date(2026, 6, 1), (ImageInput("f.jpg", sample.jpeg),))
        t = time.perf_counter()
        decision = pipe.screen(post)
        seconds.append(time.perf_counter() - t)
        photo: list[Finding] = [
            r.finding for r in decision.findings if r.finding.detector == "photo_text"
        ]
        found = {_category(f.kind) for f in photo}
        caption = {_category(f.kind) for f in pipe.screen_text(sample.text, CONTEXT)}
        against_drawn.append((sample.kinds, found))
        against_caption.append((frozenset(caption), found))
        if found != set(sample.kinds) and len(misses) < show:
            read = [f.evidence.explanation.split(" read in photo")[0] for f in photo]
            misses.append(
                f"   #{n}: drawn {sorted(sample.kinds)} found {sorted(found)}; "
                f"text {sample.text!r}; findings on {read}"
            )
    print(f"   screening time per photo: median {statistics.median(seconds) * 1000:.0f} ms")
    print(" against what was drawn:")
    _score(against_drawn)
    print(" against the caption detectors on the drawn text (loss due to reading alone):")
    _score(against_caption)
    if misses:
        print(" first differences from what was drawn:")
        print("\n".join(misses))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="timed runs per 12 MP measure")
    parser.add_argument("--photos", type=int, default=60, help="generated photos (>= 50)")
    parser.add_argument("--max-side", type=int, nargs="*", default=[1280, 1600, 2000])
    parser.add_argument("--show", type=int, default=10, help="photos with differences shown")
    parser.add_argument("--ocr-max-side", type=int, default=None, help="for the quality set")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    settings = Settings(data_dir=folder, database_url=None)
    if args.ocr_max_side:
        settings = Settings(data_dir=folder, database_url=None, ocr_max_side=args.ocr_max_side)
    init_registry(settings)
    pipe = build_pipeline(settings, faces=False)
    print(
        f"OCR: {pipe.detector_versions.get('photo_text.ocr')}; ocr_max_side="
        f"{settings.ocr_max_side}, ocr_min_confidence={settings.ocr_min_confidence}, "
        f"ocr_threads={settings.ocr_threads or 'all cores'}"
    )
    gen = Generator(SEED)
    if not args.skip_speed:
        bench_speed(pipe, gen, args.runs, args.max_side)
    bench_quality(pipe, Generator(SEED), args.photos, args.show)


if __name__ == "__main__":
    main()
