"""Person names on a CoNLL-style file: our names detector, its parts, and Frog, in one run.

Scores (span overlap and exact span) for:

* the names detector as shipped (word lists + the trained pipeline's entities),
* the trained pipeline's PER entities alone, and the word lists alone,
* Frog (Radboud University's Dutch NLP suite) on the same tokens, when it is installed
  (`apt-get install frog frogdata`); a clear skip line when it is not.

Default file: CoNLL-2002 Dutch testa, which the shipped model never trained on. Prints
figures; fails on nothing. Run: .venv/bin/python benchmarks/bench_names.py [FILE]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from screening.eval_names import (
    SOURCES,
    SpanScore,
    evaluate_names,
    gold_spans,
    load_sentences,
    score_spans,
)
from screening.nlp import load_nlp
from screening.training.corpora import TaggedSentence

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/text/train/ner/conll2002_ned_testa.txt"


def row(label: str, overlap: SpanScore, exact: SpanScore, seconds: float) -> None:
    """One line of the table."""
    print(
        f"{label:<28} overlap P={overlap.precision:.3f} R={overlap.recall:.3f} "
        f"F1={overlap.f1:.3f}   exact P={exact.precision:.3f} R={exact.recall:.3f} "
        f"F1={exact.f1:.3f}   {seconds:6.1f} s"
    )


def frog_spans(sentences: list[TaggedSentence]) -> tuple[list[list[tuple[int, int]]], float]:
    """Frog's PER spans per sentence (on our tokens: its tokeniser skipped), and its seconds."""
    with tempfile.TemporaryDirectory(prefix="bench-frog-") as tmp:
        given = Path(tmp, "in.txt")
        out = Path(tmp, "out.tsv")
        given.write_text("\n".join(" ".join(s.words) for s in sentences) + "\n", encoding="utf-8")
        t = time.perf_counter()
        subprocess.run(
            ["frog", "-n", "--skip=tmpca", "-t", str(given), "-o", str(out)],
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        seconds = time.perf_counter() - t
        tags: list[list[str]] = [[]]
        for line in out.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                if tags[-1]:
                    tags.append([])
                continue
            tags[-1].append(line.split("\t")[6].upper())
    if not tags[-1]:
        tags.pop()
    spans = [
        gold_spans(TaggedSentence(s.words, tuple(t))) if len(t) == len(s.words) else []
        for s, t in zip(sentences, tags, strict=False)
    ]
    return spans, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"skipped: {args.file} is absent (../shared is not beside the repository)")
        return
    sentences = load_sentences(args.file)
    t = time.perf_counter()
    _nlp, info = load_nlp()
    print(f"pipeline: {info.version_entry[0]} {info.version_entry[1]}")
    print(f"model loading: {(time.perf_counter() - t) * 1000:.0f} ms (once per process)")
    print(f"file: {args.file} ({len(sentences)} sentences)")
    for source in SOURCES:
        report = evaluate_names(sentences, source)
        assert report.overlap is not None and report.exact is not None
        row(f"ours: {source}", report.overlap, report.exact, report.seconds)
    if shutil.which("frog") is None:
        print("frog: skipped (not installed; apt-get install frog frogdata)")
        return
    spans, seconds = frog_spans(sentences)
    overlap, exact = score_spans(zip((gold_spans(s) for s in sentences), spans, strict=True))
    row("frog (same tokens)", overlap, exact, seconds)


if __name__ == "__main__":
    main()
