"""The history of checks and overrides, as the officer's page and the board's CSV show it.

Built from the two records the API already keeps: the decision log (when, which key, channel,
verdict, finding kinds; never the text or the photos) and the override store (who published
a held post anyway, and why). So the history keeps no draft text at all: what a draft said
lives only in the officer's browser, and its photos only as long as `retention_days` and
`output_minutes` allow (api.outputs).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from api.decision_log import LoggedDecision
from api.override_store import Override
from api.web.i18n import Translator
from kernel.errors import InvalidDateError
from kernel.inputs import parse_date

#: Rows the page shows; the CSV export holds up to EXPORT_LIMIT.
PAGE_LIMIT = 200
EXPORT_LIMIT = 10_000
#: Verdicts a row can have: the decision's action, or "override" when every blocking
#: finding was overridden (published anyway).
VERDICTS = ("publish", "hold", "override")
#: Characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class HistoryFilter:
    """What the officer asked to see; `errors` names the fields that could not be read."""

    since: date | None = None
    until: date | None = None
    verdict: str | None = None
    kind: str | None = None
    key_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> dict[str, str]:
        """The filter as query parameters (to link the CSV export to the same rows)."""
        values = {
            "van": self.since.isoformat() if self.since else "",
            "tot": self.until.isoformat() if self.until else "",
            "uitslag": self.verdict or "",
            "bevinding": self.kind or "",
            "door": self.key_id or "",
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class HistoryRow:
    """One check, with the overrides of its findings."""

    post_id: str
    when: datetime
    who: str
    channel: str
    verdict: str
    #: Blocking finding kinds with how often each was found, in order of first appearance.
    kinds: tuple[tuple[str, int], ...]
    overrides: tuple[Override, ...]


def _day(value: str | None, name: str, t: Translator, errors: dict[str, str]) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return parse_date(value)
    except InvalidDateError:
        errors[name] = t("history_bad_date", example=t.date(date.today()))
        return None


def read_filter(
    params: Mapping[str, str], t: Translator, kinds: Iterable[str], key_ids: Iterable[str]
) -> HistoryFilter:
    """The filter from the query string; an unreadable field is named and ignored."""
    errors: dict[str, str] = {}
    since = _day(params.get("van"), "van", t, errors)
    until = _day(params.get("tot"), "tot", t, errors)
    if since and until and until < since:
        errors["tot"] = t("history_bad_range")
        until = None
    verdict = params.get("uitslag") or None
    if verdict not in (None, *VERDICTS):
        verdict = None
    kind = params.get("bevinding") or None
    if kind not in (None, *kinds):
        kind = None
    key_id = params.get("door") or None
    if key_id not in (None, *key_ids):
        key_id = None
    return HistoryFilter(since, until, verdict, kind, key_id, errors)


def local_midnight(day: date) -> datetime:
    """The start of `day` in the server's time zone, as an aware UTC time."""
    return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)


def bounds(f: HistoryFilter) -> tuple[datetime | None, datetime | None]:
    """The time range [since, until) of the filter's days (both inclusive on the page)."""
    since = local_midnight(f.since) if f.since else None
    until = local_midnight(f.until + timedelta(days=1)) if f.until else None
    return since, until


def _verdict(decision: LoggedDecision, overrides: Sequence[Override]) -> str:
    if decision.action != "hold":
        return decision.action
    done = {i for o in overrides for i in o.finding_ids}
    return "override" if decision.hold_ids and decision.hold_ids <= done else "hold"


def history_rows(
    decisions: Iterable[LoggedDecision],
    overrides: Iterable[Override],
    key_names: Mapping[str, str],
    f: HistoryFilter,
) -> list[HistoryRow]:
    """The checks as rows, newest first, with their overrides, filtered by verdict and kind."""
    by_post: dict[str, list[Override]] = {}
    for o in sorted(overrides, key=lambda o: o.created_at):
        by_post.setdefault(o.post_id, []).append(o)
    rows = []
    for d in decisions:
        if f.key_id and d.key_id != f.key_id:
            continue
        done = by_post.get(d.post_id, [])
        verdict = _verdict(d, done)
        if f.verdict and verdict != f.verdict:
            continue
        counts = Counter(x.kind for x in d.findings if x.severity == "hold")
        if f.kind and f.kind not in counts:
            continue
        rows.append(
            HistoryRow(
                post_id=d.post_id,
                when=d.created_at,
                who=key_names.get(d.key_id, d.key_id),
                channel=d.channel,
                verdict=verdict,
                kinds=tuple(counts.items()),
                overrides=tuple(done),
            )
        )
    rows.sort(key=lambda r: r.when, reverse=True)
    return rows


def kinds_text(row: HistoryRow, t: Translator) -> str:
    """The row's blocking findings in words: "Telefoonnummer, Gezicht zonder toestemming (2)"."""
    return ", ".join(t.kind(k) + (f" ({n})" if n > 1 else "") for k, n in row.kinds)


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _local(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo else moment


def history_csv(rows: Iterable[HistoryRow], t: Translator) -> bytes:
    """The rows as a CSV file that Dutch Excel opens as it is: ';' between fields, UTF-8 BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [
            t("csv_date"),
            t("csv_time"),
            t("csv_who"),
            t("csv_channel"),
            t("csv_verdict"),
            t("csv_findings"),
            t("csv_override_when"),
            t("csv_override_who"),
            t("csv_override_reason"),
            t("csv_post_id"),
        ]
    )
    for r in rows:
        when = _local(r.when)
        last = r.overrides[-1] if r.overrides else None
        writer.writerow(
            _cell(v)
            for v in (
                t.date(when.date()),
                when.strftime("%H:%M"),
                r.who,
                t.channel(r.channel),
                t("verdict_row_" + r.verdict),
                kinds_text(r, t),
                t.date(last.created_at) if last else "",
                "; ".join(o.recorded_by for o in r.overrides),
                " | ".join(o.reason for o in r.overrides),
                r.post_id,
            )
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
