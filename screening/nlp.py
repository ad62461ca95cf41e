"""The one NLP pass over a post's text, shared by every text detector.

The pass is the project's own trained Dutch spaCy pipeline (tokens, part of speech,
morphology, lemmas, dependencies, named entities), shipped under ``models/nlp/screening_nl``
with its manifest and model card. When those files are absent, `spacy.blank("nl")` takes
over: tokens only. That is a fallback, not a mode: `NlpInfo.fallback` is set, and every
decision made on it says so in its versions.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from kernel.errors import ConfigError
from kernel.types import PostContext
from screening import name_flags

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: The shipped pipeline's folder under `models/`.
SHIPPED_MODEL = Path("nlp", "screening_nl")
#: `Settings.spacy_model` value that asks for the tokens-only pipeline on purpose.
BLANK = "blank"


@dataclass(frozen=True, slots=True)
class TextDoc:
    """The post text and its spaCy analysis, made once per text."""

    text: str
    doc: Doc
    context: PostContext | None = None


@dataclass(frozen=True, slots=True)
class NlpInfo:
    """Which Dutch pipeline analyses the text: name, version, weights digest, fallback."""

    name: str
    version: str
    sha256: str | None
    fallback: bool
    note: str = ""

    @property
    def version_entry(self) -> tuple[str, str]:
        """The (key, value) a decision's `versions` records for the NLP pass."""
        if self.fallback:
            return f"spacy:{self.name}", f"fallback: {self.note}"
        digest = f" sha256:{self.sha256}" if self.sha256 else ""
        return f"spacy:{self.name}", f"{self.version}{digest}"


class DocCache(Protocol):
    """Keeps the NLP pass of a text by key; implementations must fail soft (a miss).

    The pass depends only on the text and the pipeline's weights, never on the registry:
    the nightly audit keeps it between nights (`screening.audit.face_cache`, encrypted like
    the text read in photos), so a night in which only consents changed parses nothing again.
    """

    def get_doc(self, key: str) -> bytes | None:
        """The serialised analysis stored under `key`, or None."""

    def put_doc(self, key: str, data: bytes) -> None:
        """Store a serialised analysis under `key`."""


#: What a kept analysis leaves out: the layers' internal vectors (most of the bytes; no
#: detector reads them) and the memos detectors leave on a Doc.
_KEPT_DOC_EXCLUDE = ("tensor", "user_data")


def doc_cache_key(text: str, info: NlpInfo) -> str | None:
    """The cache key of `text`'s analysis by this pipeline; None for the blank fallback
    (tokens only: nothing worth keeping) or a pipeline without a weights digest."""
    if info.fallback or not info.sha256:
        return None
    from spacy.about import __version__ as spacy_version

    text_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text_hash}:nlp:{info.sha256[:32]}:{spacy_version}"


def import_spacy(*, allow_torch: bool) -> ModuleType:
    """Import spaCy; unless `allow_torch`, without letting thinc import PyTorch.

    thinc (spaCy's machine-learning layer) imports PyTorch whenever it is installed, which adds
    about two seconds to every start. Neither a blank pipeline nor the shipped CNN pipeline
    uses thinc's PyTorch layers, so for them the import is made to fail once; transformers
    models (which import PyTorch themselves) are unaffected.
    """
    if "spacy" in sys.modules or allow_torch or "torch" in sys.modules:
        return importlib.import_module("spacy")
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError
    try:
        return importlib.import_module("spacy")
    finally:
        del sys.modules["torch"]


def shipped_model_dir(models: Path | None = None) -> Path:
    """Where the shipped pipeline lives (it may be absent in a stripped install)."""
    from screening.resources import models_dir

    return models_dir(models) / SHIPPED_MODEL


