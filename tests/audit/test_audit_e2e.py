"""The acceptance scenario: publish, withdraw, audit; and the reports the audit writes.

The registry is built through its API (pupil P1 enrolled with the astronaut's face, consent
as on the publication day); the published items are a folder with JSON sidecars.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from consent_store.purposes import Purpose
from consent_store.records import GivenBy
from consent_store.repository import open_registry
from consent_store.school_year import SchoolYear
from screening.audit.dates import day_nl, local_day
from screening.audit.errors import AuditSettingError
from screening.audit.progress import JsonLinesProgress
from screening.audit.results import Verdict
from screening.audit.runner import AuditOptions, AuditOutcome, run_audit
from screening.audit.sources import SourceDefaults
from screening.faces.models import FaceModels
from tests.audit.http_server import Route, redirect, serve
from tests.audit.library import (
    PUPIL,
    PublishedState,
    build_late_entry_state,
    picture_bytes,
    registry_clock,
    withdraw_social_media,
    write_item,
)

BEFORE = {
    "instagram/anna.jpg": Verdict.OK,
    "website/anna.jpg": Verdict.OK,
    "nieuwsbrief/anna.jpg": Verdict.VIOLATION,  # never had newsletter consent
    "instagram/koffie.jpg": Verdict.OK,
    "instagram/telefoon.jpg": Verdict.VIOLATION,  # a phone number was never allowed
    "instagram/kapot.jpg": Verdict.REVIEW,
    "instagram/onbekend.jpg": Verdict.REVIEW,
}
#: After the parent withdrew social-media consent: only the Instagram photo of P1 changes.
AFTER = {**BEFORE, "instagram/anna.jpg": Verdict.TAKE_DOWN}


def audit(
    state: PublishedState,
    out: Path,
    log: io.StringIO | None = None,
    *,
    source: str | Path | None = None,
    workers: int = 1,
    defaults: SourceDefaults | None = None,
    allowed_hosts: Sequence[str] = (),
) -> AuditOutcome:
    """Run the audit in this process (one worker unless asked), logging JSON lines to `log`;
    `allowed_hosts` is the audit's allow-list for what a fetched document refers to."""
    return run_audit(
        AuditOptions(
            source=str(source or state.folder),
            out_dir=out,
            state_dir=state.settings.data_dir / "audit-state",
            workers=workers,
            defaults=defaults or SourceDefaults(),
        ),
        state.settings.model_copy(update={"audit_allowed_hosts": list(allowed_hosts)}),
        JsonLinesProgress(log or io.StringIO()),
    )


def verdicts(outcome: AuditOutcome) -> dict[str, Verdict]:
    return {r.item_id: r.verdict for r in outcome.results}


def test_withdrawal_makes_exactly_the_affected_item_take_down(
    published: PublishedState, tmp_path: Path
) -> None:
    first = audit(published, tmp_path / "night-1")
    assert verdicts(first) == BEFORE
    assert first.run.redetected == 3  # astronaut, coffee, stranger; the rest share bytes

    withdraw_social_media(published.settings)
    log = io.StringIO()
    second = audit(published, tmp_path / "night-2", log)
    assert verdicts(second) == AFTER
    assert second.run.redetected == 0  # only consent changed: every face from the cache
    assert all(r.redetected == 0 for r in second.results)

    by_id = {r.item_id: r for r in second.results}
    [taken] = by_id["instagram/anna.jpg"].blocking
    assert (taken.kind, taken.verdict, taken.person_id) == (
        "face.no_consent",
        Verdict.TAKE_DOWN,
        PUPIL,
    )
    assert taken.articles == ("III.B.8",)
    assert "withdrawn by the parent" in taken.explanation
    assert [f.kind for f in by_id["instagram/kapot.jpg"].blocking] == ["image.unreadable"]
    assert [f.kind for f in by_id["instagram/onbekend.jpg"].blocking] == ["face.unknown"]
    [never] = by_id["nieuwsbrief/anna.jpg"].blocking
    assert (never.kind, never.verdict) == ("face.no_consent", Verdict.VIOLATION)
    [phone] = by_id["instagram/telefoon.jpg"].blocking
    assert (phone.kind, phone.span_text, phone.articles) == (
        "pii.phone",
        "06-12345678",
        ("III.A.3", "III.B.5"),
    )
    assert second.action_needed

    # Logs for cron: ids and verdict kinds, never caption text or names.
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    items = [line for line in lines if line["event"] == "audit.item"]
    # Items are numbered (issue 20): a file name such as anna.jpg may name a pupil.
    refs = {r.item_id: r.ref for r in second.results}
    assert {i["item"]: i["verdict"] for i in items} == {refs[k]: v.value for k, v in AFTER.items()}
    for secret in ("Sportdag", "06-12345678", "Anna Jansen", "gastspreker", "anna.jpg"):
        assert secret not in log.getvalue()


