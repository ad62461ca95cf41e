"""The development set, scored through the real pipeline, and the `eval text` command.

The minimum figures are a little under what was measured when the detectors were written
(see models/lexicons/README.md), so that a change that loses precision or recall fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.eval import eval_app
from kernel.errors import InputError
from kernel.types import Action
from screening.eval_text import evaluate, format_report, load_labelled
from screening.pipeline import Pipeline

DEV = Path(__file__).resolve().parents[1] / "data" / "dev_posts.jsonl"

# kind: (minimum precision, minimum recall). Measured on 200 posts: precision 1.00 for every
# language kind, recall 0.92 (hate) to 1.00; special category 0.955 / 0.955.
MINIMUM = {
    "language.insult": (0.95, 0.95),
    "language.threat": (0.95, 0.95),
    "language.hate": (0.95, 0.88),
    "language.profanity": (0.95, 0.95),
    "pii.special_category": (0.92, 0.92),
    "pii.confidential": (0.95, 0.95),
}


def test_dev_set_is_large_and_labelled() -> None:
    posts = load_labelled(DEV)
    assert len(posts) >= 200
    assert len({p.id for p in posts}) == len(posts)
    assert all(p.expected_action is not None for p in posts)
    harmless = [p for p in posts if not p.expected_kinds]
    assert len(harmless) >= 40  # false positives matter as much as misses


def test_dev_set_scores(pipeline: Pipeline) -> None:
    report = evaluate(pipeline, load_labelled(DEV))
    for kind, (precision, recall) in MINIMUM.items():
        score = report.kinds[kind]
        assert score.precision >= precision, format_report(report, "en")
        assert score.recall >= recall, format_report(report, "en")
    assert report.micro("language.").f1 >= 0.97
    assert report.decision_accuracy >= 0.96, format_report(report, "en")


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(eval_app, name="eval")
    return app


def test_cli_prints_scores_and_misses(tmp_path: Path) -> None:
    file = tmp_path / "posts.jsonl"
    rows = [
        {
            "id": "a",
            "text": "Je bent een sukkel",
            "expected_kinds": ["language.insult"],
            "expected_action": "hold",
        },
        {"id": "b", "text": "Mooie sportdag!", "expected_kinds": [], "expected_action": "publish"},
        {
            "id": "c",
            "text": "Wat een genie ben jij, Tim.",
            "expected_kinds": ["language.insult"],
            "expected_action": "hold",
        },
    ]
    file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(_cli(), ["eval", "text", str(file), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "language.insult" in result.output
    assert "2/3" in result.output
    assert "c: missed: language.insult" in result.output
    as_json = CliRunner().invoke(_cli(), ["eval", "text", str(file), "--json"])
    data = json.loads(as_json.stdout)
    assert data["kinds"]["language.insult"] == {
        "tp": 1,
        "fp": 0,
        "fn": 1,
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
    }


def test_cli_rejects_a_malformed_file(tmp_path: Path) -> None:
    file = tmp_path / "posts.jsonl"
    file.write_text('{"id": "a", "text": "x", "expected_action": "maybe"}\n', encoding="utf-8")
    result = CliRunner().invoke(_cli(), ["eval", "text", str(file)])
    assert result.exit_code == 2


def test_tsv_is_read(tmp_path: Path) -> None:
    file = tmp_path / "posts.tsv"
    file.write_text(
        "id\ttext\texpected_kinds\texpected_action\n"
        "a\tJe bent een sukkel\tlanguage.insult\thold\n"
        "b\tMooi!\t\tpublish\n",
        encoding="utf-8",
    )
    posts = load_labelled(file)
    assert [p.expected_kinds for p in posts] == [frozenset({"language.insult"}), frozenset()]
    assert posts[1].expected_action is Action.PUBLISH


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "posts.jsonl"
    file.write_text('{"text": "ok"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"posts\.jsonl:2"):
        load_labelled(file)


CORPUS_HEADER = "id\ttext\tlabel\ttarget\tform\tnote\n"


def test_corpus_format_expects_a_kind_and_a_decision(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text(
        CORPUS_HEADER
        + "t-1\tIk maak je af.\tthreat\tyou\tstatement\tx\n"
        + "n-1\tIk ben doodmoe.\tnone\tnone\tstatement\tx\n",
        encoding="utf-8",
    )
    (tmp_path / "b.tsv").write_text(
        CORPUS_HEADER + "p-1\tWat een kutweer.\tprofanity\tobject\tstatement\tx\n",
        encoding="utf-8",
    )
    posts = {p.id: p for p in load_labelled(tmp_path)}  # a folder: every file in it
    assert posts["t-1"].expected_kinds == {"language.threat"}
    assert posts["t-1"].expected_action is Action.HOLD
    assert posts["n-1"].expected_kinds == frozenset()
    assert posts["n-1"].expected_action is Action.PUBLISH
    assert posts["p-1"].expected_kinds == {"language.profanity"}


def test_corpus_format_rejects_an_unknown_label(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text(CORPUS_HEADER + "t-1\tHallo\tgrof\tnone\tstatement\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.tsv:2"):
        load_labelled(path)


def test_held_out_option_scores_only_the_held_out_rows(tmp_path: Path) -> None:
    from screening.training.language_corpus import held_out

    ids = [f"r-{i}" for i in range(12)]
    rows = "".join(f"{i}\tWat een mooie dag.\tnone\tnone\tstatement\tx\n" for i in ids)
    (tmp_path / "a.tsv").write_text(CORPUS_HEADER + rows, encoding="utf-8")
    result = CliRunner().invoke(eval_app, ["text", str(tmp_path / "a.tsv"), "--held-out", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["posts"] == sum(held_out(i) for i in ids) > 0


def test_report_counts_posts_held_per_expected_kind(pipeline: Pipeline, tmp_path: Path) -> None:
    """The share of harmful posts held and of harmless ones published, per expected kind;
    a hold for a kind outside the scored ones (a name in a sentence) does not count."""
    (tmp_path / "a.tsv").write_text(
        CORPUS_HEADER
        + "t-1\tIk steek je morgen neer.\tthreat\tyou\tstatement\tx\n"
        + "t-2\tIk ben doodmoe.\tthreat\tyou\tstatement\tx\n"
        + "n-1\tWat een mooie sportdag vandaag.\tnone\tnone\tstatement\tx\n"
        + "n-2\tSanne Jansen uit groep 7 won de estafette.\tnone\tnone\tstatement\tx\n",
        encoding="utf-8",
    )
    report = evaluate(pipeline, load_labelled(tmp_path / "a.tsv"), kinds=["language."])
    assert report.held_by_expected == {"language.threat": [1, 2], "none": [0, 2]}
    text = format_report(report, "en")
    assert "language.threat" in text and "(published: 100.0%)" in text
    held_by_expected = report.to_dict()["held_by_expected"]
    assert isinstance(held_by_expected, dict)
    assert held_by_expected["none"] == {"held": 0, "posts": 2}
