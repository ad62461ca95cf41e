"""The training recipe of the shipped Dutch pipeline: corpora -> two trainings -> one pipeline.

Two spaCy trainings run side by side (one per core), each from a config under
``models/nlp/configs/``:

* ``syntax.cfg`` -- tok2vec, morphologizer (UPOS + features), edit-tree lemmatizer and
  dependency parser, on Universal Dependencies Dutch (Alpino dev, LassySmall dev and test;
  CC BY-SA 4.0). Alpino *test* is never trained on: it is the held-out set of the card.
* ``ner.cfg`` -- a named-entity recogniser with its own tok2vec, on CoNLL-2002 Dutch *train*
  (research use only) and Europeana Dutch newspapers (CC0) for the ``research`` variant, or
  on Europeana alone for the ``open`` variant. CoNLL-2002 *testa* is never trained on.
  Optionally (``ner_silver``), extra machine-labelled sentences in the same ``token tag``
  format (e.g. UD Dutch text labelled by Frog) join the recogniser's training split only.

With ``syntax_from`` (a pipeline folder, e.g. the shipped one), only the recogniser is
trained and the syntax components are taken from that pipeline (its own recogniser dropped).

Development sets (for choosing the best checkpoint) are every tenth sentence of the training
files (`corpora.split_every`). The two results are joined into one pipeline, whose meta
records the variant, the sources and their licences; `manifest.json` beside it records the
sha256 of every file, which each decision then names.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kernel.errors import InputError
from screening.resources import models_dir
from screening.training import language_corpus
from screening.training.corpora import bio_doc, read_bio, read_conllu, split_every

if TYPE_CHECKING:
    from spacy.tokens import Doc

Variant = Literal["research", "open"]
VARIANTS: tuple[Variant, ...] = ("research", "open")
PIPELINE_NAME = "screening_nl"
PIPELINE_VERSION = "1.0.0"
LANGUAGE_SCORER_VERSION = "1.1.0"

#: Training files, relative to the shared training folder, with their licences.
UD_TRAIN = (
    "ud/alpino.nl_alpino-ud-dev.conllu",
    "ud/lassysmall.nl_lassysmall-ud-dev.conllu",
    "ud/lassysmall.nl_lassysmall-ud-test.conllu",
)
UD_HELD_OUT = "ud/alpino.nl_alpino-ud-test.conllu"
#: Sentences of UD prose the language scorer learns as harmless (see train_language_scorer).
NEUTRAL_SENTENCES = 4000
#: Twins with another group for each corpus row that names a group (see swap_groups).
GROUP_COPIES = 2
CONLL_TRAIN = "ner/conll2002_ned_train.txt"
CONLL_TESTA = "ner/conll2002_ned_testa.txt"
EUROPEANA = "ner/europeana_nl_kb.bio"
LICENCES = {
    UD_TRAIN[0]: "CC BY-SA 4.0",
    UD_TRAIN[1]: "CC BY-SA 4.0",
    UD_TRAIN[2]: "CC BY-SA 4.0",
    CONLL_TRAIN: "CoNLL-2002 shared task data: research use only",
    EUROPEANA: "CC0",
}
#: Licence recorded for `ner_silver` sentences: the recipe expects UD Dutch text (the syntax
#: training's own) labelled by Frog, which is only the labeller (GPL-3.0), not the data.
SILVER_LICENCE = "text CC BY-SA 4.0 (UD Dutch); entity labels by Frog (GPL-3.0 labeller)"


@dataclass(frozen=True, slots=True)
class Corpora:
    """DocBin files written for one training run."""

    syntax_train: Path
    syntax_dev: Path
    ner_train: Path
    ner_dev: Path
    ner_sources: tuple[str, ...]


def configs_dir() -> Path:
    """The folder with the recipe's spaCy configs."""
    from screening.resources import models_dir

    return models_dir() / "nlp" / "configs"


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputError(
            f"training file {path} is missing (is ../shared/data/text/train there?)",
            f"trainingsbestand {path} ontbreekt (staat ../shared/data/text/train ernaast?)",
        )
    return path


def _write_docbins(
    work: Path, parts: dict[str, list[Doc]], limit: int | None, seed: int
) -> dict[str, Path]:
    """Each named list of Docs as `work/<name>.spacy`; `limit` samples that many (smoke test)."""
    from spacy.tokens import DocBin

    work.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, docs in parts.items():
        if limit is not None and len(docs) > limit:
            docs = random.Random(seed).sample(docs, limit)
        paths[name] = work / f"{name}.spacy"
        DocBin(docs=docs, store_user_data=False).to_disk(paths[name])
    return paths


