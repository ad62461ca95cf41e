"""The canonical form: every disguise undone, every token mapped back to its exact text."""

from __future__ import annotations

import pytest

from screening.detectors.language.normalise import canonical_word, normalise

CASES = [
    # (text, canonical forms, tricks of the first token that has any)
    ("k4nk3r", ["kanker"], ("leetspeak",)),
    ("h0er", ["hoer"], ("leetspeak",)),
    ("k*nker", ["k?nker"], ("letter hidden by a sign",)),
    ("k.u.t", ["kut"], ("symbols inside the word",)),
    ("k🤬nker", ["knker"], ("symbols inside the word",)),
    ("kankerrrr", ["kanker"], ("repeated letters",)),
    ("k a n k e r", ["kanker"], ("spaced letters",)),
    ("idioot", ["idiot"], ()),
    ("groep 7", ["groep", "7"], ()),
    ("06-12345678", ["06-12345678"], ()),
    ("5.5", ["5.5"], ()),
    ("zo'n", ["zo'n"], ()),
    ("Sanne!", ["sane"], ()),
]


@pytest.mark.parametrize(("text", "forms", "tricks"), CASES)
def test_canonical_forms(text: str, forms: list[str], tricks: tuple[str, ...]) -> None:
    norm = normalise(text)
    assert [t.form for t in norm.tokens] == forms
    with_tricks = [t.tricks for t in norm.tokens if t.tricks]
    assert (with_tricks[0] if with_tricks else ()) == tricks


@pytest.mark.parametrize(
    "text",
    ["Je bent een k4nk3r-lijer!!", "k a n k e r, k*nker 🤬 'homo' (Sanne) k.u.t", "  x  ", "a b"],
)
def test_token_spans_are_exact(text: str) -> None:
    tokens = normalise(text).tokens
    assert tokens, "the normaliser made no tokens to check"
    for tok in tokens:
        assert text[tok.start : tok.end] == tok.text
        assert tok.text.strip() == tok.text


def test_rendered_span_maps_back_to_original() -> None:
    text = "Ik zeg: je bent een k*nkerlijer, echt."
    norm = normalise(text)
    canon = norm.plain.canon
    cstart = canon.index("je bent")
    cend = canon.index("lijer") + len("lijer")
    start, end = norm.plain.span_of(cstart, cend)
    assert text[start:end] == "je bent een k*nkerlijer"


def test_boundaries_and_quotes() -> None:
    norm = normalise("Zeg nooit 'mongool'. Wat een dag, echt")
    by_form = {t.form: t for t in norm.tokens}
    assert by_form["mongol"].quoted
    assert by_form["mongol"].boundary_after == "."
    assert by_form["wat"].sentence_start
    assert by_form["dag"].boundary_after == ","
    assert norm.plain.canon.endswith("echt . ")


def test_canonical_word_matches_text_form() -> None:
    assert canonical_word("Idiooooot") == "idiot"
    assert canonical_word("kankerlijer") == normalise("KANKERLIJER").tokens[0].form
