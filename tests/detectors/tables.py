"""What every detector table needs: run one detector over one text."""

from __future__ import annotations

from spacy.language import Language

from kernel.types import Finding
from screening.detectors.base import TextDetector
from screening.nlp import analyse


def findings(detector: TextDetector, nlp: Language, text: str) -> list[Finding]:
    """The findings of `detector` in `text`."""
    return list(detector.detect(analyse(nlp, text)))


def texts(detector: TextDetector, nlp: Language, text: str) -> set[str]:
    """The matched texts of `detector`'s findings in `text`."""
    return {f.span.text for f in findings(detector, nlp, text) if f.span is not None}
