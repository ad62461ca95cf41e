"""Issue 16 points 1, 2 and 5 (the officer's pages) in a real browser, with axe-core.

The real service with the face models runs in uvicorn, as in test_journeys.py. Eileen
Collins (scikit-image's astronaut) is enrolled with consent for face matching only. The
officer's post has her photo, with the photographer's name and a GPS position in its EXIF,
and a phone number in the text: it holds, and the page says exactly why. The officer then
publishes anyway with a reason and finds that in the history, filtered, and as CSV.

Every page is checked with axe-core (tests/web/axe.py) and shot full-page at desktop width
and at 375 px; the screenshots go where test_journeys.py puts them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from api.auth import Role
from api.routes.people import enrol_photos
from api.services import Services, build_services
from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo
from consent_store.records import Role as PersonRole
from consent_store.school_year import SchoolYear
from tests.web.axe import assert_accessible, require_axe
from tests.web.conftest import astronaut_jpeg, web_settings
from tests.web.test_journeys import (
    VIEWPORT,
    _browser_or_skip,
    live_service,
    screen_post,
    screenshot_folders,
    shoot,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page

    from tests.conftest import Browsers

pytestmark = pytest.mark.browser

PHONE = (375, 812)
POST_TEXT = "Ruimtevaartdag! Vragen? Bel meester Bram op 06-12345678."
OFFICER_NAME = "Anna (communicatie)"
REASON = "Meester Bram wil zelf gebeld worden; de ouders van Eileen gaven schriftelijk toestemming"
#: What is kept: names in a reason become placeholders (the record outlives the post).
KEPT_REASON = "[naam] wil zelf gebeld worden; de ouders van [naam] gaven schriftelijk toestemming"


@dataclass(frozen=True)
class Server:
    url: str
    services: Services
    officer_key: str


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return screenshot_folders(tmp_path_factory, "screenshots-officer")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real service with face models; Eileen enrolled, no social-media consent."""
    _browser_or_skip()
    require_axe()
    services = build_services(web_settings(tmp_path_factory.mktemp("officer")), faces=True)
    officer_key = services.keys.create(OFFICER_NAME, [Role.OFFICER])[1]
    year = SchoolYear.of(date.today())
    services.registry.add_person(
        PersonInfo("A1", "Eileen Collins", PersonRole.PUPIL, date(2013, 5, 5), "De Korre", "7B"),
        recorded_by="setup",
    )
    services.registry.grant(
        "A1",
        Purpose.BIOMETRIC_MATCHING,
        year,
        GivenBy.PARENT,
        "toestemmingsformulier gezichtsherkenning",
        on=year.first_day,
        recorded_by="setup",
    )
    enrol_photos(services, "A1", [("pasfoto.jpg", astronaut_jpeg())])
    try:
        with live_service(services) as url:
            yield Server(url, services, officer_key)
    finally:
        services.close()


