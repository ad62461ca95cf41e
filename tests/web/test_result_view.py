"""Arranging a decision for the page: text marks (overlaps too), grouped reasons, photos."""

from __future__ import annotations

from typing import Any

import pytest

from api.web.i18n import Translator
from api.web.result_view import result_view, segments


def finding(fid: str, start: int, end: int, text: str, severity: str = "hold") -> dict[str, Any]:
    return {
        "id": fid,
        "severity": severity,
        "span": {"start": start, "end": end, "text": text[start:end]},
    }


TEXT = "Bel Jan op 06-12345678 nu"

# (findings as (id, start, end, severity), expected pieces as (text, ids, severity))
CASES: list[tuple[list[tuple[str, int, int, str]], list[tuple[str, tuple[str, ...], Any]]]] = [
    ([], [(TEXT, (), None)]),
    (
        [("f1", 11, 22, "hold")],
        [("Bel Jan op ", (), None), ("06-12345678", ("f1",), "hold"), (" nu", (), None)],
    ),
    (
        # A notice and a hold on overlapping text: the overlap is marked as hold.
        [("f1", 4, 10, "notice"), ("f2", 8, 22, "hold")],
        [
            ("Bel ", (), None),
            ("Jan ", ("f1",), "notice"),
            ("op", ("f1", "f2"), "hold"),
            (" 06-12345678", ("f2",), "hold"),
            (" nu", (), None),
        ],
    ),
    (
        # A span over the whole text, and one that would run past its end (ignored).
        [("f1", 0, len(TEXT), "notice"), ("f2", 20, 99, "hold")],
        [(TEXT, ("f1",), "notice")],
    ),
]


@pytest.mark.parametrize(("spans", "expected"), CASES)
def test_segments(
    spans: list[tuple[str, int, int, str]], expected: list[tuple[str, tuple[str, ...], Any]]
) -> None:
    found = segments(TEXT, [finding(fid, s, e, TEXT, sev) for fid, s, e, sev in spans])
    assert [(p.text, p.finding_ids, p.severity) for p in found] == expected
    assert "".join(p.text for p in found) == TEXT


def test_reasons_grouped_and_articles_quoted_once() -> None:
    def f(fid: str, kind: str, articles: list[str], **extra: Any) -> dict[str, Any]:
        base = {"id": fid, "kind": kind, "severity": "hold", "articles": articles, "span": None}
        base.update({"image_index": None, "person_name": None, "policy_note": None})
        base.update(extra)
        return base

    reason = {
        "label": "III.B.8",
        "section": "III",
        "title": "",
        "text": "Beeldmateriaal",
        "pack": "svok",
    }
    payload = {
        "post_id": "abc",
        "action": "hold",
        "channel": "instagram",
        "publish_on": "2026-03-02",
        "findings": [
            f("f1", "face.no_consent", ["III.B.8"], image_index=0, person_name="Zoë"),
            f("f2", "face.unknown", ["III.B.8"], image_index=0),
            f("f3", "face.no_consent", ["III.B.8"], image_index=1, person_name="Daan"),
            f("f4", "face.consented", [], image_index=1, person_name="Els", severity="notice"),
        ],
        "reasons": [{"article_id": "III.B.8", **reason}],
        "redacted_publishable": True,
        "policy": {"title": "SVOK", "version": "1"},
        "images": [
            {"index": i, "name": n, "annotated_url": f"/a/{i}", "redacted_url": f"/r/{i}"}
            for i, n in enumerate(["a.jpg", "b.png"])
        ],
    }
    view = result_view(payload, "", Translator("nl"))
    assert [(g.kind, [p.where for p in g.places]) for g in view.blocking] == [
        ("face.no_consent", ["Foto 1: Zoë", "Foto 2: Daan"]),
        ("face.unknown", ["Foto 1: onbekend"]),
    ]
    assert [c.quoted for g in view.blocking for c in g.articles] == [True, False]
    assert [g.kind for g in view.notices] == ["face.consented"]
    assert [[f.name for f in p.faces] for p in view.photos] == [
        ["Zoë", "onbekend"],
        ["Daan", "Els"],
    ]
    assert [p.redacted_url for p in view.photos] == ["/r/0", "/r/1"]
    assert view.zip_url == "/screenings/abc/redacted.zip"
    assert view.redacted_publishable
