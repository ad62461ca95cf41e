"""A school's transformers models in the whole pipeline: build, offline, broken, absent."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kernel.errors import ModelDirError
from kernel.settings import Settings
from kernel.types import Action, Channel, Post
from screening.detectors.registry import DetectorRegistry
from screening.detectors.transformer import register_transformers
from screening.pipeline import build_pipeline

ROOT = Path(__file__).resolve().parents[2]
CONFIG_ERROR = 3


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter (nothing imported yet), from the repository root."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**full_env, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_missing_model_folder_is_exit_3_from_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "screening", "check", "Een mooie dag."],
        cwd=ROOT,
        env={**os.environ, "SCREENING_TEXT_CLASSIFIER_DIR": str(tmp_path / "geen-model")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == CONFIG_ERROR, proc.stderr
    message = " ".join(proc.stderr.split())  # rich wraps long lines
    assert "[E110] de modelmap" in message and "geen-model bestaat niet" in message


def test_without_torch_and_transformers_everything_works_as_before(tmp_path: Path) -> None:
    # A folder that passes every check made before torch is needed.
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"id2label": {"0": "language.insult", "1": "none"}}')
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "tokenizer.json").write_text("{}")
    proc = run_python(
        """
        import sys
        from datetime import date

        class NotInstalled:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "transformers"):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, NotInstalled())
        from kernel.errors import ModelDirError
        from screening.pipeline import build_pipeline
        from kernel.settings import Settings
        from kernel.types import Channel, Post

        post = Post("Bel me op 06-12345678", Channel.INSTAGRAM, date(2026, 3, 1))
        settings = Settings(text_classifier_dir=None)
        decision = build_pipeline(settings, faces=False).screen(post)
        print(decision.action.value, sorted(decision.detector_versions))
        assert "torch" not in sys.modules and "transformers" not in sys.modules
        try:
            build_pipeline(Settings(), faces=False)  # the folder comes from the environment
        except ModelDirError as err:
            print("refused:", err.message_en)
        """,
        {"SCREENING_TEXT_CLASSIFIER_DIR": str(folder)},
    )
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()
    assert first.startswith("hold ")
    assert "transformer" not in first
    assert "pip install 'school-post-screening[transformers]'" in second


torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.detectors import transformer_models as tiny  # noqa: E402


def test_both_models_join_the_rule_based_findings_without_a_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append(name)
            raise OSError(f"network access in a test: {name}")

        return blocked

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    # Folders of its own, so that nothing is served from an earlier load.
    classifier = tiny.build_classifier(tmp_path / "classifier")
    ner = tiny.build_ner(tmp_path / "ner")
    settings = Settings(text_classifier_dir=classifier, ner_model_dir=ner)
    pipeline = build_pipeline(settings, faces=False)
    text = "Sanne Jansen is een idioot, bel 06-12345678."
    decision = pipeline.screen(Post(text, Channel.INSTAGRAM, date(2026, 3, 1)))
    assert attempts == []
    found = {(r.finding.detector, r.finding.kind) for r in decision.findings}
    assert ("transformer_classifier", "language.insult") in found
    assert ("transformer_ner", "pii.name") in found
    assert ("phone", "pii.phone") in found  # the rule-based findings stay
    assert decision.action is Action.HOLD
    for name, folder, model in (
        ("transformer_classifier", classifier, "tiny-offensive"),
        ("transformer_ner", ner, "tiny-ner"),
    ):
        digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
        assert decision.detector_versions[name] == f"1.0+{model}@sha256:{digest}"


def test_a_fresh_process_screens_offline_with_sockets_blocked(tmp_path: Path) -> None:
    # transformers and huggingface_hub imported for the first time with every socket
    # refused, HF_HUB_OFFLINE not set by the caller: the loader must keep them offline.
    classifier = tiny.build_classifier(tmp_path / "classifier")
    ner = tiny.build_ner(tmp_path / "ner")
    proc = run_python(
        """
        import socket, sys

        def refuse(*args, **kwargs):
            raise OSError("network access in a test")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        sys.argv = ["screening", "check", "--json", "Jantje is een idioot."]
        from cli.main import main

        main()
        """,
        {
            "SCREENING_TEXT_CLASSIFIER_DIR": str(classifier),
            "SCREENING_NER_MODEL_DIR": str(ner),
        },
    )
    assert proc.returncode == 1, proc.stderr
    decision = json.loads(proc.stdout)
    found = {(f["detector"], f["kind"], f["span"]["text"]) for f in decision["findings"]}
    assert {f for f in found if f[0].startswith("transformer_")} == {
        ("transformer_classifier", "language.insult", "Jantje is een idioot."),
        ("transformer_ner", "pii.name", "Jantje"),
    }
    assert any(f[0] == "offensive_language" for f in found)  # the rules ran too
    assert decision["versions"]["detectors"]["transformer_ner"].startswith("1.0+tiny-ner@")


def _corrupt_weights(folder: Path) -> None:
    tiny.build_classifier(folder)
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)


def _no_head(folder: Path) -> None:
    from transformers import BertModel

    tiny.build_classifier(folder)
    config = tiny._config({0: "NOT", 1: "OFFENSIVE"}, 64)
    model = BertModel(config, add_pooling_layer=True)  # type: ignore[no-untyped-call]
    model.save_pretrained(folder)


def _ner_as_classifier(folder: Path) -> None:
    tiny.build_ner(folder, toml='[labels]\nPER = "pii.name"\nLOC = ""\n')


def _no_tokenizer(folder: Path) -> None:
    tiny.build_classifier(folder)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json"):
        (folder / name).unlink()


def _broken_tokenizer(folder: Path) -> None:
    tiny.build_classifier(folder)
    (folder / "tokenizer.json").write_text("{not json")


BROKEN: list[tuple[str, Callable[[Path], None], str]] = [
    ("corrupt weights", _corrupt_weights, "cannot be loaded"),
    ("a base model without a classification head", _no_head, "lacks trained weights"),
    # its [labels] name entity types, which a classifier does not have
    ("a NER model as the classifier", _ner_as_classifier, "[labels] must name"),
    ("no tokenizer", _no_tokenizer, "has no tokenizer"),
    ("a broken tokenizer", _broken_tokenizer, "cannot be loaded"),
]


@pytest.mark.parametrize(("case", "make", "message"), BROKEN, ids=[c for c, _, _ in BROKEN])
def test_broken_model_folder_fails_the_build(
    tmp_path: Path, case: str, make: Callable[[Path], None], message: str
) -> None:
    folder = tmp_path / "model"
    make(folder)
    settings = Settings(text_classifier_dir=folder)
    registry = DetectorRegistry()  # only the model: the other detectors are not the point
    register_transformers(registry, settings)
    with pytest.raises(ModelDirError) as err:
        build_pipeline(settings, registry)
    assert message in err.value.message_en, case
    assert err.value.category == "config" and err.value.message_nl != err.value.message_en


def test_a_model_that_cannot_take_a_full_window_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the folder claimed more positions than the model has: 200 tokens into 64.
    from screening.detectors.transformer import loading

    monkeypatch.setattr(loading, "_window_limit", lambda tokenizer, model: 200)
    folder = tiny.build_classifier(tmp_path / "model")
    settings = Settings(text_classifier_dir=folder, transformer_max_tokens=200)
    registry = DetectorRegistry()
    register_transformers(registry, settings)
    with pytest.raises(ModelDirError, match="fails on a full window"):
        build_pipeline(settings, registry)
