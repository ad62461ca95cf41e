"""The audit's reports: report.json and report.csv for other systems, and the summary.

The HTML page for people is made by `screening.audit.report_html`. Every report file is
written to a temporary file first and then moved into place, with mode 0640: readable by
the owner and the owner's group (the privacy officer's group; give the report folder that
group with the setgid bit, see docs/audit.md), never by others, because the reports name
pupils and show their faces.
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

from screening.audit.followup import Comparison
from screening.audit.results import ACTION_NEEDED, ItemResult, Verdict

REPORT_SCHEMA = "school-post-screening/audit/2"
SUMMARY_SCHEMA = "school-post-screening/audit-summary/2"
#: Owner reads and writes, the group reads, others nothing.
REPORT_MODE = 0o640
#: The report folder's subfolder for replacement photos.
REPLACEMENT_DIR = "vervangende-fotos"
#: The link beside the dated report folders that points at the newest one.
LATEST_LINK = "latest"
#: Characters a spreadsheet reads as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Warning:
    """Something about the run itself the officer must see (not about one item)."""

    name: str
    code: str
    message_nl: str
    message_en: str

    def message(self, lang: str) -> str:
        """The message in the requested language."""
        return self.message_nl if lang == "nl" else self.message_en


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
    #: Where the consent registry is (a path, or a URL with the password hidden).
    registry: str = ""
    warnings: tuple[Warning, ...] = ()


def counts(results: Sequence[ItemResult]) -> dict[str, int]:
    """How many items got each verdict (every verdict listed, also with 0)."""
    found = Counter(r.verdict.value for r in results)
    return {v.value: found.get(v.value, 0) for v in Verdict}


def action_needed(results: Sequence[ItemResult], comparison: Comparison | None = None) -> bool:
    """Whether any item needs someone to act and is not marked handled."""
    if comparison is not None:
        return any(comparison.is_open(r) for r in results)
    return any(r.verdict in ACTION_NEEDED for r in results)


def status(run: RunInfo, results: Sequence[ItemResult], comparison: Comparison) -> str:
    """'warning' (the run itself is suspect), 'action_needed' or 'ok'."""
    if run.warnings:
        return "warning"
    return "action_needed" if action_needed(results, comparison) else "ok"


def summary(
    run: RunInfo,
    results: Sequence[ItemResult],
    out_dir: Path,
    comparison: Comparison | None = None,
) -> dict[str, Any]:
    """Numbers, counts and verdicts only: what notifications carry (no ids that could name
    a pupil, no captions, no faces)."""
    comparison = comparison or Comparison(None)
    open_items = [r for r in results if comparison.is_open(r)]
    return {
        "schema": SUMMARY_SCHEMA,
        "status": status(run, results, comparison),
        "run_id": run.run_id,
        "finished_at": run.finished_at,
        "today": run.today,
        "registry": run.registry,
        "policy": run.policy,
        "items": len(results),
        "counts": counts(results),
        "action_needed": bool(open_items),
        "warnings": [
            {"code": w.code, "name": w.name, "nl": w.message_nl, "en": w.message_en}
            for w in run.warnings
        ],
        "previous_audit": comparison.previous,
        "new_since_last_audit": [
            {
                "id": r.ref,
                "verdict": r.verdict.value,
                "before": comparison.before.get(r.ref),
            }
            for r in _most_serious_first(open_items)
            if comparison.is_new(r)
        ],
        "needs_action": [
            {"id": r.ref, "verdict": r.verdict.value, "new": comparison.is_new(r)}
            for r in _most_serious_first(open_items)
        ],
        "resolved": [{"id": s.ref, "before": s.verdict} for s in comparison.resolved],
        "handled": len(comparison.handled),
        "redetected": run.redetected,
        "reports": {
            "html": str(out_dir / "report.html"),
            "csv": str(out_dir / "report.csv"),
            "json": str(out_dir / "report.json"),
        },
    }


def _most_serious_first(results: Sequence[ItemResult]) -> list[ItemResult]:
    from screening.audit.results import SEVERITY_ORDER

    order = {v: n for n, v in enumerate(SEVERITY_ORDER)}
    return sorted(results, key=lambda r: order[r.verdict])


def report_json(
    run: RunInfo, results: Sequence[ItemResult], comparison: Comparison | None = None
) -> dict[str, Any]:
    """The whole audit as JSON (thumbnails and cache keys left out)."""
    comparison = comparison or Comparison(None)
    items = []
    for r in results:
        item = r.to_dict()
        item.pop("cache_keys")
        for media in item["media"]:
            media.pop("thumbnail")
        mark = comparison.handled.get(r.ref)
        item["new_since_last_audit"] = comparison.is_new(r)
        item["handled"] = (
            None
            if mark is None
            else {
                "how": mark.handled,
                "by": mark.by,
                "at": mark.at,
                "note": mark.note,
            }
        )
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
            "registry": run.registry,
            "workers": run.workers,
            "resumed": run.resumed,
            "screened": run.screened,
            "redetected": run.redetected,
        },
        "status": status(run, results, comparison),
        "warnings": [
            {"code": w.code, "name": w.name, "nl": w.message_nl, "en": w.message_en}
            for w in run.warnings
        ],
        "previous_audit": comparison.previous,
        "resolved": [
            {"id": s.ref, "item_id": s.item_id, "before": s.verdict} for s in comparison.resolved
        ],
        "counts": counts(results),
        "action_needed": action_needed(results, comparison),
        "items": items,
    }


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


CSV_COLUMNS = (
    "nummer",
    "item_id",
    "verdict",
    "oordeel",
    "nieuw",
    "afgehandeld",
    "action_nl",
    "channel",
    "published_on",
    "datum_in_toekomst",
    "post_url",
    "media",
    "replacement",
    "finding_kinds",
    "articles",
    "person_ids",
    "ingetrokken_door",
    "ingetrokken_op",
    "redetected",
)


def _advice(r: ItemResult) -> str:
    """The distinct things to do for an item, in the order of its findings."""
    seen = dict.fromkeys(f.advice_nl for f in r.blocking if f.advice_nl)
    return " | ".join(seen)


def report_csv(results: Sequence[ItemResult], comparison: Comparison | None = None) -> str:
    """One row per item, as Dutch Excel opens it by double-click: ';' between cells (a
    comma is the decimal sign there) and, when written, UTF-8 with a byte-order mark."""
    from screening.audit.texts import verdict_label

    comparison = comparison or Comparison(None)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        blocking = r.blocking
        mark = comparison.handled.get(r.ref)
        decided = [f for f in blocking if f.decided_by]
        writer.writerow(
            [
                r.ref,
                _cell(r.item_id),
                r.verdict.value,
                verdict_label(r.verdict, "nl"),
                "ja" if comparison.is_new(r) else "nee",
                mark.label("nl") if mark else "",
                _cell(_advice(r)),
                r.channel,
                r.published_on or "",
                "ja" if r.future_date else "nee",
                _cell(r.post_url or ""),
                _cell(", ".join(m.ref for m in r.media)),
                _cell(", ".join(m.replacement for m in r.media if m.replacement)),
                ", ".join(sorted({f.kind for f in blocking})),
                ", ".join(sorted({a for f in blocking for a in f.articles})),
                _cell(", ".join(sorted({f.person_id for f in blocking if f.person_id}))),
                ", ".join(dict.fromkeys(f.decided_by or "" for f in decided)),
                ", ".join(dict.fromkeys(f.decided_on or "" for f in decided)),
                str(r.redetected),
            ]
        )
    return out.getvalue()


def write_private(
    path: Path, text: str | bytes, encoding: str = "utf-8", mode: int = REPORT_MODE
) -> None:
    """Write `text` to `path` atomically with `mode` (not readable by others)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # the umask must not take the group's read right away
        data = text.encode(encoding) if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_reports(
    out_dir: Path,
    run: RunInfo,
    results: Sequence[ItemResult],
    html: str,
    comparison: Comparison | None = None,
) -> list[Path]:
    """Write report.html, report.csv and report.json into `out_dir`; their paths."""
    paths = [out_dir / "report.html", out_dir / "report.csv", out_dir / "report.json"]
    write_private(paths[0], html)
    write_private(paths[1], report_csv(results, comparison), encoding="utf-8-sig")
    write_private(
        paths[2],
        json.dumps(report_json(run, results, comparison), ensure_ascii=False, indent=2) + "\n",
    )
    return paths


def update_latest(base: Path, dated: Path) -> Path:
    """Point `base/latest` at the dated report folder (a relative link, replaced atomically)."""
    link = base / LATEST_LINK
    tmp = base / f".{LATEST_LINK}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(os.path.relpath(dated, base))
    tmp.replace(link)
    return link
