"""The decision JSON arranged for the officer's page.

Blocking findings are grouped by kind and cited articles, so five faces without consent read
as one reason with five places rather than five copies of the same article. Each reason has a
number, and the marks in the post text carry the number of their reason, so "[2]" in the text
is reason 2 in the list. The post text is cut into segments so every finding's span can be
marked, overlapping spans included.

A reason says exactly what was found: a metadata hold names each field with its value (read
from the officer's own photo by `api.web.photo_metadata`, never logged), and a face without
consent names the person, the purpose, the channel and the school year, with a link to the
person's registry page where the consent is recorded.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from api.web.i18n import Translator
from consent_store.purposes import purpose_for_channel
from consent_store.school_year import SchoolYear
from kernel.types import Channel

#: Longest quote of the post shown beside a finding (the mark in the text shows it whole).
QUOTE_CHARS = 80


@dataclass(frozen=True)
class Segment:
    """A piece of the post text and the findings whose spans cover it."""

    text: str
    finding_ids: tuple[str, ...] = ()
    severity: str | None = None
    #: Findings whose span starts here, with their reason's number (anchors for the links).
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
class Link:
    """A link shown with a finding (e.g. to the person's registry page)."""

    url: str
    text: str


@dataclass(frozen=True)
class Place:
    """Where one finding is: a quote from the text or a photo (and who is on it)."""

    finding_id: str
    number: int
    where: str
    in_text: bool
    note: str | None = None
    #: Exactly what was found or is missing ("Maker: Jan Jansen", "GPS: 52.37, 4.89").
    details: tuple[str, ...] = ()
    link: Link | None = None


@dataclass
class FindingGroup:
    """Findings of one kind citing the same articles: one reason on the page."""

    kind: str
    label: str
    advice: str
    severity: str
    articles: list[CitedArticle]
    places: list[Place] = field(default_factory=list)
    #: The reason's number on the page; the marks in the text carry the same number.
    number: int = 0


@dataclass(frozen=True)
class FaceLabel:
    """A face on a photo, as the caption names it."""

    name: str
    verdict: str
    severity: str
    #: The number of the reason this face belongs to (0: none, e.g. a face with consent).
    number: int = 0


@dataclass(frozen=True)
class PhotoView:
    """A photo of the post: the annotated picture, its faces and the redacted download."""

    index: int
    number: int
    name: str
    annotated_url: str
    redacted_url: str
    faces: tuple[FaceLabel, ...]
    #: What the publishable version changes: blurred faces or text only when there are any.
    publishable_note: str = ""


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
    #: Whether the publishable version of any photo blurs something (a face or text).
    blurs: bool = False
    #: The blocking findings an override ("Toch publiceren") would cover, and where it goes.
    hold_ids: tuple[str, ...] = ()
    override_url: str | None = None


def _number(finding_id: str) -> int:
    digits = "".join(c for c in finding_id if c.isdigit())
    return int(digits) if digits else 0


def segments(
    text: str, findings: list[dict[str, Any]], numbers: Mapping[str, int] | None = None
) -> list[Segment]:
    """The text cut at every span boundary; each piece knows which findings cover it.

    `numbers` gives each finding the number shown beside its mark (its reason's number);
    without it the number in the finding's id is used.
    """

    def number(fid: str) -> int:
        return numbers[fid] if numbers and fid in numbers else _number(fid)

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
                tuple((fid, number(fid)) for s, _, fid, _ in spans if s == start),
            )
        )
    return pieces


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


