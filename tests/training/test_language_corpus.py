"""The offensive-language development corpus: format, labels, and the fixed held-out split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kernel.errors import InputError
from screening.training.language_corpus import LABELS, held_out, read_rows, split

HEADER = "id\ttext\tlabel\ttarget\tform\tnote\n"


def test_shipped_corpus_is_valid_and_big_enough() -> None:
    rows = read_rows()
    assert len(rows) >= 3000
    labels = Counter(r.label for r in rows)
    assert set(labels) == set(LABELS)
    assert labels["none"] >= 0.4 * len(rows)  # harmless look-alikes are half the point
    train, test = split(rows)
    assert len(test) / len(rows) == pytest.approx(0.2, abs=0.03)
    assert not {r.id for r in train} & {r.id for r in test}
    # every category is represented in the held-out split
    assert {r.label for r in test} == set(LABELS)


def test_split_depends_on_the_id_alone() -> None:
    ids = [f"x-{i:04d}" for i in range(200)]
    assert [held_out(i) for i in ids] == [held_out(i) for i in ids]
    assert 20 < sum(held_out(i) for i in ids) < 60


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("a-1\tIk maak je af\tdreiging\tyou\tstatement\tx\n", "label 'dreiging'"),
        ("a-1\tIk maak je af\tthreat\tjij\tstatement\tx\n", "target 'jij'"),
        ("a-1\t\tthreat\tyou\tstatement\tx\n", "empty"),
    ],
)
def test_bad_rows_name_the_file_and_line(tmp_path: Path, row: str, why: str) -> None:
    (tmp_path / "a.tsv").write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_rows(tmp_path)
    assert "a.tsv:2" in err.value.message("en") and why in err.value.message("en")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    row = "a-1\tHallo\tnone\tnone\tstatement\tx\n"
    (tmp_path / "a.tsv").write_text(HEADER + row + row, encoding="utf-8")
    with pytest.raises(InputError, match="twice"):
        read_rows(tmp_path)


def test_group_swaps_keep_label_and_capital_and_get_new_ids() -> None:
    from screening.training.language_corpus import Row, swap_groups

    row = Row("h-1", "Marokkanen zijn tuig, zegt hij over marokkanen.", "hate", "x", "y", "z", "f")
    plurals = ["marokkanen", "polen", "turken"]
    twins = swap_groups([row], plurals, copies=2, seed=3)
    assert [t.id for t in twins] == ["h-1~0", "h-1~1"]
    for t in twins:
        assert t.label == "hate"
        words = t.text.rstrip(".").replace(",", "").split()
        assert words[0] in ("Marokkanen", "Polen", "Turken")  # the capital is kept
        assert words[-1] in plurals
        assert words[1:-1] == ["zijn", "tuig", "zegt", "hij", "over"]
    assert swap_groups([Row("n-1", "Hallo", "none", "x", "y", "z", "f")], ["polen"], 2, 3) == []


def test_neutral_sentences_are_a_fixed_sample_of_ud_text(tmp_path: Path) -> None:
    from screening.training.language_corpus import neutral_sentences

    conllu = tmp_path / "a.conllu"
    conllu.write_text(
        "".join(f"# text = Dit is zin nummer {i} hier.\n1\tDit\n\n" for i in range(10))
        + "# text = Te kort.\n",
        encoding="utf-8",
    )
    first = neutral_sentences([conllu], 4, seed=7)
    assert first == neutral_sentences([conllu], 4, seed=7)
    assert len(first) == 4 and all(t.startswith("Dit is zin") for t in first)
