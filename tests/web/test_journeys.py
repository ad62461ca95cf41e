"""The main journeys in a real browser: Debian's Chromium driven by Playwright.

The real service runs in uvicorn on a free localhost port, with the face models, on a
registry of its own. Eileen Collins (scikit-image's astronaut) is a pupil with consent for
face matching but not for social media; her face is enrolled on her person page by the
registry administrator. Then: the officer's post with her photo holds with her face boxed
and named; the redacted download really blurs her face; once the administrator grants
social-media consent the same post publishes, and after a withdrawal it holds again.

Screenshots of every step go to a temporary folder and, when SCREENING_SCREENSHOT_DIR is
set, there too. Without /usr/bin/chromium (or SCREENING_CHROMIUM) the tests skip with the
reason, except in CI (SCREENING_REQUIRE_BROWSER=1), where that is a failure.
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from PIL import Image

from api.app import create_app
from api.auth import Role
from api.services import Services, build_services
from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo
from consent_store.records import Role as PersonRole
from consent_store.school_year import SchoolYear
from kernel.types import Box, Channel, ImageInput, Post
from tests.web.conftest import astronaut_jpeg, web_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page, ViewportSize

    from tests.conftest import Browsers

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("SCREENING_CHROMIUM", "/usr/bin/chromium"))
POST_TEXT = "Vandaag was het ruimtevaartdag op school! Kijk eens wie er langskwam."
PERSON_ID = "A1"
PERSON_NAME = "Eileen Collins"
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}


def _browser_or_skip() -> None:
    """Skip with the reason when no browser is available; fail instead in CI."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is absent (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the Python package playwright is not installed"
    if missing is None:
        return
    if os.environ.get("SCREENING_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (SCREENING_REQUIRE_BROWSER=1): {missing}")
    pytest.skip(f"browser journeys skipped: {missing}")


def screenshot_folders(factory: pytest.TempPathFactory, name: str) -> list[Path]:
    """Where screenshots go: a temporary folder, and SCREENING_SCREENSHOT_DIR if set."""
    folders = [factory.mktemp(name)]
    extra = os.environ.get("SCREENING_SCREENSHOT_DIR")
    if extra:
        folders.append(Path(extra))
        folders[-1].mkdir(parents=True, exist_ok=True)
    return folders


@contextmanager
def live_service(services: Services) -> Iterator[str]:
    """The app on `services` in uvicorn on a free localhost port; yields its address."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(services=services), log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=15)
        sock.close()


@dataclass(frozen=True)
class Server:
    """The running service: its address, services and the keys of its two users."""

    url: str
    services: Services
    officer_key: str
    admin_key: str


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return screenshot_folders(tmp_path_factory, "screenshots")


def shoot(page: Page, shots: list[Path], name: str) -> Path:
    """A full-page screenshot of the current page, saved in every screenshot folder."""
    data = page.screenshot(full_page=True)
    for folder in shots:
        (folder / f"{name}.png").write_bytes(data)
    return shots[0] / f"{name}.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real service with face models, in uvicorn on a free port of localhost."""
    _browser_or_skip()
    services = build_services(web_settings(tmp_path_factory.mktemp("journeys")), faces=True)
    officer_key = services.keys.create("Anna (communicatie)", [Role.OFFICER])[1]
    admin_key = services.keys.create("Bram (register)", [Role.REGISTRY_ADMIN])[1]
    year = SchoolYear.of(date.today())
    services.registry.add_person(
        PersonInfo(PERSON_ID, PERSON_NAME, PersonRole.PUPIL, date(2013, 5, 5), "De Korre", "7B"),
        recorded_by="setup",
    )
    services.registry.grant(
        PERSON_ID,
        Purpose.BIOMETRIC_MATCHING,
        year,
        GivenBy.PARENT,
        "toestemmingsformulier gezichtsherkenning",
        on=year.first_day,
        recorded_by="setup",
    )
    try:
        with live_service(services) as url:
            yield Server(url, services, officer_key, admin_key)
    finally:
        services.close()


@pytest.fixture(scope="module")
def browser(server: Server, browsers: Browsers) -> Browser:
    """The worker's Chromium (tests/conftest.py), once this module's service runs."""
    return browsers.chromium()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Any]:
    """Pages in fresh browser contexts (separate cookies: separate people)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="nl-NL")
        context.set_default_timeout(60_000)  # a photo screening on a busy CI machine
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, server: Server, key: str, path: str = "/") -> None:
    """Sign in through the login page, as a person would."""
    from playwright.sync_api import expect

    page.goto(server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.get_by_label("API-sleutel").fill(key)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Ingelogd als")).to_be_visible()


def photo_payload() -> FilePayload:
    return {"name": "astronaut.jpg", "mimeType": "image/jpeg", "buffer": astronaut_jpeg()}


def wait_for_photos(page: Page) -> None:
    """Wait until every photo of a result has loaded (screenshots and axe see them)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )


