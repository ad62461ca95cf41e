"""Consent checked when it is entered: who may give it, enrolment only with consent, the
history of enrolments, a success message shown once, dates as dd-mm-jjjj."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.services import Services
from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, GivenBy, PersonInfo, Role
from consent_store.school_year import SchoolYear

YEAR = SchoolYear.of(date.today())
#: A day in the current school year on which the consent is dated.
DAY = YEAR.first_day
DAY_NL = DAY.strftime("%d-%m-%Y")


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


@pytest.fixture(scope="module")
def people(web_services: Services) -> None:
    reg = web_services.registry
    for pid, name, role, birth in (
        ("C14", "Lotte Jong", Role.PUPIL, _years_before(DAY, 14)),
        ("C17", "Mees Ouder", Role.PUPIL, _years_before(DAY, 17)),
        # Turns 16 on the very day of the decision: from then on the pupil decides.
        ("C16", "Sara Zestien", Role.PUPIL, _years_before(DAY, 16)),
        ("CS", "Joke Docent", Role.STAFF, date(1980, 1, 1)),
        ("CF", "Finn Gezicht", Role.PUPIL, _years_before(DAY, 12)),
    ):
        reg.add_person(PersonInfo(pid, name, role, birth), recorded_by="t")


def consent(csrf: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf,
        "decision": "granted",
        "purpose": "social_media",
        "school_year": str(YEAR),
        "given_by": "parent",
        "evidence": "formulier van juf Ans, map 7B",
        "effective_on": DAY_NL,
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("person", "given_by", "message"),
    [
        ("C14", "self", "Onder de 16 geeft een ouder of voogd toestemming, niet de leerling zelf."),
        ("C17", "parent", "Vanaf 16 jaar geeft de leerling zelf toestemming"),
        ("C17", "guardian", "Vanaf 16 jaar geeft de leerling zelf toestemming"),
        ("C16", "parent", "Sara Zestien was op " + DAY_NL + " 16 jaar."),
        ("CS", "parent", "Joke Docent is medewerker en geeft zelf toestemming."),
    ],
)
def test_a_grant_that_would_not_count_is_refused_at_once(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: None,
    web_services: Services,
    person: str,
    given_by: str,
    message: str,
) -> None:
    csrf = signed_in("registry_admin")
    before = web_services.registry.history(person)
    response = app_client.post(
        f"/registry/people/{person}/consents", data=consent(csrf, given_by=given_by)
    )
    assert response.status_code == 422
    page = response.text
    assert message in page and "er is nog niets vastgelegd" in page
    # At the top of the form, before its first field, linked to the field "Gegeven door".
    summary = page.index('id="foutmeldingen"')
    assert summary < page.index('action="/registry/people/' + person + '/consents"')
    assert '<a href="#given_by">Gegeven door:' in page
    assert 'aria-invalid="true"' in page
    # Nothing typed is lost: the evidence, the date and the chosen giver are still there.
    assert 'value="formulier van juf Ans, map 7B"' in page
    assert f'value="{DAY_NL}"' in page
    assert f'<option value="{given_by}" selected>' in page
    assert web_services.registry.history(person) == before


@pytest.mark.parametrize(
    ("person", "given_by"), [("C14", "parent"), ("C14", "guardian"), ("C16", "self")]
)
def test_a_grant_by_the_right_person_is_recorded(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: None,
    web_services: Services,
    person: str,
    given_by: str,
) -> None:
    csrf = signed_in("registry_admin")
    response = app_client.post(
        f"/registry/people/{person}/consents",
        data=consent(csrf, given_by=given_by, purpose="newsletter"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    entry = web_services.registry.history(person)[-1]
    assert getattr(entry, "given_by", None) is GivenBy(given_by)
    assert web_services.registry.consent_on(person, Purpose.NEWSLETTER, DAY).valid


def test_a_refusal_counts_from_anyone(
    app_client: TestClient, signed_in: Callable[[str], str], people: None, web_services: Services
) -> None:
    """The safe direction: a 14-year-old's own refusal is recorded, not refused."""
    csrf = signed_in("registry_admin")
    response = app_client.post(
        "/registry/people/C14/consents",
        data=consent(csrf, decision="refused", given_by="self", purpose="website"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    entry = web_services.registry.history("C14")[-1]
    assert getattr(entry, "decision", None) is ConsentDecision.REFUSED


def test_the_form_suggests_who_may_give_consent(
    app_client: TestClient, signed_in: Callable[[str], str], people: None
) -> None:
    signed_in("registry_admin")
    young = app_client.get("/registry/people/C14").text
    old = app_client.get("/registry/people/C17").text
    assert '<option value="parent" selected>' in young
    assert '<option value="self" selected>' in old


def test_the_success_message_is_shown_once_and_on_its_own_person(
    app_client: TestClient, signed_in: Callable[[str], str], people: None
) -> None:
    csrf = signed_in("registry_admin")
    done = app_client.post(
        "/registry/people/C17/consents",
        data=consent(csrf, given_by="self", purpose="school_guide"),
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/registry/people/C17#toestemming"
    # Another person's page does not take the message meant for this one.
    assert "Het besluit is vastgelegd" not in app_client.get("/registry/people/C14").text
    first = app_client.get("/registry/people/C17").text
    assert first.count("Het besluit is vastgelegd") == 1
    assert "Het besluit is vastgelegd" not in app_client.get("/registry/people/C17").text


def test_enrolment_is_disabled_until_face_matching_consent_exists(
    app_client: TestClient,
    signed_in: Callable[[str], str],
    people: None,
    web_services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The page only asks whether the face models are there; this module's app is text-only.
    monkeypatch.setattr(Services, "face_detector", property(lambda self: object()))
    csrf = signed_in("registry_admin")
    page = app_client.get("/registry/people/CF").text
    assert "Inschrijven kan pas als er geldige toestemming voor gezichtsherkenning is" in page
    assert re.search(r'<fieldset class="plain" disabled>', page)
    assert 'href="/registry/people/CF?purpose=biometric_matching#vastleggen"' in page
    # The link opens the consent form with face matching chosen.
    linked = app_client.get("/registry/people/CF?purpose=biometric_matching").text
    assert '<option value="biometric_matching" selected>' in linked

    app_client.post(
        "/registry/people/CF/consents", data=consent(csrf, purpose="biometric_matching")
    )
    page = app_client.get("/registry/people/CF").text
    assert "Inschrijven kan pas" not in page
    assert '<fieldset class="plain">' in page


def test_an_enrolment_shows_in_the_history(
    app_client: TestClient, signed_in: Callable[[str], str], people: None, web_services: Services
) -> None:
    reg = web_services.registry
    reg.grant("CF", Purpose.BIOMETRIC_MATCHING, YEAR, GivenBy.PARENT, "formulier", on=DAY)
    reg.add_face_template("CF", "test-model", np.ones(8, dtype=np.float32), "a" * 64)
    signed_in("officer")
    page = app_client.get("/registry/people/CF").text
    history = page[page.index('id="history-title"') :]
    assert "Gezicht ingeschreven voor gezichtsherkenning" in history
    assert '<tr class="history-face">' in history
    # Newest first: the enrolment comes before the consent that allowed it.
    assert history.index("Gezicht ingeschreven") < history.index("gezichtsherkenning: gegeven")


def test_dates_on_the_person_page_are_dd_mm_jjjj(
    app_client: TestClient, signed_in: Callable[[str], str], people: None
) -> None:
    signed_in("registry_admin")
    page = app_client.get(f"/registry/people/C14?on={DAY_NL}").text
    main = page[page.index("<main") : page.index("</main>")]
    assert f"Toestemming op {DAY_NL}" in main
    assert f'id="on" name="on" value="{DAY_NL}"' in main
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", main), re.findall(r"\d{4}-\d{2}-\d{2}", main)
    # A date typed the ISO way still works, and is shown back the Dutch way.
    iso = app_client.get(f"/registry/people/C14?on={DAY.isoformat()}").text
    assert f"Toestemming op {DAY_NL}" in iso