@pytest.fixture(scope="module")
def browser(server: Server, browsers: Browsers) -> Browser:
    """The worker's Chromium (tests/conftest.py), once this module's service runs."""
    return browsers.chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="nl-NL")
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def photo_with_exif() -> FilePayload:
    """The astronaut, with a photographer's name and a GPS position in the EXIF."""
    exif = Image.Exif()
    exif[0x013B] = "Jan Fotograaf"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 12.0), 3: "E", 4: (4.0, 53.0, 24.0)}
    buf = io.BytesIO()
    Image.open(io.BytesIO(astronaut_jpeg())).save(buf, "JPEG", quality=92, exif=exif)
    return {"name": "ruimtevaart.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def at_phone_width(page: Page, shots: list[Path], name: str, what: str) -> None:
    """Shoot the page at 375 px wide, check it does not scroll sideways, and run axe."""
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.wait_for_timeout(200)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= PHONE[0], f"{what} is {wide}px wide at {PHONE[0]}px: it scrolls sideways"
    assert_accessible(page, f"{what} at {PHONE[0]} px")
    shoot(page, shots, name)
    page.set_viewport_size(VIEWPORT)


def test_the_hold_says_exactly_what_is_wrong(server: Server, page: Page, shots: list[Path]) -> None:
    """Point 1 and point 5 (result page, header): fields and values, who lacks which
    consent, one name for the publishable photo, folded articles, matching numbers,
    large face labels, an enlargeable photo, "Ingelogd als <naam>"."""
    from playwright.sync_api import expect

    sign_in(page, server, server.officer_key)  # type: ignore[arg-type]
    expect(page.locator(".who")).to_have_text(f"Ingelogd als {OFFICER_NAME}")
    screen_post(page, photo_with_exif(), text=POST_TEXT, hold=True)
    reasons = page.locator(".reasons")
    # Metadata: each field with its value.
    expect(reasons).to_contain_text("Maker: Jan Fotograaf")
    expect(reasons).to_contain_text("GPS: 52.37, 4.89")
    # The face: person, purpose, channel and school year, and where to record consent.
    year = str(SchoolYear.of(date.today()))
    expect(reasons).to_contain_text(
        "Eileen Collins heeft geen geldige toestemming voor sociale media "
        f"(kanaal Instagram, schooljaar {year})."
    )
    link = page.get_by_role("link", name="Toestemming van Eileen Collins vastleggen")
    expect(link).to_have_attribute("href", "/registry/people/A1#vastleggen")
    # One name for the publishable photo; the blur notice because a face is blurred.
    body = page.locator("main").inner_text()
    for other in ("opgeschoonde", "vervaagde versie", "versie met vervaagde"):
        assert other not in body
    expect(page.locator(".photo .hint")).to_contain_text(
        "1 gezicht(en) zonder toestemming vervaagd"
    )
    # Numbers: the mark in the text is the number of the phone-number reason.
    phone_reason = page.locator(".reason", has_text="Telefoonnummer")
    number = phone_reason.locator("h4 .ref").inner_text()
    place = phone_reason.locator(".places > li").first.get_attribute("id")
    mark = page.locator(f'.marked-text sup.ref a[href="#{place}"]')
    expect(mark).to_have_text(number)
    mark.click()
    assert page.evaluate("() => location.hash").startswith("#finding-")
    # Articles folded, one control opens them all.
    quotes = page.locator("details.article blockquote")
    assert quotes.count() >= 2
    for i in range(quotes.count()):
        expect(quotes.nth(i)).to_be_hidden()
    shoot(page, shots, "officer-01-hold-details-desktop")
    assert_accessible(page, "the result page")
    at_phone_width(page, shots, "officer-02-hold-details-375", "the result page")
    # On a phone the folded hold is far shorter than the 4,000 px it was.
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    tall = page.evaluate("() => document.getElementById('uitslag').scrollHeight")
    page.set_viewport_size(VIEWPORT)
    toggle = page.get_by_role("button", name="Toon de artikelteksten")
    toggle.click()
    for i in range(quotes.count()):
        expect(quotes.nth(i)).to_be_visible()
    expect(page.get_by_role("button", name="Verberg de artikelteksten")).to_have_attribute(
        "aria-expanded", "true"
    )
    assert_accessible(page, "the result page with the articles open")
    shoot(page, shots, "officer-03-articles-open-desktop")
    assert tall < 4000, f"the folded result is {tall}px tall on a phone"
    # Face labels large enough to read; the photo opens full size.
    size = page.locator(".faces .face").first.evaluate("e => getComputedStyle(e).fontSize")
    assert float(size.removesuffix("px")) >= 18, size
    page.get_by_role("link", name="Foto 1 vergroten").last.click()
    dialog = page.locator("#photo-dialog")
    expect(dialog).to_be_visible()
    page.wait_for_function("() => document.querySelector('#photo-dialog img').naturalWidth > 0")
    shown = dialog.locator("img").evaluate("i => i.getBoundingClientRect().width")
    thumb = page.locator(".photo img").first.evaluate("i => i.getBoundingClientRect().width")
    assert shown > thumb, (shown, thumb)
    assert_accessible(page, "the enlarged photo")
    shoot(page, shots, "officer-04-photo-enlarged-desktop")
    dialog.get_by_role("button", name="Sluiten").click()
    expect(dialog).to_be_hidden()
    # The registry link leads to the form where the consent is recorded.
    link.click()
    expect(page).to_have_url(re.compile(r"/registry/people/A1#vastleggen$"))


def test_publish_anyway_then_the_history(server: Server, page: Page, shots: list[Path]) -> None:
    """Point 2 and point 5 (history at 375 px): override with a reason, the history page
    filtered, and the CSV for the board."""
    from playwright.sync_api import expect

    sign_in(page, server, server.officer_key)  # type: ignore[arg-type]
    screen_post(page, photo_with_exif(), text=POST_TEXT, hold=True)
    post_id = page.locator(".result code").last.inner_text()
    page.get_by_text("Toch publiceren?").click()
    reason = page.get_by_label("Reden (verplicht)")
    expect(reason).to_be_visible()
    # Without a reason the browser does not send the form.
    page.get_by_role("button", name="Toch publiceren en vastleggen").click()
    assert reason.evaluate("e => e.validity.valueMissing")
    assert server.services.overrides.list(post_id=post_id) == []
    reason.fill(REASON)
    page.get_by_label("Uw naam (niet verplicht)").fill("Anna de Vries")
    shoot(page, shots, "officer-05-override-form-desktop")
    page.get_by_role("button", name="Toch publiceren en vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschiedenis van controles")
    expect(page.get_by_role("status").first).to_contain_text("toch gepubliceerd")
    row = page.locator(f"#check-{post_id}")
    expect(row).to_contain_text("Toch gepubliceerd")
    expect(row).to_contain_text(KEPT_REASON)
    expect(row).to_contain_text("Anna de Vries")
    expect(row).to_contain_text("Herkenbaar gezicht zonder toestemming")
    expect(row.locator("td").first).to_have_text(re.compile(r"^\d\d-\d\d-\d{4} \d\d:\d\d$"))
    (recorded,) = server.services.overrides.list(post_id=post_id)
    assert recorded.reason == KEPT_REASON
    # Nothing of the draft's text is in the history.
    assert "06-12345678" not in page.content() and "Ruimtevaartdag" not in page.content()
    shoot(page, shots, "officer-06-history-desktop")
    assert_accessible(page, "the history page")

    # Filter: only overridden checks, then a CSV of the same rows.
    page.get_by_label("Uitslag").select_option("override")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download als CSV (voor Excel)").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Datum", "Tijd", "Door", "Kanaal", "Uitslag"]
    assert [r[-1] for r in rows[1:]] == [post_id] and rows[1][8] == KEPT_REASON

    # At 375 px: one card per check, the header wraps, nothing scrolls sideways.
    at_phone_width(page, shots, "officer-07-history-375", "the history page")
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    assert (
        page.locator(".history-table thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    )
    expect(page.locator(".who")).to_be_visible()
    expect(page.get_by_role("link", name="Geschiedenis")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_in_viewport()
