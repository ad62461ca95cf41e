"""The learned offensive-language scorer: a spaCy text classifier beside the rules.

Trained by `screening models train-language` on the training split of the project's own
corpus (`models/language/corpus`) plus everyday prose from UD Dutch as harmless examples;
weights under `models/language/scorer` with a model card (`models/language/MODEL_CARD.md`).
It gives each window of a post (the whole post when short, else runs of whole sentences) a
probability per label: threat, hate, insult, profanity, none. The detector reports a window
whose harmful probability reaches the configured minimum and says that the scorer -- not a
rule -- fired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kernel.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

HARMFUL = ("threat", "hate", "insult", "profanity")
#: Posts up to this many characters are scored whole; longer ones in windows of whole
#: sentences up to about this length, each overlapping the one before by a sentence.
WHOLE_POST_CHARS = 400


@dataclass(frozen=True, slots=True)
class WindowScore:
    """The scorer's view of one window of the post."""

    start: int
    end: int
    label: str  # the most probable harmful label
    harmful: float  # 1 - p(none)
    probability: float  # p(label)


#: The scorer reads the tokens of the main pipeline's Doc; it has no tokenizer of its own.
_NO_TOKENIZER = "screening.tokens_given.v1"


def _tokens_given() -> Callable[[Language], Callable[[str], Doc]]:
    """A tokenizer factory for a pipeline that is only ever given Docs, never text."""

    def make(nlp: Language) -> Callable[[str], Doc]:
        def refuse(text: str) -> Doc:
            raise TypeError("the language scorer scores Docs of the main pipeline, not text")

        return refuse

    return make


class LanguageScorer:
    """A trained text classifier loaded once, with the digest of its weights.

    It was trained on spaCy's default Dutch tokenisation, which the shipped Dutch pipeline
    also uses (`tests/test_nlp.py` checks that), so it scores windows made of the main
    pipeline's tokens and loads no tokenizer of its own: building Dutch's 18,000 tokenizer
    exceptions took about a third of a second of every cold start, twice (default, then
    from disk). Scores are identical to tokenising each window anew (all 8,312 corpus rows
    compared when this was changed).
    """

    def __init__(self, folder: Path) -> None:
        from spacy.util import registry

        from screening.nlp import import_spacy, manifest_digest

        spacy = import_spacy(allow_torch=False)
        if _NO_TOKENIZER not in registry.tokenizers.get_all():
            registry.tokenizers.register(_NO_TOKENIZER, func=_tokens_given)
        try:
            self.nlp: Language = spacy.load(
                folder,
                exclude=["tokenizer"],
                config={"nlp": {"tokenizer": {"@tokenizers": _NO_TOKENIZER}}},
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"the language scorer in {folder} cannot be loaded: {type(exc).__name__}",
                f"de taalscorer in {folder} kan niet worden geladen: {type(exc).__name__}",
            ) from None
        self.sha256 = manifest_digest(folder)
        self.version = str(self.nlp.meta.get("version", "0"))

    def cats(self, doc: Doc) -> dict[str, float]:
        """The label probabilities of the whole of `doc`, read as one window."""
        return dict(self.score_windows(doc, [(0, len(doc.text))])[0][1])

    def score_windows(
        self, doc: Doc, windows: Sequence[tuple[int, int]]
    ) -> list[tuple[tuple[int, int], dict[str, float]]]:
        """The label probabilities of each (start, end) character window of `doc`."""
        docs: Iterable[Doc] = [_window_doc(doc, s, e) for s, e in windows]
        for _name, component in self.nlp.pipeline:
            docs = component.pipe(docs)  # type: ignore[attr-defined]
        return [(w, scored.cats) for w, scored in zip(windows, docs, strict=True)]

    def score(
        self, doc: Doc, wanted: Callable[[int, int], bool] | None = None
    ) -> list[WindowScore]:
        """Scores for the windows of `doc` (the main pipeline's analysis of the post); with
        `wanted`, only for the windows (start, end) it accepts -- the rest cost nothing."""
        text = doc.text
        windows = _windows(doc) if len(text) > WHOLE_POST_CHARS else [(0, len(text))]
        if wanted is not None:
            windows = [w for w in windows if wanted(*w)]
        out: list[WindowScore] = []
        for (start, end), cats in self.score_windows(doc, windows):
            label = max(HARMFUL, key=lambda k: cats.get(k, 0.0))
            harmful = 1.0 - cats.get("none", 0.0)
            out.append(WindowScore(start, end, label, harmful, cats.get(label, 0.0)))
        return out


def _window_doc(doc: Doc, start: int, end: int) -> Doc:
    """A new Doc of the tokens of `doc` that lie within characters [start, end) (the
    whitespace between sentences is no token of its own, as when the window is tokenised
    alone; a line break is)."""
    from spacy.tokens import Doc

    tokens = [t for t in doc if t.idx >= start and t.idx + len(t.text) <= end]
    words = [t.text for t in tokens]
    spaces = [bool(t.whitespace_) for t in tokens]
    if spaces:
        spaces[-1] = False
    return Doc(doc.vocab, words=words, spaces=spaces)


def _windows(doc: Doc) -> list[tuple[int, int]]:
    """Whole sentences packed into windows of up to `WHOLE_POST_CHARS`; a new window takes
    the sentence before it along, so a pronoun keeps its group ("Ik ken veel X. Ik haat ze.")."""
    bounds = _sentence_bounds(doc)
    if not bounds:
        return [(0, len(doc.text))]
    windows: list[tuple[int, int]] = []
    start, end = bounds[0]
    for k in range(1, len(bounds)):
        e = bounds[k][1]
        if e - start <= WHOLE_POST_CHARS:
            end = e
        else:
            windows.append((start, end))
            start, end = bounds[k - 1][0], e
    windows.append((start, end))
    return windows


def _sentence_bounds(doc: Doc) -> Sequence[tuple[int, int]]:
    """Sentences cut at ".", "!", "?" and line breaks (predictable, unlike a parser's)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for tok in doc:
        if tok.text in (".", "!", "?") or "\n" in tok.text:
            end = tok.idx + len(tok.text)
            if doc.text[start:end].strip():
                bounds.append((start, end))
            start = end
    if doc.text[start:].strip():
        bounds.append((start, len(doc.text)))
    return bounds
