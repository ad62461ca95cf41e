"""The shipped Dutch pipeline: loaded once, its layers, its identity, and the flagged fallback."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Protocol, cast

import pytest
from spacy.language import Language
from spacy.pipeline import EntityRecognizer

from consent_store.repository import init_registry
from kernel.errors import ConfigError
from kernel.settings import Settings
from kernel.types import Channel, Post
from screening.nlp import SHIPPED_MODEL, load_nlp, shipped_model_dir
from screening.pipeline import Pipeline, build_pipeline
from screening.resources import models_dir
from screening.training.recipe import combined_digest, file_digests

COMPONENTS = ["tok2vec", "morphologizer", "trainable_lemmatizer", "parser", "ner"]


class _Tokenizer(Protocol):
    """What these tests use of spaCy's Tokenizer (a Cython class without type stubs)."""

    def to_bytes(self, *, exclude: Iterable[str] = ...) -> bytes: ...

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ...) -> _Tokenizer: ...


def tokenizer(nlp: Language) -> _Tokenizer:
    """`nlp`'s tokenizer, typed as the Tokenizer it is."""
    return cast(_Tokenizer, nlp.tokenizer)


def test_shipped_pipeline_has_every_layer(nlp_nl: Language) -> None:
    assert nlp_nl.pipe_names == COMPONENTS
    assert nlp_nl.meta["name"] == "screening_nl"
    ner = cast(EntityRecognizer, nlp_nl.get_pipe("ner"))
    assert {"PER", "LOC", "ORG", "MISC"} <= set(ner.labels)


def test_manifest_matches_the_files_on_disk() -> None:
    folder = shipped_model_dir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    digests = file_digests(folder)
    assert manifest["files"] == digests  # no weight file changed after training
    assert manifest["sha256"] == combined_digest(digests)


def test_shipped_tokenizers_are_spacys_default_dutch_one(nlp_nl: Language) -> None:
    """`load_nlp` and the language scorer skip reading the tokenizer files (the pipeline
    builds Dutch's default tokenizer anyway); that is only right while the files hold it."""
    from spacy.lang.nl import Dutch

    default = tokenizer(Dutch()).to_bytes(exclude=["vocab"])
    assert tokenizer(nlp_nl).to_bytes(exclude=["vocab"]) == default
    for folder in (shipped_model_dir(), models_dir() / "language" / "scorer"):
        written = tokenizer(Dutch()).from_disk(folder / "tokenizer", exclude=["vocab"])
        assert written.to_bytes(exclude=["vocab"]) == default, folder


def test_layers_of_a_dutch_sentence(nlp_nl: Language) -> None:
    doc = nlp_nl("Ze stak hem met een mes neer.")
    by_text = {t.text: t for t in doc}
    assert by_text["stak"].pos_ == "VERB" and by_text["stak"].lemma_ == "steken"
    assert by_text["stak"].dep_ == "ROOT"
    assert by_text["Ze"].head.text == "stak" and by_text["Ze"].dep_ == "nsubj"
    assert by_text["hem"].dep_ == "obj"
    # The separable particle is tied to its verb: "neersteken" is one verb for the rules.
    assert by_text["neer"].dep_ == "compound:prt" and by_text["neer"].head.text == "stak"
    assert "Tense=Past" in str(by_text["stak"].morph)
    assert by_text["mes"].pos_ == "NOUN"


def test_person_entity(nlp_nl: Language) -> None:
    doc = nlp_nl("De workshop werd gegeven door Tjalling Halbertsma.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Tjalling Halbertsma", "PER")]


def test_decision_names_the_model_and_its_sha256(pipeline: Pipeline) -> None:
    decision = pipeline.screen(
        Post(text="Wat een mooie dag!", channel=Channel.INSTAGRAM, publish_on=date(2026, 12, 1))
    )
    manifest = json.loads((shipped_model_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert decision.detector_versions["spacy:screening_nl"] == f"1.0.0 sha256:{manifest['sha256']}"


def _models_without_nlp(tmp_path: Path) -> Path:
    """A copy of models/ whose trained pipeline is absent (lexicons and the rest kept)."""
    target = tmp_path / "models"
    for path in models_dir().rglob("*"):
        rel = path.relative_to(models_dir())
        if rel.parts[: len(SHIPPED_MODEL.parts)] == SHIPPED_MODEL.parts or path.is_dir():
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(path.read_bytes())
    return target


def test_absent_model_falls_back_to_blank_and_every_decision_says_so(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", models_dir=_models_without_nlp(tmp_path))
    init_registry(settings)
    pipeline = build_pipeline(settings, faces=False)
    assert pipeline.nlp_info is not None and pipeline.nlp_info.fallback
    assert pipeline.nlp.pipe_names == []
    decision = pipeline.screen(
        Post(text="Sanne won de race.", channel=Channel.INSTAGRAM, publish_on=date(2026, 12, 1))
    )
    note = decision.detector_versions["spacy:blank"]
    assert note.startswith("fallback:") and "absent" in note
    # The word lists still recognise the name on the fallback.
    assert any(f.finding.kind.startswith("pii.") for f in decision.findings)


def test_blank_on_purpose_is_no_fallback() -> None:
    nlp, info = load_nlp("blank")
    assert nlp.pipe_names == [] and not info.fallback


def test_unknown_model_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError) as err:
        load_nlp("/nonexistent/model")
    assert "SCREENING_SPACY_MODEL" in err.value.message("en")
    assert "taalmodel" in err.value.message("nl")
