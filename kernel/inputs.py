"""Input parsing that every way in shares: the command line, the service and its web pages."""

from __future__ import annotations

import re
from datetime import date, datetime

from kernel.errors import InvalidDateError

__all__ = ["parse_date"]

_DUTCH_DATE_RE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def parse_date(value: str) -> date:
    """A date as YYYY-MM-DD or DD-MM-YYYY."""
    text = value.strip()
    try:
        m = _DUTCH_DATE_RE.match(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidDateError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01",
            f"{value!r} is geen datum; schrijf hem als DD-MM-JJJJ, bijv. 01-09-2026",
        ) from None


def shown_date(day: date, lang: str) -> str:
    """A date as a person reads it: DD-MM-JJJJ in Dutch, YYYY-MM-DD in English."""
    return day.strftime("%d-%m-%Y") if lang == "nl" else day.isoformat()
