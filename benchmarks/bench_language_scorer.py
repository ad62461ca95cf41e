"""The learned offensive-language scorer alone, on the corpus's held-out split, per label.

Scores the shipped scorer (models/language/scorer), or one given with --model, or one trained
now with --train (`screening models train-language` into build/, about 5 minutes on 2 cores),
on the held-out rows of models/language/corpus (never trained on). Prints precision and
recall per label (the most probable label), the share of harmful and harmless rows it would
hold at several minimum probabilities, and the time to score one row (median and spread).
The detector's own figures, rules included, come from `screening eval text ... --held-out`.
Prints figures; fails on nothing.

Run: .venv/bin/python benchmarks/bench_language_scorer.py [--model DIR | --train]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from screening.detectors.language.scorer import LanguageScorer
from screening.nlp import import_spacy
from screening.resources import models_dir
from screening.training.language_corpus import LABELS, read_rows, split
from screening.training.recipe import train_language_scorer

ROOT = Path(__file__).resolve().parents[1]
MINIMA = (0.5, 0.9, 0.97, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--train", action="store_true")
    args = parser.parse_args()
    if args.train:
        model = train_language_scorer(
            ROOT / "build" / "language-scorer", ROOT.parent / "shared" / "data" / "text" / "train"
        )
    else:
        model = args.model or models_dir() / "language" / "scorer"
    scorer = LanguageScorer(model)
    tokenize = (
        import_spacy(allow_torch=False).blank("nl").tokenizer
    )  # the shipped pipeline's tokenizer (tests/test_nlp.py)
    _train, test = split(read_rows())
    counts: Counter[tuple[str, str]] = Counter()
    harmful: list[tuple[str, float]] = []
    times: list[float] = []
    for row in test:
        t = time.perf_counter()
        cats = scorer.cats(tokenize(row.text))  # the detector gets the Doc of the main pass
        times.append((time.perf_counter() - t) * 1000)
        counts[(row.label, max(cats, key=lambda k: cats[k]))] += 1
        harmful.append((row.label, 1.0 - cats["none"]))
    print(f"held-out rows: {len(test)}; scorer: {model} (sha256 {scorer.sha256})")
    print(f"{'label':<10} {'precision':>9} {'recall':>7} {'n':>5}")
    for label in LABELS:
        tp = counts[(label, label)]
        predicted = sum(v for (_gold, p), v in counts.items() if p == label)
        gold = sum(v for (g, _p), v in counts.items() if g == label)
        precision = tp / predicted if predicted else 1.0
        recall = tp / gold if gold else 1.0
        print(f"{label:<10} {precision:>9.3f} {recall:>7.3f} {gold:>5}")
    bad = [p for label, p in harmful if label != "none"]
    good = [p for label, p in harmful if label == "none"]
    for minimum in MINIMA:
        held = sum(p >= minimum for p in bad) / len(bad)
        false = sum(p >= minimum for p in good) / len(good)
        print(f"p(harmful) >= {minimum}: harmful held {held:.1%}, harmless held {false:.1%}")
    q = statistics.quantiles(times, n=10)
    print(
        f"scoring one row: median {statistics.median(times):.2f} ms "
        f"(p10 {q[0]:.2f}, p90 {q[-1]:.2f}, n={len(times)})"
    )


if __name__ == "__main__":
    main()
