"""Readers that turn the training files in ``../shared/data/text/train/`` into spaCy Docs.

Three formats:

* CoNLL-2002 style (``token tag`` per line, blank line between sentences, BIO tags in any
  case): the CoNLL-2002 Dutch split and the file that ``screening eval names`` scores;
* Europeana's ``.bio`` (the same, but without sentence breaks: sentences are cut after a
  sentence-final full stop, question or exclamation mark);
* Universal Dependencies CoNLL-U (tokens, UPOS, morphology, lemmas, dependency heads).

Every reader is deterministic: the same file gives the same Docs in the same order, which the
documented splits (every tenth sentence for the development set) rely on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kernel.errors import InputError

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

#: Sentences longer than this (Europeana's OCR runs) are cut, so no batch is dominated by one.
MAX_SENTENCE_TOKENS = 120
_SENTENCE_END = frozenset({".", "!", "?"})

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    """One sentence of a CoNLL-style file: its tokens and their BIO tags (upper case)."""

    words: tuple[str, ...]
    tags: tuple[str, ...]


def _bad(path: Path, number: int, why: str, why_nl: str) -> InputError:
    return InputError(f"{path.name}:{number}: {why}", f"{path.name}:{number}: {why_nl}")


def _normalise_tag(tag: str) -> str:
    """'b-per' -> 'B-PER'; 'O' stays."""
    if tag in ("O", "o"):
        return "O"
    prefix, _, label = tag.partition("-")
    return f"{prefix.upper()}-{label.upper()}"


def _repair_bio(tags: list[str]) -> list[str]:
    """An I- tag that does not continue an entity of its label starts one (IOB1 -> IOB2)."""
    fixed: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def read_bio(path: Path) -> list[TaggedSentence]:
    """Sentences of a ``token tag`` file (CoNLL-2002, Europeana); tags as BIO, upper case.

    A file without blank lines (Europeana) is cut into sentences after . ! or ?.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path} cannot be read ({type(exc).__name__})",
            f"{path} kan niet worden gelezen ({type(exc).__name__})",
        ) from None
    sentences: list[TaggedSentence] = []
    words: list[str] = []
    tags: list[str] = []

    def close() -> None:
        if words:
            sentences.append(TaggedSentence(tuple(words), tuple(_repair_bio(tags))))
            words.clear()
            tags.clear()

    has_breaks = any(not line.strip() for line in lines[:-1])
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            close()
            continue
        if line.startswith("-DOCSTART-"):
            continue
        token, sep, tag = line.rstrip().rpartition(" ")
        if not sep or not token:
            raise _bad(
                path,
                number,
                "expected 'token tag' separated by a space",
                "verwacht 'token tag' gescheiden door een spatie",
            )
        tag = _normalise_tag(tag)
        if tag != "O" and (tag[:2] not in ("B-", "I-") or len(tag) < 3):
            raise _bad(path, number, f"unknown tag {tag!r}", f"onbekende tag {tag!r}")
        words.append(token)
        tags.append(tag)
        if not has_breaks and (
            (token in _SENTENCE_END and len(words) > 3) or len(words) >= MAX_SENTENCE_TOKENS
        ):
            close()
    close()
    return sentences


def bio_doc(vocab: Vocab, sentence: TaggedSentence) -> Doc:
    """A Doc of the sentence's tokens with its entities set (every token annotated)."""
    from spacy.tokens import Doc
    from spacy.training import biluo_tags_to_spans, iob_to_biluo

    doc = Doc(vocab, words=list(sentence.words))
    doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(list(sentence.tags)))
    return doc


def read_conllu(path: Path, vocab: Vocab) -> Iterator[Doc]:
    """Docs of a UD CoNLL-U file: one sentence a Doc, with POS, morphology, lemma and heads.

    Multi-word token lines (``3-4``) and empty nodes (``5.1``) are skipped: Dutch UD has
    none of the first and the second carry no surface form. Alpino's lemma joins compound
    parts with ``_`` ("basis_niveau"); the lemma keeps the written word ("basisniveau").
    """
    from spacy.tokens import Doc

    rows: list[list[str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if rows:
                    yield _ud_doc(vocab, rows, Doc)
                    rows = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10 or not cols[0].isdigit():
                continue
            rows.append(cols)
    if rows:
        yield _ud_doc(vocab, rows, Doc)


def _ud_doc(vocab: Vocab, rows: list[list[str]], doc_type: type[Doc]) -> Doc:
    words = [r[1] for r in rows]
    spaces = ["SpaceAfter=No" not in r[9] for r in rows]
    spaces[-1] = False  # a sentence ends the text
    heads = [int(r[6]) - 1 if r[6] != "0" else i for i, r in enumerate(rows)]
    deps = [r[7] if r[6] != "0" else "ROOT" for r in rows]
    return doc_type(
        vocab,
        words=words,
        spaces=spaces,
        pos=[r[3] for r in rows],
        morphs=[r[5] if r[5] != "_" else "" for r in rows],
        lemmas=[r[2].replace("_", "") if r[2] != "_" else r[1] for r in rows],
        heads=heads,
        deps=deps,
    )


def split_every(docs: list[_T], nth: int = 10) -> tuple[list[_T], list[_T]]:
    """(train, dev): every `nth` item (the 10th, 20th, ...) goes to dev, the rest to train."""
    train = [d for i, d in enumerate(docs) if i % nth != nth - 1]
    dev = [d for i, d in enumerate(docs) if i % nth == nth - 1]
    return train, dev