def test_the_reports(published: PublishedState, tmp_path: Path) -> None:
    withdraw_social_media(published.settings)
    out = tmp_path / "out"
    outcome = audit(published, out)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('<section class="item"') == 5  # the items that need action
    assert html.count('src="data:image/jpeg;base64,') == 4  # all but the unreadable photo
    assert "Offline halen" in html and "Anna Jansen" in html
    assert "Beeldmateriaal van leerlingen (herkenbaar in beeld)" in html  # III.B.8 quoted
    assert "http://" not in html.replace("http-equiv", "")  # nothing loaded from elsewhere

    raw = (out / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM makes Dutch Excel read UTF-8
    assert raw.split(b"\r\n")[0].decode("utf-8-sig").startswith("nummer;item_id;verdict;")
    with (out / "report.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {row["item_id"]: row for row in csv.DictReader(fh, delimiter=";")}
    assert {k: r["verdict"] for k, r in rows.items()} == {k: v.value for k, v in AFTER.items()}
    assert rows["instagram/anna.jpg"]["articles"] == "III.B.8"
    assert rows["instagram/anna.jpg"]["person_ids"] == PUPIL

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"ok": 2, "take_down": 1, "violation": 2, "review": 2, "metadata": 0}
    assert report["action_needed"] is True and len(report["items"]) == 7
    assert "thumbnail" not in json.dumps(report) and "cache_keys" not in json.dumps(report)
    for path in outcome.reports:  # the officer's group reads, others do not (issue 20)
        assert path.stat().st_mode & 0o777 == 0o640


def test_consent_entered_after_publication_is_not_a_violation(
    published: PublishedState, tmp_path: Path
) -> None:
    # The newsletter form was signed before publication but entered in the registry today.
    with open_registry(published.settings) as registry:
        registry.grant(
            PUPIL,
            Purpose.NEWSLETTER,
            SchoolYear.of(published.published),
            GivenBy.PARENT,
            "formulier, laat ingevoerd",
            on=published.published,
        )
    assert verdicts(audit(published, tmp_path / "out"))["nieuwsbrief/anna.jpg"] is Verdict.OK


def test_consent_entered_late_then_withdrawn_is_a_take_down_not_a_violation(
    tmp_path: Path, face_models: FaceModels
) -> None:
    """Issue 20, point 1, exactly: consent given before publication, entered after it, and
    withdrawn after publication is a take-down whose Dutch text names who withdrew and when;
    a face that never had consent stays a violation."""
    state = build_late_entry_state(tmp_path, face_models)
    out = tmp_path / "out"
    outcome = audit(state, out)
    assert verdicts(outcome) == {
        "instagram/anna.jpg": Verdict.TAKE_DOWN,
        "nieuwsbrief/anna.jpg": Verdict.VIOLATION,
        "instagram/onbekend.jpg": Verdict.REVIEW,
    }
    by_id = {r.item_id: r for r in outcome.results}
    [taken] = by_id["instagram/anna.jpg"].blocking
    today = date.today()
    signed = SchoolYear.of(state.published).first_day
    assert taken.verdict is Verdict.TAKE_DOWN and taken.person_id == PUPIL
    assert taken.explanation_nl is not None
    # Who withdrew, when, and that it was after publication; the late entry stays visible.
    assert f"ingetrokken door de ouder op {day_nl(today)}" in taken.explanation_nl
    assert f"na de publicatie op {day_nl(state.published)}" in taken.explanation_nl
    assert f"gegeven door de ouder op {day_nl(signed)}" in taken.explanation_nl
    # Entry dates are days in the Netherlands (the registry stamps UTC).
    assert f"ingevoerd op {day_nl(local_day(datetime.now(UTC)))}" in taken.explanation_nl
    assert (taken.decided_by, taken.decided_on) == ("ouder", today.isoformat())
    # The advice agrees with the reason: no "no consent at publication", no DPO.
    assert taken.advice_nl is not None and "geen overtreding" in taken.advice_nl
    assert "geen geldige toestemming" not in taken.advice_nl and "FG" not in taken.advice_nl

    [never] = by_id["nieuwsbrief/anna.jpg"].blocking
    assert never.verdict is Verdict.VIOLATION and never.explanation_nl is not None
    assert "Bij publicatie" in never.explanation_nl and "geen geldige toestemming" in (
        never.explanation_nl
    )
    assert never.advice_nl is not None and "FG" in never.advice_nl

    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"ingetrokken door de ouder op {day_nl(today)}" in html
    assert "Offline halen" in html and "Overtreding" in html


def test_a_pool_of_workers_gives_the_same_verdicts(
    published: PublishedState, tmp_path: Path
) -> None:
    withdraw_social_media(published.settings)
    outcome = audit(published, tmp_path / "out", workers=2)
    assert outcome.run.workers == 2
    assert verdicts(outcome) == AFTER


def rss(day: date, items: Sequence[tuple[str, str, str]]) -> bytes:
    """An RSS feed with one item per (title, link, photo URL), all published on `day`."""
    pub = day.strftime("%a, %d %b %Y 10:00:00 +0100")
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{pub}</pubDate>"
        f'<enclosure url="{photo}" type="image/jpeg"/></item>'
        for title, link, photo in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title>{entries}'
        "</channel></rss>"
    ).encode()


