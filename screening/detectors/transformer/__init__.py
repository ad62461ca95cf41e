"""A school's own transformers models, whose scores join the rule-based text findings.

Optional: nothing here imports torch or transformers until a model folder is configured
(`SCREENING_TEXT_CLASSIFIER_DIR`, `SCREENING_NER_MODEL_DIR`). The models are loaded and
checked once, when the pipeline is built; a folder that cannot be used is a configuration
error then, not a failure while screening. See models/transformers/README.md.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TypeVar, cast

from kernel.errors import ModelDirError
from kernel.settings import Settings
from screening.detectors.registry import DetectorRegistry
from screening.detectors.transformer.classifier import TransformerClassifierDetector
from screening.detectors.transformer.loading import LoadedModel, load_model
from screening.detectors.transformer.model_dir import Task
from screening.detectors.transformer.ner import TransformerNerDetector
from screening.detectors.transformer.windows import run_batched

__all__ = [
    "TransformerClassifierDetector",
    "TransformerNerDetector",
    "build_classifier",
    "build_ner",
    "register_transformers",
]

_D = TypeVar("_D", TransformerClassifierDetector, TransformerNerDetector)


def _for_model(cls: type[_D], loaded: LoadedModel) -> type[_D]:
    # Detector versions are class attributes and every decision records them; each loaded
    # model gets a subclass whose version names its weights (name and sha256).
    version = f"{cls.version}+{loaded.spec.version}"
    return cast(type[_D], type(cls.__name__, (cls,), {"version": version}))


def _build(cls: type[_D], directory: Path, task: Task, settings: Settings) -> _D:
    loaded = load_model(directory, task, settings.transformer_threads)
    detector = _for_model(cls, loaded)(
        loaded,
        batch_size=settings.transformer_batch_size,
        max_tokens=settings.transformer_max_tokens,
        overlap=settings.transformer_overlap_tokens,
    )
    _self_check(detector, directory)
    return detector


def _self_check(
    detector: TransformerClassifierDetector | TransformerNerDetector, directory: Path
) -> None:
    # A full-length window through the model now, so that a model that cannot take the
    # configured window (too many positions, a broken graph) fails the build, not every post.
    encoded = detector.encode("a " * detector.max_tokens)
    encoded = replace(encoded, windows=encoded.windows[:1])  # the first window is full
    try:
        run_batched(detector.model, encoded, detector.batch_size, lambda logits: logits)
    except Exception as exc:
        raise ModelDirError(
            f"the model in {directory} fails on a full window of text: {type(exc).__name__}: {exc}",
            f"het model in {directory} faalt op een volledig venster tekst: "
            f"{type(exc).__name__}: {exc}",
        ) from None


def build_classifier(directory: Path, settings: Settings) -> TransformerClassifierDetector:
    """The sequence-classification detector for the model in `directory`."""
    return _build(TransformerClassifierDetector, directory, Task.TEXT_CLASSIFICATION, settings)


def build_ner(directory: Path, settings: Settings) -> TransformerNerDetector:
    """The token-classification (NER) detector for the model in `directory`."""
    return _build(TransformerNerDetector, directory, Task.TOKEN_CLASSIFICATION, settings)


def register_transformers(registry: DetectorRegistry, settings: Settings) -> None:
    """Register the configured models' detectors (none when no model folder is set)."""
    classifier_dir, ner_dir = settings.text_classifier_dir, settings.ner_model_dir
    if classifier_dir is not None:
        registry.register_text(
            TransformerClassifierDetector.name, lambda: build_classifier(classifier_dir, settings)
        )
    if ner_dir is not None:
        registry.register_text(TransformerNerDetector.name, lambda: build_ner(ner_dir, settings))
