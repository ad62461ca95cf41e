"""Publication dates as sources write them, and the end of a publication day.

A day is a day in the Netherlands (Europe/Amsterdam): a post that went out at 00:30 on
16 October local time was published on the 16th, even though it was still the 15th in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def school_zone() -> tzinfo:
    """Europe/Amsterdam, or UTC where the system has no time-zone data."""
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:
        return UTC


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_published(text: str) -> date | None:
    """A date from YYYY-MM-DD, DD-MM-YYYY, an ISO timestamp or an RFC 822 date; else None."""
    value = text.strip()
    if not value:
        return None
    m = _DMY.match(value)
    try:
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(school_zone()).date()


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in the Netherlands, as an aware timestamp."""
    start_next = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=school_zone())
    return start_next - timedelta(microseconds=1)


_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def day_nl(day: date) -> str:
    """A date as a Dutch reader writes it: '6 december 2026'."""
    return f"{day.day} {_MONTHS_NL[day.month - 1]} {day.year}"


def day_en(day: date) -> str:
    """A date as an English reader writes it: '6 December 2026'."""
    return f"{day.day} {day:%B} {day.year}"


def local_day(moment: datetime) -> date:
    """The day in the Netherlands of a timestamp (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(school_zone()).date()


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def shown_day(text: str, lang: str) -> str:
    """An ISO day (YYYY-MM-DD) as the reader writes it: dd-mm-jjjj in Dutch, as it is in
    English (issue 16 point 5); any other text unchanged. Reports' JSON keeps ISO."""
    m = _ISO_DAY.match(text)
    if lang != "nl" or m is None:
        return text
    return f"{m[3]}-{m[2]}-{m[1]}"
