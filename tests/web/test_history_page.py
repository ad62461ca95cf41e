"""Issue 16 point 2: "Toch publiceren" with a reason, and the history of checks and overrides
(filterable, as CSV for Dutch Excel), which keeps no text of any draft."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from api.services import Services
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_screen_page import screen

SECRET_TEXT = "Bel juf Marja op 06-12345678 voor de sportdag"


def held_post(client: TestClient, csrf: str, text: str = SECRET_TEXT) -> str:
    """Screen a post that holds; return its check id."""
    status, page = screen(client, csrf, text)
    assert status == 200 and "verdict-hold" in page
    found = re.search(r'action="/screenings/([0-9a-f]+)/override"', page)
    assert found is not None
    return found[1]


def override(client: TestClient, post_id: str, reason: str, officer: str = "") -> tuple[int, str]:
    form = client.get(f"/screenings/{post_id}/override")
    assert form.status_code == 200, form.text
    response = client.post(
        f"/screenings/{post_id}/override",
        data={"csrf_token": csrf_of(form.text), "reason": reason, "officer": officer},
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("location", response.text)


def test_publish_anyway_is_recorded_with_its_reason_and_shown_in_the_history(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("officer")
    post_id = held_post(app_client, csrf)
    # Too short a reason: refused on the form's own page, nothing recorded, the text kept.
    status, page = override(app_client, post_id, "mag", officer="Anna")
    assert status == 422
    assert "Schrijf een reden van minstens 10 tekens." in page and ">mag</textarea>" in page
    assert web_services.overrides.list(post_id=post_id) == []

    # Names in the reason are kept as a placeholder: the record outlives the post.
    status, location = override(
        app_client, post_id, "Marja heeft zelf gevraagd haar nummer te delen", officer="Anna"
    )
    reason = "[naam] heeft zelf gevraagd haar nummer te delen"
    assert status == 303
    assert location == f"/history?msg=overridden&post={post_id}#check-{post_id}"
    (recorded,) = web_services.overrides.list(post_id=post_id)
    assert recorded.reason == reason and recorded.recorded_by == "test officer (Anna)"
    assert recorded.finding_kinds == ("pii.phone",)

    history = app_client.get(location.split("#")[0])
    assert history.status_code == 200
    page = history.text
    assert "Vastgelegd: dit bericht wordt toch gepubliceerd." in page
    row = re.search(rf'<tr id="check-{post_id}"[^>]*>(.*?)</tr>', page, re.DOTALL)
    assert row is not None
    assert "highlight" in row[0] and "Toch gepubliceerd" in row[1]
    assert "test officer" in row[1] and "Telefoonnummer" in row[1] and reason in row[1]
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d", row[1])  # dd-mm-jjjj uu:mm
    # The history keeps no text of the draft.
    assert "06-12345678" not in page and "sportdag" not in page

    # Asking again records nothing new.
    again, _ = override(app_client, post_id, "nog een keer een reden")
    assert again == 303 and len(web_services.overrides.list(post_id=post_id)) == 1
    assert "Dit is al vastgelegd" in app_client.get(f"/screenings/{post_id}/override").text


def test_only_the_key_that_screened_may_override(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    web_services: Services,
    raw_keys: dict[str, str],
) -> None:
    csrf = signed_in("officer")
    post_id = held_post(app_client, csrf)
    other = web_services.keys.create("Tweede communicatie", [Role.OFFICER])[1]
    app_client.cookies.clear()
    sign_in(app_client, other)
    page = app_client.get(f"/screenings/{post_id}/override").text
    assert "met een andere sleutel gedaan" in page and 'name="reason"' not in page
    status, body = override_without_form(app_client, post_id)
    assert status == 422 and "andere sleutel" in body
    assert web_services.overrides.list(post_id=post_id) == []


def override_without_form(client: TestClient, post_id: str) -> tuple[int, str]:
    csrf = csrf_of(client.get("/").text)
    response = client.post(
        f"/screenings/{post_id}/override",
        data={"csrf_token": csrf, "reason": "een reden die lang genoeg is"},
        follow_redirects=False,
    )
    return response.status_code, response.text


def test_an_override_needs_the_csrf_token_and_a_known_check(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("officer")
    post_id = held_post(app_client, csrf)
    response = app_client.post(
        f"/screenings/{post_id}/override",
        data={"csrf_token": "forged", "reason": "een reden die lang genoeg is"},
    )
    assert response.status_code == 403 and web_services.overrides.list(post_id=post_id) == []
    missing = app_client.get("/screenings/ffffffffffffffff/override")
    assert missing.status_code == 404 and "Deze controle is onbekend" in missing.text


def test_filters(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    csrf = signed_in("officer")
    phone = held_post(app_client, csrf, "Bel me op 06-12345678")
    mail = held_post(app_client, csrf, "Mail me op jan@voorbeeld.nl")
    _, published = screen(app_client, csrf, "Wat een mooie sportdag!")
    assert "verdict-publish" in published

    def ids(**params: str) -> set[str]:
        response = app_client.get("/history", params=params)
        assert response.status_code == 200, response.text
        return set(re.findall(r'<tr id="check-([0-9a-f]+)"', response.text))

    assert {phone, mail} <= ids()
    assert phone in ids(bevinding="pii.phone") and mail not in ids(bevinding="pii.phone")
    assert mail in ids(bevinding="pii.email") and phone not in ids(bevinding="pii.email")
    assert phone not in ids(uitslag="publish") and ids(uitslag="publish")
    assert phone in ids(uitslag="hold")
    today = date.today()
    assert phone in ids(van=today.strftime("%d-%m-%Y"), tot=today.strftime("%d-%m-%Y"))
    assert ids(tot=(today - timedelta(days=1)).strftime("%d-%m-%Y")) == set()
    bad = app_client.get("/history", params={"van": "gisteren"})
    assert bad.status_code == 422 and "Geef de datum als DD-MM-JJJJ" in bad.text
    backwards = app_client.get("/history", params={"van": "02-03-2026", "tot": "01-03-2026"})
    assert "De einddatum ligt vóór de begindatum." in backwards.text


def test_csv_for_dutch_excel(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("officer")
    post_id = held_post(app_client, csrf)
    status, _ = override(app_client, post_id, '=HYPERLINK("http://x") want het mag echt')
    assert status == 303
    page = app_client.get("/history", params={"uitslag": "override"}).text
    assert 'href="/history.csv?uitslag=override"' in page
    response = app_client.get("/history.csv", params={"uitslag": "override"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Datum",
        "Tijd",
        "Door",
        "Kanaal",
        "Uitslag",
        "Bevindingen",
        "Toch gepubliceerd op",
        "Toch gepubliceerd door",
        "Reden",
        "Controlenummer",
    ]
    (row,) = [r for r in rows[1:] if r[-1] == post_id]
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", row[0]) and re.fullmatch(r"\d\d:\d\d", row[1])
    assert row[2:6] == ["test officer", "Instagram", "Toch gepubliceerd", "Telefoonnummer"]
    # A reason that starts like a formula stays text in Excel.
    assert row[8] == '\'=HYPERLINK("http://x") want het mag echt'
    assert all(r[4] == "Toch gepubliceerd" for r in rows[1:])
    assert "06-12345678" not in response.content.decode("utf-8-sig")


def test_who_may_read_the_history(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    signed_in("registry_admin")
    assert app_client.get("/history").status_code == 403
    assert '<a href="/history"' not in app_client.get("/registry").text
    app_client.cookies.clear()
    signed_in("auditor")
    assert app_client.get("/history").status_code == 200
    assert app_client.get("/history.csv").status_code == 200


def test_the_override_page_says_when_a_reason_could_not_be_checked(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    web_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reason is run through the text detectors before it is kept; when that fails the
    page keeps what the officer typed, says why, and records nothing."""
    csrf = signed_in("officer")
    post_id = held_post(app_client, csrf)

    def broken(_text: str) -> str:
        raise RuntimeError("detector down")

    monkeypatch.setattr(web_services.overrides, "_scrub", broken)
    reason = "Het is het algemene nummer van de school"
    status, page = override(app_client, post_id, reason)
    assert status == 503
    assert "kon niet op persoonsgegevens worden gecontroleerd" in page
    assert f">{reason}</textarea>" in page
    assert web_services.overrides.list(post_id=post_id) == []
