"""Loading a school's model from its folder with transformers, offline, at build time.

torch and transformers are imported here and only here, when a model is configured: the
project runs without them. Nothing is ever downloaded: the hub is switched offline before
transformers is imported, every load passes `local_files_only=True`, and code shipped in a
model folder is never run (`trust_remote_code=False`).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kernel.errors import ModelDirError
from screening.detectors.transformer.model_dir import ModelSpec, Task, read_model_dir

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

#: RoBERTa-style models number positions from padding_idx + 1, so two of their
#: `max_position_embeddings` can never hold a token.
_POSITION_OFFSET_MODELS = frozenset({"roberta", "xlm-roberta", "camembert", "xlm-roberta-xl"})


@dataclass(frozen=True)
class LoadedModel:
    """A model ready for inference: its tokenizer, its network and what we know about it."""

    spec: ModelSpec
    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    #: The longest window (in tokens, special tokens included) the model can take.
    max_tokens: int


def _transformers() -> Any:
    # Before the first import of huggingface_hub, which reads these once; setdefault keeps an
    # operator's own choice.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        importlib.import_module("torch")
        transformers = importlib.import_module("transformers")
    except ImportError as exc:
        raise ModelDirError(
            f"a transformers model is configured, but {exc.name} is not installed; install the "
            "extra: pip install 'school-post-screening[transformers]'",
            f"er is een transformers-model ingesteld, maar {exc.name} is niet geïnstalleerd; "
            "installeer het extra: pip install 'school-post-screening[transformers]'",
        ) from None
    # Progress bars would write to the CLI's stderr on every load.
    transformers.utils.logging.disable_progress_bar()
    return transformers


def _model_class(transformers: Any, task: Task) -> Any:
    if task is Task.TEXT_CLASSIFICATION:
        return transformers.AutoModelForSequenceClassification
    return transformers.AutoModelForTokenClassification


def _window_limit(tokenizer: PreTrainedTokenizerBase, model: PreTrainedModel) -> int:
    limits = [int(tokenizer.model_max_length)]
    positions = getattr(model.config, "max_position_embeddings", None)
    if isinstance(positions, int):
        offset = 2 if model.config.model_type in _POSITION_OFFSET_MODELS else 0
        limits.append(positions - offset)
    return min(limits)


def load_model(directory: Path, task: Task, threads: int | None = None) -> LoadedModel:
    """Load the tokenizer and model in `directory` for `task`, or refuse with a clear reason.

    `threads` sets torch's (process-wide) number of inference threads.
    """
    spec = read_model_dir(directory, task)
    transformers = _transformers()
    if threads is not None:
        importlib.import_module("torch").set_num_threads(threads)
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            directory, local_files_only=True, trust_remote_code=False
        )
        model, info = _model_class(transformers, task).from_pretrained(
            directory,
            local_files_only=True,
            trust_remote_code=False,
            use_safetensors=True,
            output_loading_info=True,
        )
    # Whatever transformers, tokenizers or safetensors raise for a broken folder (OSError,
    # ValueError, KeyError, SafetensorError, ...) is a configuration problem, found at build.
    except Exception as exc:
        raise ModelDirError(
            f"the model in {directory} cannot be loaded: {type(exc).__name__}: {exc}",
            f"het model in {directory} kan niet worden geladen: {type(exc).__name__}: {exc}",
        ) from None
    # A checkpoint without this task's trained head would get a random one: random scores.
    missing = list(info.get("missing_keys") or []) + list(info.get("mismatched_keys") or [])
    if missing:
        shown = ", ".join(map(str, missing[:5]))
        raise ModelDirError(
            f"the model in {directory} lacks trained weights for {task.value} ({shown}); "
            "is it a fine-tuned model for this task?",
            f"het model in {directory} mist getrainde gewichten voor {task.value} ({shown}); "
            "is het een voor deze taak getraind model?",
        )
    if not tokenizer.is_fast:
        raise ModelDirError(
            f"the tokenizer in {directory} is not a fast tokenizer (character offsets are "
            "needed); save it with AutoTokenizer.from_pretrained(...).save_pretrained(folder), "
            "which writes tokenizer.json",
            f"de tokenizer in {directory} is geen snelle tokenizer (tekenposities zijn nodig); "
            "bewaar hem met AutoTokenizer.from_pretrained(...).save_pretrained(map), dat "
            "tokenizer.json schrijft",
        )
    config_labels = {int(k): str(v) for k, v in model.config.id2label.items()}
    if config_labels != dict(spec.id2label):
        raise ModelDirError(
            f"the labels of the model in {directory} differ from its config.json",
            f"de labels van het model in {directory} wijken af van zijn config.json",
        )
    model.eval()
    return LoadedModel(spec, tokenizer, model, _window_limit(tokenizer, model))
