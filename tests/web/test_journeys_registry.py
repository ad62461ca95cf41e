"""Issue 16 point 3 and point 5 (registry, import and sign-in pages) in a real browser.

The real service with the face models runs in uvicorn, as in test_journeys.py. The registry
administrator adds a 14-year-old pupil (the astronaut's photo stands in for her face), tries
to record her own consent for face matching and is refused at once, with the reason at the
top of the form and nothing typed lost; records her parent's consent instead; and enrols her
face, which the form allowed only once that consent existed. The enrolment shows in her
history, and each success message is shown once. A second journey fills in the import
template, sees the preview and the errors in Dutch, and imports it.

Every page is shot full-page at desktop width and at 375 px (it must not scroll sideways
there) and checked with axe-core (tests/web/axe.py) when SCREENING_AXE_JS is set; without it
the journey still runs and then skips with the reason at its end (in CI it fails instead).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api.auth import Role
from api.services import Services, build_services
from consent_store.purposes import Purpose
from tests.web.axe import assert_accessible, axe_path, require_axe
from tests.web.conftest import web_settings
from tests.web.test_journeys import (
    _browser_or_skip,
    live_service,
    photo_payload,
    screenshot_folders,
    shoot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

    from tests.conftest import Browsers

pytestmark = pytest.mark.browser

DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 375, "height": 812}
ADMIN_NAME = "Bram (register)"
PUPIL_ID = "L14"
PUPIL_NAME = "Lotte de Jong"
TODAY = date.today()
#: Fourteen on the day the consent is recorded (today): her parent decides.
BIRTH = date(TODAY.year - 14, 1, 15)
BIRTH_NL = BIRTH.strftime("%d-%m-%Y")
EVIDENCE = "toestemmingsformulier gezichtsherkenning, map 7B"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Server:
    url: str
    services: Services
    admin_key: str


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return screenshot_folders(tmp_path_factory, "registry-screenshots")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real service with the face models, on an empty registry of its own."""
    _browser_or_skip()
    services = build_services(web_settings(tmp_path_factory.mktemp("registry-j")), faces=True)
    admin_key = services.keys.create(ADMIN_NAME, [Role.REGISTRY_ADMIN])[1]
    try:
        with live_service(services) as url:
            yield Server(url, services, admin_key)
    finally:
        services.close()


@pytest.fixture(scope="module")
def browser(server: Server, browsers: Browsers) -> Browser:
    """The worker's Chromium (tests/conftest.py), once this module's service runs."""
    return browsers.chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="nl-NL")
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, server: Server, path: str) -> None:
    """Sign in through the login page, as a person would."""
    from playwright.sync_api import expect

    page.goto(server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.get_by_label("API-sleutel").fill(server.admin_key)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Ingelogd als")).to_be_visible()


class Checks:
    """Screenshots at both widths, no sideways scrolling at 375 px, and axe when available."""

    def __init__(self, shots: list[Path]) -> None:
        self.shots = shots
        self.axe_missing = axe_path() is None

    def page(self, page: Page, name: str, what: str) -> None:
        """Check and shoot the page as it is now, at desktop width and at 375 px."""
        self._axe(page, what)
        shoot(page, self.shots, name)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(200)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{what} is {wide}px wide at 375 px: it scrolls sideways"
        self._axe(page, f"{what} at 375 px")
        shoot(page, self.shots, f"{name}-375")
        page.set_viewport_size(DESKTOP)

    def _axe(self, page: Page, what: str) -> None:
        if not self.axe_missing:
            assert_accessible(page, what)

    def finish(self) -> None:
        """Skip (or in CI fail) with the reason when axe could not be run."""
        if self.axe_missing:
            require_axe()


def main_text(page: Page) -> str:
    text: str = page.locator("main").inner_text()
    return text


def test_consent_is_checked_when_it_is_entered(
    server: Server, page: Page, shots: list[Path]
) -> None:
    """Point 3, with point 5 for the sign-in, registry and person pages."""
    from playwright.sync_api import expect

    checks = Checks(shots)
    page.goto(server.url + "/registry")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    login = main_text(page)
    assert "`" not in login and "screening" not in login.lower()
    checks.page(page, "p3-01-sign-in", "the sign-in page")
    sign_in(page, server, "/registry")

    # A new pupil, her birth date typed the way people write it here.
    page.get_by_label("Leerling- of personeelsnummer").fill(PUPIL_ID)
    page.get_by_label("Naam", exact=True).fill(PUPIL_NAME)
    page.get_by_label("Geboortedatum").fill(BIRTH_NL)
    page.get_by_label("Groep of klas").fill("7B")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{PUPIL_NAME} ({PUPIL_ID})")
    expect(page.get_by_text("De persoon is toegevoegd.")).to_be_visible()
    expect(page.locator(".details")).to_contain_text(BIRTH_NL)

    # Face enrolment waits for consent for face matching, and says why.
    blocked = page.locator("#faces-blocked")
    expect(blocked).to_contain_text("Inschrijven kan pas als er geldige toestemming")
    expect(page.get_by_label("Pasfoto('s)")).to_be_disabled()
    expect(page.get_by_role("button", name="Inschrijven")).to_be_disabled()
    assert not ISO_DATE.search(main_text(page)), ISO_DATE.findall(main_text(page))
    checks.page(page, "p3-02-person-enrolment-disabled", "the person page before consent")

    # The success message was shown once: a reload does not repeat it.
    page.reload()
    expect(page.get_by_text("De persoon is toegevoegd.")).to_have_count(0)

    # The link in the face section opens the consent form with face matching chosen.
    blocked.get_by_role("link").click()
    expect(page.get_by_label("Doel")).to_have_value(Purpose.BIOMETRIC_MATCHING.value)
    expect(page.get_by_label("Gegeven door")).to_have_value("parent")  # the sensible default

    # "Given by: self" for a 14-year-old is refused at once, and nothing typed is lost.
    page.get_by_label("gegeven", exact=True).check()
    page.get_by_label("Gegeven door").select_option("self")
    page.get_by_label("Bewijs").fill(EVIDENCE)
    page.get_by_role("button", name="Vastleggen").click()
    summary = page.locator("#foutmeldingen")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Controleer het formulier")
    expect(summary).to_contain_text(
        "Onder de 16 geeft een ouder of voogd toestemming, niet de leerling zelf."
    )
    expect(summary).to_contain_text("er is nog niets vastgelegd")
    form_top = page.locator("#vastleggen form").bounding_box()
    summary_box = summary.bounding_box()
    assert form_top and summary_box and summary_box["y"] < form_top["y"]  # above the form
    expect(page.get_by_label("Bewijs")).to_have_value(EVIDENCE)
    expect(page.get_by_label("Doel")).to_have_value(Purpose.BIOMETRIC_MATCHING.value)
    expect(page.get_by_label("Gegeven door")).to_have_value("self")
    expect(page.locator("table.history")).not_to_contain_text("gezichtsherkenning: gegeven")
    checks.page(page, "p3-03-consent-refused-self-under-16", "the refused consent form")

    # Her parent's consent is recorded; the message is shown once.
    page.get_by_label("Gegeven door").select_option("parent")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Het besluit is vastgelegd")).to_be_visible()
    expect(page.locator('tr[data-purpose="biometric_matching"]')).to_have_class("valid")
    expect(page.locator("table.history")).to_contain_text("gezichtsherkenning: gegeven")
    page.reload()
    expect(page.get_by_text("Het besluit is vastgelegd")).to_have_count(0)

    # Now the face form is open; the enrolment shows in her history.
    expect(page.locator("#faces-blocked")).to_have_count(0)
    page.get_by_label("Pasfoto('s)").set_input_files(photo_payload())
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.locator("#gezicht .alert-success")).to_have_text("1 gezicht(en) ingeschreven.")
    history = page.locator("table.history tbody tr").first
    expect(history).to_contain_text("Gezicht ingeschreven voor gezichtsherkenning")
    assert len(server.services.registry.templates_of(PUPIL_ID)) == 1
    checks.page(page, "p3-04-face-enrolled-in-history", "the person page after enrolment")
    page.reload()
    expect(page.locator("#gezicht .alert-success")).to_have_count(0)

    # The people list, at both widths.
    page.goto(server.url + "/registry")
    expect(page.get_by_role("link", name=PUPIL_NAME)).to_be_visible()
    checks.page(page, "p3-05-people", "the people list")
    checks.finish()


