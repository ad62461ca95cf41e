"""Scoring person names on a CoNLL-style file (``token tag`` per line): precision, recall, F1.

A sentence's tokens are joined with single spaces into a text, the text goes through the
pipeline's NLP pass and the names detector (without a consent registry: recognising a name
does not depend on who is registered), and every name finding is mapped back to the tokens it
covers. A gold person name counts as found when a predicted name overlaps it, and a predicted
name counts as correct when it overlaps a gold one ("span overlap", the lenient CoNLL view:
"juf Anna" against gold "Anna" is a hit). Exact-span figures are printed beside them.

Three sources can be scored: the names detector as shipped (`detector`), the trained
pipeline's PER entities alone (`ner`), and the word-list recogniser alone (`lists`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from screening.training.corpora import TaggedSentence, read_bio

if TYPE_CHECKING:
    from spacy.tokens import Doc

Source = Literal["detector", "ner", "lists"]
SOURCES: tuple[Source, ...] = ("detector", "ner", "lists")


@dataclass(slots=True)
class SpanScore:
    """Counts for one way of matching spans."""

    gold_found: int = 0
    gold_missed: int = 0
    pred_correct: int = 0
    pred_wrong: int = 0

    @property
    def recall(self) -> float:
        total = self.gold_found + self.gold_missed
        return self.gold_found / total if total else 1.0

    @property
    def precision(self) -> float:
        total = self.pred_correct + self.pred_wrong
        return self.pred_correct / total if total else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class NamesReport:
    """Span-overlap and exact-span scores, with the sentences and timing behind them."""

    source: str
    sentences: int = 0
    gold: int = 0
    predicted: int = 0
    overlap: SpanScore | None = None
    exact: SpanScore | None = None
    seconds: float = 0.0
    missed: list[tuple[str, str]] | None = None  # (gold name, sentence)
    wrong: list[tuple[str, str]] | None = None  # (predicted name, sentence)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        out: dict[str, object] = {
            "source": self.source,
            "sentences": self.sentences,
            "gold_names": self.gold,
            "predicted_names": self.predicted,
            "seconds": round(self.seconds, 2),
        }
        for label, score in (("overlap", self.overlap), ("exact", self.exact)):
            if score is not None:
                out[label] = {
                    "precision": round(score.precision, 4),
                    "recall": round(score.recall, 4),
                    "f1": round(score.f1, 4),
                }
        return out


Span = tuple[int, int]  # token range [start, end)


def gold_spans(sentence: TaggedSentence, label: str = "PER") -> list[Span]:
    """Token ranges of the entities with `label` in a BIO-tagged sentence."""
    spans: list[Span] = []
    start: int | None = None
    for i, tag in enumerate([*sentence.tags, "O"]):
        if start is not None and tag != f"I-{label}":
            spans.append((start, i))
            start = None
        if tag == f"B-{label}":
            start = i
    return spans


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _unmatched(spans: Sequence[Span], others: Sequence[Span], exact: bool = False) -> list[Span]:
    """The spans that no span of `others` matches (overlaps, or equals when `exact`)."""
    if exact:
        return [s for s in spans if s not in others]
    return [s for s in spans if not any(_overlaps(s, o) for o in others)]


def score_spans(
    pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]],
) -> tuple[SpanScore, SpanScore]:
    """(overlap, exact) scores over (gold, predicted) span lists, one pair per sentence."""
    overlap, exact = SpanScore(), SpanScore()
    for gold, pred in pairs:
        for score, is_exact in ((overlap, False), (exact, True)):
            missed = len(_unmatched(gold, pred, is_exact))
            wrong = len(_unmatched(pred, gold, is_exact))
            score.gold_found += len(gold) - missed
            score.gold_missed += missed
            score.pred_correct += len(pred) - wrong
            score.pred_wrong += wrong
    return overlap, exact


def token_offsets(words: Sequence[str]) -> tuple[str, list[Span]]:
    """The words joined by single spaces, and each word's character range in that text."""
    offsets: list[Span] = []
    position = 0
    for w in words:
        offsets.append((position, position + len(w)))
        position += len(w) + 1
    return " ".join(words), offsets


