"""The registry pages: search, add a person, consent on a date with history, change it, enrol."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from consent_store.purposes import Purpose
from consent_store.records import PersonInfo, Role
from consent_store.school_year import SchoolYear
from kernel.errors import UnknownPersonError
from tests.web.conftest import jpeg

YEAR = str(SchoolYear.of(date.today()))


@pytest.fixture(scope="module")
def people(web_services: Services) -> list[str]:
    """Two pupils and a staff member in the module's registry."""
    reg = web_services.registry
    for pid, name, role, birth in (
        ("1001", "Zoë de Vries", Role.PUPIL, date(2013, 3, 1)),
        ("1002", "Daan Jansen", Role.PUPIL, date(2012, 6, 9)),
        ("9001", "Els Smit", Role.STAFF, date(1980, 1, 1)),
    ):
        reg.add_person(PersonInfo(pid, name, role, birth, "De Korre", "7B", ()), recorded_by="t")
    return ["1001", "1002", "9001"]


def consent_form(**fields: str) -> dict[str, str]:
    data = {
        "decision": "granted",
        "purpose": "social_media",
        "school_year": YEAR,
        "given_by": "parent",
        "evidence": "toestemmingsformulier 2025, map 7B",
        "effective_on": date.today().isoformat(),
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("q", "found", "not_found"),
    [
        ("zoe", ["Zoë de Vries"], ["Daan Jansen"]),
        ("JANSEN", ["Daan Jansen"], ["Zoë de Vries"]),
        ("9001", ["Els Smit"], ["Daan Jansen"]),
        ("", ["Zoë de Vries", "Daan Jansen", "Els Smit"], []),
    ],
)
def test_search_people(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: list[str],
    q: str,
    found: list[str],
    not_found: list[str],
) -> None:
    signed_in("officer")
    page = app_client.get("/registry", params={"q": q}).text
    for name in found:
        assert name in page
    for name in not_found:
        assert name not in page
    assert 'href="/registry/people/1001"' in page or "Zoë" not in found


def test_search_with_no_match_says_so(
    app_client: TestClient, signed_in: Callable[[str], str], people: list[str]
) -> None:
    signed_in("officer")
    assert "Niemand gevonden voor “Pietje”." in app_client.get("/registry?q=Pietje").text


def test_officers_see_but_cannot_change(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: list[str],
    web_services: Services,
) -> None:
    csrf = signed_in("officer")
    page = app_client.get("/registry/people/1002").text
    assert "U kunt het register inzien, maar niet wijzigen." in page
    assert "/consents" not in page and 'name="photo"' not in page
    before = web_services.registry.history("1002")
    refused = app_client.post(
        "/registry/people/1002/consents", data={"csrf_token": csrf, **consent_form()}
    )
    assert refused.status_code == 403
    added = app_client.post(
        "/registry/people",
        data={"csrf_token": csrf, "person_id": "5", "name": "X", "role": "pupil"},
    )
    assert added.status_code == 403
    assert web_services.registry.history("1002") == before
    with pytest.raises(UnknownPersonError):
        web_services.registry.get_person("5")


