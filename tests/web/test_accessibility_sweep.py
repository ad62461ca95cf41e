"""Issue 16: axe-core finds no serious or critical violation on any page a person can reach.

One sweep in a real browser over every page of the service, in each state a person meets it:
the sign-in page (also with a wrong key), the check form (empty, and with a field error), the
result of a hold, the override page (also with a too-short reason), the history (after an
override, and with a bad filter), the people list and a search, a person page, the import
page, its errors, a too-large file (413), the preview and the import done, and the error
pages (404 for an unknown person and an unknown check, 403 for a page of another role).
Each is checked with axe-core (tests/web/axe.py) at desktop width and at 375 px, where it
must not scroll sideways either, and shot full-page at both widths.

The service and browser are test_journeys.py's fixtures (Eileen Collins, the astronaut, with
consent for face matching only); the checks and screenshots are test_journeys_registry.py's.
The nightly audit's report.html is checked the same way in tests/audit/test_report_browser.py,
which builds one. Without Chromium or axe-core (SCREENING_AXE_JS) the sweep skips with the
reason, except in CI (SCREENING_REQUIRE_BROWSER=1), where that is a failure.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api.routes.people import enrol_photos
from api.web.routes_import import MAX_IMPORT_BYTES, TEMPLATE_URL
from tests.web.axe import require_axe
from tests.web.conftest import astronaut_jpeg
from tests.web.test_journeys import (  # noqa: F401 (fixtures, used by name)
    PERSON_ID,
    PERSON_NAME,
    Server,
    browser,
    new_page,
    photo_payload,
    server,
    shots,
    sign_in,
    wait_for_photos,
)
from tests.web.test_journeys_registry import Checks

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload, Page

pytestmark = pytest.mark.browser

POST_TEXT = "Ruimtevaartdag! Vragen? Bel meester Bram op 06-12345678."
REASON = "De ouders van Eileen gaven schriftelijk toestemming; meester Bram wil gebeld worden"


@pytest.fixture(scope="module", autouse=True)
def _axe_first() -> None:
    """Skip (or in CI fail) before the service starts when axe-core is absent."""
    require_axe()


def _heading(page: Page, text: str | re.Pattern[str]) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _officer_pages(page: Page, live: Server, checks: Checks) -> str:
    """Sign-in, check form, hold, override, history and the officer's error pages; the
    post id of the hold."""
    from playwright.sync_api import expect

    page.goto(live.url + "/")
    _heading(page, "Inloggen")
    checks.page(page, "a11y-01-sign-in", "the sign-in page")
    page.get_by_label("API-sleutel").fill("geen-echte-sleutel")
    page.get_by_role("button", name="Inloggen").click()
    _heading(page, "Inloggen")
    expect(page.get_by_role("alert").first).to_be_visible()
    checks.page(page, "a11y-02-sign-in-wrong-key", "the sign-in page with a wrong key")
    sign_in(page, live, live.officer_key)

    _heading(page, "Bericht controleren")
    checks.page(page, "a11y-03-check-form", "the check form")
    page.get_by_label("Tekst van het bericht").fill(POST_TEXT)
    page.get_by_label("Publicatiedatum").fill("31-02-2025")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator(".verdict")).to_have_count(0)
    expect(page.locator("#foutmeldingen")).to_be_visible()
    checks.page(page, "a11y-04-check-form-error", "the check form with a field error")

    page.get_by_label("Publicatiedatum").fill(date.today().strftime("%d-%m-%Y"))
    page.get_by_label("Foto's").set_input_files(photo_payload())
    page.get_by_label("Kanaal").select_option("instagram")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator(".verdict")).to_have_class("verdict verdict-hold")
    wait_for_photos(page)
    checks.page(page, "a11y-05-hold", "the result of a hold")
    post_id = page.locator(".result code").last.inner_text()

    page.goto(f"{live.url}/screenings/{post_id}/override")
    _heading(page, "Toch publiceren")
    checks.page(page, "a11y-06-override", "the override page")
    # Too short a reason, past the browser's own check: the page says so (422).
    page.locator("form.stack").evaluate("f => { f.noValidate = true; }")
    page.get_by_label("Reden (verplicht)").fill("ok")
    page.get_by_role("button", name="Toch publiceren en vastleggen").click()
    expect(page.locator("#foutmeldingen")).to_be_visible()
    checks.page(page, "a11y-07-override-error", "the override page with an error")
    page.get_by_label("Reden (verplicht)").fill(REASON)
    page.get_by_role("button", name="Toch publiceren en vastleggen").click()
    _heading(page, "Geschiedenis van controles")
    expect(page.locator(f"#check-{post_id}")).to_contain_text("Toch gepubliceerd")
    checks.page(page, "a11y-08-history", "the history page")
    page.locator("#van").fill("32-13-2025")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("#foutmeldingen")).to_be_visible()
    checks.page(page, "a11y-09-history-bad-filter", "the history page with a bad filter")

    page.goto(f"{live.url}/screenings/onbekend123/override")
    _heading(page, "Er ging iets mis")
    checks.page(page, "a11y-10-error-404-check", "the 404 page of an unknown check")
    page.goto(f"{live.url}/registry/import")
    _heading(page, "Er ging iets mis")
    checks.page(page, "a11y-11-error-403", "the 403 page")
    return post_id


def _registry_pages(page: Page, live: Server, checks: Checks) -> None:
    """The people list, a person page, the import pages and the registry's error pages."""
    from playwright.sync_api import expect

    sign_in(page, live, live.admin_key, "/registry")
    expect(page).to_have_url(live.url + "/registry")
    checks.page(page, "a11y-12-people", "the people list")
    page.get_by_label("Zoek op naam of leerlingnummer").fill("collins")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name=PERSON_NAME)).to_be_visible()
    checks.page(page, "a11y-13-people-search", "the people list with a search")
    page.get_by_role("link", name=PERSON_NAME).click()
    _heading(page, f"{PERSON_NAME} ({PERSON_ID})")
    checks.page(page, "a11y-14-person", "a person page")
    page.goto(f"{live.url}/registry/people/ONBEKEND9")
    _heading(page, "Er ging iets mis")
    checks.page(page, "a11y-15-error-404-person", "the 404 page of an unknown person")

    page.goto(f"{live.url}/registry/import")
    _heading(page, "CSV inlezen")
    checks.page(page, "a11y-16-import", "the import page")
    upload = page.get_by_label("CSV-bestand")
    send = page.get_by_role("button", name="Bekijk wat er verandert")
    # The columns as the page's own template has them.
    template = page.request.get(live.url + TEMPLATE_URL)
    assert template.ok
    header = template.body()
    bad = header + b"9101;Fout;directeur;31-02-2013;;;;sociale media;2025-2026;ja;oma;;x\r\n"
    upload.set_input_files(_csv("fouten.csv", bad))
    send.click()
    expect(page.locator("#import-errors")).to_contain_text("rol 'directeur' is onbekend")
    checks.page(page, "a11y-17-import-errors", "the import errors")
    big = header + b"#" * (MAX_IMPORT_BYTES + 1)
    upload.set_input_files(_csv("te-groot.csv", big))
    send.click()
    expect(page.get_by_role("alert").first).to_contain_text("MB")
    checks.page(page, "a11y-18-import-too-large", "the import page with a too-large file (413)")
    good = header + (
        b"9001;Noor Visser;leerling;02-02-2013;De Korre;6B;;sociale media;"
        b"2025-2026;gegeven;ouder;01-09-2025;formulier 2025\r\n"
    )
    upload.set_input_files(_csv("toestemmingen.csv", good))
    send.click()
    expect(page.locator("ul.changes")).to_contain_text("9001")
    checks.page(page, "a11y-19-import-preview", "the import preview")
    page.get_by_role("button", name="Bevestigen en inlezen").click()
    expect(page.get_by_role("status")).to_contain_text("Ingelezen")
    checks.page(page, "a11y-20-import-done", "the import result")


def _csv(name: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": "text/csv", "buffer": data}


def test_every_page_has_no_serious_accessibility_violation(
    server: Server,  # noqa: F811
    new_page: Any,  # noqa: F811
    shots: list[Path],  # noqa: F811
) -> None:
    """The sweep: each page and state at desktop width and at 375 px, axe-core on each."""
    if not server.services.registry.templates_of(PERSON_ID):
        enrol_photos(server.services, PERSON_ID, [("pasfoto.jpg", astronaut_jpeg())])
    checks = Checks(shots)
    post_id = _officer_pages(new_page(), server, checks)
    assert server.services.overrides.list(post_id=post_id)
    _registry_pages(new_page(), server, checks)