FEED_ITEMS = [
    ("Sportdag", "/sportdag", "/img/anna.jpg"),
    ("Bel 06-12345678", "/bellen", "/img/koffie.jpg"),
    ("Weg", "/weg", "/img/weg.jpg"),
    ("Omweg", "/omweg", "/img/omweg.jpg"),
]


def feed_routes(day: date) -> dict[str, Route]:
    """The feed and its photos; /img/omweg.jpg is routed by the test (it needs the port)."""
    return {
        "/feed": Route(rss(day, FEED_ITEMS), content_type="application/rss+xml"),
        "/img/anna.jpg": Route(picture_bytes("astronaut"), content_type="image/jpeg"),
        "/img/koffie.jpg": Route(picture_bytes("coffee"), content_type="image/jpeg"),
    }


def kinds(outcome: AuditOutcome, suffix: str) -> list[str]:
    """The blocking finding kinds of the item whose id ends with `suffix`."""
    result = next(r for r in outcome.results if r.item_id.endswith(suffix))
    return [f.kind for f in result.blocking]


def test_a_feed_over_http(published: PublishedState, tmp_path: Path) -> None:
    with serve(feed_routes(published.published)) as site:
        # A photo on the allowed server that redirects to another address on this computer.
        site.routes["/img/omweg.jpg"] = redirect(f"http://127.0.0.2:{site.port}/img/anna.jpg")
        outcome = audit(
            published, tmp_path / "out", source=site.url("/feed"), allowed_hosts=["127.0.0.1"]
        )
        base = site.base
    assert verdicts(outcome) == {
        f"{base}/sportdag": Verdict.OK,  # P1 may appear on the website
        f"{base}/bellen": Verdict.VIOLATION,
        f"{base}/weg": Verdict.REVIEW,
        f"{base}/omweg": Verdict.REVIEW,
    }
    [gone] = next(r for r in outcome.results if r.item_id.endswith("/weg")).blocking
    assert gone.kind == "audit.media_unavailable" and "HTTP 404" in gone.explanation
    [detour] = next(r for r in outcome.results if r.item_id.endswith("/omweg")).blocking
    assert detour.kind == "audit.address_refused"
    assert detour.explanation_nl is not None
    assert "127.0.0.2" in detour.explanation_nl and "loopback" in detour.explanation_nl


def test_a_fetched_feed_may_not_point_the_audit_at_this_computer(
    published: PublishedState, tmp_path: Path
) -> None:
    # The feed itself is the operator's choice (on 127.0.0.1); the photos it lists there are
    # not, without the allow-list.
    out = tmp_path / "out"
    with serve(feed_routes(published.published)) as site:
        site.routes["/img/omweg.jpg"] = redirect("/img/anna.jpg")
        outcome = audit(published, out, source=site.url("/feed"))
    assert site.paths() == ["/feed"]  # not one photo was requested
    for suffix in ("/sportdag", "/weg", "/omweg"):
        assert kinds(outcome, suffix) == ["audit.address_refused"]
    assert "audit.address_refused" in kinds(outcome, "/bellen")  # and its text still screened
    assert "pii.phone" in kinds(outcome, "/bellen")
    refused = next(r for r in outcome.results if r.item_id.endswith("/sportdag"))
    assert refused.verdict is Verdict.REVIEW and refused.media[0].sha256 is None
    why = refused.blocking[0]
    assert why.explanation_nl is not None and why.explanation_nl.startswith("adres geweigerd")
    assert "loopback" in why.explanation_nl and "loopback" in why.explanation
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Adres geweigerd" in html and "data:image" not in html