def manifest_digest(folder: Path) -> str | None:
    """The combined sha256 that a model folder's `manifest.json` records, if readable."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    digest = manifest.get("sha256") if isinstance(manifest, dict) else None
    return digest if isinstance(digest, str) else None


_LOADED: dict[tuple[str | None, str], tuple[Language, NlpInfo]] = {}
_LOADING = threading.Lock()


def load_nlp(model: str | None = None, models: Path | None = None) -> tuple[Language, NlpInfo]:
    """The Dutch pipeline and what it is, loaded once per process (see `_load_nlp`).

    The pipeline is only read after loading, so every caller of one process (the service's
    pipeline, the CLI, the audit's workers) shares one copy.
    """
    model = model or None  # an empty SCREENING_SPACY_MODEL means unset
    key = (model, str(models) if models is not None else "")
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = _load_nlp(model, models)
        return _LOADED[key]


def _load_nlp(model: str | None, models: Path | None) -> tuple[Language, NlpInfo]:
    """The Dutch pipeline and what it is.

    `model` None: the shipped pipeline, or blank Dutch (flagged as fallback) when its files
    are absent. `model` "blank": blank Dutch on purpose. Anything else: a spaCy package name
    or folder, loaded as given (an error if it cannot be).
    """
    # A school's own model may be a transformers one; ours and blank Dutch need no PyTorch.
    spacy = import_spacy(allow_torch=model not in (None, BLANK))
    if model == BLANK:
        return spacy.blank("nl"), NlpInfo("blank", spacy.__version__, None, False, "tokens only")
    folder = shipped_model_dir(models) if model is None else Path(model)
    if model is None and not (folder / "meta.json").is_file():
        note = (
            f"the trained Dutch pipeline is absent ({folder}); blank('nl') gives tokens "
            "only, so names rely on word lists alone"
        )
        return spacy.blank("nl"), NlpInfo("blank", spacy.__version__, None, True, note)
    name_flags.register()  # the recogniser's config names this callback
    try:
        if model is None:
            # The shipped pipeline's tokenizer is spaCy's default Dutch one (the recipe never
            # changes it; tests/test_nlp.py checks the files), which the pipeline already
            # builds when it is created: reading it again from disk would cost a third of
            # a second of every cold start for the same 18,000 exceptions.
            nlp: Language = spacy.load(folder, exclude=["tokenizer"])
        else:
            nlp = spacy.load(model)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"the Dutch language pipeline {model or folder} cannot be loaded "
            f"({type(exc).__name__}); set SCREENING_SPACY_MODEL to an installed pipeline, "
            "or reinstall the project to restore models/nlp/screening_nl",
            f"het Nederlandse taalmodel {model or folder} kan niet worden geladen "
            f"({type(exc).__name__}); zet SCREENING_SPACY_MODEL op een geïnstalleerd model, "
            "of installeer het project opnieuw om models/nlp/screening_nl te herstellen",
        ) from None
    meta = nlp.meta
    digest = manifest_digest(folder) if folder.is_dir() else None
    return nlp, NlpInfo(str(meta.get("name", "model")), str(meta.get("version", "")), digest, False)


def build_nlp(model: str | None = None) -> Language:
    """The Dutch pipeline only (see `load_nlp`)."""
    return load_nlp(model)[0]


def analyse(
    nlp: Language,
    text: str,
    context: PostContext | None = None,
    *,
    cache: DocCache | None = None,
    info: NlpInfo | None = None,
) -> TextDoc:
    """Run the pipeline over `text` once (or take its analysis from `cache`)."""
    key = doc_cache_key(text, info) if cache is not None and info is not None else None
    if key is not None and cache is not None:
        data = cache.get_doc(key)
        if data is not None:
            from spacy.tokens import Doc

            try:
                kept = Doc(nlp.vocab).from_bytes(data)
            except Exception as exc:  # a damaged entry: parse again
                log.warning("kept text analysis unusable (%s)", type(exc).__name__)
            else:
                if kept.text == text:
                    return TextDoc(text=text, doc=kept, context=context)
    doc = nlp(text)
    if key is not None and cache is not None:
        cache.put_doc(key, doc.to_bytes(exclude=_KEPT_DOC_EXCLUDE))
    return TextDoc(text=text, doc=doc, context=context)
