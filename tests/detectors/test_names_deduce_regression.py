"""deduce's regression cases for person names, run against our name detector.

Each example of `deduce_names.json` (tag "persoon") becomes one test comparing our name spans
with deduce's exactly. Our spans include a title, as deduce's do ("Dr. Visser", "mevrouw
Visser"). Cases we fail on purpose are listed in KNOWN_FAILURES and marked
xfail(strict=True), so a change that makes one pass shows up. Recall and precision are
written to the terminal at the end of the module. Without ../shared the cases are one
visible skip (a failure with SCREENING_REQUIRE_SHARED=1; see tests/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from screening.detectors.names import NameDetector
from screening.name_lists import load_name_lexicon
from screening.nlp import analyse
from tests.conftest import SHARED, report_at_end, shared_params, shared_path

pytestmark = pytest.mark.shared

FILE = "deduce_names.json"
DEDUCE_PARTS = ("data", "text", "deduce")
DEDUCE = SHARED.joinpath(*DEDUCE_PARTS)
DETECTOR = NameDetector(load_name_lexicon(), registry=None)

Spans = set[tuple[int, int]]

_SURNAME_AT_START = (
    "a surname alone at the start of a text or sentence is not reported: there a capital says "
    "nothing, and words of Dutch posts that are also surnames would fire; a surname alone in "
    "the middle of a sentence, or with a first name, initials or title, is reported"
)
KNOWN_FAILURES: dict[str, str] = {
    "names/25": (
        "'van der Damhuis': deduce annotates only 'Damhuis' here but 'van der Sluis' whole "
        "(case 24); we report the tussenvoegsel with the surname in both"
    ),
    "names/30": (
        "'ABC. Visser': 'ABC.' is no initial we know (three capitals, one full stop), so the "
        "full stop ends a sentence and 'Visser' stands alone at its start (see names/55)"
    ),
    "names/55": _SURNAME_AT_START,
    "names/56": _SURNAME_AT_START,
    "names/57": _SURNAME_AT_START,
    "names/120": (
        "'El Ahmadi': deduce leaves the tussenvoegsel 'El' out; we report it with the surname, "
        "as for 'van der Sluis' and 'de Vries'"
    ),
}


@cache
def _examples() -> list[dict[str, Any]]:
    with (DEDUCE / FILE).open(encoding="utf-8") as f:
        examples: list[dict[str, Any]] = json.load(f)["examples"]
    return examples


def _gold(example: dict[str, Any]) -> Spans:
    return {
        (a["start_char"], a["end_char"]) for a in example["annotations"] if a["tag"] == "persoon"
    }


def _ours(nlp: Language, text: str) -> Spans:
    return {(f.span.start, f.span.end) for f in DETECTOR.detect(analyse(nlp, text)) if f.span}


def _cases(_folder: Path) -> Iterator[Any]:
    for example in _examples():
        case_id = f"names/{example['id']}"
        marks = []
        if case_id in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case_id]))
        yield pytest.param(example, id=case_id, marks=marks)


@pytest.mark.parametrize("example", shared_params((*DEDUCE_PARTS, FILE), _cases))
def test_matches_deduce_annotations(nlp_nl: Language, example: dict[str, Any]) -> None:
    text = example["text"]
    ours, gold = _ours(nlp_nl, text), _gold(example)
    assert sorted(text[s:e] for s, e in ours) == sorted(text[s:e] for s, e in gold)
    assert ours == gold


def test_known_failures_are_real_cases() -> None:
    """Every listed failure names an example that exists (no stale entries)."""
    shared_path(*DEDUCE_PARTS, FILE)
    ids = {f"names/{e['id']}" for e in _examples()}
    assert set(KNOWN_FAILURES) <= ids


def recall_precision(nlp: Language) -> str:
    """Recall and precision of our spans against deduce's, over the whole file."""
    tp = fp = fn = 0
    for example in _examples():
        ours, gold = _ours(nlp, example["text"]), _gold(example)
        tp += len(ours & gold)
        fp += len(ours - gold)
        fn += len(gold - ours)
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return (
        f"{FILE:28s} tag persoon         {len(_examples()):3d} examples  "
        f"recall {recall:6.1%} ({tp}/{tp + fn})  precision {precision:6.1%} ({tp}/{tp + fp})"
    )


@pytest.fixture(scope="module", autouse=True)
def _report_recall_precision(request: pytest.FixtureRequest, nlp_nl: Language) -> Iterator[None]:
    """After the module: recall and precision of our name spans against deduce's."""
    yield
    if not (DEDUCE / FILE).is_file():
        return
    line = recall_precision(nlp_nl)
    # Printed at the end of the run, also from an xdist worker (tests/conftest.py).
    title = "deduce regression, names: recall / precision (exact spans)"
    report_at_end(request.config, title, [line])