def chars_to_tokens(start: int, end: int, offsets: Sequence[Span]) -> Span | None:
    """The token range that the character range [start, end) touches (None if none)."""
    touched = [i for i, (a, b) in enumerate(offsets) if a < end and start < b]
    return (touched[0], touched[-1] + 1) if touched else None


def load_sentences(path: Path) -> list[TaggedSentence]:
    """The sentences of a CoNLL-style file (see `screening.training.corpora.read_bio`)."""
    return read_bio(path)


def evaluate_names(
    sentences: Sequence[TaggedSentence],
    source: Source = "detector",
    *,
    model: str | None = None,
    examples: int = 0,
) -> NamesReport:
    """Score `source` on `sentences` (person names, span overlap and exact span).

    `examples` keeps that many missed and wrong names for the report.
    """
    import time

    from screening.detectors.names import NameDetector
    from screening.name_lists import load_name_lexicon
    from screening.nlp import TextDoc, load_nlp
    from screening.resources import models_dir

    nlp, _info = load_nlp(model)
    lexicon = load_name_lexicon()
    detector = NameDetector(lexicon, None, models_dir() / "lexicons")
    texts = [token_offsets(s.words) for s in sentences]
    pairs: list[tuple[list[Span], list[Span]]] = []
    report = NamesReport(source=source, sentences=len(sentences), missed=[], wrong=[])
    started = time.perf_counter()
    docs: Iterable[Doc | None] = (
        nlp.pipe(t for t, _ in texts) if source != "lists" else [None] * len(texts)
    )
    for sentence, (text, offsets), doc in zip(sentences, texts, docs, strict=True):
        char_spans: list[tuple[int, int]]
        if doc is None:
            char_spans = [(n.name_start, n.name_end) for n in detector.recognizer.find(text).names]
        elif source == "ner":
            char_spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]
        else:
            found = detector.detect(TextDoc(text, doc))
            char_spans = [
                (f.span.start, f.span.end)
                for f in found
                if f.span is not None and f.kind.startswith("pii.")
            ]
        pred = sorted({s for a, b in char_spans if (s := chars_to_tokens(a, b, offsets))})
        gold = gold_spans(sentence)
        pairs.append((gold, pred))
        if examples:
            assert report.missed is not None and report.wrong is not None
            for into, spans in (
                (report.missed, _unmatched(gold, pred)),
                (report.wrong, _unmatched(pred, gold)),
            ):
                for a, b in spans[: max(0, examples - len(into))]:
                    into.append((" ".join(sentence.words[a:b]), text))
    report.seconds = time.perf_counter() - started
    report.overlap, report.exact = score_spans(pairs)
    report.gold = sum(len(g) for g, _ in pairs)
    report.predicted = sum(len(p) for _, p in pairs)
    return report


def format_names_report(report: NamesReport, lang: str = "nl") -> str:
    """The scores as a small table, then the examples of misses and wrong names."""
    nl = lang == "nl"
    lines = [
        f"{'bron' if nl else 'source'}: {report.source}   "
        f"{'zinnen' if nl else 'sentences'}: {report.sentences}   "
        f"{'namen (goud)' if nl else 'gold names'}: {report.gold}   "
        f"{'gevonden' if nl else 'predicted'}: {report.predicted}   "
        f"{report.seconds:.1f} s",
        f"{'overeenkomst' if nl else 'matching':<22} {'precisie' if nl else 'precision':>9} "
        f"{'recall':>7} {'F1':>6}",
    ]
    for label, score in (
        ("overlap" if not nl else "overlap (spanning)", report.overlap),
        ("exact" if not nl else "exact (hele naam)", report.exact),
    ):
        if score is not None:
            lines.append(
                f"{label:<22} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}"
            )
    if report.missed:
        lines.append(f"\n{'gemist' if nl else 'missed'}:")
        lines += [f"  {name}  | {_snippet(text)}" for name, text in report.missed]
    if report.wrong:
        lines.append(f"\n{'onterecht' if nl else 'wrong'}:")
        lines += [f"  {name}  | {_snippet(text)}" for name, text in report.wrong]
    return "\n".join(lines)


def _snippet(text: str) -> str:
    return text if len(text) <= 90 else text[:87] + "..."