def _template_rows() -> str:
    return (
        "9001;Noor Visser;leerling;02-02-2013;De Korre;6B;;sociale media;2025-2026;gegeven;"
        "ouder;01-09-2025;formulier 2025\r\n"
        "9002;Bram Kok;medewerker;05-05-1985;De Korre;;;website;2025-2026;gegeven;zelf;"
        "01-09-2025;mail van Bram\r\n"
    )


def test_import_with_the_template_in_dutch(
    server: Server, page: Page, shots: list[Path], tmp_path: Path
) -> None:
    """Point 5 for the import page: a template, the columns, Dutch preview and errors."""
    from playwright.sync_api import expect

    checks = Checks(shots)
    sign_in(page, server, "/registry/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("CSV inlezen")
    columns = page.locator("table.import-columns")
    expect(columns).to_contain_text("geboortedatum")
    expect(columns).to_contain_text("gegeven, geweigerd, ingetrokken")
    checks.page(page, "p5-import-01-form-and-columns", "the import page")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download het sjabloon (CSV)").click()
    download: Any = info.value
    assert download.suggested_filename == "toestemmingen-sjabloon.csv"
    filled = tmp_path / "toestemmingen.csv"
    filled.write_bytes(Path(download.path()).read_bytes() + _template_rows().encode("utf-8"))

    # A bad file first: every error in Dutch words, nothing changed.
    bad = tmp_path / "fouten.csv"
    bad.write_bytes(
        Path(download.path()).read_bytes()
        + b"9101;Fout;directeur;31-02-2013;;;;sociale media;2025-2026;ja;oma;;formulier\r\n"
    )
    page.get_by_label("CSV-bestand").set_input_files(str(bad))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("rol 'directeur' is onbekend")
    expect(errors).to_contain_text("geboortedatum '31-02-2013' is geen datum (schrijf dd-mm-jjjj)")
    expect(errors).to_contain_text("kies uit: gegeven, geweigerd, ingetrokken")
    words = errors.inner_text()
    for english in ("birth_date", "granted", "given_by", "decision", "role "):
        assert english not in words, english
    checks.page(page, "p5-import-02-errors-in-dutch", "the import errors")

    # The filled template: a Dutch preview, then the import.
    page.get_by_label("CSV-bestand").set_input_files(str(filled))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    changes = page.locator("ul.changes")
    expect(changes).to_contain_text(
        "9001: sociale media, schooljaar 2025-2026, gegeven door ouder op 01-09-2025"
    )
    for english in ("granted", "social_media", "parent", "2025-09-01"):
        assert english not in changes.inner_text(), english
    checks.page(page, "p5-import-03-preview-in-dutch", "the import preview")
    page.get_by_role("button", name="Bevestigen en inlezen").click()
    expect(page.get_by_role("status")).to_contain_text("Ingelezen: 2 personen nieuw")
    assert server.services.registry.get_person("9001").display_name == "Noor Visser"
    checks.page(page, "p5-import-04-done", "the import result")
    checks.finish()
