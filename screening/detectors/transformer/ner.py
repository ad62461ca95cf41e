"""A school's token-classification (NER) model on post text: person names become 'pii.name'.

The text is split into overlapping windows and tagged in batches. A token seen in two windows
keeps the tags of the window where it sits farthest from an edge (most context). Word pieces
are joined into words by averaging their probabilities; words are joined into entities by
their IOB/BIOES tags; each entity becomes one finding whose span is found through the
tokens' character offsets, scored with the mean probability of its words' tags.

Which entity types report what comes from the folder's `screening.toml` `[labels]`; without
one, PER/PERSON/PERS become 'pii.name', types that already look like finding kinds are used
as they are, and every other type (LOC, ORG, MISC, ...) is ignored: a place or an
organisation in a school post is not personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.pii._common import make_finding
from screening.detectors.transformer.loading import LoadedModel
from screening.detectors.transformer.model_dir import INSIDE_PREFIXES, entity_type
from screening.detectors.transformer.windows import (
    EncodedText,
    check_window,
    encode,
    run_batched,
)
from screening.nlp import TextDoc


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the text with the tag the model gives it."""

    start: int
    end: int
    tag: str
    score: float


@dataclass(frozen=True, slots=True)
class Entity:
    """Consecutive words that form one entity of one type."""

    type: str
    start: int
    end: int
    score: float


def entities(words: Sequence[Word]) -> list[Entity]:
    """Join tagged words into entities: B-X (or a new type) starts one, I-X continues it."""
    found: list[Entity] = []
    current: list[Word] = []
    current_type = ""

    def close() -> None:
        if current:
            score = sum(w.score for w in current) / len(current)
            found.append(Entity(current_type, current[0].start, current[-1].end, score))
            current.clear()

    for word in words:
        kind = entity_type(word.tag)
        if kind in ("O", ""):
            close()
            current_type = ""
            continue
        continues = word.tag.startswith(INSIDE_PREFIXES) or word.tag == kind
        if not (continues and kind == current_type):
            close()
            current_type = kind
        current.append(word)
    close()
    return found


class TransformerNerDetector(TextDetector):
    """Finds entities (person names above all) with a school's own NER model."""

    name: ClassVar[str] = "transformer_ner"
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

    def encode(self, text: str) -> EncodedText:
        """`text` as the windows this detector tags."""
        return encode(self.tokenizer, text, self.max_tokens, self.overlap)

    def words(self, text: str) -> list[Word]:
        """Every word of `text` with its tag and probability."""
        encoded = self.encode(text)
        outputs = run_batched(self.model, encoded, self.batch_size, lambda x: x.softmax(-1))
        # token (word id, start, end) -> (distance to the window's nearest edge, probabilities)
        best: dict[tuple[int, int, int], tuple[int, list[float]]] = {}
        for window, out in zip(encoded.windows, outputs, strict=True):
            rows = out.tolist()
            n = len(window.positions)
            tokens = zip(
                window.positions, encoded.offsets(window), encoded.word_ids(window), strict=True
            )
            for j, (position, (start, end), word_id) in enumerate(tokens):
                if end <= start:
                    continue
                key = (word_id, start, end)
                margin = min(j, n - 1 - j)
                if key not in best or margin > best[key][0]:
                    best[key] = (margin, rows[position])
        pieces: dict[int, list[tuple[int, int, list[float]]]] = {}
        for (word_id, start, end), (_, probs) in best.items():
            pieces.setdefault(word_id, []).append((start, end, probs))
        words: list[Word] = []
        for word_id in sorted(pieces):
            parts = pieces[word_id]
            mean = [sum(col) / len(parts) for col in zip(*(p for _, _, p in parts), strict=True)]
            tag = max(range(len(mean)), key=mean.__getitem__)
            words.append(
                Word(
                    start=min(s for s, _, _ in parts),
                    end=max(e for _, e, _ in parts),
                    tag=self.spec.id2label[tag],
                    score=mean[tag],
                )
            )
        return words

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """One finding per entity whose type maps to a finding kind."""
        found: list[Finding] = []
        for entity in entities(self.words(doc.text)):
            kind = self.spec.kinds.get(entity.type, "")
            if not kind:
                continue
            explanation = (
                f"model {self.spec.name!r} tags this as {entity.type} "
                f"(mean probability {entity.score:.3f})"
            )
            found.append(
                make_finding(
                    self,
                    kind,
                    doc.text,
                    entity.start,
                    entity.end,
                    entity.score,
                    Evidence(explanation=explanation, pattern=entity.type),
                )
            )
        return found