def screen_post(
    page: Page,
    photo: FilePayload | None = None,
    *,
    text: str = POST_TEXT,
    hold: bool = False,
) -> None:
    """Write the post, add the photo (the astronaut unless given), submit on Instagram; wait
    for the verdict (a hold when `hold`) and its photos."""
    from playwright.sync_api import expect

    page.get_by_label("Tekst van het bericht").fill(text)
    page.get_by_label("Foto's").set_input_files(photo or photo_payload())
    page.get_by_label("Kanaal").select_option("instagram")
    page.get_by_role("button", name="Controleren").click()
    if hold:
        expect(page.locator(".verdict")).to_have_class("verdict verdict-hold")
    else:
        expect(page.locator(".verdict")).to_be_visible()
    wait_for_photos(page)


def face_box(services: Services) -> Box:
    """Where the pipeline finds the astronaut's face (the same photo the browser sends)."""
    post = Post(
        text="x",
        channel=Channel.INSTAGRAM,
        publish_on=date.today(),
        images=(ImageInput("astronaut.jpg", astronaut_jpeg()),),
    )
    decision = services.pipeline.screen(post)
    boxes = [
        r.finding.region.box
        for r in decision.findings
        if r.finding.kind.startswith("face.") and r.finding.region and r.finding.region.box
    ]
    assert len(boxes) == 1, [r.finding.kind for r in decision.findings]
    return boxes[0]


