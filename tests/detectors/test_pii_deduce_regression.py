"""The regression cases of deduce (Dutch de-identification), run against our detectors.

Each example of a file becomes one test that compares our spans with deduce's annotated spans
for one tag, exactly. The data stays in ../shared; without it the cases are one visible skip
(a failure with SCREENING_REQUIRE_SHARED=1; see tests/conftest.py).

One normalisation, for dates only: an apostrophe or backtick at the edge of a span ("'02-04-12",
"`22-5-30") is not compared. deduce annotates such dates both with and without the mark, in
the same example; the mark stands for the omitted century and adds nothing to the date, so
neither reading is wrong. No other file needs normalising: our age spans cover the number only,
as deduce's do.

Cases that fail on purpose are listed in KNOWN_FAILURES and marked xfail(strict=True), so that
a change that makes one pass shows up. The measured recall and precision per file are written
to the terminal at the end of the module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from stdnum.nl import bsn as stdnum_bsn

from screening.detectors.base import TextDetector
from screening.detectors.pii.age import AgeDetector
from screening.detectors.pii.bsn import BsnDetector
from screening.detectors.pii.dates import find_dates
from screening.detectors.pii.email import EmailDetector
from screening.detectors.pii.phone import PhoneDetector
from screening.nlp import analyse
from tests.conftest import SHARED, report_at_end, shared_params

pytestmark = pytest.mark.shared

DEDUCE_PARTS = ("data", "text", "deduce")
DEDUCE = SHARED.joinpath(*DEDUCE_PARTS)

Spans = set[tuple[int, int]]

KNOWN_FAILURES: dict[str, str] = {
    "phone_numbers/13": (
        "'046-555555' has nine digits; a Dutch number has ten (trunk 0 and nine), so it cannot "
        "be dialled and we do not report it"
    ),
    "phone_numbers/42": (
        "'088-75 555555' has eleven digits: deduce annotates a malformed number on purpose "
        "('with extra digit'); we report only numbers that can be dialled"
    ),
    "phone_numbers/43": (
        "'088-75 5555' has nine digits: deduce annotates a malformed number on purpose "
        "('with 1 digit short'); we report only numbers that can be dialled"
    ),
    "ages/7": (
        "'1 jaar en 3 maanden' without any cue that it is somebody's age is far more often a "
        "duration in a school post ('het project duurde 1 jaar en 3 maanden'); with a cue "
        "('1 jaar en 3 maanden oud', 'Noor (1 jaar)') we do report it"
    ),
    "ages/10": (
        "'2.5 jaar zonder klachten' is a duration, not an age; a bare 'N jaar' is reported only "
        "with an age cue, because durations ('al 10 jaar', '25 jaar bestaan') are common in "
        "school posts"
    ),
}


def _detector_spans(detector: TextDetector) -> Callable[[Language, str], Spans]:
    def spans(nlp: Language, text: str) -> Spans:
        return {(f.span.start, f.span.end) for f in detector.detect(analyse(nlp, text)) if f.span}

    return spans


def _date_spans(nlp: Language, text: str) -> Spans:
    return {(d.start, d.end) for d in find_dates(text)}


_EDGE_MARKS = "'`’"


def _strip_marks(text: str, spans: Spans) -> Spans:
    """Spans without an apostrophe or backtick at either edge (see the module docstring)."""
    stripped: Spans = set()
    for start, end in spans:
        while start < end and text[start] in _EDGE_MARKS:
            start += 1
        while end > start and text[end - 1] in _EDGE_MARKS:
            end -= 1
        stripped.add((start, end))
    return stripped


@dataclass(frozen=True)
class Suite:
    """One deduce file, the tag we compare with, and how we find our spans."""

    file: str
    tag: str
    ours: Callable[[Language, str], Spans]
    normalise: Callable[[str, Spans], Spans] | None = None


SUITES: dict[str, Suite] = {
    "phone_numbers": Suite(
        "deduce_phone_numbers.json", "telefoonnummer", _detector_spans(PhoneDetector())
    ),
    "emails": Suite("deduce_emails.json", "emailadres", _detector_spans(EmailDetector())),
    "identifiers": Suite("deduce_identifiers.json", "bsn", _detector_spans(BsnDetector())),
    "dates": Suite("deduce_dates.json", "datum", _date_spans, _strip_marks),
    "ages": Suite("deduce_ages.json", "leeftijd", _detector_spans(AgeDetector())),
}


@cache
def _examples(file: str) -> list[dict[str, Any]]:
    with (DEDUCE / file).open(encoding="utf-8") as f:
        examples: list[dict[str, Any]] = json.load(f)["examples"]
    return examples


def _gold(example: dict[str, Any], tag: str) -> Spans:
    return {(a["start_char"], a["end_char"]) for a in example["annotations"] if a["tag"] == tag}


def _compare(suite: Suite, nlp: Language, example: dict[str, Any]) -> tuple[Spans, Spans]:
    """Our spans and deduce's spans for one example, normalised alike."""
    text = example["text"]
    ours, gold = suite.ours(nlp, text), _gold(example, suite.tag)
    if suite.normalise is not None:
        ours, gold = suite.normalise(text, ours), suite.normalise(text, gold)
    return ours, gold


