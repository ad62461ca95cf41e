"""The one NLP pass over a post's text, shared by every text detector."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from screening.types import PostContext

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class TextDoc:
    """The post text and its spaCy analysis, made once per text."""

    text: str
    doc: Doc
    context: PostContext | None = None


def import_spacy(*, allow_torch: bool) -> ModuleType:
    """Import spaCy; unless `allow_torch`, without letting thinc import PyTorch.

    thinc (spaCy's machine-learning layer) imports PyTorch whenever it is installed, which adds
    about two seconds to every start. A blank or rule-based pipeline never uses thinc's PyTorch
    layers, so for it the import is made to fail once; transformers models (which import
    PyTorch themselves) are unaffected.
    """
    if "spacy" in sys.modules or allow_torch or "torch" in sys.modules:
        return importlib.import_module("spacy")
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError
    try:
        return importlib.import_module("spacy")
    finally:
        del sys.modules["torch"]


def build_nlp(model: str | None = None) -> Language:
    """A Dutch spaCy pipeline: a trained one if configured and installed, else blank("nl").

    No trained Dutch model can be downloaded on the machines this runs on, so nothing may
    depend on one; the rule-based detectors only need tokens.
    """
    spacy = import_spacy(allow_torch=model is not None)
    if model:
        nlp: Language = spacy.load(model)
        return nlp
    blank: Language = spacy.blank("nl")
    return blank


def analyse(nlp: Language, text: str, context: PostContext | None = None) -> TextDoc:
    """Run the pipeline over `text` once."""
    return TextDoc(text=text, doc=nlp(text), context=context)
