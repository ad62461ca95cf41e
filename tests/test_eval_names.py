"""Scoring person names on CoNLL-style files: span matching, offsets, and the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from screening.eval_names import (
    chars_to_tokens,
    evaluate_names,
    gold_spans,
    score_spans,
    token_offsets,
)
from screening.training.corpora import TaggedSentence


def test_gold_spans_from_bio() -> None:
    s = TaggedSentence(
        ("Juf", "Anna", "en", "Sanne", "de", "Vries", "in", "Delft"),
        ("O", "B-PER", "O", "B-PER", "I-PER", "I-PER", "O", "B-LOC"),
    )
    assert gold_spans(s) == [(1, 2), (3, 6)]
    assert gold_spans(s, "LOC") == [(7, 8)]


def test_overlap_and_exact_counts() -> None:
    # gold: two names; predicted: one partial hit, one exact hit, one wrong name
    overlap, exact = score_spans([([(0, 2), (5, 6)], [(1, 2), (5, 6), (8, 9)])])
    assert (overlap.gold_found, overlap.gold_missed) == (2, 0)
    assert (overlap.pred_correct, overlap.pred_wrong) == (2, 1)
    assert overlap.recall == 1.0 and overlap.precision == pytest.approx(2 / 3)
    assert (exact.gold_found, exact.pred_correct) == (1, 1)
    assert exact.recall == 0.5 and exact.precision == pytest.approx(1 / 3)


def test_character_ranges_map_to_tokens() -> None:
    text, offsets = token_offsets(["juf", "Anna", "lacht"])
    assert text == "juf Anna lacht"
    assert chars_to_tokens(0, 8, offsets) == (0, 2)
    assert chars_to_tokens(4, 6, offsets) == (1, 2)  # part of a word still touches it
    assert chars_to_tokens(3, 4, offsets) is None  # the blank between words


CONLL = """Sanne B-per
de I-per
Vries I-per
won O
de O
race O
in O
Utrecht B-loc
. O

Het O
weer O
was O
mooi O
. O

Meester O
Bram B-per
las O
voor O
. O
"""


def test_eval_names_on_the_shipped_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "mini.conll"
    path.write_text(CONLL, encoding="utf-8")
    from screening.eval_names import load_sentences

    report = evaluate_names(load_sentences(path), "detector")
    assert report.gold == 2 and report.overlap is not None
    assert report.overlap.recall == 1.0  # both names are found
    assert report.overlap.precision == 1.0  # "Utrecht" and "Het weer" are not names


def test_cli_prints_scores(tmp_path: Path) -> None:
    path = tmp_path / "mini.conll"
    path.write_text(CONLL, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "names", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "recall" in result.output
    assert "overlap" in result.output and "1.000" in result.output


def test_cli_rejects_a_malformed_file_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Sanne B-per\nzonder-tag\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "names", str(path)])
    assert result.exit_code == 2
    assert "bad.conll:2" in result.output


def test_cli_rejects_an_unknown_source(tmp_path: Path) -> None:
    path = tmp_path / "mini.conll"
    path.write_text(CONLL, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "names", str(path), "--source", "frog"])
    assert result.exit_code == 2
    assert "detector" in result.output
