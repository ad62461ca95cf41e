"""The decision JSON arranged for the officer's page.

Blocking findings are grouped by kind and cited articles, so five faces without consent read
as one reason with five places rather than five copies of the same article. The post text is
cut into segments so every finding's span can be marked, overlapping spans included.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from api.web.i18n import Translator

#: Longest quote of the post shown beside a finding (the mark in the text shows it whole).
QUOTE_CHARS = 80


@dataclass(frozen=True)
class Segment:
    """A piece of the post text and the findings whose spans cover it."""

    text: str
    finding_ids: tuple[str, ...] = ()
    severity: str | None = None
    #: Findings whose span starts here, with their number (anchors for the reason links).
    starts: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ArticleView:
    """A cited article of the code of conduct, quoted."""

    article_id: str
    label: str
    section: str
    title: str
    text: str
    pack: str

    @property
    def anchor(self) -> str:
        """The id of the article's quote on the page."""
        return "article-" + "".join(c if c.isalnum() else "-" for c in self.article_id)


@dataclass(frozen=True)
class CitedArticle:
    """An article as one reason cites it: quoted in full the first time, referred to after."""

    article: ArticleView
    quoted: bool


@dataclass(frozen=True)
class Place:
    """Where one finding is: a quote from the text or a photo (and who is on it)."""

    finding_id: str
    number: int
    where: str
    in_text: bool
    note: str | None = None


@dataclass
class FindingGroup:
    """Findings of one kind citing the same articles: one reason on the page."""

    kind: str
    label: str
    advice: str
    severity: str
    articles: list[CitedArticle]
    places: list[Place] = field(default_factory=list)


@dataclass(frozen=True)
class FaceLabel:
    """A face on a photo, as the caption names it."""

    name: str
    verdict: str
    severity: str


@dataclass(frozen=True)
class PhotoView:
    """A photo of the post: the annotated picture, its faces and the redacted download."""

    index: int
    number: int
    name: str
    annotated_url: str
    redacted_url: str
    faces: tuple[FaceLabel, ...]


@dataclass(frozen=True)
class ResultView:
    """Everything the result part of the page shows."""

    action: str
    post_id: str
    channel: str
    publish_on: str
    blocking: list[FindingGroup]
    notices: list[FindingGroup]
    segments: list[Segment]
    photos: list[PhotoView]
    redacted_publishable: bool
    policy_title: str
    policy_version: str
    zip_url: str | None


def _number(finding_id: str) -> int:
    digits = "".join(c for c in finding_id if c.isdigit())
    return int(digits) if digits else 0


def segments(text: str, findings: list[dict[str, Any]]) -> list[Segment]:
    """The text cut at every span boundary; each piece knows which findings cover it."""
    spans = [
        (f["span"]["start"], f["span"]["end"], f["id"], f["severity"])
        for f in findings
        if f.get("span") and 0 <= f["span"]["start"] < f["span"]["end"] <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    pieces: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = [(fid, sev) for s, e, fid, sev in spans if s <= start and end <= e]
        severity = None
        if covering:
            severity = "hold" if any(sev == "hold" for _, sev in covering) else "notice"
        pieces.append(
            Segment(
                text[start:end],
                tuple(fid for fid, _ in covering),
                severity,
                tuple((fid, _number(fid)) for s, _, fid, _ in spans if s == start),
            )
        )
    return pieces


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _place(f: dict[str, Any], t: Translator) -> Place:
    note = None
    if f.get("policy_note") == "below_threshold":
        note = t("note_below_threshold")
    elif f.get("policy_note") == "public_contact":
        note = t("note_public_contact")
    if f.get("span"):
        where = t("in_text", text=_quote(f["span"]["text"]))
        return Place(f["id"], _number(f["id"]), where, True, note)
    if f.get("image_index") is not None:
        n = f["image_index"] + 1
        if f["kind"].startswith("face."):
            name = f.get("person_name") or t("unknown_person")
            where = t("in_photo_person", n=n, name=name)
        else:
            where = t("in_photo", n=n)
        return Place(f["id"], _number(f["id"]), where, False, note)
    return Place(f["id"], _number(f["id"]), "", False, note)


def _groups(
    findings: list[dict[str, Any]], articles: dict[str, ArticleView], t: Translator
) -> list[FindingGroup]:
    groups: dict[tuple[str, tuple[str, ...]], FindingGroup] = {}
    quoted: set[str] = set()
    for f in findings:
        cited = tuple(f.get("articles") or ())
        group = groups.get((f["kind"], cited))
        if group is None:
            citations = []
            for a in cited:
                if a in articles:
                    citations.append(CitedArticle(articles[a], a not in quoted))
                    quoted.add(a)
            group = FindingGroup(
                kind=f["kind"],
                label=t.kind(f["kind"]),
                advice=t.advice(f["kind"]),
                severity=f["severity"],
                articles=citations,
            )
            groups[(f["kind"], cited)] = group
        group.places.append(_place(f, t))
    return list(groups.values())


def _faces(findings: list[dict[str, Any]], index: int, t: Translator) -> tuple[FaceLabel, ...]:
    return tuple(
        FaceLabel(f.get("person_name") or t("unknown_person"), t.kind(f["kind"]), f["severity"])
        for f in findings
        if f.get("image_index") == index and f["kind"].startswith("face.")
    )


def result_view(payload: dict[str, Any], text: str, t: Translator) -> ResultView:
    """Arrange a decision payload (with its `images` links) for the page."""
    findings: list[dict[str, Any]] = payload["findings"]
    articles = {
        r["article_id"]: ArticleView(
            r["article_id"], r["label"], r["section"], r["title"], r["text"], r["pack"]
        )
        for r in payload["reasons"]
    }
    images: list[dict[str, Any]] = payload.get("images", [])
    photos = [
        PhotoView(
            index=img["index"],
            number=img["index"] + 1,
            name=img["name"],
            annotated_url=img["annotated_url"],
            redacted_url=img["redacted_url"],
            faces=_faces(findings, img["index"], t),
        )
        for img in images
    ]
    post_id = str(payload["post_id"])
    return ResultView(
        action=payload["action"],
        post_id=post_id,
        channel=payload["channel"],
        publish_on=payload["publish_on"],
        blocking=_groups([f for f in findings if f["severity"] == "hold"], articles, t),
        notices=_groups([f for f in findings if f["severity"] != "hold"], articles, t),
        segments=segments(text, findings),
        photos=photos,
        redacted_publishable=bool(payload.get("redacted_publishable")) and bool(photos),
        policy_title=payload["policy"]["title"],
        policy_version=payload["policy"]["version"],
        zip_url=f"/screenings/{post_id}/redacted.zip" if len(photos) > 1 else None,
    )
