"""A school's model folder, read without torch: its files, its name, its labels, its hash.

Everything that can be wrong with a folder (missing, no weights, a label mapping that does not
fit the model) is found here, when the pipeline is built, and reported as a `ModelDirError`
(exit code 3 from the CLI) instead of surfacing while a post is screened.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kernel.errors import ModelDirError

SCREENING_TOML = "screening.toml"
WEIGHTS = "model.safetensors"
SHARDED_INDEX = "model.safetensors.index.json"
#: Files of which a folder needs at least one for its tokenizer.
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "vocab.json",
    "sentencepiece.bpe.model",
    "spiece.model",
    "tokenizer.model",
)
_KIND_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
_MODEL_KEYS = frozenset({"name", "version", "source", "license", "description"})
#: Entity types that mean "a person" in the usual Dutch NER label sets (CoNLL-2002, SoNaR).
PERSON_TYPES = frozenset({"PER", "PERSON", "PERS"})
#: Prefixes of IOB, IOB2, BIOES and BILOU tags: which start an entity, which continue one.
START_PREFIXES = ("B-", "S-", "U-")
INSIDE_PREFIXES = ("I-", "E-", "L-")


class Task(StrEnum):
    """What kind of model a folder holds."""

    TEXT_CLASSIFICATION = "text-classification"
    TOKEN_CLASSIFICATION = "token-classification"


@dataclass(frozen=True)
class ModelSpec:
    """What the pipeline needs to know about a model folder before loading it."""

    directory: Path
    task: Task
    name: str
    #: The model's own label names, by output index (config.json `id2label`).
    id2label: Mapping[int, str]
    #: Label (classification) or entity type (NER) -> finding kind; '' means ignored.
    kinds: Mapping[str, str]
    #: sha256 of the weights (of the shards' hashes, for a sharded checkpoint).
    weights_sha256: str
    model_version: str | None = None

    @property
    def version(self) -> str:
        """Name, version and weights hash, as a decision records them."""
        name = f"{self.name}-{self.model_version}" if self.model_version else self.name
        return f"{name}@sha256:{self.weights_sha256}"


def _error(en: str, nl: str) -> ModelDirError:
    return ModelDirError(en, nl)


def entity_type(label: str) -> str:
    """The entity type of a token label: 'B-PER' -> 'PER'; 'O' and '' stay as they are."""
    for prefix in (*START_PREFIXES, *INSIDE_PREFIXES):
        if label.startswith(prefix):
            return label[len(prefix) :]
    return label


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in chunks (weights can be gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def weights_sha256(directory: Path) -> str:
    """sha256 of the folder's safetensors weights; for shards, of their hashes in order."""
    single = directory / WEIGHTS
    if single.is_file():
        return file_sha256(single)
    index_path = directory / SHARDED_INDEX
    if index_path.is_file():
        index = _read_json(index_path)
        weight_map = index.get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise _error(
                f"{index_path} has no 'weight_map'",
                f"{index_path} heeft geen 'weight_map'",
            )
        shards = sorted(set(map(str, weight_map.values())))
        missing = [s for s in shards if not (directory / s).is_file()]
        if missing:
            raise _error(
                f"weight shards are missing in {directory}: {', '.join(missing)}",
                f"delen van de gewichten ontbreken in {directory}: {', '.join(missing)}",
            )
        combined = "".join(file_sha256(directory / s) for s in shards)
        return hashlib.sha256(combined.encode()).hexdigest()
    bin_hint = (
        " (pytorch_model.bin is not loaded: it is a pickle that can run code; convert it with "
        "model.save_pretrained(folder), which writes model.safetensors)"
        if (directory / "pytorch_model.bin").exists()
        else ""
    )
    bin_hint_nl = (
        " (pytorch_model.bin wordt niet geladen: dat is een pickle die code kan uitvoeren; "
        "zet het om met model.save_pretrained(map), dat model.safetensors schrijft)"
        if bin_hint
        else ""
    )
    raise _error(
        f"no {WEIGHTS} in the model folder {directory}{bin_hint}",
        f"geen {WEIGHTS} in de modelmap {directory}{bin_hint_nl}",
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _error(
            f"{path} cannot be read as JSON: {exc}",
            f"{path} is niet te lezen als JSON: {exc}",
        ) from None
    if not isinstance(data, dict):
        raise _error(f"{path} is not a JSON object", f"{path} is geen JSON-object")
    return data


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _error(
            f"{path} cannot be read as TOML: {exc}",
            f"{path} is niet te lezen als TOML: {exc}",
        ) from None


def _id2label(config: Mapping[str, Any], path: Path) -> dict[int, str]:
    raw = config.get("id2label")
    if not isinstance(raw, dict) or not raw:
        raise _error(
            f"{path} has no 'id2label': the model's labels are unknown",
            f"{path} heeft geen 'id2label': de labels van het model zijn onbekend",
        )
    try:
        return {int(k): str(v) for k, v in raw.items()}
    except ValueError:
        raise _error(
            f"{path}: the keys of 'id2label' must be numbers",
            f"{path}: de sleutels van 'id2label' moeten getallen zijn",
        ) from None


def model_labels(id2label: Mapping[int, str], task: Task) -> list[str]:
    """The names a mapping must cover: labels, or for NER the entity types (without 'O')."""
    if task is Task.TEXT_CLASSIFICATION:
        return sorted(set(id2label.values()))
    return sorted({entity_type(v) for v in id2label.values()} - {"O", ""})


def label_kinds(
    id2label: Mapping[int, str], task: Task, table: Mapping[str, Any] | None, where: Path
) -> dict[str, str]:
    """Each model label (or entity type) -> the finding kind it reports, '' for none.

    With a `[labels]` table every label must be named and nothing else; without one, labels
    that already look like kinds are used as they are and, for NER, person types become
    'pii.name'. A model none of whose labels reports anything is refused.
    """
    labels = model_labels(id2label, task)
    if table is not None:
        unknown = sorted(set(table) - set(labels))
        missing = sorted(set(labels) - set(table))
        if unknown or missing:
            raise _error(
                f"{where} [labels] must name each of the model's labels exactly once "
                f"(the model has: {', '.join(labels)}); unknown: {', '.join(unknown) or '-'}; "
                f"missing: {', '.join(missing) or '-'}",
                f"{where} [labels] moet elk label van het model precies één keer noemen "
                f"(het model heeft: {', '.join(labels)}); onbekend: "
                f"{', '.join(unknown) or '-'}; ontbrekend: {', '.join(missing) or '-'}",
            )
        kinds: dict[str, str] = {}
        for label, kind in table.items():
            if not isinstance(kind, str) or (kind and not _KIND_RE.match(kind)):
                raise _error(
                    f"{where} [labels] {label} = {kind!r} is not a finding kind like "
                    "'language.insult' (or '' to ignore the label)",
                    f"{where} [labels] {label} = {kind!r} is geen soort bevinding zoals "
                    "'language.insult' (of '' om het label te negeren)",
                )
            kinds[label] = kind
    else:
        kinds = {
            label: label
            if _KIND_RE.match(label)
            else ("pii.name" if task is Task.TOKEN_CLASSIFICATION and label in PERSON_TYPES else "")
            for label in labels
        }
    if not any(kinds.values()):
        raise _error(
            f"the model in {where.parent} has no usable labels (it has: {', '.join(labels)}); "
            f"map them to finding kinds in [labels] of {SCREENING_TOML}, e.g. "
            'OFFENSIVE = "language.insult"',
            f"het model in {where.parent} heeft geen bruikbare labels (het heeft: "
            f"{', '.join(labels)}); koppel ze aan soorten bevindingen in [labels] van "
            f'{SCREENING_TOML}, bijvoorbeeld OFFENSIVE = "language.insult"',
        )
    return kinds


def read_model_dir(directory: Path, task: Task) -> ModelSpec:
    """Check a model folder and read its name, labels and weights hash (no torch needed)."""
    if not directory.is_dir():
        raise _error(
            f"the model folder {directory} does not exist",
            f"de modelmap {directory} bestaat niet",
        )
    config_path = directory / "config.json"
    if not config_path.is_file():
        raise _error(
            f"{directory} has no config.json; save the model with model.save_pretrained(folder)",
            f"{directory} heeft geen config.json; bewaar het model met model.save_pretrained(map)",
        )
    id2label = _id2label(_read_json(config_path), config_path)
    sha256 = weights_sha256(directory)
    if not any((directory / name).is_file() for name in TOKENIZER_FILES):
        # transformers would otherwise make a tokenizer with an empty vocabulary, silently.
        raise _error(
            f"{directory} has no tokenizer (one of {', '.join(TOKENIZER_FILES)}); save it with "
            "tokenizer.save_pretrained(folder)",
            f"{directory} heeft geen tokenizer (een van {', '.join(TOKENIZER_FILES)}); bewaar "
            "hem met tokenizer.save_pretrained(map)",
        )
    toml_path = directory / SCREENING_TOML
    card = _read_toml(toml_path) if toml_path.is_file() else {}
    extra = sorted(set(card) - {"model", "labels"})
    model = card.get("model", {})
    table = card.get("labels")
    if (
        extra
        or not isinstance(model, dict)
        or set(model) - _MODEL_KEYS
        or not all(isinstance(v, str) for v in model.values())
        or (table is not None and not isinstance(table, dict))
    ):
        raise _error(
            f"{toml_path} may only hold [model] (name, version, source, license, description: "
            "text) and [labels]",
            f"{toml_path} mag alleen [model] (name, version, source, license, description: "
            "tekst) en [labels] bevatten",
        )
    return ModelSpec(
        directory=directory,
        task=task,
        name=model.get("name") or directory.name,
        id2label=id2label,
        kinds=label_kinds(id2label, task, table, toml_path),
        weights_sha256=sha256,
        model_version=model.get("version"),
    )