def test_add_a_person(
    app_client: TestClient, signed_in: Callable[[str], str], web_services: Services
) -> None:
    csrf = signed_in("registry_admin")
    form = {
        "csrf_token": csrf,
        "person_id": "2001",
        "name": "Sanne Bakker",
        "role": "pupil",
        "birth_date": "2014-04-04",
        "group": "6A",
        "aliases": "San; Sannie",
    }
    response = app_client.post("/registry/people", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/registry/people/2001"
    page = app_client.get(response.headers["location"]).text
    assert "De persoon is toegevoegd." in page and "Sanne Bakker (2001)" in page
    # The message is shown once: a reload does not repeat it.
    assert "De persoon is toegevoegd." not in app_client.get(response.headers["location"]).text
    assert web_services.registry.get_person("2001").aliases == ("San", "Sannie")
    again = app_client.post("/registry/people", data=form)
    assert again.status_code == 422 and "2001" in again.text  # a duplicate id is refused


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"person_id": ""}, "person_id", "Geef een nummer van 1 tot 64 tekens."),
        ({"name": ""}, "name", "Geef een naam van 1 tot 200 tekens."),
        ({"role": "director"}, "role", "Kies een rol uit de lijst."),
        ({"birth_date": "1-1-20x"}, "birth_date", "Geef de datum als dd-mm-jjjj"),
    ],
)
def test_add_person_bad_input(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    web_services: Services,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    csrf = signed_in("registry_admin")
    form = {"person_id": "3001", "name": "Piet", "role": "pupil", "birth_date": "2014-01-01"}
    form.update(change)
    response = app_client.post("/registry/people", data={"csrf_token": csrf, **form})
    assert response.status_code == 422
    assert message in response.text
    assert f'href="#{field}"' in response.text  # the error summary links to the field
    assert 'aria-invalid="true"' in response.text
    with pytest.raises(UnknownPersonError):
        web_services.registry.get_person("3001")


def test_grant_then_withdraw_shows_state_and_history(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: list[str],
    web_services: Services,
) -> None:
    csrf = signed_in("registry_admin")
    page = app_client.get("/registry/people/1001").text
    assert '<tr class="invalid" data-purpose="social_media">' in page
    first_day = SchoolYear.of(date.today()).first_day
    done = app_client.post(
        "/registry/people/1001/consents",
        data={"csrf_token": csrf, **consent_form(effective_on=first_day.isoformat())},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = app_client.get(done.headers["location"]).text
    assert "Het besluit is vastgelegd" in page
    assert '<tr class="valid" data-purpose="social_media">' in page
    assert "sociale media: gegeven" in page and "toestemmingsformulier 2025, map 7B" in page
    assert web_services.registry.consent_on("1001", Purpose.SOCIAL_MEDIA, date.today()).valid

    withdrawn = app_client.post(
        "/registry/people/1001/consents",
        data={
            "csrf_token": csrf,
            **consent_form(decision="withdrawn", school_year="", evidence="mail van moeder"),
        },
    )
    assert withdrawn.status_code == 200  # followed the redirect
    assert "sociale media: ingetrokken" in withdrawn.text
    assert '<tr class="invalid" data-purpose="social_media">' in withdrawn.text
    # Newest first: the withdrawal is above the grant.
    assert withdrawn.text.index("sociale media: ingetrokken") < withdrawn.text.index(
        "sociale media: gegeven"
    )
    if first_day < date.today():
        # On an earlier date the consent still held: the page shows any date.
        earlier = app_client.get(f"/registry/people/1001?on={first_day.isoformat()}").text
        assert '<tr class="valid" data-purpose="social_media">' in earlier


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"decision": "maybe"}, "Kies gegeven, geweigerd of ingetrokken."),
        ({"purpose": "tv"}, "Kies een doel uit de lijst."),
        ({"school_year": "2025"}, "is geen schooljaar"),
        ({"school_year": "2025-2027"}, "is geen schooljaar"),
        ({"given_by": "staff"}, "Kies wie het besluit nam."),
        ({"evidence": "  "}, "Zeg waaruit het besluit blijkt"),
        ({"effective_on": "gisteren"}, "Geef de datum als dd-mm-jjjj"),
        # The registry's own rule: a date after the school year's end.
        ({"school_year": "2001-2002"}, "na het einde van schooljaar 2001-2002"),
    ],
)
def test_consent_bad_input_changes_nothing(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: list[str],
    web_services: Services,
    change: dict[str, str],
    message: str,
) -> None:
    csrf = signed_in("registry_admin")
    before = web_services.registry.history("1002")
    response = app_client.post(
        "/registry/people/1002/consents", data={"csrf_token": csrf, **consent_form(**change)}
    )
    assert response.status_code == 422
    assert message in response.text
    assert web_services.registry.history("1002") == before


def test_consent_without_csrf_changes_nothing(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: list[str],
    web_services: Services,
) -> None:
    signed_in("registry_admin")
    before = web_services.registry.history("1002")
    for token in ("", "forged"):
        response = app_client.post(
            "/registry/people/1002/consents", data={"csrf_token": token, **consent_form()}
        )
        assert response.status_code == 403 and "Het formulier is verlopen" in response.text
    assert web_services.registry.history("1002") == before


def test_unknown_person_and_bad_date_are_pages(
    app_client: TestClient, signed_in: Callable[[str], str], people: list[str]
) -> None:
    csrf = signed_in("registry_admin")
    missing = app_client.get("/registry/people/nobody")
    assert missing.status_code == 404 and "Er staat niemand met nummer “nobody”" in missing.text
    posted = app_client.post(
        "/registry/people/nobody/consents", data={"csrf_token": csrf, **consent_form()}
    )
    assert posted.status_code == 404
    bad_day = app_client.get("/registry/people/1001?on=2026-13-01")
    assert bad_day.status_code == 422 and "dd-mm-jjjj" in bad_day.text


def test_consent_table_on_a_date_in_english(
    app_client: TestClient, signed_in: Callable[[str], str], people: list[str]
) -> None:
    signed_in("officer")
    page = app_client.get("/registry/people/9001?on=2025-10-01&lang=en").text
    assert "Consent on 2025-10-01" in page and "face matching" in page and "staff member" in page


def test_enrolment_without_face_models_says_so(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: list[str],
    web_services: Services,
) -> None:
    csrf = signed_in("registry_admin")
    page = app_client.get("/registry/people/1002").text
    assert "Gezichtsherkenning is op deze server niet beschikbaar." in page
    none = app_client.post(
        "/registry/people/1002/faces",
        data={"csrf_token": csrf},
        files=[("photo", ("", b"", "application/octet-stream"))],
    )
    assert none.status_code == 422 and "Kies minstens één foto." in none.text
    sent = app_client.post(
        "/registry/people/1002/faces",
        data={"csrf_token": csrf},
        files=[("photo", ("pasfoto.jpg", jpeg(), "image/jpeg"))],
    )
    assert sent.status_code == 422 and "niet beschikbaar" in sent.text
    forged = app_client.post(
        "/registry/people/1002/faces",
        data={"csrf_token": "forged"},
        files=[("photo", ("pasfoto.jpg", jpeg(), "image/jpeg"))],
    )
    assert forged.status_code == 403
    assert web_services.registry.templates_of("1002") == []
