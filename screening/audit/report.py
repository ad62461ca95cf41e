"""The audit's reports: report.json and report.csv for other systems, and the summary.

The HTML page for people is made by `screening.audit.report_html`. Every report file is
written to a temporary file first and then moved into place, with mode 0600: the reports
name pupils and show their faces.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.audit.results import ACTION_NEEDED, ItemResult, Verdict
from screening.audit.texts import what_to_do

REPORT_SCHEMA = "school-post-screening/audit/1"
SUMMARY_SCHEMA = "school-post-screening/audit-summary/1"
#: Characters a spreadsheet reads as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Facts about one audit run, for the reports and the summary."""

    run_id: str
    source: str
    started_at: str
    finished_at: str
    today: str
    policy: str
    workers: int
    #: Items taken over from an interrupted attempt of the same run.
    resumed: int
    #: Items screened in this attempt.
    screened: int
    #: Photos whose faces were detected anew in this attempt (0 when all came from cache).
    redetected: int


def counts(results: Sequence[ItemResult]) -> dict[str, int]:
    """How many items got each verdict (every verdict listed, also with 0)."""
    found = Counter(r.verdict.value for r in results)
    return {v.value: found.get(v.value, 0) for v in Verdict}


def action_needed(results: Sequence[ItemResult]) -> bool:
    """Whether any item needs someone to act (take down, violation or review)."""
    return any(r.verdict in ACTION_NEEDED for r in results)


def summary(run: RunInfo, results: Sequence[ItemResult], out_dir: Path) -> dict[str, Any]:
    """Ids, counts and verdicts only: what notifications carry (no captions, no faces)."""
    return {
        "schema": SUMMARY_SCHEMA,
        "run_id": run.run_id,
        "finished_at": run.finished_at,
        "today": run.today,
        "items": len(results),
        "counts": counts(results),
        "action_needed": action_needed(results),
        "needs_action": [
            {"id": r.item_id, "verdict": r.verdict.value}
            for r in results
            if r.verdict in ACTION_NEEDED
        ],
        "redetected": run.redetected,
        "reports": {
            "html": str(out_dir / "report.html"),
            "csv": str(out_dir / "report.csv"),
            "json": str(out_dir / "report.json"),
        },
    }


def report_json(run: RunInfo, results: Sequence[ItemResult]) -> dict[str, Any]:
    """The whole audit as JSON (thumbnails and cache keys left out)."""
    items = []
    for r in results:
        item = r.to_dict()
        item.pop("cache_keys")
        for media in item["media"]:
            media.pop("thumbnail")
        items.append(item)
    return {
        "schema": REPORT_SCHEMA,
        "run": {
            "run_id": run.run_id,
            "source": run.source,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "today": run.today,
            "policy": run.policy,
            "workers": run.workers,
            "resumed": run.resumed,
            "screened": run.screened,
            "redetected": run.redetected,
        },
        "counts": counts(results),
        "action_needed": action_needed(results),
        "items": items,
    }


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


CSV_COLUMNS = (
    "item_id",
    "verdict",
    "action_nl",
    "channel",
    "published_on",
    "post_url",
    "media",
    "finding_kinds",
    "articles",
    "person_ids",
    "redetected",
)


def report_csv(results: Sequence[ItemResult]) -> str:
    """One row per item (UTF-8 with BOM when written, so Excel reads it right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in results:
        blocking = r.blocking
        writer.writerow(
            [
                _cell(r.item_id),
                r.verdict.value,
                what_to_do(r.verdict, "nl"),
                r.channel,
                r.published_on or "",
                _cell(r.post_url or ""),
                _cell(";".join(m.ref for m in r.media)),
                ";".join(sorted({f.kind for f in blocking})),
                ";".join(sorted({a for f in blocking for a in f.articles})),
                _cell(";".join(sorted({f.person_id for f in blocking if f.person_id}))),
                str(r.redetected),
            ]
        )
    return out.getvalue()


def write_private(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` atomically, readable by the owner only."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_reports(
    out_dir: Path, run: RunInfo, results: Sequence[ItemResult], html: str
) -> list[Path]:
    """Write report.html, report.csv and report.json into `out_dir`; their paths."""
    paths = [out_dir / "report.html", out_dir / "report.csv", out_dir / "report.json"]
    write_private(paths[0], html)
    write_private(paths[1], report_csv(results), encoding="utf-8-sig")
    write_private(
        paths[2], json.dumps(report_json(run, results), ensure_ascii=False, indent=2) + "\n"
    )
    return paths