def test_a_fetched_sitemap_may_not_name_files_on_this_computer(
    published: PublishedState, tmp_path: Path
) -> None:
    secret = tmp_path / "elders" / "leerling.jpg"  # a face nobody consented to publish
    secret.parent.mkdir()
    secret.write_bytes(picture_bytes("stranger"))
    sitemap = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        f"<url><loc>https://school.nl/nieuws</loc><lastmod>{published.published}</lastmod>"
        f"<image:image><image:loc>{secret.as_uri()}</image:loc></image:image></url></urlset>"
    ).encode()
    index = tmp_path / "index.xml"  # the operator's own sitemap index, naming the fetched one
    with serve({"/sitemap.xml": Route(sitemap, content_type="application/xml")}) as site:
        index.write_text(
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/sitemap.xml')}</loc></sitemap></sitemapindex>",
            encoding="utf-8",
        )
        direct = audit(published, tmp_path / "out-1", source=site.url("/sitemap.xml"))
        via_index = audit(published, tmp_path / "out-2", source=index)
    for outcome, out in ((via_index, tmp_path / "out-2"), (direct, tmp_path / "out-1")):
        [item] = outcome.results
        assert item.verdict is Verdict.REVIEW and item.media[0].sha256 is None
        [refused] = item.blocking
        assert refused.kind == "audit.address_refused"
        assert "geen http(s)-adres" in (refused.explanation_nl or "")
        assert "not an http(s) URL" in refused.explanation
        assert "data:image" not in (out / "report.html").read_text(encoding="utf-8")


def test_an_unusable_allow_list_stops_the_audit_before_anything_is_read(
    published: PublishedState, tmp_path: Path
) -> None:
    with pytest.raises(AuditSettingError, match="neither a host name"):
        audit(published, tmp_path / "out", allowed_hosts=["https://intranet.school.nl"])
    assert not (tmp_path / "out").exists()


def test_items_the_source_does_not_describe_go_to_review(
    published: PublishedState, tmp_path: Path
) -> None:
    folder = tmp_path / "zonder-datum"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(picture_bytes("coffee"))
    outcome = audit(published, tmp_path / "out", source=folder)
    [only] = outcome.results
    assert only.verdict is Verdict.REVIEW and [f.kind for f in only.blocking] == ["audit.no_date"]
    assert only.blocking[0].explanation_nl and "--published-on" in only.blocking[0].explanation_nl
    dated = audit(
        published,
        tmp_path / "out2",
        source=folder,
        defaults=SourceDefaults(published_on=date.today()),
    )
    assert verdicts(dated) == {"a.jpg": Verdict.OK}


def test_a_pupil_named_in_the_caption_follows_the_same_logic(
    published: PublishedState, tmp_path: Path
) -> None:
    # Named in an Instagram post, with consent for both (recorded on the publication day).
    with (
        open_registry(published.settings) as registry,
        registry_clock(datetime.combine(published.published, time(7, 0), tzinfo=UTC)),
    ):
        registry.grant(
            PUPIL,
            Purpose.NAMED_IN_POST,
            SchoolYear.of(published.published),
            GivenBy.PARENT,
            "formulier",
            on=published.published,
        )
    folder = tmp_path / "genoemd"
    write_item(
        folder,
        "winnaar.jpg",
        picture_bytes("coffee"),
        "Anna Jansen heeft de sportdag gewonnen!",
        "instagram",
        published.published,
    )
    before = audit(published, tmp_path / "out-1", source=folder)
    assert verdicts(before) == {"winnaar.jpg": Verdict.OK}

    with open_registry(published.settings) as registry:
        registry.withdraw(PUPIL, Purpose.NAMED_IN_POST, "mail", given_by=GivenBy.PARENT)
    after = audit(published, tmp_path / "out-2", source=folder)
    [named] = after.results[0].blocking
    assert after.results[0].verdict is Verdict.TAKE_DOWN
    assert (named.person_id, named.span_text, named.verdict) == (
        PUPIL,
        "Anna Jansen",
        Verdict.TAKE_DOWN,
    )
    assert named.kind.startswith("pii.") and "III.A.3" in named.articles
