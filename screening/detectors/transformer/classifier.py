"""A school's sequence-classification model (e.g. an offensive-language RobBERT) on post text.

The text is split into overlapping windows of tokens; each window is classified, in batches.
A window reports the labels the model itself chooses for it (the most probable label, or for
a multi-label model every label with probability >= 0.5), mapped to finding kinds by the
folder's `screening.toml`. Consecutive windows with the same label become one finding that
covers their text, scored with the highest probability among them. The probability is a raw
score: `SCREENING_MIN_SCORE` decides whether it blocks or is only shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import make_finding
from screening.detectors.transformer.loading import LoadedModel
from screening.detectors.transformer.windows import (
    EncodedText,
    check_window,
    encode,
    run_batched,
)
from screening.nlp import TextDoc

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True, slots=True)
class _Run:
    """Consecutive windows that got the same label."""

    label: int
    first: int
    last: int
    start: int
    end: int
    score: float


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return logits.softmax(dim=-1)


def _sigmoid(logits: torch.Tensor) -> torch.Tensor:
    return logits.sigmoid()


class TransformerClassifierDetector(TextDetector):
    """Labels windows of the text with a school's own classification model."""

    name: ClassVar[str] = "transformer_classifier"
    version: ClassVar[str] = "1.0"

    def __init__(
        self, loaded: LoadedModel, *, batch_size: int, max_tokens: int, overlap: int
    ) -> None:
        self.spec = loaded.spec
        self.tokenizer = loaded.tokenizer
        #: Called as model(**inputs) -> output with `.logits`; a test may wrap it.
        self.model: Callable[..., Any] = loaded.model
        self.batch_size = batch_size
        self.max_tokens = min(max_tokens, loaded.max_tokens)
        self.overlap = overlap
        check_window(self.max_tokens, overlap, self.tokenizer)
        self.multi_label = loaded.model.config.problem_type == "multi_label_classification"
        self._kind = {i: self.spec.kinds[label] for i, label in self.spec.id2label.items()}

    def encode(self, text: str) -> EncodedText:
        """`text` as the windows this detector classifies."""
        return encode(self.tokenizer, text, self.max_tokens, self.overlap)

    def _chosen(self, probs: list[float]) -> list[tuple[int, float]]:
        if self.multi_label:
            return [(i, p) for i, p in enumerate(probs) if p >= 0.5]
        best = max(range(len(probs)), key=probs.__getitem__)
        return [(best, probs[best])]

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """One finding per run of consecutive windows the model gives a mapped label."""
        encoded = self.encode(doc.text)
        activation = _sigmoid if self.multi_label else _softmax
        outputs = run_batched(self.model, encoded, self.batch_size, activation)
        open_runs: dict[int, _Run] = {}
        runs: list[_Run] = []
        for n, (window, out) in enumerate(zip(encoded.windows, outputs, strict=True)):
            chosen = {i: p for i, p in self._chosen(out.tolist()) if self._kind.get(i)}
            for label in list(open_runs):
                if label not in chosen:
                    runs.append(open_runs.pop(label))
            for label, p in chosen.items():
                run = open_runs.get(label)
                if run is None:
                    open_runs[label] = _Run(label, n, n, window.start, window.end, p)
                else:
                    open_runs[label] = _Run(
                        label, run.first, n, run.start, window.end, max(run.score, p)
                    )
        runs.extend(open_runs.values())
        total = len(encoded.windows)
        return [self._finding(doc.text, run, total) for run in sorted(runs, key=_run_order)]

    def _finding(self, text: str, run: _Run, total: int) -> Finding:
        label = self.spec.id2label[run.label]
        where = (
            f"; window {run.first + 1} of {total}"
            if run.first == run.last
            else f"; windows {run.first + 1}-{run.last + 1} of {total}"
        )
        explanation = (
            f"model {self.spec.name!r} labels this passage {label} "
            f"(probability {run.score:.3f}){where if total > 1 else ''}"
        )
        return make_finding(
            self,
            self._kind[run.label],
            text,
            run.start,
            run.end,
            run.score,
            Evidence(explanation=explanation, pattern=label),
        )


def _run_order(run: _Run) -> tuple[int, int]:
    return (run.start, run.label)