def _cases(_folder: Path) -> Iterator[Any]:
    for name, suite in SUITES.items():
        for example in _examples(suite.file):
            case_id = f"{name}/{example['id']}"
            marks = []
            if case_id in KNOWN_FAILURES:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case_id]))
            yield pytest.param(name, example, id=case_id, marks=marks)


@pytest.mark.parametrize(("suite_name", "example"), shared_params(DEDUCE_PARTS, _cases, arity=2))
def test_matches_deduce_annotations(
    nlp_nl: Language, suite_name: str, example: dict[str, Any]
) -> None:
    ours, gold = _compare(SUITES[suite_name], nlp_nl, example)
    text = example["text"]
    assert sorted(text[s:e] for s, e in ours) == sorted(text[s:e] for s, e in gold)
    assert ours == gold


def _other_identifiers(_folder: Path) -> Iterator[Any]:
    for example in _examples("deduce_identifiers.json"):
        if _gold(example, "id") - _gold(example, "bsn"):
            yield pytest.param(example, id=f"identifiers/{example['id']}")


@pytest.mark.parametrize("example", shared_params(DEDUCE_PARTS, _other_identifiers))
def test_bsn_ignores_other_identifiers_unless_elfproef_valid(
    nlp_nl: Language, example: dict[str, Any]
) -> None:
    """deduce's 'id' numbers that are no BSN: we report one only if it passes the elfproef."""
    text = example["text"]
    found = SUITES["identifiers"].ours(nlp_nl, text)
    for start, end in _gold(example, "id") - _gold(example, "bsn"):
        valid = stdnum_bsn.is_valid(re.sub(r"\D", "", text[start:end]))
        assert ((start, end) in found) == valid


def _recall_precision(nlp: Language) -> list[str]:
    lines = []
    for suite in SUITES.values():
        tp = fp = fn = 0
        examples = _examples(suite.file)
        for example in examples:
            ours, gold = _compare(suite, nlp, example)
            tp += len(ours & gold)
            fp += len(ours - gold)
            fn += len(gold - ours)
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        lines.append(
            f"{suite.file:28s} tag {suite.tag:15s} {len(examples):3d} examples  "
            f"recall {recall:6.1%} ({tp}/{tp + fn})  precision {precision:6.1%} ({tp}/{tp + fp})"
        )
    return lines


@pytest.fixture(scope="module", autouse=True)
def _report_recall_precision(request: pytest.FixtureRequest, nlp_nl: Language) -> Iterator[None]:
    """After the module: recall and precision of our spans against deduce's, per file."""
    yield
    if not DEDUCE.is_dir():
        return
    lines = _recall_precision(nlp_nl)
    # Printed at the end of the run, also from an xdist worker (tests/conftest.py).
    report_at_end(request.config, "deduce regression: recall / precision (exact spans)", lines)
