"""The learned offensive-language scorer on the corpus's held-out split, per label.

Trains the scorer (`screening.training.recipe.train_language_scorer`, about 3 minutes on 2
cores) into build/language-scorer unless a trained one is given, then prints precision and
recall per label on the held-out rows of models/language/corpus (never trained on), and the
share of harmless rows it would hold. The scorer does not ship yet: these figures decide
whether it earns a place beside the rules. Prints figures; fails on nothing.

Run: .venv/bin/python benchmarks/bench_language_scorer.py [--model DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from screening.nlp import load_nlp
from screening.training.language_corpus import LABELS, read_rows, split
from screening.training.recipe import train_language_scorer

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    model = args.model or train_language_scorer(ROOT / "build" / "language-scorer")
    nlp, _info = load_nlp(str(model))
    _train, test = split(read_rows())
    counts: Counter[tuple[str, str]] = Counter()
    times: list[float] = []
    for row in test:
        t = time.perf_counter()
        cats = nlp(row.text).cats
        times.append((time.perf_counter() - t) * 1000)
        counts[(row.label, max(cats, key=lambda k: cats[k]))] += 1
    print(f"held-out rows: {len(test)}; scorer: {model}")
    print(f"{'label':<10} {'precision':>9} {'recall':>7} {'n':>5}")
    for label in LABELS:
        tp = counts[(label, label)]
        predicted = sum(v for (_gold, p), v in counts.items() if p == label)
        gold = sum(v for (g, _p), v in counts.items() if g == label)
        precision = tp / predicted if predicted else 1.0
        recall = tp / gold if gold else 1.0
        print(f"{label:<10} {precision:>9.3f} {recall:>7.3f} {gold:>5}")
    harmful = [lab for lab in LABELS if lab != "none"]
    held = sum(counts[(g, p)] for g in harmful for p in harmful)
    gold_harmful = sum(v for (g, _p), v in counts.items() if g != "none")
    false_holds = sum(counts[("none", p)] for p in harmful)
    gold_none = sum(v for (g, _p), v in counts.items() if g == "none")
    print(
        f"harmful rows held (any harmful label): {held}/{gold_harmful} ({held / gold_harmful:.1%})"
    )
    print(f"harmless rows held: {false_holds}/{gold_none} ({false_holds / gold_none:.1%})")
    print(f"scoring one row: median {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()
