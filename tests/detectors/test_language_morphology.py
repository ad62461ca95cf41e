"""Dutch inflection made from a lemma: every form a rule written for the lemma must match."""

from __future__ import annotations

import pytest

from screening.detectors.language.morphology import (
    adjective_forms,
    noun_forms,
    past_forms,
    verb_forms,
    verb_stems,
)


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("rat", {"ratten", "ratje", "rats"}),
        ("aap", {"apen", "aapje"}),
        ("parasiet", {"parasieten", "parasietje"}),
        ("beest", {"beesten"}),
        ("dief", {"dieven"}),
    ],
)
def test_noun_forms(lemma: str, forms: set[str]) -> None:
    assert forms <= noun_forms(lemma)


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("dom", {"domme", "dommer", "domst"}),
        ("vies", {"vieze", "viezer"}),
        ("lui", {"luie", "luier"}),
        ("achterlijk", {"achterlijke"}),
    ],
)
def test_adjective_forms(lemma: str, forms: set[str]) -> None:
    assert forms <= adjective_forms(lemma)


@pytest.mark.parametrize(
    ("lemma", "stems"),
    [
        ("haten", {"haat"}),
        ("trappen", {"trap"}),
        ("steken", {"steek"}),
        ("slaan", {"sla"}),
        ("vermoorden", {"vermoord"}),
        ("verzuipen", {"verzuip"}),
    ],
)
def test_verb_stems(lemma: str, stems: set[str]) -> None:
    assert stems <= verb_stems(lemma)


def test_verb_forms_and_past() -> None:
    assert {"vermoord", "vermoordt", "vermoorden", "vermoordde"} <= verb_forms("vermoorden")
    assert {"haat", "haatte", "gehaat"} <= verb_forms("haten")
    assert "stak" in verb_forms("steken", ("stak", "gestoken"))
    assert "vermoordde" in past_forms("vermoorden")
    assert "vermoord" not in past_forms("vermoorden")  # the participle is not a simple past
