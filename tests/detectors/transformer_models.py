"""Tiny BERT models written to a folder, as a school would, for the transformers detectors.

The models are real (BertConfig, save_pretrained, a vocab.txt and BertTokenizer) but
their weights are set by hand so that their output is known in advance:

* the classifier's head has zero weights and a chosen bias, so it gives every window the
  same probabilities;
* the NER model's single layer is made the identity and its embeddings are rows of a
  Hadamard matrix, so each token's tag depends on that token alone (a table below) with a
  chosen probability.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from torch import nn
    from transformers.models.bert.modeling_bert import BertLayer, BertModel

#: Words of the test vocabulary; every one of them is a single token.
WORDS = (
    "de",
    "het",
    "een",
    "en",
    "is",
    "in",
    "op",
    "van",
    "we",
    "met",
    "voor",
    "naar",
    "groep",
    "klas",
    "school",
    "juf",
    "meester",
    "sport",
    "dag",
    "mooi",
    "feest",
    "les",
    "kinderen",
    "ouders",
    "week",
    "jij",
    "bent",
    "stom",
    "idioot",
    "sanne",
    "jansen",
    "pieter",
    "utrecht",
    "amsterdam",
    "jan",
    ".",
    ",",
    "!",
)
PIECES = ("##tje", "##en")
SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
VOCAB = (*SPECIAL, *WORDS, *PIECES)

NER_LABELS = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC", 4: "I-LOC"}
#: The tag each token gets from the tiny NER model; every other token gets 'O'.
NER_TAGS = {
    "sanne": "B-PER",
    "pieter": "B-PER",
    "jan": "B-PER",
    "##tje": "B-PER",
    "jansen": "I-PER",
    "utrecht": "B-LOC",
    "amsterdam": "B-LOC",
}
HIDDEN = 16


def write_tokenizer(folder: Path, max_length: int | None = None) -> None:
    """A vocab.txt and the fast BERT tokenizer made from it, saved in `folder`."""
    # transformers 5's BertTokenizer is the fast one (BertTokenizerFast is an alias of it).
    from transformers import BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    kwargs: dict[str, Any] = {"local_files_only": True, "do_lower_case": True}
    if max_length is not None:
        kwargs["model_max_length"] = max_length
    with warnings.catch_warnings():
        # transformers' conversion of a vocab.txt uses a deprecated tokenizers constructor.
        warnings.simplefilter("ignore", DeprecationWarning)
        BertTokenizer.from_pretrained(folder, **kwargs).save_pretrained(folder)


def _config(labels: Mapping[int, str], positions: int) -> Any:
    from transformers import BertConfig

    return BertConfig(  # type: ignore[no-untyped-call]
        vocab_size=len(VOCAB),
        hidden_size=HIDDEN,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=positions,
        id2label=dict(labels),
        label2id={v: k for k, v in labels.items()},
    )


def _quiet() -> None:
    # save_pretrained draws progress bars on stderr.
    from transformers.utils import logging

    logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def write_toml(folder: Path, text: str) -> None:
    """The folder's screening.toml."""
    (folder / "screening.toml").write_text(text, encoding="utf-8")


def logit_for(probability: float, others: int = 1) -> float:
    """The logit margin that gives one label `probability` against `others` zero logits."""
    return math.log(probability * others / (1 - probability))


def build_classifier(
    folder: Path,
    *,
    labels: Mapping[int, str] | None = None,
    logits: tuple[float, ...] | None = None,
    multi_label: bool = False,
    toml: str | None = '[model]\nname = "tiny-offensive"\n\n'
    '[labels]\nOFFENSIVE = "language.insult"\nNOT = ""\n',
    positions: int = 64,
) -> Path:
    """A sequence classifier whose logits are `logits` for every window.

    The default gives OFFENSIVE probability 0.8 against NOT.
    """
    import torch
    from transformers import BertForSequenceClassification

    _quiet()
    labels = labels or {0: "NOT", 1: "OFFENSIVE"}
    logits = logits or (0.0, logit_for(0.8))
    torch.manual_seed(0)
    config = _config(labels, positions)
    if multi_label:
        config.problem_type = "multi_label_classification"
    model = BertForSequenceClassification(config)  # type: ignore[no-untyped-call]
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor(logits))
    write_tokenizer(folder)
    model.save_pretrained(folder)
    if toml is not None:
        write_toml(folder, toml)
    return folder


def _hadamard(n: int) -> Any:
    import torch

    h = torch.ones(1, 1)
    while h.shape[0] < n:
        h = torch.cat([torch.cat([h, h], 1), torch.cat([h, -h], 1)], 0)
    return h


def build_ner(
    folder: Path,
    *,
    probability: float = 0.9,
    toml: str | None = '[model]\nname = "tiny-ner"\n\n[labels]\nPER = "pii.name"\nLOC = ""\n',
    positions: int = 64,
) -> Path:
    """A token classifier that tags each token by NER_TAGS with `probability`."""
    import torch
    from transformers import BertForTokenClassification

    _quiet()
    torch.manual_seed(0)
    model = BertForTokenClassification(_config(NER_LABELS, positions))  # type: ignore[no-untyped-call]
    # Rows 1.. of a Hadamard matrix: mean 0, variance 1 (LayerNorm leaves them as they are)
    # and orthogonal, so label j's logit is HIDDEN * scale for its own row and 0 otherwise.
    rows = _hadamard(HIDDEN)[1 : 1 + len(NER_LABELS)]
    label_id = {v: k for k, v in NER_LABELS.items()}
    scale = logit_for(probability, len(NER_LABELS) - 1) / HIDDEN
    with torch.no_grad():
        bert = model.bert
        emb = bert.embeddings
        for i, token in enumerate(VOCAB):
            emb.word_embeddings.weight[i] = rows[label_id[NER_TAGS.get(token, "O")]]
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        for norm in (emb.LayerNorm, *_layer_norms(bert)):
            norm.weight.fill_(1.0)
            norm.bias.zero_()
        layer = _first_layer(bert)
        # Zero residual branches make the layer the identity on normalised input.
        for dense in (layer.attention.output.dense, layer.output.dense):
            dense.weight.zero_()
            dense.bias.zero_()
        model.classifier.weight.copy_(rows * scale)
        model.classifier.bias.zero_()
    write_tokenizer(folder)
    model.save_pretrained(folder)
    if toml is not None:
        write_toml(folder, toml)
    return folder


def _first_layer(bert: BertModel) -> BertLayer:
    """The encoder's first (and only) layer."""
    return cast("BertLayer", bert.encoder.layer[0])


def _layer_norms(bert: BertModel) -> list[nn.LayerNorm]:
    layer = _first_layer(bert)
    return [layer.attention.output.LayerNorm, layer.output.LayerNorm]
