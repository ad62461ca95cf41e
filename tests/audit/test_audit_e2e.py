"""The acceptance scenario: publish, withdraw, audit; and the reports the audit writes.

The registry is built through its API (pupil P1 enrolled with the astronaut's face, consent
as on the publication day); the published items are a folder with JSON sidecars.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time
from pathlib import Path

from consent_store.purposes import Purpose
from consent_store.records import GivenBy
from consent_store.repository import open_registry
from consent_store.school_year import SchoolYear
from screening.audit.progress import JsonLinesProgress
from screening.audit.results import Verdict
from screening.audit.runner import AuditOptions, AuditOutcome, run_audit
from screening.audit.sources import SourceDefaults
from tests.audit.http_server import Route, serve
from tests.audit.library import (
    PUPIL,
    PublishedState,
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
) -> AuditOutcome:
    """Run the audit in this process (one worker unless asked), logging JSON lines to `log`."""
    return run_audit(
        AuditOptions(
            source=str(source or state.folder),
            out_dir=out,
            state_dir=state.settings.data_dir / "audit-state",
            workers=workers,
            defaults=defaults or SourceDefaults(),
        ),
        state.settings,
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
    assert "withdrawn by parent" in taken.explanation
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
    assert {i["item"]: i["verdict"] for i in items} == {k: v.value for k, v in AFTER.items()}
    for secret in ("Sportdag", "06-12345678", "Anna Jansen", "gastspreker"):
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

    with (out / "report.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {row["item_id"]: row for row in csv.DictReader(fh)}
    assert {k: r["verdict"] for k, r in rows.items()} == {k: v.value for k, v in AFTER.items()}
    assert rows["instagram/anna.jpg"]["articles"] == "III.B.8"
    assert rows["instagram/anna.jpg"]["person_ids"] == PUPIL

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"ok": 2, "take_down": 1, "violation": 2, "review": 2}
    assert report["action_needed"] is True and len(report["items"]) == 7
    assert "thumbnail" not in json.dumps(report) and "cache_keys" not in json.dumps(report)
    for path in outcome.reports:
        assert path.stat().st_mode & 0o777 == 0o600


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


def test_a_pool_of_workers_gives_the_same_verdicts(
    published: PublishedState, tmp_path: Path
) -> None:
    withdraw_social_media(published.settings)
    outcome = audit(published, tmp_path / "out", workers=2)
    assert outcome.run.workers == 2
    assert verdicts(outcome) == AFTER


def test_a_feed_over_http(published: PublishedState, tmp_path: Path) -> None:
    day = published.published.strftime("%a, %d %b %Y 10:00:00 +0100")
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title>
      <item><title>Sportdag</title><link>/sportdag</link><pubDate>{day}</pubDate>
        <enclosure url="/img/anna.jpg" type="image/jpeg"/></item>
      <item><title>Bel 06-12345678</title><link>/bellen</link><pubDate>{day}</pubDate>
        <enclosure url="/img/koffie.jpg" type="image/jpeg"/></item>
      <item><title>Weg</title><link>/weg</link><pubDate>{day}</pubDate>
        <enclosure url="/img/weg.jpg" type="image/jpeg"/></item>
    </channel></rss>""".encode()
    routes = {
        "/feed": Route(rss, content_type="application/rss+xml"),
        "/img/anna.jpg": Route(picture_bytes("astronaut"), content_type="image/jpeg"),
        "/img/koffie.jpg": Route(picture_bytes("coffee"), content_type="image/jpeg"),
    }
    with serve(routes) as site:
        outcome = audit(published, tmp_path / "out", source=site.url("/feed"))
        base = site.base
    assert verdicts(outcome) == {
        f"{base}/sportdag": Verdict.OK,  # P1 may appear on the website
        f"{base}/bellen": Verdict.VIOLATION,
        f"{base}/weg": Verdict.REVIEW,
    }
    [gone] = next(r for r in outcome.results if r.item_id.endswith("/weg")).blocking
    assert gone.kind == "audit.media_unavailable" and "HTTP 404" in gone.explanation


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
