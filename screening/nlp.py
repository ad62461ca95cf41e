"""The one NLP pass over a post's text, shared by every text detector."""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from screening.types import PostContext


@dataclass(frozen=True, slots=True)
class TextDoc:
    """The post text and its spaCy analysis, made once per text."""

    text: str
    doc: Doc
    context: PostContext | None = None


def build_nlp(model: str | None = None) -> Language:
    """A Dutch spaCy pipeline: a trained one if configured and installed, else blank("nl").

    No trained Dutch model can be downloaded on the machines this runs on, so nothing may
    depend on one; the rule-based detectors only need tokens.
    """
    if model:
        return spacy.load(model)
    return spacy.blank("nl")


def analyse(nlp: Language, text: str, context: PostContext | None = None) -> TextDoc:
    """Run the pipeline over `text` once."""
    return TextDoc(text=text, doc=nlp(text), context=context)
