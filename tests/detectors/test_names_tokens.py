"""The name detector's word splitter: what it reads and what it skips."""

from __future__ import annotations

from screening.detectors.names.tokens import words


def _texts(text: str) -> list[str]:
    return [w.text for w in words(text)]


def test_mail_addresses_links_and_handles_are_not_read_for_names() -> None:
    text = "Mail Jan via jan.de.vries@school.nl of @PietBakker, zie www.school.nl/Anna en #Sara."
    assert _texts(text) == ["Mail", "Jan", "via", "of", "zie", "en"]


def test_one_long_token_full_of_at_signs_is_split_in_linear_time() -> None:
    # \S+@\S+\.\S+ backtracked cubically over this token (minutes); it is read once now.
    hostile = "a@" * 20_000 + ". Lotte"
    assert _texts(hostile)[-1] == "Lotte"
