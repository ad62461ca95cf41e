"""The officer's page through its forms: the verdict, the reasons, marks, photos, bad input."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.services import Services
from tests.web.conftest import csrf_of, jpeg

FORM_FIELDS = ("text", "photos", "channel", "publish_on", "policy")


def screen(
    client: TestClient,
    csrf: str,
    text: str,
    photos: list[tuple[str, bytes]] | None = None,
    **fields: str,
) -> tuple[int, str]:
    data = {"csrf_token": csrf, "text": text, "channel": "instagram", "publish_on": "2026-03-02"}
    data.update(fields)
    files = [("photos", (name, content, "image/jpeg")) for name, content in photos or []]
    if not files:  # a browser sends the empty file input too
        files = [("photos", ("", b"", "application/octet-stream"))]
    response = client.post("/", data=data, files=files)
    return response.status_code, response.text


def test_every_field_has_a_label_and_today_is_the_default_date(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("officer")
    page = app_client.get("/").text
    for name in FORM_FIELDS:
        assert f'<label for="{name}">' in page and f'id="{name}"' in page
    from datetime import date

    # A text field in dd-mm-jjjj with a hint, not a date picker in the browser's locale.
    today = date.today().strftime("%d-%m-%Y")
    assert re.search(rf'<input id="publish_on" name="publish_on" value="{today}"', page)
    assert 'type="date"' not in page
    assert f'id="publish_on-hint">Als dd-mm-jjjj, bijvoorbeeld {today}.' in page
    assert 'aria-describedby="publish_on-hint"' in page
    assert 'href="#inhoud"' in page and 'id="inhoud"' in page  # skip link
    assert 'enctype="multipart/form-data"' in page
    assert '<option value="svok" selected>' in page and '<option value="de-korre"' in page


@pytest.mark.parametrize(
    ("text", "action", "banner", "shown", "not_shown"),
    [
        (
            "Wat een mooie sportdag hadden we vandaag!",
            "publish",
            "Publiceren",
            ["Geen bezwaren gevonden", "Instagram op 02-03-2026"],
            ["Waarom niet publiceren", "<mark"],
        ),
        (
            "Bel me op 06-12345678 voor de sportdag.",
            "hold",
            "Niet publiceren (vasthouden)",
            [
                "Telefoonnummer",
                '<mark class="mark-hold">06-12345678</mark>',
                "Haal dit uit de tekst.",
                "Artikel III.A.3",
                "<blockquote",
                "vertrouwelijke of persoonlijke informatie",
            ],
            ["Geen bezwaren gevonden"],
        ),
    ],
)
def test_verdict_with_reasons_articles_and_marks(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    text: str,
    action: str,
    banner: str,
    shown: list[str],
    not_shown: list[str],
) -> None:
    csrf = signed_in("officer")
    status, page = screen(app_client, csrf, text)
    assert status == 200
    assert f'class="verdict verdict-{action}"' in page
    assert banner in page
    for snippet in shown:
        assert snippet in page
    for snippet in not_shown:
        assert snippet not in page
    # The draft is put back into the form for editing.
    assert f">{text}</textarea>" in page


def test_an_article_cited_twice_is_quoted_once(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("officer")
    _, page = screen(app_client, csrf, "Bel 06-12345678 of mail jan@voorbeeld.nl")
    assert page.count('id="article-III-A-3"') == 1
    assert 'href="#article-III-A-3"' in page and "(hierboven geciteerd)" in page


def test_the_draft_is_escaped(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    csrf = signed_in("officer")
    status, page = screen(app_client, csrf, '<script>alert(1)</script> 06-12345678 "x"')
    assert status == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_english_page(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    csrf = signed_in("officer")
    app_client.get("/lang/en")
    status, page = screen(app_client, csrf, "Bel me op 06-12345678")
    assert status == 200
    assert "Do not publish (hold)" in page and "Phone number" in page
    assert "Remove it from the text." in page and "Article III.A.3" in page


def test_photos_are_shown_with_their_downloads(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("officer")
    status, page = screen(
        app_client,
        csrf,
        "Sportdag",
        [("veld.jpg", jpeg((80, 60))), ("kantine.jpg", jpeg((60, 80), (200, 90, 40)))],
    )
    assert status == 200
    # The text-only pipeline of these tests cannot check faces: that holds, and says so.
    assert "verdict-hold" in page and "Foto niet gecontroleerd" in page
    post_id = re.search(r"/v1/screenings/([0-9a-f]+)/images/0/annotated", page)
    assert post_id is not None
    base = f"/v1/screenings/{post_id[1]}/images"
    assert f'href="{base}/1/redacted" download>Download publiceerbare foto 2' in page
    # The page's pictures load with the session cookie alone.
    annotated = app_client.get(f"{base}/0/annotated")
    assert annotated.status_code == 200
    assert Image.open(io.BytesIO(annotated.content)).size == (80, 60)
    archive = app_client.get(f"/screenings/{post_id[1]}/redacted.zip")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = z.namelist()
        assert names == ["01-publiceerbaar.jpg", "02-publiceerbaar.jpg"]
        assert Image.open(io.BytesIO(z.read(names[1]))).size == (60, 80)


def test_one_photo_has_no_zip_and_an_unknown_zip_is_a_page(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("officer")
    _, page = screen(app_client, csrf, "Sportdag", [("veld.jpg", jpeg())])
    assert "redacted.zip" not in page
    missing = app_client.get("/screenings/00000000000000000000/redacted.zip")
    assert missing.status_code == 404 and "niet meer beschikbaar" in missing.text


@pytest.mark.parametrize(
    ("fields", "text", "photos", "status", "message"),
    [
        ({"channel": "myspace"}, "Hallo", None, 422, "Kies een kanaal uit de lijst."),
        ({"publish_on": "31-02-2026"}, "Hallo", None, 422, "Geef de publicatiedatum als"),
        ({"publish_on": "morgen"}, "Hallo", None, 422, "Geef de publicatiedatum als"),
        ({"policy": "/etc/passwd"}, "Hallo", None, 422, "Kies een gedragscode uit de lijst."),
        ({}, "   ", None, 422, "het bericht heeft geen tekst en geen foto"),
        ({}, "x" * 100_001, None, 422, "hoogstens 100.000"),
        ({}, "Hallo", [("leeg.jpg", b"")], 422, "foto 1 (leeg.jpg)"),
        ({}, "Hallo", [("brief.jpg", b"%PDF-1.4 not a photo")], 422, "foto 1 (brief.jpg)"),
    ],
)
def test_bad_input_is_explained_and_the_form_kept(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    fields: dict[str, str],
    text: str,
    photos: list[tuple[str, bytes]] | None,
    status: int,
    message: str,
) -> None:
    csrf = signed_in("officer")
    got, page = screen(app_client, csrf, text, photos, **fields)
    assert got == status
    assert message in page.replace(",", ".")
    assert 'class="verdict' not in page
    assert 'id="text"' in page  # the form is still there to fix it


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("22-11-2026", "22-11-2026"), ("2026-11-22", "22-11-2026"), (" 1-3-2027 ", "01-03-2027")],
)
def test_the_publication_date_is_read_as_dd_mm_jjjj(
    app_client: TestClient, signed_in: Callable[[str], str], typed: str, shown: str
) -> None:
    """dd-mm-jjjj as the page writes it, or yyyy-mm-dd; the form gives it back as dd-mm-jjjj."""
    csrf = signed_in("officer")
    status, page = screen(app_client, csrf, "Wat een mooie dag", publish_on=typed)
    assert status == 200
    assert f"Instagram op {shown}" in page
    assert f'<input id="publish_on" name="publish_on" value="{shown}"' in page


def test_a_bad_publication_date_is_explained_in_dutch_and_kept_as_typed(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    from datetime import date

    csrf = signed_in("officer")
    status, page = screen(app_client, csrf, "Hallo", publish_on="31-02-2026")
    assert status == 422
    today = date.today().strftime("%d-%m-%Y")
    assert f"Geef de publicatiedatum als DD-MM-JJJJ, bijvoorbeeld {today}." in page
    assert '<input id="publish_on" name="publish_on" value="31-02-2026"' in page
    assert 'aria-describedby="publish_on-hint publish_on-error" aria-invalid="true"' in page
    assert 'href="#publish_on"' in page  # the error summary at the top links to the field
    assert 'class="verdict' not in page


def test_screening_without_the_csrf_token_screens_nothing(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    web_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signed_in("officer")
    calls: list[object] = []
    real = web_services.pipeline.screen

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(web_services.pipeline, "screen", spy)
    for token in ("", "forged"):
        status, page = screen(app_client, token, "Hallo", [("veld.jpg", jpeg())])
        assert status == 403
        assert "Het formulier is verlopen" in page and "verdict" not in page
    assert calls == []
    status, _ = screen(app_client, csrf_of(app_client.get("/").text), "Hallo")
    assert status == 200 and len(calls) == 1  # the spy does see a real screening


def test_only_officers_screen(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    csrf = signed_in("auditor")
    status, page = screen(app_client, csrf, "Hallo")
    assert status == 403 and "communicatiemedewerker" in page


def test_screening_needs_a_session(app_client: TestClient) -> None:
    response = app_client.post("/", data={"text": "Hallo"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_body_without_length_that_streams_past_the_limit_is_a_413_page(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    """A chunked upload (no Content-Length) over the limit was a 500 page; now it says why."""
    csrf = signed_in("officer")
    limit = web_services.settings.max_request_bytes
    boundary = "grens"

    def chunks() -> Any:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        block = b"\xff" * (1024 * 1024)
        for _ in range(limit // len(block) + 2):
            yield block

    response = app_client.post(
        "/", content=chunks(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413
    assert "groter dan" in response.text and "E000" not in response.text