def _overrides(seed: int, max_steps: int | None, eval_every: int) -> dict[str, object]:
    """Config overrides: the seed, and a step limit with evaluations to match (smoke tests)."""
    overrides: dict[str, object] = {"system.seed": seed}
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
        overrides["training.eval_frequency"] = max(1, min(eval_every, max_steps // 2))
    return overrides


def prepare(
    data: Path,
    work: Path,
    variant: Variant,
    *,
    limit: int | None = None,
    seed: int = 0,
    ner_silver: Path | None = None,
) -> Corpora:
    """Convert the training files into DocBins under `work`; `limit` samples (smoke test).

    `ner_silver`: a ``token tag`` file of machine-labelled sentences added to the
    recogniser's training split (never to its development split).
    """
    import spacy

    nlp = spacy.blank("nl")
    ud = [doc for rel in UD_TRAIN for doc in read_conllu(_require(data / rel), nlp.vocab)]
    ud_train, ud_dev = split_every(ud)
    sources: list[str] = list(UD_TRAIN)
    europeana = [bio_doc(nlp.vocab, s) for s in read_bio(_require(data / EUROPEANA))]
    if variant == "research":
        conll = [bio_doc(nlp.vocab, s) for s in read_bio(_require(data / CONLL_TRAIN))]
        conll_train, ner_dev = split_every(conll)
        ner_train = conll_train + europeana
        sources += [CONLL_TRAIN, EUROPEANA]
    else:
        ner_train, ner_dev = split_every(europeana)
        sources.append(EUROPEANA)
    if ner_silver is not None:
        ner_train = ner_train + [bio_doc(nlp.vocab, s) for s in read_bio(_require(ner_silver))]
        sources.append(f"silver:{ner_silver.name}")
    parts = {
        "syntax_train": ud_train,
        "syntax_dev": ud_dev,
        "ner_train": ner_train,
        "ner_dev": ner_dev,
    }
    paths = _write_docbins(work, parts, limit, seed)
    return Corpora(**paths, ner_sources=tuple(sources))


def _train_one(
    config: Path, train: Path, dev: Path, output: Path, overrides: dict[str, object]
) -> Path:
    """One `spacy train` run (in its own process); returns the best checkpoint's folder."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from spacy.cli.train import train as spacy_train

    from screening.name_flags import register

    register()  # the recogniser's config names the name-list flags callback

    spacy_train(
        config,
        output,
        use_gpu=-1,
        overrides={"paths.train": str(train), "paths.dev": str(dev), **overrides},
    )
    best = output / "model-best"
    return best if best.is_dir() else output / "model-last"


def train(
    data: Path,
    out: Path,
    work: Path,
    variant: Variant = "research",
    *,
    limit: int | None = None,
    max_steps: int | None = None,
    seed: int = 20261207,
    parallel: bool = True,
    ner_silver: Path | None = None,
    syntax_from: Path | None = None,
) -> Path:
    """Run the whole recipe and write the joined pipeline to `out`; returns `out`.

    `ner_silver`: extra machine-labelled sentences for the recogniser (see `prepare`).
    `syntax_from`: train the recogniser only, and take the syntax components from there.
    """
    corpora = prepare(data, work, variant, limit=limit, seed=seed, ner_silver=ner_silver)
    overrides = _overrides(seed, max_steps, 500)
    configs = configs_dir()
    ner_job = (configs / "ner.cfg", corpora.ner_train, corpora.ner_dev, work / "ner")
    if syntax_from is not None:
        ner_dir = _train_one(*ner_job, overrides)
        return assemble(syntax_from, ner_dir, out, variant, corpora.ner_sources, seed)
    jobs = [
        (configs / "syntax.cfg", corpora.syntax_train, corpora.syntax_dev, work / "syntax"),
        ner_job,
    ]
    if parallel:
        with ProcessPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(_train_one, *job, overrides) for job in jobs]
            syntax_dir, ner_dir = (f.result() for f in futures)
    else:
        syntax_dir, ner_dir = (_train_one(*job, overrides) for job in jobs)
    return assemble(syntax_dir, ner_dir, out, variant, corpora.ner_sources, seed)


def train_language_scorer(
    work: Path,
    data: Path | None = None,
    *,
    neutral: int = NEUTRAL_SENTENCES,
    group_copies: int = GROUP_COPIES,
    config: Path | None = None,
    limit: int | None = None,
    max_steps: int | None = None,
    seed: int = 20261207,
) -> Path:
    """Train the offensive-language scorer on the corpus's training split; returns its folder.

    With `data` (the shared training folder), `neutral` sentences of UD Dutch prose are added
    as harmless examples (`language_corpus.neutral_sentences`). The corpus's held-out split is
    never seen. Every 10th training row is the development set that picks the best model.
    """
    import spacy

    nlp = spacy.blank("nl")
    rows, _held_out = language_corpus.split(language_corpus.read_rows())
    if group_copies > 0:
        lexicons = models_dir() / "lexicons" / "language"
        plurals = language_corpus.group_plurals(lexicons / "groups.txt", lexicons / "slurs.txt")
        rows = rows + language_corpus.swap_groups(rows, plurals, group_copies, seed)
    docs = [language_corpus.cats_doc(nlp, r) for r in rows]
    if data is not None and neutral > 0:
        paths = [_require(data / name) for name in UD_TRAIN]
        texts = language_corpus.neutral_sentences(paths, neutral, seed)
        docs += [language_corpus.neutral_doc(nlp, t) for t in texts]
    train_docs, dev_docs = split_every(docs)
    bins = _write_docbins(
        work, {"language_train": train_docs, "language_dev": dev_docs}, limit, seed
    )
    return _train_one(
        config or configs_dir() / "language.cfg",
        bins["language_train"],
        bins["language_dev"],
        work / "language",
        _overrides(seed, max_steps, 250),
    )


def install_language_scorer(trained: Path, out: Path, seed: int) -> Path:
    """Copy a trained scorer to `out` (replacing what is there), with meta and manifest."""
    import shutil

    import spacy

    nlp = spacy.load(trained)
    nlp.meta.update(
        {
            "name": "screening_nl_language",
            "version": LANGUAGE_SCORER_VERSION,
            "description": "Offensive-language scorer (threat, hate, insult, profanity, none) "
            "for Dutch school posts",
            "license": "EUPL-1.2 (trained on the project's own corpus and UD Dutch, CC BY-SA 4.0)",
            "screening": {"seed": seed, "neutral_sentences": NEUTRAL_SENTENCES},
        }
    )
    staging = out.with_name(out.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    write_manifest(staging)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return out


def assemble(
    syntax_dir: Path,
    ner_dir: Path,
    out: Path,
    variant: Variant,
    sources: Sequence[str],
    seed: int,
) -> Path:
    """Join the syntax pipeline and the NER into one pipeline at `out`, with its manifest."""
    import spacy

    from screening.name_flags import CALLBACK, add_name_flags, register

    register()
    nlp = spacy.load(syntax_dir)
    if "ner" in nlp.pipe_names:  # syntax taken from a whole pipeline (`train(syntax_from=)`)
        nlp.remove_pipe("ner")
    ner_nlp = spacy.load(ner_dir)
    nlp.add_pipe("ner", source=ner_nlp)
    # The recogniser reads the name-list flags: the joined pipeline must set them on load.
    nlp._config["nlp"]["after_creation"] = {"@callbacks": CALLBACK}
    add_name_flags(nlp)
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": PIPELINE_VERSION,
            "description": "Dutch tokens, POS, morphology, lemmas, dependencies and named "
            f"entities for school-post screening ({variant} variant)",
            "license": (
                "weights: research use only (trained on CoNLL-2002)"
                if variant == "research"
                else "weights: CC BY-SA 4.0 (UD Dutch), CC0 (Europeana)"
            ),
            "sources": [
                {
                    "name": s,
                    "license": SILVER_LICENCE if s.startswith("silver:") else LICENCES.get(s, ""),
                }
                for s in sources
            ],
            "screening": {"variant": variant, "seed": seed},
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    write_manifest(out)
    return out


MANIFEST = "manifest.json"


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` (the manifest itself excluded), by relative path."""
    digests: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            digests[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return digests


def combined_digest(digests: dict[str, str]) -> str:
    """One sha256 over the sorted (path, digest) pairs: the pipeline's identity."""
    h = hashlib.sha256()
    for rel, digest in sorted(digests.items()):
        h.update(f"{rel}\0{digest}\n".encode())
    return h.hexdigest()


def write_manifest(folder: Path) -> dict[str, object]:
    """Write `manifest.json` (files, their sha256, the combined sha256) into `folder`."""
    digests = file_digests(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    manifest: dict[str, object] = {
        "name": meta.get("name"),
        "version": meta.get("version"),
        "sha256": combined_digest(digests),
        "files": digests,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