def pixels(data: bytes) -> np.ndarray[Any, np.dtype[np.int16]]:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="module")
def enrolled(server: Server, browser: Browser, shots: list[Path]) -> None:
    """The registry administrator enrols Eileen's face on her person page."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        sign_in(page, server, server.admin_key)
        expect(page).to_have_url(server.url + "/registry")
        page.get_by_label("Zoek op naam of leerlingnummer").fill("collins")
        page.get_by_role("button", name="Zoeken").click()
        page.get_by_role("link", name=PERSON_NAME).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{PERSON_NAME} ({PERSON_ID})")
        expect(page.get_by_text("Nog geen gezicht ingeschreven.")).to_be_visible()
        page.get_by_label("Pasfoto('s)").set_input_files(photo_payload())
        page.get_by_role("button", name="Inschrijven").click()
        expect(page.get_by_text("1 gezicht(en) ingeschreven.").first).to_be_visible()
        shoot(page, shots, "00-registry-face-enrolled")
    finally:
        context.close()
    assert len(server.services.registry.templates_of(PERSON_ID)) == 1


def test_hold_with_the_face_boxed_and_named(
    server: Server, enrolled: None, new_page: Any, shots: list[Path]
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    sign_in(page, server, server.officer_key)
    shoot(page, shots, "01-screen-form")
    screen_post(page)
    verdict = page.locator(".verdict")
    expect(verdict).to_have_class("verdict verdict-hold")
    expect(verdict).to_contain_text("Niet publiceren (vasthouden)")
    # At a glance: the verdict is inside the first screen of a laptop.
    box = verdict.bounding_box()
    assert box is not None and box["y"] + box["height"] < VIEWPORT["height"]
    reasons = page.locator(".reasons")
    expect(reasons).to_contain_text("Herkenbaar gezicht zonder toestemming")
    expect(reasons).to_contain_text(f"Foto 1: {PERSON_NAME}")
    expect(reasons.locator("blockquote").first).to_contain_text("Beeldmateriaal van leerlingen")
    expect(page.locator(".photo figcaption")).to_contain_text(PERSON_NAME)
    shoot(page, shots, "02-hold-face-boxed")

    # The picture on the page has her face boxed in red (no consent) and is not the original.
    src = page.locator(".photo img").get_attribute("src")
    assert src is not None
    shown = page.request.get(server.url + src)
    assert shown.ok and shown.headers["content-type"] == "image/jpeg"
    annotated, original = pixels(shown.body()), pixels(astronaut_jpeg())
    assert annotated.shape == original.shape
    face = face_box(server.services)
    edge = annotated[face.top, face.left : face.right]
    reddish = (edge[:, 0] > 170) & (edge[:, 1] < 80) & (edge[:, 2] < 80)
    assert reddish.mean() > 0.8, "the face is not boxed in red on the annotated photo"


def test_download_the_redacted_photo(
    server: Server, enrolled: None, new_page: Any, shots: list[Path]
) -> None:
    page = new_page()
    sign_in(page, server, server.officer_key)
    screen_post(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download publiceerbare foto 1").click()
    download = info.value
    assert download.suggested_filename == "01-publiceerbaar.jpg"
    saved = download.path()
    redacted, original = pixels(saved.read_bytes()), pixels(astronaut_jpeg())
    assert Image.open(saved).format == "JPEG" and redacted.shape == original.shape
    face = face_box(server.services)
    inside = np.abs(redacted - original)[face.top : face.bottom, face.left : face.right]
    outside = np.abs(redacted - original)[:, : max(1, face.left - face.width)]
    assert inside.mean() > 15, f"the face region barely changed ({inside.mean():.1f})"
    assert outside.mean() < 4, f"the rest of the photo changed ({outside.mean():.1f})"
    page.goto(download.url)
    shoot(page, shots, "03-redacted-photo")


def test_grant_consent_then_the_same_post_publishes(
    server: Server, enrolled: None, new_page: Any, shots: list[Path]
) -> None:
    from playwright.sync_api import expect

    admin = new_page()
    sign_in(admin, server, server.admin_key)
    admin.goto(f"{server.url}/registry/people/{PERSON_ID}")
    social = admin.locator('tr[data-purpose="social_media"]')
    expect(social).to_have_class("invalid")
    admin.get_by_label("gegeven", exact=True).check()
    admin.get_by_label("Doel").select_option("social_media")
    expect(admin.get_by_label("Gegeven door")).to_have_value("parent")
    admin.get_by_label("Bewijs").fill("toestemmingsformulier sociale media, map 7B")
    admin.get_by_role("button", name="Vastleggen").click()
    expect(admin.get_by_text("Het besluit is vastgelegd")).to_be_visible()
    expect(social).to_have_class("valid")
    expect(admin.locator("table.history")).to_contain_text("sociale media: gegeven")
    shoot(admin, shots, "04-registry-consent-granted")

    officer = new_page()
    sign_in(officer, server, server.officer_key)
    screen_post(officer)
    verdict = officer.locator(".verdict")
    expect(verdict).to_have_class("verdict verdict-publish")
    expect(verdict).to_contain_text("Publiceren")
    expect(officer.locator(".photo figcaption")).to_contain_text("Gezicht met toestemming")
    colour = verdict.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(27, 107, 47)", colour  # green
    shoot(officer, shots, "05-publish-green")

    # Withdrawn again (as a parent might): the same post holds again.
    admin.get_by_label("ingetrokken").check()
    admin.get_by_label("Bewijs").fill("mail van moeder")
    admin.get_by_role("button", name="Vastleggen").click()
    expect(social).to_have_class("invalid")
    officer.goto(server.url + "/")
    screen_post(officer)
    expect(officer.locator(".verdict")).to_have_class("verdict verdict-hold")


def test_keyboard_only_screening(server: Server, new_page: Any, shots: list[Path]) -> None:
    from playwright.sync_api import expect

    page = new_page()
    sign_in(page, server, server.officer_key)
    page.keyboard.press("Tab")
    active = "() => document.activeElement.id || document.activeElement.textContent.trim()"
    assert page.evaluate(active) == "Naar de inhoud"  # the skip link comes first
    page.keyboard.press("Enter")
    visited: list[str] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        current = page.evaluate(active)
        if not visited or visited[-1] != current:
            visited.append(current)
        if current == "text":
            page.keyboard.type("Bel me op 06-12345678")
        if current == "screen-submit":
            break
    assert visited == ["text", "photos", "channel", "publish_on", "policy", "screen-submit"]
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus ring"
    shoot(page, shots, "06-keyboard-focus-on-submit")
    page.keyboard.press("Enter")
    expect(page.locator(".verdict")).to_have_class("verdict verdict-hold")
    expect(page.locator(".reasons")).to_contain_text("Telefoonnummer")
    assert page.evaluate(active) == "uitslag"  # reading goes on at the verdict
    shoot(page, shots, "07-keyboard-result")


def test_switch_to_english(server: Server, new_page: Any, shots: list[Path]) -> None:
    from playwright.sync_api import expect

    page = new_page()
    sign_in(page, server, server.officer_key)
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a post")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Text of the post").fill("Call me on 06-12345678")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator(".verdict")).to_contain_text("Do not publish (hold)")
    shoot(page, shots, "08-english-hold")


def test_drop_photos_and_the_size_warning(server: Server, new_page: Any, shots: list[Path]) -> None:
    from playwright.sync_api import expect

    page = new_page()
    sign_in(page, server, server.officer_key)
    page.get_by_label("Foto's").set_input_files(photo_payload())
    # A photo dropped on the zone is added to the one already chosen.
    page.evaluate(
        """() => {
          const zone = document.querySelector('[data-dropzone]');
          const dt = new DataTransfer();
          const bytes = new Uint8Array([255, 216, 255]);
          dt.items.add(new File([bytes], 'klas.jpg', {type: 'image/jpeg'}));
          for (const type of ['dragenter', 'dragover', 'drop']) {
            const init = {dataTransfer: dt, bubbles: true, cancelable: true};
            zone.dispatchEvent(new DragEvent(type, init));
          }
        }"""
    )
    names = page.evaluate("() => [...document.querySelector('#photos').files].map(f => f.name)")
    assert names == ["astronaut.jpg", "klas.jpg"]
    expect(page.locator(".file-list li")).to_have_count(2)
    expect(page.locator(".file-list")).to_contain_text("klas.jpg")
    shoot(page, shots, "09-dropped-photos")
    # Over the server's limit, the page says so before sending anything; the draft stays.
    page.locator("form.screen-form").evaluate("f => { f.dataset.maxBytes = '70000'; }")
    page.get_by_label("Tekst van het bericht").fill("Klassenfoto")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("#photos-size-error")).to_contain_text("groter dan")
    expect(page.locator(".verdict")).to_have_count(0)
    expect(page.get_by_label("Tekst van het bericht")).to_have_value("Klassenfoto")
