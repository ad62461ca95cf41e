"""Importing a CSV from the page: preview first (nothing written), confirm, every bad row."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from kernel.errors import UnknownPersonError
from tests.web.conftest import sign_in

HEADER = (
    "person_id,name,role,birth_date,school,group,aliases,purpose,school_year,decision,"
    "given_by,given_on,evidence\n"
)
GOOD = (
    HEADER + "7001,Noor Visser,pupil,2013-02-02,De Korre,6B,Noor,social_media,2025-2026,granted,"
    "parent,2025-09-01,formulier 2025\n" + "7002,Bram Kok,staff,1985-05-05,De Korre,,,,,,,,\n"
)
BAD = (
    HEADER
    + "7101,Goed Mens,pupil,2013-02-02,,,,,,,,,\n"
    + "7102,Fout Rol,director,2013-02-02,,,,,,,,,\n"
    + "7103,Fout Datum,pupil,2013-02-31,,,,,,,,,\n"
)


def upload(client: TestClient, csrf: str, content: bytes, name: str = "leerlingen.csv") -> str:
    response = client.post(
        "/registry/import",
        data={"csrf_token": csrf},
        files={"csv": (name, content, "text/csv")},
    )
    return f"{response.status_code}\n{response.text}"


def token_of(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match is not None
    return match[1]


def test_preview_then_confirm(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("registry_admin")
    form = app_client.get("/registry/import").text
    assert '<label for="csv">' in form and '<label for="mapping">' in form
    page = upload(app_client, csrf, GOOD.encode())
    assert page.startswith("200\n")
    assert "Voorbeeld: dit verandert er" in page
    assert "2 regels gelezen uit leerlingen.csv: 2 personen nieuw" in page
    assert "1 toestemmingen toegevoegd" in page
    # A preview writes nothing.
    with pytest.raises(UnknownPersonError):
        web_services.registry.get_person("7001")
    done = app_client.post(
        "/registry/import/confirm", data={"csrf_token": csrf, "token": token_of(page)}
    )
    assert done.status_code == 200
    assert "Ingelezen: 2 personen nieuw" in done.text
    assert web_services.registry.get_person("7001").display_name == "Noor Visser"
    # The same preview cannot be confirmed twice.
    again = app_client.post(
        "/registry/import/confirm", data={"csrf_token": csrf, "token": token_of(page)}
    )
    assert again.status_code == 410 and "verlopen" in again.text
    # Importing the same file again changes nothing, and the page says so.
    same = upload(app_client, csrf, GOOD.encode())
    assert "Dit bestand verandert niets aan het register." in same
    assert re.search(r'<button type="submit" class="primary" disabled>', same)


def test_every_bad_row_is_shown_and_nothing_changes(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("registry_admin")
    page = upload(app_client, csrf, BAD.encode())
    assert page.startswith("422\n")
    assert "Dit bestand kan niet worden ingelezen; er is niets veranderd" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page and "<td>2</td>" not in page
    assert "director" in page
    assert 'name="token"' not in page  # nothing to confirm
    with pytest.raises(UnknownPersonError):
        web_services.registry.get_person("7101")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GOOD.encode("utf-16"), "UTF-8"),
        (b"naam;klas\nPiet;7B\n", "ontbrekende kolom(men): geboortedatum, besluit"),
    ],
)
def test_unreadable_files_are_explained(
    app_client: TestClient, signed_in: Callable[[str], str], content: bytes, message: str
) -> None:
    csrf = signed_in("registry_admin")
    page = upload(app_client, csrf, content)
    assert page.startswith("422\n") and message in page


def test_no_file_and_no_csrf(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    csrf = signed_in("registry_admin")
    none = app_client.post(
        "/registry/import",
        data={"csrf_token": csrf},
        files={"csv": ("", b"", "application/octet-stream")},
    )
    assert none.status_code == 422 and "Kies een CSV-bestand." in none.text
    assert upload(app_client, "forged", GOOD.encode()).startswith("403\n")


def test_a_preview_belongs_to_the_key_that_made_it(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    raw_keys: dict[str, str],
    web_services: Services,
) -> None:
    csrf = signed_in("registry_admin")
    csv = GOOD.replace("7001", "7201").replace("7002", "7202").encode()
    token = token_of(upload(app_client, csrf, csv))
    app_client.cookies.clear()  # another person at another browser
    other = sign_in(app_client, raw_keys["staff"])
    refused = app_client.post(
        "/registry/import/confirm", data={"csrf_token": other, "token": token}
    )
    assert refused.status_code == 410
    with pytest.raises(UnknownPersonError):
        web_services.registry.get_person("7201")


def test_officers_cannot_import(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    csrf = signed_in("officer")
    assert upload(app_client, csrf, GOOD.encode()).startswith("403\n")
