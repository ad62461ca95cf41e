"""Latency of a school's transformers model on a 1,000-character post, warm, in process.

Builds a tiny BERT classifier (the tests' model) in a temporary folder, or takes a model
folder with --model, and prints the detector's latency and the whole text pipeline's with and
without it. --base adds a BERT-base-sized model (random weights: the cost is the size, not
the training) to show what a real RobBERT/BERTje costs on this machine. --spacy-model NAME
compares the spaCy pass with a trained pipeline against blank Dutch.

Prints figures; fails on nothing. Run: .venv/bin/python benchmarks/bench_transformer.py --base
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tiny model is built by the tests' helper

from kernel.settings import Settings  # noqa: E402
from kernel.types import Channel, Post  # noqa: E402
from screening.detectors.transformer import build_classifier  # noqa: E402
from screening.nlp import TextDoc, analyse, build_nlp  # noqa: E402
from screening.pipeline import build_pipeline  # noqa: E402

POST = (
    "Beste ouders en verzorgers van groep 7,\n\n"
    "Wat hebben we een mooie week gehad! Op dinsdag gingen we met de hele klas naar het "
    "Rijksmuseum in Amsterdam. De kinderen hebben genoten van de Nachtwacht en van de "
    "speurtocht die juf Marieke had voorbereid. Daarna hebben we gepicknickt in het "
    "Vondelpark, gelukkig bleef het droog. Donderdag was de sportdag op het terrein achter de "
    "school; groep 7b won de estafette en groep 7a de touwtrekwedstrijd. Volgende week staat "
    "de ouderavond gepland, opgeven kan via de app of bij de administratie. Denk ook aan de "
    "gymspullen op maandag en woensdag, en aan een gezonde lunch. Wie nog een oude "
    "schoenendoos heeft: we gaan knutselen voor de kerstmarkt, dus neem hem mee. De "
    "bibliotheek is op vrijdag weer open voor alle groepen, en de voorleeswedstrijd begint "
    "over twee weken. Met vriendelijke groet, het team van groep 7. Tot volgende week!"
) * 2


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, values_ms: list[float]) -> None:
    """Print median, p99 and the spread of a series of timings."""
    print(
        f"{name:<44} n={len(values_ms):<4} median={statistics.median(values_ms):9.2f} ms  "
        f"p90={percentile(values_ms, 90):9.2f}  p99={percentile(values_ms, 99):9.2f}  "
        f"min={min(values_ms):9.2f}  max={max(values_ms):9.2f}"
    )


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Milliseconds of `runs` calls of `fn`, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def bench_model(
    label: str, folder: Path, text: str, runs: int, max_tokens: int, threads: int | None
) -> None:
    """Load time and warm latency of the classifier in `folder` on `text`."""
    settings = Settings(transformer_max_tokens=max_tokens, transformer_threads=threads)
    t = time.perf_counter()
    det = build_classifier(folder, settings)
    load_ms = (time.perf_counter() - t) * 1000
    encoded = det.encode(text)
    tokens = sum(len(w.positions) for w in encoded.windows)
    print(
        f"{label}, {threads or 'default'} thread(s): loaded and checked in {load_ms:.0f} ms; "
        f"{len(encoded.windows)} window(s) of <= {det.max_tokens} tokens, {tokens} text "
        "tokens in all (overlap included)"
    )
    doc = TextDoc(text=text, doc=analyse(build_nlp(), text).doc)
    summary(f"  detect(), {len(text):,} chars", timed(lambda: det.detect(doc), runs))


def build_base(folder: Path) -> Path:
    """A BERT-base-sized classifier (110M parameters, random weights) saved in `folder`."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from tests.detectors import transformer_models as tiny

    tiny.write_tokenizer(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30_000,
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        max_position_embeddings=512,
        id2label={0: "NOT", 1: "OFFENSIVE"},
        label2id={"NOT": 0, "OFFENSIVE": 1},
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tiny.write_toml(folder, '[labels]\nOFFENSIVE = "language.insult"\nNOT = ""\n')
    return folder


def bench_pipeline(folder: Path, text: str, runs: int) -> None:
    """The whole text pipeline's warm latency without and with the classifier."""
    post = Post(text=text, channel=Channel.INSTAGRAM, publish_on=date(2026, 11, 22))
    model = Settings(text_classifier_dir=folder, transformer_threads=1)
    for label, settings in (
        ("  screen(), rules only", Settings()),
        ("  screen(), rules + that model (1 thread)", model),
    ):
        pipeline = build_pipeline(settings, faces=False)
        summary(label, timed(lambda p=pipeline: p.screen(post), runs))


def bench_spacy(model: str, text: str, runs: int) -> None:
    """The spaCy pass with blank Dutch and with the trained pipeline `model`."""
    for label, nlp in (("blank('nl')", build_nlp()), (f"trained {model}", build_nlp(model))):
        summary(f"  spaCy pass, {label}"[:44], timed(lambda n=nlp: n(text), runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, help="a classifier folder instead of the tiny one")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--base", action="store_true", help="also a BERT-base-sized model")
    parser.add_argument("--base-runs", type=int, default=20)
    parser.add_argument("--spacy-model", help="a trained spaCy pipeline (name or path)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    text = POST[:1000]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-transformer-") as tmp:
        if args.model:
            folder = args.model
        else:
            from tests.detectors import transformer_models as tiny

            folder = tiny.build_classifier(Path(tmp) / "tiny")
        label = f"model {args.model}" if args.model else "tiny BERT (1 layer, hidden 16)"
        for threads in (2, 1):
            bench_model(label, folder, text, args.runs, 128, threads)
        bench_pipeline(folder, text, args.runs)
        if args.base:
            t = time.perf_counter()
            base = build_base(Path(tmp) / "base")
            print(f"BERT-base-sized model written in {time.perf_counter() - t:.1f} s")
            for max_tokens, threads in ((128, 2), (128, 1), (512, 2)):
                bench_model(
                    f"BERT-base size, windows of {max_tokens}",
                    base,
                    text,
                    args.base_runs,
                    max_tokens,
                    threads,
                )
    if args.spacy_model:
        bench_spacy(args.spacy_model, text, args.runs)


if __name__ == "__main__":
    main()
