"""The training recipe end to end on a tiny sample (the shipped model is never retrained)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.nlp import load_nlp
from screening.training.recipe import combined_digest, file_digests, train
from tests.conftest import shared_path


@pytest.mark.shared
def test_recipe_smoke_trains_joins_and_loads(tmp_path: Path) -> None:
    data = shared_path("data", "text", "train")
    out = train(data, tmp_path / "model", tmp_path / "work", "open", limit=60, max_steps=4)
    nlp, info = load_nlp(str(out))
    assert nlp.pipe_names == [
        "tok2vec",
        "morphologizer",
        "trainable_lemmatizer",
        "parser",
        "ner",
    ]
    assert not info.fallback
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == combined_digest(file_digests(out)) == info.sha256
    assert nlp.meta["screening"]["variant"] == "open"
    sources = {s["name"] for s in nlp.meta["sources"]}
    assert "ner/conll2002_ned_train.txt" not in sources  # the open variant has no CoNLL
    doc = nlp("Sanne de Vries woont in Utrecht.")
    assert len(doc) == 7 and doc.has_annotation("DEP") and doc.has_annotation("LEMMA")


@pytest.mark.shared
def test_recipe_ner_only_with_silver_keeps_the_syntax_layers(tmp_path: Path) -> None:
    """`syntax_from` trains the recogniser only; `ner_silver` joins its training split."""
    from screening.nlp import shipped_model_dir
    from screening.training.recipe import SILVER_LICENCE

    data = shared_path("data", "text", "train")
    silver = tmp_path / "silver.txt"
    silver.write_text("Sanne B-PER\nwoont O\nin O\nUtrecht B-LOC\n. O\n", encoding="utf-8")
    out = train(
        data,
        tmp_path / "model",
        tmp_path / "work",
        "open",
        limit=60,
        max_steps=4,
        ner_silver=silver,
        syntax_from=shipped_model_dir(),
    )
    nlp, _info = load_nlp(str(out))
    assert nlp.pipe_names[-1] == "ner" and nlp.pipe_names.count("ner") == 1
    assert {"name": "silver:silver.txt", "license": SILVER_LICENCE} in nlp.meta["sources"]
    shipped = file_digests(shipped_model_dir())
    ours = file_digests(out)
    assert all(ours[f] == shipped[f] for f in ours if f.startswith("parser/"))


def test_recipe_reports_missing_training_files(tmp_path: Path) -> None:
    from kernel.errors import InputError

    with pytest.raises(InputError) as err:
        train(tmp_path, tmp_path / "model", tmp_path / "work", "open", limit=5, max_steps=1)
    assert "alpino" in err.value.message("en")


def test_language_scorer_smoke(tmp_path: Path) -> None:
    """Train a few steps on a sample, install it, and score with it as the detector does."""
    from spacy.tokens import Doc

    from screening.detectors.language.scorer import LanguageScorer
    from screening.training.language_corpus import LABELS
    from screening.training.recipe import install_language_scorer, train_language_scorer

    best = train_language_scorer(tmp_path / "work", limit=80, max_steps=4)
    out = install_language_scorer(best, tmp_path / "scorer", seed=1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["sha256"]) == 64
    scorer = LanguageScorer(out)
    assert scorer.sha256 == manifest["sha256"]
    words = ["Ik", "maak", "je", "af", "."]
    spaces = [True, True, True, False, False]
    cats = scorer.cats(Doc(scorer.nlp.vocab, words=words, spaces=spaces))
    assert set(cats) == set(LABELS)
    assert abs(sum(cats.values()) - 1.0) < 1e-4  # exclusive classes
    (window,) = scorer.score(Doc(scorer.nlp.vocab, words=words))
    assert window.label in LABELS and 0.0 <= window.harmful <= 1.0
