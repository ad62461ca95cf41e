"""A school's model folder: label mapping, and every way a folder can be refused at build."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from kernel.errors import ConfigError, ModelDirError
from kernel.settings import Settings
from screening.detectors.transformer.model_dir import (
    Task,
    entity_type,
    label_kinds,
    read_model_dir,
)

CLS, NER = Task.TEXT_CLASSIFICATION, Task.TOKEN_CLASSIFICATION
IOB = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC", 4: "I-LOC"}
WHERE = Path("/school/model/screening.toml")

LABEL_TABLE: list[tuple[Mapping[int, str], Task, dict[str, Any] | None, dict[str, str]]] = [
    # an explicit mapping, '' ignoring a label
    (
        {0: "NOT", 1: "OFFENSIVE"},
        CLS,
        {"OFFENSIVE": "language.insult", "NOT": ""},
        {"OFFENSIVE": "language.insult", "NOT": ""},
    ),
    # no screening.toml: labels that already are kinds are used, others ignored
    (
        {0: "language.insult", 1: "none"},
        CLS,
        None,
        {"language.insult": "language.insult", "none": ""},
    ),
    # NER without a mapping: persons become pii.name, places are not personal data
    (IOB, NER, None, {"PER": "pii.name", "LOC": ""}),
    # BIOES tags and another person label
    (
        {0: "O", 1: "B-PERSON", 2: "E-PERSON", 3: "S-PERSON", 4: "B-ORG"},
        NER,
        None,
        {"PERSON": "pii.name", "ORG": ""},
    ),
    # IO tags without prefixes
    ({0: "O", 1: "PER", 2: "MISC"}, NER, None, {"PER": "pii.name", "MISC": ""}),
    # an explicit NER mapping may report places too
    (
        IOB,
        NER,
        {"PER": "pii.name", "LOC": "pii.address"},
        {"PER": "pii.name", "LOC": "pii.address"},
    ),
]


@pytest.mark.parametrize(("id2label", "task", "table", "expected"), LABEL_TABLE)
def test_label_kinds(
    id2label: Mapping[int, str], task: Task, table: dict[str, Any] | None, expected: dict[str, str]
) -> None:
    assert label_kinds(id2label, task, table, WHERE) == expected


REFUSED_LABELS: list[tuple[Mapping[int, str], Task, dict[str, Any] | None, str]] = [
    ({0: "LABEL_0", 1: "LABEL_1"}, CLS, None, "no usable labels"),
    ({0: "O", 1: "B-LOC", 2: "I-LOC"}, NER, None, "no usable labels"),
    ({0: "NOT", 1: "OFFENSIVE"}, CLS, {"OFFENSIVE": "language.insult"}, "missing: NOT"),
    (
        {0: "NOT", 1: "OFFENSIVE"},
        CLS,
        {"OFFENSIVE": "language.insult", "NOT": "", "HATE": "language.hate"},
        "unknown: HATE",
    ),
    ({0: "NOT", 1: "OFFENSIVE"}, CLS, {"OFFENSIVE": "Insult", "NOT": ""}, "not a finding kind"),
    ({0: "NOT", 1: "OFFENSIVE"}, CLS, {"OFFENSIVE": 3, "NOT": ""}, "not a finding kind"),
    ({0: "NOT", 1: "OFFENSIVE"}, CLS, {"OFFENSIVE": "", "NOT": ""}, "no usable labels"),
    # NER mappings name entity types, not tags
    (IOB, NER, {"B-PER": "pii.name", "I-PER": "pii.name", "LOC": ""}, "unknown: B-PER, I-PER"),
]


@pytest.mark.parametrize(("id2label", "task", "table", "message"), REFUSED_LABELS)
def test_label_kinds_refused(
    id2label: Mapping[int, str], task: Task, table: dict[str, Any] | None, message: str
) -> None:
    with pytest.raises(ModelDirError) as err:
        label_kinds(id2label, task, table, WHERE)
    assert message in err.value.message_en
    assert err.value.message_nl != err.value.message_en
    assert err.value.category == "config"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("B-PER", "PER"), ("I-LOC", "LOC"), ("S-PERSON", "PERSON"), ("PER", "PER"), ("O", "O")],
)
def test_entity_type(tag: str, expected: str) -> None:
    assert entity_type(tag) == expected


# --- folders -----------------------------------------------------------------------------


def _config(folder: Path, id2label: Mapping[int, str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    labels = id2label or {0: "NOT", 1: "OFFENSIVE"}
    (folder / "config.json").write_text(
        json.dumps({"model_type": "bert", "id2label": {str(k): v for k, v in labels.items()}})
    )


def _weights(folder: Path) -> None:
    _config(folder)
    (folder / "model.safetensors").write_bytes(b"not really safetensors")
    (folder / "vocab.txt").write_text("[PAD]\n[UNK]\n")


def _no_tokenizer(folder: Path) -> None:
    _config(folder)
    (folder / "model.safetensors").write_bytes(b"weights")


def _bin_only(folder: Path) -> None:
    _config(folder)
    (folder / "pytorch_model.bin").write_bytes(b"pickle")


def _with_toml(text: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        _weights(folder)
        (folder / "screening.toml").write_text(text)

    return make


def _config_json(text: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        folder.mkdir()
        (folder / "config.json").write_text(text)

    return make


def _sharded_missing(folder: Path) -> None:
    _config(folder)
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"weight_map": {"a": "model-00001-of-00002.safetensors"}})
    )


FOLDERS: list[tuple[str, Callable[[Path], None], str]] = [
    ("missing", lambda folder: None, "does not exist"),
    ("empty", lambda folder: folder.mkdir(), "no config.json"),
    ("no weights", _config, "no model.safetensors"),
    ("pickle weights", _bin_only, "pickle that can run code"),
    ("missing shard", _sharded_missing, "shards are missing"),
    ("no tokenizer", _no_tokenizer, "has no tokenizer"),
    ("bad json", _config_json("{"), "as JSON"),
    ("no id2label", _config_json("{}"), "id2label"),
    ("bad toml", _with_toml("[labels\n"), "as TOML"),
    ("unknown section", _with_toml("[thresholds]\nx = 1\n"), "may only hold"),
    ("bad label", _with_toml('[labels]\nOFFENSIVE = "insult"\nNOT = ""\n'), "finding kind"),
]


@pytest.mark.parametrize(("case", "make", "message"), FOLDERS, ids=[c for c, _, _ in FOLDERS])
def test_folder_refused(
    tmp_path: Path, case: str, make: Callable[[Path], None], message: str
) -> None:
    folder = tmp_path / "model"
    make(folder)
    with pytest.raises(ConfigError) as err:
        read_model_dir(folder, CLS)
    assert message in err.value.message_en, case
    assert err.value.code == "E110"


def test_folder_read_without_torch(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    _with_toml('[model]\nversion = "2"\n\n[labels]\nOFFENSIVE = "language.insult"\nNOT = ""\n')(
        folder
    )
    spec = read_model_dir(folder, CLS)
    digest = hashlib.sha256(b"not really safetensors").hexdigest()
    assert spec.name == "my-model"
    assert spec.version == f"my-model-2@sha256:{digest}"
    assert spec.kinds == {"OFFENSIVE": "language.insult", "NOT": ""}


def test_not_configured_registers_nothing() -> None:
    from screening.pipeline import default_registry

    names = default_registry(Settings(), faces=False).text_names
    assert "transformer_classifier" not in names
    assert "transformer_ner" not in names
    assert "offensive_language" in names
