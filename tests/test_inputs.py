"""Dates as a person writes and reads them: DD-MM-JJJJ in Dutch, ISO accepted and shown in
English (issue 16, point 5)."""

from __future__ import annotations

from datetime import date

import pytest

from kernel.errors import InvalidDateError
from kernel.inputs import parse_date, shown_date


@pytest.mark.parametrize("text", ["07-12-2026", "7-12-2026", "2026-12-07", " 07-12-2026 "])
def test_a_date_is_read_in_dutch_and_iso_order(text: str) -> None:
    assert parse_date(text) == date(2026, 12, 7)


def test_a_bad_date_is_explained_in_the_dutch_order() -> None:
    with pytest.raises(InvalidDateError) as caught:
        parse_date("31-02-2026")
    assert "DD-MM-JJJJ" in caught.value.message_nl


def test_a_date_is_shown_as_dd_mm_jjjj_in_dutch_and_iso_in_english() -> None:
    assert shown_date(date(2026, 9, 1), "nl") == "01-09-2026"
    assert shown_date(date(2026, 9, 1), "en") == "2026-09-01"
