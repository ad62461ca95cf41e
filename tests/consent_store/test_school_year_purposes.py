"""School years (1 August - 31 July) and the channel -> purpose mapping."""

from __future__ import annotations

from datetime import date

import pytest

from consent_store.purposes import Purpose, parse_purpose, purpose_for_channel
from consent_store.school_year import SchoolYear
from kernel.errors import InvalidSchoolYearError, UnknownPurposeError
from kernel.types import Channel


@pytest.mark.parametrize(
    ("day", "start"),
    [("2025-07-31", 2024), ("2025-08-01", 2025), ("2026-01-01", 2025), ("2026-07-31", 2025)],
)
def test_school_year_of(day: str, start: int) -> None:
    assert SchoolYear.of(date.fromisoformat(day)) == SchoolYear(start)


def test_school_year_bounds_and_text() -> None:
    year = SchoolYear.parse("2025-2026")
    assert (year.first_day, year.last_day, str(year)) == (
        date(2025, 8, 1),
        date(2026, 7, 31),
        "2025-2026",
    )
    assert date(2026, 7, 31) in year and date(2026, 8, 1) not in year


@pytest.mark.parametrize("text", ["2025-2027", "2025", "25-26", "2026-2025", "abcd-efgh", ""])
def test_bad_school_years(text: str) -> None:
    with pytest.raises(InvalidSchoolYearError, match=r"JJJJ-JJJJ|YYYY-YYYY"):
        SchoolYear.parse(text)


@pytest.mark.parametrize(
    ("channel", "purpose"),
    [
        (Channel.INSTAGRAM, Purpose.SOCIAL_MEDIA),
        (Channel.FACEBOOK, Purpose.SOCIAL_MEDIA),
        (Channel.LINKEDIN, Purpose.SOCIAL_MEDIA),
        (Channel.X, Purpose.SOCIAL_MEDIA),
        (Channel.TIKTOK, Purpose.SOCIAL_MEDIA),
        (Channel.YOUTUBE, Purpose.SOCIAL_MEDIA),
        (Channel.WEBSITE, Purpose.WEBSITE),
        (Channel.NEWSLETTER, Purpose.NEWSLETTER),
        (Channel.SCHOOL_GUIDE, Purpose.SCHOOL_GUIDE),
        (Channel.WHATSAPP, Purpose.WHATSAPP_LESSONS),
    ],
)
def test_purpose_for_channel(channel: Channel, purpose: Purpose) -> None:
    assert purpose_for_channel(channel) is purpose


def test_every_channel_has_a_purpose() -> None:
    assert all(purpose_for_channel(c) in Purpose for c in Channel)


def test_unknown_purpose_lists_the_valid_ones() -> None:
    assert parse_purpose(" Website ") is Purpose.WEBSITE
    with pytest.raises(UnknownPurposeError, match="biometric_matching"):
        parse_purpose("instagram")