#: Labels of the photo metadata fields, by the detector's field names.
_META_LABELS: dict[str, str] = {
    "GPS position": "meta_gps",
    "text:gps": "meta_gps",
    "Artist": "meta_maker",
    "XPAuthor": "meta_maker",
    "XMP dc:creator": "meta_maker",
    "text:author": "meta_maker",
    "text:artist": "meta_maker",
    "Copyright": "meta_copyright",
    "XMP dc:rights": "meta_copyright",
    "text:copyright": "meta_copyright",
    "CameraOwnerName": "meta_owner",
    "XMP xmpRights:Owner": "meta_owner",
    "XMP photoshop:City": "meta_place",
    "XMP Iptc4xmpCore:Location": "meta_place",
    "text:location": "meta_place",
    "XMP photoshop:Credit": "meta_credit",
    "XMP Iptc4xmpExt:PersonInImage": "meta_person",
    "XMP mwg-rs:Name": "meta_person",
    "XMP Iptc4xmpCore:CreatorContactInfo": "meta_contact",
}


@dataclass(frozen=True)
class _Context:
    """What the places of a decision need beside the finding itself."""

    t: Translator
    channel: str
    publish_on: str
    metadata: Mapping[int, Mapping[str, str]]
    registry_links: bool


def _metadata_details(f: dict[str, Any], ctx: _Context) -> tuple[str, ...]:
    """One line per metadata field: its label and the value read from the photo."""
    values = ctx.metadata.get(f.get("image_index") or 0, {})
    fields = list((f.get("evidence") or {}).get("context_words") or []) or list(values)
    lines: list[str] = []
    for name in fields:
        key = _META_LABELS.get(name) or _META_LABELS.get(name.lower())  # PNG keys keep case
        label = ctx.t(key) if key else name
        value = values.get(name)
        line = f"{label}: {value}" if value else f"{label} ({ctx.t('meta_no_value')})"
        if line not in lines:
            lines.append(line)
    return tuple(lines)


def _consent_details(f: dict[str, Any], ctx: _Context) -> tuple[tuple[str, ...], Link | None]:
    """Who lacks consent for what: person, purpose, channel and school year, and the link."""
    t = ctx.t
    try:
        channel = Channel(ctx.channel)
        day = date.fromisoformat(ctx.publish_on)
    except ValueError:
        return (), None
    name = f.get("person_name") or t("unknown_person")
    line = t(
        "consent_missing",
        name=name,
        purpose=t.purpose(purpose_for_channel(channel).value),
        channel=t.channel(channel.value),
        year=str(SchoolYear.of(day)),
    )
    link = None
    person_id = f.get("person_id")
    if person_id and ctx.registry_links:
        url = "/registry/people/" + quote(str(person_id), safe="") + "#vastleggen"
        link = Link(url, t("consent_record_link", name=name))
    return (line,), link


def _place(f: dict[str, Any], number: int, ctx: _Context) -> Place:
    t = ctx.t
    note = None
    if f.get("policy_note") == "below_threshold":
        note = t("note_below_threshold")
    elif f.get("policy_note") == "public_contact":
        note = t("note_public_contact")
    if f.get("span"):
        where = t("in_text", text=_quote(f["span"]["text"]))
        return Place(f["id"], number, where, True, note)
    if f.get("image_index") is not None:
        n = f["image_index"] + 1
        details: tuple[str, ...] = ()
        link = None
        if f["kind"].startswith("face."):
            name = f.get("person_name") or t("unknown_person")
            where = t("in_photo_person", n=n, name=name)
            if f["kind"] == "face.no_consent":
                details, link = _consent_details(f, ctx)
        else:
            where = t("in_photo", n=n)
            if f["kind"] == "image.metadata":
                details = _metadata_details(f, ctx)
        return Place(f["id"], number, where, False, note, details, link)
    return Place(f["id"], number, "", False, note)


def _groups(
    findings: list[dict[str, Any]],
    articles: dict[str, ArticleView],
    ctx: _Context,
    first_number: int,
    quoted: set[str],
) -> list[FindingGroup]:
    """Findings grouped by kind and cited articles, numbered from `first_number` on."""
    t = ctx.t
    groups: dict[tuple[str, tuple[str, ...]], FindingGroup] = {}
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
                number=first_number + len(groups),
            )
            groups[(f["kind"], cited)] = group
        group.places.append(_place(f, group.number, ctx))
    return list(groups.values())


