"""The import page in Dutch: a template to download, the list of columns, Dutch words in the
preview and in the errors; and a sign-in text without command names."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.services import Services
from api.web.registry_text import IMPORT_COLUMNS, dutch_change, dutch_problem, from_dutch_csv
from consent_store.csv_import import COLUMNS, read_import
from consent_store.purposes import Purpose
from consent_store.records import ChangeKind, ConsentDecision, GivenBy, ImportChange
from consent_store.school_year import SchoolYear
from kernel.errors import ImportValidationError
from tests.web.conftest import sign_in

#: Words of the file format that a Dutch page must not show (the issue's examples and kin).
FORMAT_WORDS = re.compile(
    r"\b(granted|refused|withdrawn|birth_date|person_id|given_by|given_on|school_year|"
    r"social_media|parent|guardian|pupil|JJJJ-MM-DD)\b"
)


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def upload(client: TestClient, csrf: str, content: bytes, name: str = "lijst.csv") -> Response:
    response: Response = client.post(
        "/registry/import", data={"csrf_token": csrf}, files={"csv": (name, content, "text/csv")}
    )
    return response


def filled_template(client: TestClient, *rows: str) -> bytes:
    """The downloaded template with rows added, as a spreadsheet would save it."""
    template: bytes = client.get("/registry/import/sjabloon.csv").content
    return template + "".join(r + "\r\n" for r in rows).encode("utf-8")


def test_the_template_can_be_downloaded(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("registry_admin")
    page = app_client.get("/registry/import").text
    assert 'href="/registry/import/sjabloon.csv"' in page
    response = app_client.get("/registry/import/sjabloon.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="toestemmingen-sjabloon.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == [c.dutch for c in IMPORT_COLUMNS]
    assert header[:4] == ["leerlingnummer", "naam", "rol", "geboortedatum"]


def test_officers_get_no_template(app_client: TestClient, signed_in: Callable[[str], str]) -> None:
    signed_in("officer")
    assert app_client.get("/registry/import/sjabloon.csv").status_code == 403


def test_the_page_lists_every_column(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("registry_admin")
    page = main_of(app_client.get("/registry/import").text)
    assert len(IMPORT_COLUMNS) == len(COLUMNS)
    for column in IMPORT_COLUMNS:
        assert f"<code>{column.dutch}</code>" in page
    assert "gegeven, geweigerd, ingetrokken" in page
    assert "zelf, ouder, voogd, school" in page
    assert "leerling, medewerker, stagiair" in page
    assert not FORMAT_WORDS.search(page), FORMAT_WORDS.findall(page)


def test_a_filled_template_previews_in_dutch_and_imports(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("registry_admin")
    data = filled_template(
        app_client,
        "8001;Noor Visser;leerling;02-02-2013;De Korre;6B;Noortje;sociale media;2025-2026;"
        "gegeven;ouder;01-09-2025;formulier 2025",
        "8001;Noor Visser;leerling;02-02-2013;De Korre;6B;Noortje;Website;2025-2026;"
        "Geweigerd;Ouder;01-09-2025;formulier 2025",
        "8002;Bram Kok;medewerker;05-05-1985;De Korre;;;gezichtsherkenning;2025-2026;"
        "gegeven;zelf;;mail van Bram",
    )
    preview = upload(app_client, csrf, data)
    assert preview.status_code == 200, preview.text
    page = main_of(preview.text)
    assert "8001: sociale media, schooljaar 2025-2026, gegeven door ouder op 01-09-2025" in page
    assert "8001: website, schooljaar 2025-2026, geweigerd door ouder op 01-09-2025" in page
    assert "8002: gezichtsherkenning, schooljaar 2025-2026, gegeven door zelf op" in page
    assert not FORMAT_WORDS.search(page), FORMAT_WORDS.findall(page)
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    done = app_client.post("/registry/import/confirm", data={"csrf_token": csrf, "token": token[1]})
    assert done.status_code == 200 and "Ingelezen: 2 personen nieuw" in done.text
    assert not FORMAT_WORDS.search(main_of(done.text))
    reg = web_services.registry
    assert reg.get_person("8001").birth_date == date(2013, 2, 2)
    assert reg.get_person("8001").aliases == ("Noortje",)
    records = [e for e in reg.history("8001") if hasattr(e, "decision")]
    assert {(r.purpose, r.decision, r.given_by) for r in records} == {  # type: ignore[union-attr]
        (Purpose.SOCIAL_MEDIA, ConsentDecision.GRANTED, GivenBy.PARENT),
        (Purpose.WEBSITE, ConsentDecision.REFUSED, GivenBy.PARENT),
    }


BAD_ROWS = (
    "8101;Fout Rol;directeur;02-02-2013;;;;;;;;;",  # line 2: an unknown role
    "8102;Fout Datum;leerling;31-02-2013;;;;;;;;;",  # line 3: no such date
    "8103;Toekomst;leerling;01-01-2999;;;;;;;;;",  # line 4: born in the future
    "8104;Geen Bewijs;leerling;02-02-2013;;;;sociale media;2025-2026;ja;ouder;;",  # line 5
    "8105;Fout Jaar;leerling;02-02-2013;;;;website;2025;gegeven;oma;;formulier",  # line 6
    "8106;;leerling;02-02-2013;;;;;;;;;",  # line 7: no name
)


def test_every_error_names_columns_and_values_in_dutch(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("registry_admin")
    response = upload(app_client, csrf, filled_template(app_client, *BAD_ROWS))
    assert response.status_code == 422
    page = main_of(response.text)
    rows = dict(re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", page))
    assert set(rows) == {"2", "3", "4", "5", "6", "7"}
    assert (
        "rol &#39;directeur&#39; is onbekend (kies uit: leerling, medewerker, stagiair)"
        in (rows["2"])
    )
    assert "geboortedatum &#39;31-02-2013&#39; is geen datum (schrijf dd-mm-jjjj)" in rows["3"]
    assert "geboortedatum 01-01-2999 ligt in de toekomst" in rows["4"]
    assert "bewijs is leeg" in rows["5"]
    assert (
        "besluit &#39;ja&#39; is onbekend (kies uit: gegeven, geweigerd, ingetrokken)"
        in (rows["5"])
    )
    assert "geen schooljaar" in rows["6"]
    assert (
        "gegeven_door &#39;oma&#39; is onbekend (kies uit: zelf, ouder, voogd, school)"
        in (rows["6"])
    )
    assert "naam is leeg" in rows["7"]
    # The whole page, preview of the columns included, has none of the file format's words.
    assert not FORMAT_WORDS.search(page), FORMAT_WORDS.findall(page)


def test_english_pages_keep_the_english_messages(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("registry_admin")
    app_client.get("/lang/en")
    response = upload(app_client, csrf, filled_template(app_client, BAD_ROWS[0]))
    assert response.status_code == 422
    assert "role &#39;directeur&#39; is unknown" in response.text


def test_the_registry_format_still_imports(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    """A file exported by the registry itself (English columns and values) is unchanged."""
    csrf = signed_in("registry_admin")
    data = (
        ",".join(COLUMNS) + "\n"
        "8201,Ada Els,pupil,2013-02-02,,,,newsletter,2025-2026,granted,parent,2025-09-01,form\n"
    ).encode()
    assert from_dutch_csv(data) is data
    preview = upload(app_client, csrf, data)
    assert preview.status_code == 200
    assert "8201: nieuwsbrief, schooljaar 2025-2026, gegeven door ouder op 01-09-2025" in (
        preview.text
    )


def test_line_numbers_survive_the_translation(tmp_path: Path) -> None:
    """Blank lines and a cell over two lines keep every later row on its own line number."""
    text = (
        "leerlingnummer;naam;rol;geboortedatum;school;groep;roepnamen;doel;schooljaar;"
        "besluit;gegeven_door;datum_besluit;bewijs\n"
        '9001;"Twee\nregels";leerling;02-02-2013;;;;;;;;;\n'
        "\n"
        "9002;Fout;directeur;02-02-2013;;;;;;;;;\n"
    )
    tmp = tmp_path / "x.csv"
    tmp.write_bytes(from_dutch_csv(text.encode()))
    with pytest.raises(ImportValidationError) as caught:
        read_import(tmp)
    assert [line for line, _, _ in caught.value.problems] == [5]


@pytest.mark.parametrize(
    ("change", "page_text"),
    [
        (
            ImportChange(
                ChangeKind.CONSENT,
                "1",
                purpose=Purpose.NAMED_IN_POST,
                school_year=SchoolYear(2025),
                decision=ConsentDecision.WITHDRAWN,
                given_by=GivenBy.GUARDIAN,
                given_on=date(2026, 1, 31),
            ),
            "1: met naam in een bericht, schooljaar 2025-2026, ingetrokken door voogd "
            "op 31-01-2026",
        ),
        (
            ImportChange(ChangeKind.PERSON_CHANGED, "7", ("birth_date", "group")),
            "persoon 7 gewijzigd (geboortedatum, groep)",
        ),
        (ImportChange(ChangeKind.NEW_PERSON, "7"), "nieuwe persoon 7"),
    ],
)
def test_preview_lines(change: ImportChange, page_text: str) -> None:
    assert dutch_change(change) == page_text


def test_preview_lines_in_english_keep_the_registry_words() -> None:
    change = ImportChange(
        ChangeKind.CONSENT,
        "7001",
        purpose=Purpose.SOCIAL_MEDIA,
        school_year=SchoolYear(2025),
        decision=ConsentDecision.GRANTED,
        given_by=GivenBy.PARENT,
        given_on=date(2025, 9, 1),
    )
    assert change.describe("en") == (
        "7001: social media, school year 2025-2026, granted by parent on 2025-09-01"
    )
    moved = ImportChange(ChangeKind.PERSON_CHANGED, "7", ("birth_date",))
    assert moved.describe("en") == "person 7 changed (birth_date)"


def test_quoted_file_content_is_left_as_written() -> None:
    assert dutch_problem("role 'name' is onbekend") == "rol 'name' is onbekend"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_sign_in_text_names_no_commands(app_client: TestClient, lang: str) -> None:
    page = main_of(app_client.get(f"/login?lang={lang}").text)
    assert "`" not in page
    assert "screening serve" not in page and "keys create" not in page
    assert "beheerder" in page if lang == "nl" else "administrator" in page


def test_sign_in_still_works_with_the_new_text(
    app_client: TestClient, raw_keys: dict[str, str]
) -> None:
    assert sign_in(app_client, raw_keys["registry_admin"], "/registry/import")
