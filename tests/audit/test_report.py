"""The report writers on made-up results: hostile text stays text, nothing but ids in summaries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from screening.audit.report import RunInfo, report_csv, report_json, summary, write_reports
from screening.audit.report_html import render_html
from screening.audit.results import (
    ArticleRecord,
    FindingRecord,
    ItemResult,
    MediaRecord,
    Verdict,
)

RUN = RunInfo("r1", "/srv/published", "s", "f", "2026-03-20", "svok@1", 2, 0, 2, 1)
ARTICLE = ArticleRecord("svok", "III.B.8", "III.B.8", "", "Beeldmateriaal van leerlingen ...")


def item(item_id: str, verdict: Verdict, post_url: str | None = None) -> ItemResult:
    finding = FindingRecord(
        "face.no_consent",
        "hold",
        verdict,
        ("III.B.8",),
        "withdrawn by parent",
        None,
        0,
        (1, 2, 3, 4),
        None,
        "P1",
        "<b>Anna</b>",
    )
    return ItemResult(
        item_id=item_id,
        verdict=verdict,
        channel="instagram",
        published_on="2025-10-15",
        post_url=post_url,
        media=(MediaRecord("a.jpg", "ab" * 32, "data:image/jpeg;base64,AAAA"),),
        findings=(finding,) if verdict is not Verdict.OK else (),
        articles=(ARTICLE,),
        policy="svok@1",
        cache_keys=("k",),
    )


HOSTILE = [
    item("<script>alert(1)</script>.jpg", Verdict.TAKE_DOWN, "javascript:alert(1)"),
    item('=HYPERLINK("http://evil")', Verdict.REVIEW, 'https://school.nl/a?x=1&y="2"'),
    item("fine.jpg", Verdict.OK, "https://school.nl/ok"),
]


def test_html_escapes_everything_from_the_source() -> None:
    html = render_html(RUN, HOSTILE)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Anna</b>" not in html and "&lt;b&gt;Anna&lt;/b&gt;" in html
    assert 'href="javascript:' not in html  # only http(s) links are clickable
    assert 'href="https://school.nl/a?x=1&amp;y=&quot;2&quot;"' in html
    assert html.count('<section class="item"') == 2  # the OK item is only in the table
    assert "Beeldmateriaal van leerlingen" in html and "Offline halen" in html
    assert "Take down" in render_html(RUN, HOSTILE, "en")


def test_html_when_nothing_needs_action() -> None:
    html = render_html(RUN, [item("fine.jpg", Verdict.OK)])
    assert "Er is niets dat actie vraagt" in html and '<section class="item"' not in html


def test_csv_cells_never_run_as_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(report_csv(HOSTILE)), delimiter=";"))
    assert rows[1]["item_id"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["verdict"] == "take_down" and rows[0]["person_ids"] == "P1"
    assert rows[2]["finding_kinds"] == "" and rows[2]["articles"] == ""


def test_summary_has_ids_counts_and_verdicts_only(tmp_path: Path) -> None:
    data = summary(RUN, HOSTILE, tmp_path)
    text = json.dumps(data)
    assert data["counts"] == {"ok": 1, "take_down": 1, "violation": 0, "review": 1, "metadata": 0}
    assert [i["verdict"] for i in data["needs_action"]] == ["take_down", "review"]
    assert "Anna" not in text and "withdrawn" not in text and "base64" not in text


def test_written_reports_are_private_and_json_has_no_pictures(tmp_path: Path) -> None:
    paths = write_reports(tmp_path, RUN, HOSTILE, render_html(RUN, HOSTILE))
    assert [p.name for p in paths] == ["report.html", "report.csv", "report.json"]
    assert all(p.stat().st_mode & 0o777 == 0o640 for p in paths)  # owner and group only
    assert paths[1].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    loaded = json.loads(paths[2].read_text(encoding="utf-8"))
    assert loaded == json.loads(json.dumps(report_json(RUN, HOSTILE)))
    assert "AAAA" not in paths[2].read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))
