"""The token-classification (NER) detector: word pieces to words to entity spans."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from spacy.language import Language

from screening.detectors.transformer.ner import Entity, Word, entities
from screening.nlp import analyse

# --- joining tagged words into entities (no model needed) ---------------------------------


def w(start: int, end: int, tag: str, score: float = 0.9) -> Word:
    return Word(start, end, tag, score)


ENTITY_TABLE: list[tuple[list[Word], list[Entity]]] = [
    ([w(0, 5, "B-PER"), w(6, 12, "I-PER")], [Entity("PER", 0, 12, 0.9)]),
    # B- starts a new entity even right after one of the same type
    ([w(0, 5, "B-PER"), w(6, 12, "B-PER")], [Entity("PER", 0, 5, 0.9), Entity("PER", 6, 12, 0.9)]),
    # an I- of another type starts a new entity; an I- after O starts one too
    (
        [w(0, 5, "B-PER"), w(6, 12, "I-LOC"), w(13, 14, "O"), w(15, 20, "I-PER")],
        [Entity("PER", 0, 5, 0.9), Entity("LOC", 6, 12, 0.9), Entity("PER", 15, 20, 0.9)],
    ),
    # BIOES: S- is a single-word entity, E- ends one
    (
        [w(0, 4, "S-PER"), w(5, 9, "B-PER"), w(10, 14, "E-PER")],
        [Entity("PER", 0, 4, 0.9), Entity("PER", 5, 14, 0.9)],
    ),
    # IO tags without prefixes: consecutive words of one type are one entity
    ([w(0, 4, "PER"), w(5, 9, "PER"), w(10, 12, "O")], [Entity("PER", 0, 9, 0.9)]),
    # the score is the mean of the words' scores
    (
        [w(0, 4, "B-PER", 0.8), w(5, 9, "I-PER", 0.6)],
        [Entity("PER", 0, 9, cast(float, pytest.approx(0.7)))],
    ),
    # nothing tagged: nothing found
    ([w(0, 4, "O"), w(5, 9, "O")], []),
    ([], []),
]


@pytest.mark.parametrize(("words", "expected"), ENTITY_TABLE)
def test_entities(words: list[Word], expected: list[Entity]) -> None:
    assert entities(words) == expected


# --- the tiny model -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ner_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.detectors import transformer_models as tiny

    return tiny.build_ner(tmp_path_factory.mktemp("ner"))


NER_TABLE: list[tuple[str, list[str]]] = [
    ("Sanne Jansen won de sportdag.", ["Sanne Jansen"]),
    # word pieces (jan + ##tje) are one word, and so one name
    ("Jantje en Pieter zijn in de klas.", ["Jantje", "Pieter"]),
    ("Juf Sanne, meester Pieter en Jan!", ["Sanne", "Pieter", "Jan"]),
    # places are not personal data: LOC = "" in screening.toml
    ("We gaan met de klas naar Utrecht en Amsterdam.", []),
    ("De kinderen hadden een mooie week.", []),
]


@pytest.mark.parametrize(("text", "expected"), NER_TABLE)
def test_ner_finds_person_names(
    ner_dir: Path, nlp_nl: Language, text: str, expected: list[str]
) -> None:
    from kernel.settings import Settings
    from screening.detectors.transformer import build_ner

    det = build_ner(ner_dir, Settings())
    found = list(det.detect(analyse(nlp_nl, text)))
    assert [f.span.text for f in found if f.span] == expected
    assert all(f.kind == "pii.name" and f.score == 0.9 for f in found)
    assert all(f.evidence.pattern == "PER" for f in found)


def test_names_across_window_edges_are_found_once_with_exact_spans(
    ner_dir: Path, nlp_nl: Language
) -> None:
    from kernel.settings import Settings
    from screening.detectors.transformer import build_ner

    det = build_ner(
        ner_dir,
        Settings(transformer_max_tokens=12, transformer_overlap_tokens=3, transformer_batch_size=3),
    )
    filler = "de klas is op school met de juf en de kinderen van groep"
    names = ["Sanne Jansen", "Jantje", "Pieter", "Sanne", "Jan"]
    text = " , ".join(f"{filler} {name}" for name in names) + " ."
    assert len(det.encode(text).windows) > 6
    found = list(det.detect(analyse(nlp_nl, text)))
    assert [f.span.text for f in found if f.span] == names
    expected_starts = []
    cursor = 0
    for name in names:
        start = text.index(name, cursor)
        expected_starts.append(start)
        cursor = start + len(name)
    assert [f.span.start for f in found if f.span] == expected_starts


def test_ner_without_mapping_uses_person_types(tmp_path: Path, nlp_nl: Language) -> None:
    pytest.importorskip("torch")
    from kernel.settings import Settings
    from screening.detectors.transformer import build_ner
    from tests.detectors import transformer_models as tiny

    folder = tiny.build_ner(tmp_path / "ner", toml=None, probability=0.6)
    det = build_ner(folder, Settings())
    assert det.spec.kinds == {"PER": "pii.name", "LOC": ""}
    found = list(det.detect(analyse(nlp_nl, "Pieter woont in Utrecht.")))
    assert [(f.kind, f.span.text if f.span else None, f.score) for f in found] == [
        ("pii.name", "Pieter", 0.6)
    ]
