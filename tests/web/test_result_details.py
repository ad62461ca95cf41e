"""Issue 16 points 1 and 5 on the result page: exactly what was found, numbers that match,
folded articles, one name for the publishable photo, dates as dd-mm-jjjj, the header."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, PngImagePlugin

from api.web.i18n import Translator
from api.web.photo_metadata import metadata_values
from api.web.result_view import result_view
from tests.web.test_screen_page import screen


def exif_jpeg(artist: str = "Jan Fotograaf") -> bytes:
    """A JPEG whose EXIF holds a maker and a GPS position (52.37 N, 4.89 E)."""
    exif = Image.Exif()
    exif[0x013B] = artist
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 12.0), 3: "E", 4: (4.0, 53.0, 24.0)}
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 200)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def xmp_jpeg() -> bytes:
    xmp = (
        b"<x:xmpmeta><rdf:RDF><rdf:Description><dc:creator><rdf:Seq><rdf:li>Piet Pieters"
        b"</rdf:li></rdf:Seq></dc:creator><photoshop:City>Utrecht</photoshop:City>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    buf = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buf, "JPEG", xmp=xmp)
    return buf.getvalue()


def png_with_author() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Klaas")
    buf = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (exif_jpeg(), {"GPS position": "52.37, 4.89", "Artist": "Jan Fotograaf"}),
        (xmp_jpeg(), {"XMP dc:creator": "Piet Pieters", "XMP photoshop:City": "Utrecht"}),
        (png_with_author(), {"text:Author": "Klaas"}),
        (b"%PDF-1.4 not a photo", {}),
    ],
)
def test_metadata_values_are_read_from_the_photo(data: bytes, expected: dict[str, str]) -> None:
    assert metadata_values(data) == expected


def f(fid: str, kind: str, **extra: Any) -> dict[str, Any]:
    """A finding as the decision JSON has it."""
    base: dict[str, Any] = {
        "id": fid,
        "kind": kind,
        "severity": "hold",
        "articles": [],
        "span": None,
        "image_index": None,
        "box": None,
        "person_id": None,
        "person_name": None,
        "policy_note": None,
        "evidence": {"context_words": []},
    }
    base.update(extra)
    return base


def payload(findings: list[dict[str, Any]], photos: int = 1) -> dict[str, Any]:
    return {
        "post_id": "abc123",
        "action": "hold",
        "channel": "instagram",
        "publish_on": "2026-03-02",
        "findings": findings,
        "reasons": [],
        "redacted_publishable": True,
        "policy": {"title": "SVOK", "version": "1"},
        "images": [
            {"index": i, "name": f"{i}.jpg", "annotated_url": f"/a/{i}", "redacted_url": f"/r/{i}"}
            for i in range(photos)
        ],
    }


def test_a_metadata_hold_names_each_field_and_its_value() -> None:
    words = ["GPS position", "Artist", "XMP dc:rights"]
    meta = f("f1", "image.metadata", image_index=0, evidence={"context_words": words})
    values = {0: {"GPS position": "52.37, 4.89", "Artist": "Jan Fotograaf"}}
    view = result_view(payload([meta]), "", Translator("nl"), metadata=values)
    (place,) = view.blocking[0].places
    assert place.details == (
        "GPS: 52.37, 4.89",
        "Maker: Jan Fotograaf",
        "Auteursrecht (waarde niet leesbaar)",
    )
    # Nothing is blurred for metadata alone: the note says only what is removed.
    assert not view.blurs
    assert "vervaagd" not in view.photos[0].publishable_note
    assert "fotogegevens" in view.photos[0].publishable_note


@pytest.mark.parametrize("links", [True, False])
def test_a_face_without_consent_names_person_purpose_channel_year(links: bool) -> None:
    face = f(
        "f1",
        "face.no_consent",
        image_index=0,
        box={"left": 1, "top": 1, "right": 9, "bottom": 9},
        person_id="A 1",
        person_name="Zoë",
    )
    view = result_view(payload([face]), "", Translator("nl"), registry_links=links)
    (place,) = view.blocking[0].places
    assert place.details == (
        "Zoë heeft geen geldige toestemming voor sociale media (kanaal Instagram, "
        "schooljaar 2025-2026).",
    )
    if links:
        assert place.link is not None
        assert place.link.url == "/registry/people/A%201#vastleggen"
        assert "Zoë" in place.link.text
    else:
        assert place.link is None
    assert view.blurs
    assert "1 gezicht(en) zonder toestemming vervaagd" in view.photos[0].publishable_note


def test_reason_numbers_are_the_numbers_of_the_marks() -> None:
    text = "Bel 06-11111111 of mail a@b.nl of 06-22222222"

    def span(fid: str, kind: str, word: str, severity: str = "hold") -> dict[str, Any]:
        start = text.index(word)
        end = start + len(word)
        return f(fid, kind, severity=severity, span={"start": start, "end": end, "text": word})

    findings = [
        span("f1", "pii.phone", "06-11111111"),
        span("f2", "pii.email", "a@b.nl"),
        span("f3", "pii.phone", "06-22222222"),
        span("f4", "pii.name", "Bel", severity="notice"),
    ]
    view = result_view(payload(findings, photos=0), text, Translator("nl"))
    assert [(g.number, g.kind) for g in view.blocking] == [(1, "pii.phone"), (2, "pii.email")]
    assert [(g.number, g.kind) for g in view.notices] == [(3, "pii.name")]
    marks = {fid: n for s in view.segments for fid, n in s.starts}
    assert marks == {"f1": 1, "f2": 2, "f3": 1, "f4": 3}
    assert {p.finding_id: p.number for g in view.blocking for p in g.places} == {
        "f1": 1,
        "f2": 2,
        "f3": 1,
    }
    assert view.hold_ids == ("f1", "f2", "f3")
    assert view.override_url == "/screenings/abc123/override"


def test_the_page_folds_articles_behind_one_control_and_numbers_match(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("officer")
    status, page = screen(app_client, csrf, "Bel 06-12345678 of mail jan@voorbeeld.nl")
    assert status == 200
    # Folded: a <details> per quoted article, none open, and one control to open them all.
    assert '<details class="article" id="article-III-A-3">' in page
    assert re.search(r"<details class=\"article\"[^>]*\bopen\b", page) is None
    assert page.count("data-articles-toggle") == 1 and "Toon de artikelteksten" in page
    # Every mark in the text links to a place inside the reason with the same number.
    marks = re.findall(r'href="#finding-(f\d+)" aria-label="Reden (\d+)">\[(\d+)\]', page)
    assert marks, "no numbered marks in the text"
    for fid, label_number, shown in marks:
        assert label_number == shown
        reason = re.search(
            rf'<li[^>]* id="reason-(\d+)">(?:(?!id="reason-).)*id="finding-{fid}"',
            page,
            re.DOTALL,
        )
        assert reason is not None and reason[1] == shown
    # The reasons' own numbers are shown as "[n]", in order.
    assert re.findall(r'<h4><span class="ref">\[(\d+)\]</span>', page) == ["1", "2"]


def test_the_override_form_shows_on_a_hold_only(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("officer")
    _, held = screen(app_client, csrf, "Bel me op 06-12345678")
    assert "Toch publiceren?" in held
    assert re.search(r'action="/screenings/[0-9a-f]+/override"', held)
    assert 'name="reason"' in held and 'minlength="10"' in held and "required" in held
    _, published = screen(app_client, csrf, "Wat een mooie sportdag!")
    assert "Toch publiceren?" not in published and "/override" not in published


def test_the_publishable_photo_has_one_name(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("officer")
    _, page = screen(app_client, csrf, "Sportdag", [("veld.jpg", exif_jpeg())])
    assert "Download publiceerbare foto 1" in page
    assert "Foto 1 vergroten" in page and "data-enlarge" in page
    for other in ("opgeschoonde", "vervaagde versie", "versie met vervaagde"):
        assert other not in page
    # The text-only pipeline blurs nothing: no blur notice, only the metadata note.
    assert "In de publiceerbare versie: fotogegevens (zoals locatie en maker) verwijderd." in page
    assert "gezicht(en) zonder toestemming vervaagd" not in page


def test_dates_on_the_form_are_dd_mm_jjjj(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    from datetime import date

    csrf = signed_in("officer")
    status, page = screen(app_client, csrf, "Hallo", publish_on="morgen")
    assert status == 422
    assert "Geef de publicatiedatum als DD-MM-JJJJ" in page
    assert date.today().strftime("%d-%m-%Y") in page
    _, ok = screen(app_client, csrf, "Wat een mooie dag", publish_on="02-03-2026")
    assert "Instagram op 02-03-2026" in ok


def test_the_header_says_who_is_signed_in(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("staff")
    page = app_client.get("/").text
    assert 'Ingelogd als <strong class="who-name">Anna de Boer</strong>' in page
    assert '<a href="/history"' in page
