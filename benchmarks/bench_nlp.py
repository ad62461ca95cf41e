"""Held-out scores of the shipped Dutch pipeline, per layer.

* UD Dutch Alpino *test* (never trained on): tokenisation, UPOS, morphology, lemma, UAS/LAS,
  sentence boundaries, with the pipeline's own tokeniser (spaCy aligns it to the gold tokens);
* CoNLL-2002 Dutch *testa* (never trained on): entities per label, exact spans.

Prints figures; fails on nothing. Run: .venv/bin/python benchmarks/bench_nlp.py
"""

from __future__ import annotations

import time
from pathlib import Path

from spacy.training import Example

from screening.nlp import load_nlp
from screening.training.corpora import bio_doc, read_bio, read_conllu

TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "text" / "train"
UD_TEST = TRAIN / "ud" / "alpino.nl_alpino-ud-test.conllu"
TESTA = TRAIN / "ner" / "conll2002_ned_testa.txt"


def main() -> None:
    nlp, info = load_nlp()
    key, value = info.version_entry
    print(f"pipeline: {key} {value}; components: {', '.join(nlp.pipe_names)}")
    if not UD_TEST.is_file():
        print(f"skipped: {UD_TEST} is absent (../shared is not beside the repository)")
        return
    gold = list(read_conllu(UD_TEST, nlp.vocab))
    t = time.perf_counter()
    examples = [Example(nlp.make_doc(ref.text), ref) for ref in gold]
    scores = nlp.evaluate(examples)
    seconds = time.perf_counter() - t
    tokens = sum(len(d) for d in gold)
    print(
        f"UD Alpino test: {len(gold)} sentences, {tokens} tokens, {tokens / seconds:.0f} tokens/s"
    )
    for name in ("token_acc", "pos_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f"):
        value_ = scores.get(name)
        if isinstance(value_, float):
            print(f"  {name:<10} {value_:.4f}")
    sentences = read_bio(TESTA)
    ner_gold = [bio_doc(nlp.vocab, s) for s in sentences]
    examples = [
        Example(nlp.make_doc(" ".join(s.words)), ref)
        for s, ref in zip(sentences, ner_gold, strict=True)
    ]
    scores = nlp.evaluate(examples)
    print(f"CoNLL-2002 testa: {len(sentences)} sentences (exact spans)")
    print(
        f"  all        P={scores['ents_p']:.4f} R={scores['ents_r']:.4f} F={scores['ents_f']:.4f}"
    )
    per_type = scores.get("ents_per_type") or {}
    assert isinstance(per_type, dict)
    for label, s in sorted(per_type.items()):
        print(f"  {label:<10} P={s['p']:.4f} R={s['r']:.4f} F={s['f']:.4f}")


if __name__ == "__main__":
    main()