def _blurred(findings: list[dict[str, Any]], index: int) -> tuple[int, int]:
    """How many faces and pieces of text the publishable version of one photo blurs.

    Mirrors `screening.images.redaction`: every boxed face but a consented one, and every
    blocking finding in text written in the photo.
    """
    faces = texts = 0
    for f in findings:
        if f.get("image_index") != index or not f.get("box"):
            continue
        if f["kind"].startswith("face."):
            faces += f["kind"] != "face.consented"
        elif not f["kind"].startswith("image.") and f["severity"] == "hold":
            texts += 1
    return faces, texts


def _publishable_note(faces: int, texts: int, t: Translator) -> str:
    parts = []
    if faces:
        parts.append(t("publishable_faces_blurred", n=faces))
    if texts:
        parts.append(t("publishable_text_blurred", n=texts))
    parts.append(t("publishable_metadata_removed"))
    return t("publishable_note", changes="; ".join(parts))


def _faces(
    findings: list[dict[str, Any]], index: int, numbers: Mapping[str, int], t: Translator
) -> tuple[FaceLabel, ...]:
    return tuple(
        FaceLabel(
            f.get("person_name") or t("unknown_person"),
            t.kind(f["kind"]),
            f["severity"],
            numbers.get(f["id"], 0) if f["severity"] == "hold" else 0,
        )
        for f in findings
        if f.get("image_index") == index and f["kind"].startswith("face.")
    )


def result_view(
    payload: dict[str, Any],
    text: str,
    t: Translator,
    *,
    metadata: Mapping[int, Mapping[str, str]] | None = None,
    registry_links: bool = False,
) -> ResultView:
    """Arrange a decision payload (with its `images` links) for the page.

    `metadata` holds the values of each photo's metadata fields (by image index), read from
    the request's photos; `registry_links` adds links to the registry's person pages (for a
    user who may open them).
    """
    findings: list[dict[str, Any]] = payload["findings"]
    articles = {
        r["article_id"]: ArticleView(
            r["article_id"], r["label"], r["section"], r["title"], r["text"], r["pack"]
        )
        for r in payload["reasons"]
    }
    ctx = _Context(t, payload["channel"], payload["publish_on"], metadata or {}, registry_links)
    quoted: set[str] = set()
    holds = [f for f in findings if f["severity"] == "hold"]
    blocking = _groups(holds, articles, ctx, 1, quoted)
    notices = _groups(
        [f for f in findings if f["severity"] != "hold"], articles, ctx, len(blocking) + 1, quoted
    )
    numbers = {p.finding_id: g.number for g in blocking + notices for p in g.places}
    images: list[dict[str, Any]] = payload.get("images", [])
    photos = []
    blurs = False
    for img in images:
        faces, texts = _blurred(findings, img["index"])
        blurs = blurs or bool(faces or texts)
        photos.append(
            PhotoView(
                index=img["index"],
                number=img["index"] + 1,
                name=img["name"],
                annotated_url=img["annotated_url"],
                redacted_url=img["redacted_url"],
                faces=_faces(findings, img["index"], numbers, t),
                publishable_note=_publishable_note(faces, texts, t),
            )
        )
    post_id = str(payload["post_id"])
    hold_ids = tuple(f["id"] for f in holds)
    return ResultView(
        action=payload["action"],
        post_id=post_id,
        channel=payload["channel"],
        publish_on=payload["publish_on"],
        blocking=blocking,
        notices=notices,
        segments=segments(text, findings, numbers),
        photos=photos,
        redacted_publishable=bool(payload.get("redacted_publishable")) and bool(photos),
        policy_title=payload["policy"]["title"],
        policy_version=payload["policy"]["version"],
        zip_url=f"/screenings/{post_id}/redacted.zip" if len(photos) > 1 else None,
        blurs=blurs,
        hold_ids=hold_ids,
        override_url=f"/screenings/{quote(post_id, safe='')}/override" if hold_ids else None,
    )
