"""End to end: the unpacked extension in Debian's Chromium, on local pages that imitate a
platform composer (composer.html) and a school's own website editor (cms.html), against the
real service started on localhost.

Screenshots go to the test's tmp_path and, when set, to $SCREENING_SCREENSHOT_DIR.

One deviation from a school's installation: the extension is loaded from a copy whose
manifest already grants http://127.0.0.1/* (the local composer page and the service). A
school grants these hosts on the options page, where the browser asks the user; automation
cannot answer that browser prompt. Everything after the grant is the shipped code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import ROOT, shared_path
from tests.ports import free_port
from tests.web.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Worker

    from tests.conftest import Browsers

#: Like the web journeys: a real Chromium, driven by the worker's one Playwright driver.
pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
EXTENSION = ROOT / "extension"
HERE = Path(__file__).resolve().parent
# The first check after start-up warms the text pipeline; photos run the face detector.
VERDICT_TIMEOUT_MS = 90_000
SERVICE_START_S = 240

BADGE = "[data-school-screening-badge] [role='status']"
DIALOG = "[data-school-screening-dialog] [role='alertdialog']"
PICKER = "[data-school-screening-picker] .banner"
PHONE_TEXT = "Bel me op 06-12345678 voor de foto's"
CLEAN_TEXT = "Wat een mooie sportdag vandaag! Iedereen heeft goed zijn best gedaan."


def _require_browser() -> None:
    """Skip outside CI when Chromium or Playwright is missing; in CI that is a failure."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is absent")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is not installed")
    if problems:
        why = "browser end-to-end tests cannot run: " + "; ".join(problems)
        if os.environ.get("SCREENING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{why} (SCREENING_REQUIRE_BROWSER=1)")
        pytest.skip(why)


# --- the real service ---------------------------------------------------------------------


_CLI = (sys.executable, "-m", "screening")


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env.update(SCREENING_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
    return env


def _create_key(data_dir: Path, role: str) -> str:
    out = subprocess.run(
        [*_CLI, "keys", "create", "--name", f"e2e-{role}", "--role", role, "--json"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return str(json.loads(out)["key"])


@dataclass
class Service:
    """`screening serve` in a subprocess, with an extension key and an officer key."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    extension_key: str
    officer_key: str

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def get(self, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {self.officer_key}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def request_count(self, route: str) -> int:
        """How many requests the service logged for `route` (one log line per request)."""
        return sum(route in line for line in self.log.read_text().splitlines())


def start_service(data_dir: Path) -> Service:
    """Start the service on a free port and wait until it is ready."""
    subprocess.run([*_CLI, "registry", "init"], env=_env(data_dir), capture_output=True, check=True)
    extension_key = _create_key(data_dir, "extension")
    officer_key = _create_key(data_dir, "officer")
    port = free_port()
    log = data_dir / "service.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*_CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=_env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    service = Service(f"http://127.0.0.1:{port}", proc, log, extension_key, officer_key)
    deadline = time.monotonic() + SERVICE_START_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the service exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{service.url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return service
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or 503 while the pipeline is built
        if time.monotonic() > deadline:
            service.stop()
            raise RuntimeError(f"the service was not ready within {SERVICE_START_S} s")
        time.sleep(0.3)


# --- the page that imitates a platform ----------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def composer_url() -> Iterator[str]:
    """The imitation composer (tests/extension/composer.html) on a local HTTP server."""
    _require_browser()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(HERE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/composer.html"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def cms_url(composer_url: str) -> str:
    """The imitation of a school's own website editor (tests/extension/cms.html)."""
    return composer_url.rsplit("/", 1)[0] + "/cms.html"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    _require_browser()
    svc = start_service(tmp_path_factory.mktemp("service"))
    yield svc
    svc.stop()


# --- the browser with the extension -------------------------------------------------------


@dataclass
class Browser:
    context: BrowserContext
    worker: Worker
    extension_id: str
    opened_options_on_install: bool

    def set_settings(self, settings: dict[str, Any]) -> None:
        self.worker.evaluate("s => chrome.storage.local.set({settings: s})", settings)

    def registered_matches(self) -> list[str]:
        scripts = self.worker.evaluate("chrome.scripting.getRegisteredContentScripts()")
        return [m for s in scripts for m in s["matches"]]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, browsers: Browsers) -> Iterator[Browser]:
    _require_browser()
    # The worker's one Playwright driver (tests/conftest.py): two cannot run in one thread.
    pw = browsers.driver()
    unpacked = tmp_path_factory.mktemp("extension") / "extension"
    shutil.copytree(
        EXTENSION, unpacked, ignore=shutil.ignore_patterns("test", "node_modules", "package*.json")
    )
    manifest = json.loads((unpacked / "manifest.json").read_text())
    manifest["host_permissions"] = ["http://127.0.0.1/*"]  # see the module docstring
    (unpacked / "manifest.json").write_text(json.dumps(manifest, indent=2))

    context = pw.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(CHROMIUM),
        headless=True,
        args=[f"--disable-extensions-except={unpacked}", f"--load-extension={unpacked}"],
        viewport={"width": 1100, "height": 760},
        locale="nl-NL",
    )
    try:
        worker = (
            context.service_workers[0]
            if context.service_workers
            else context.wait_for_event("serviceworker", timeout=30_000)
        )
        extension_id = worker.url.split("/")[2]
        # On install the extension opens its options page; close it so the tests open their
        # own (and remember that it happened).
        options_url = f"chrome-extension://{extension_id}/options.html"
        deadline = time.monotonic() + 15
        first_run = [p for p in context.pages if p.url == options_url]
        while not first_run and time.monotonic() < deadline:
            # Not time.sleep: Playwright's sync API handles browser events only while waiting
            # in one of its own calls.
            context.pages[0].wait_for_timeout(200)
            first_run = [p for p in context.pages if p.url == options_url]
        for p in first_run:
            p.close()
        yield Browser(context, worker, extension_id, opened_options_on_install=bool(first_run))
    finally:
        context.close()


def _screenshot(page: Page, name: str, tmp_path: Path, *, full_page: bool = False) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    extra = os.environ.get("SCREENING_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)
    return path


def _options_page(browser: Browser) -> Page:
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/options.html")
    page.wait_for_selector("body[data-ready='true']")
    return page


@pytest.fixture(scope="module")
def configured(
    browser: Browser, service: Service, tmp_path_factory: pytest.TempPathFactory
) -> Browser:
    """The extension set up the way a school does it: through its options page."""
    page = _options_page(browser)
    page.fill("#serviceUrl", service.url)
    page.fill("#apiKey", service.extension_key)
    page.fill("#extraSites", "http://127.0.0.1 instagram")
    page.click("#save")
    page.wait_for_selector("#status[data-tone='ok']", timeout=30_000)
    _screenshot(page, "options-saved", tmp_path_factory.mktemp("screenshots-options"))
    page.close()
    deadline = time.monotonic() + 30
    while "http://127.0.0.1/*" not in browser.registered_matches():
        assert time.monotonic() < deadline, "the extra site was never registered"
        time.sleep(0.2)
    return browser


@pytest.fixture
def composer(configured: Browser, composer_url: str) -> Iterator[Page]:
    """A fresh imitation composer with the extension running in it."""
    page = configured.context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "school-post-screening" in m.text else None,
    )
    page.goto(composer_url)
    yield page
    page.close()
    assert problems == [], f"the content script reported: {problems}"


def _type(page: Page, text: str) -> None:
    page.click("#box")
    # Key by key, as a person types: every key is an input event the extension debounces.
    page.keyboard.type(text, delay=15)


def _badge(page: Page, state: str) -> Locator:
    from playwright.sync_api import expect

    badge = page.locator(f"{BADGE}[data-state='{state}']")
    expect(badge).to_be_visible(timeout=VERDICT_TIMEOUT_MS)
    return badge


def _article_text(service: Service, pack: str, article: str) -> str:
    packs = service.get("/v1/policies")["packs"]
    articles = next(p for p in packs if p["id"] == pack)["articles"]
    return str(next(a for a in articles if a["id"] == article)["text"])


# --- the tests ----------------------------------------------------------------------------


def test_options_page_opens_on_install_saves_and_connects(
    configured: Browser, service: Service
) -> None:
    assert configured.opened_options_on_install
    stored = configured.worker.evaluate("chrome.storage.local.get('settings')")["settings"]
    assert stored == {
        "serviceUrl": service.url,
        "apiKey": service.extension_key,
        "lang": "nl",
        "extraSites": [{"pattern": "http://127.0.0.1/*", "channel": "instagram"}],
    }


def test_options_page_refuses_bad_input_and_changes_nothing(
    configured: Browser, tmp_path: Path
) -> None:
    before = configured.worker.evaluate("chrome.storage.local.get('settings')")
    page = _options_page(configured)
    page.fill("#serviceUrl", "http://controle.school.nl")
    page.fill("#extraSites", "cms.school.nl televisie")
    page.click("#save")
    page.wait_for_selector("#status[data-tone='bad']")
    assert page.get_attribute("#serviceUrl", "aria-invalid") == "true"
    assert "https://" in page.inner_text("#serviceUrl-error")
    assert "regel 1" in page.inner_text("#extraSites-error")
    _screenshot(page, "options-refused", tmp_path)
    page.close()
    assert configured.worker.evaluate("chrome.storage.local.get('settings')") == before


def test_phone_number_turns_the_badge_red_with_the_article(
    composer: Page, service: Service, tmp_path: Path
) -> None:
    before = service.request_count("POST /v1/precheck")
    _type(composer, PHONE_TEXT)
    badge = _badge(composer, "hold")
    assert badge.get_attribute("data-tone") == "red"
    text = badge.inner_text()
    assert "Niet plaatsen" in text
    assert "Telefoonnummer" in text
    assert "06-12345678" in text
    assert "Artikel III.A.3" in text
    assert _article_text(service, "svok", "III.A.3") in " ".join(text.split())
    _screenshot(composer, "hold-phone-number", tmp_path)
    # Debounced: far fewer checks than the keys typed (usually exactly one).
    checks = service.request_count("POST /v1/precheck") - before
    assert 1 <= checks < len(PHONE_TEXT) // 4


def test_clean_text_turns_the_badge_green_and_posts(composer: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    _type(composer, CLEAN_TEXT)
    badge = _badge(composer, "publish")
    assert badge.get_attribute("data-tone") == "green"
    assert "Kan geplaatst worden" in badge.inner_text()
    _screenshot(composer, "publish-clean-text", tmp_path)
    composer.click("#post")
    expect(composer.locator("#posted li")).to_have_text([CLEAN_TEXT])
    expect(composer.locator(DIALOG)).to_have_count(0)


def test_post_on_a_hold_is_intercepted_and_a_reason_is_recorded(
    composer: Page, service: Service, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    _type(composer, PHONE_TEXT)
    _badge(composer, "hold")
    composer.click("#post")
    dialog = composer.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Dit bericht niet plaatsen")
    expect(dialog).to_contain_text("Telefoonnummer")
    _screenshot(composer, "hold-post-intercepted", tmp_path)
    expect(composer.locator("#posted li")).to_have_count(0)

    go = dialog.locator("button.go")
    expect(go).to_be_disabled()
    dialog.locator("textarea").fill("Het is het algemene nummer van de school")
    dialog.locator("#officer").fill("J. de Vries")
    expect(go).to_be_enabled()
    go.click()
    expect(composer.locator("#posted li")).to_have_text([PHONE_TEXT])
    expect(dialog).to_have_count(0)

    overrides = service.get("/v1/overrides")["overrides"]
    mine = [o for o in overrides if o["reason"] == "Het is het algemene nummer van de school"]
    assert len(mine) == 1
    assert mine[0]["finding_kinds"] == ["pii.phone"]
    assert mine[0]["officer"] == "J. de Vries"
    assert "e2e-extension" in mine[0]["recorded_by"]


def test_going_back_from_the_warning_posts_nothing(composer: Page) -> None:
    from playwright.sync_api import expect

    _type(composer, PHONE_TEXT)
    _badge(composer, "hold")
    composer.click("#post")
    composer.locator(f"{DIALOG} button.back").click()
    expect(composer.locator(DIALOG)).to_have_count(0)
    expect(composer.locator("#posted li")).to_have_count(0)
    expect(composer.locator("#box")).to_have_text(PHONE_TEXT)


def test_narrow_window_the_badge_folds_and_never_covers_post(
    composer: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    composer.set_viewport_size({"width": 660, "height": 700})
    _type(composer, PHONE_TEXT)
    badge = _badge(composer, "hold")
    expect(badge.locator(".details")).to_be_hidden()
    _screenshot(composer, "hold-narrow-window-folded", tmp_path)
    # A real click where the button is: it reaches the button, not the badge.
    box = composer.locator("#post").bounding_box()
    assert box is not None
    composer.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(composer.locator(DIALOG)).to_be_visible()
    expect(composer.locator("#posted li")).to_have_count(0)
    composer.locator(f"{DIALOG} button.back").click()
    badge.locator("button.toggle").click()
    expect(badge.locator(".details")).to_be_visible()
    expect(badge).to_contain_text("Artikel III.A.3")
    _screenshot(composer, "hold-narrow-window-unfolded", tmp_path)


@pytest.mark.shared("data", "faces")
def test_photo_with_a_face_is_downscaled_sent_and_held(
    composer: Page, service: Service, tmp_path: Path
) -> None:
    photo = shared_path("data", "faces", "face_recognition", "examples", "obama-1080p.jpg")
    composer.set_input_files("#photo", str(photo))
    _type(composer, "Op bezoek bij groep 8")
    badge = _badge(composer, "hold")
    text = badge.inner_text()
    assert "in foto 1" in text
    assert "1 foto(’s) meegecontroleerd." in text
    _screenshot(composer, "hold-photo-face", tmp_path)


def test_service_stopped_means_unreachable_never_green(
    configured: Browser, composer_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import expect

    own = start_service(tmp_path_factory.mktemp("service-to-stop"))
    original = configured.worker.evaluate("chrome.storage.local.get('settings')")["settings"]
    try:
        configured.set_settings({**original, "serviceUrl": own.url, "apiKey": own.extension_key})
        page = configured.context.new_page()
        page.goto(composer_url)
        _type(page, CLEAN_TEXT)
        _badge(page, "publish")  # it works while the service runs
        own.stop()
        _type(page, " Tot morgen!")
        badge = _badge(page, "unreachable")
        assert badge.get_attribute("data-tone") == "grey"
        assert "Controledienst onbereikbaar" in badge.inner_text()
        assert "NIET gecontroleerd" in badge.inner_text()
        _screenshot(page, "unreachable", tmp_path)
        page.click("#post")
        expect(page.locator(DIALOG)).to_contain_text("Bericht is niet gecontroleerd")
        expect(page.locator("#posted li")).to_have_count(0)
        _screenshot(page, "unreachable-post-intercepted", tmp_path)
        page.close()
    finally:
        own.stop()
        configured.set_settings(original)


# --- a school's own website (issue 16, point 4) -------------------------------------------

CMS_PUBLISH = ".editor-post-publish-button"
CMS_PUBLISHED = "#published-list li"
CHOSEN = {"selector": "button.components-button.editor-post-publish-button", "label": "Bijwerken"}


def _stored_settings(browser: Browser) -> dict[str, Any]:
    return dict(browser.worker.evaluate("chrome.storage.local.get('settings')")["settings"])


def test_own_site_publish_button_is_chosen_then_screened(
    configured: Browser, cms_url: str, service: Service, tmp_path: Path
) -> None:
    """The officer chooses her site's "Bijwerken" button once; from then on it is screened."""
    from playwright.sync_api import expect

    original = _stored_settings(configured)
    pages: list[Page] = []
    try:
        page = configured.context.new_page()
        pages.append(page)
        page.goto(cms_url)
        page.click("#box")
        badge = _badge(page, "empty")
        expect(badge).to_contain_text("Publiceerknop van deze website: niet gekozen")
        badge.locator("button.pick").click()
        banner = page.locator(PICKER)
        expect(banner).to_contain_text("Klik op de knop waarmee u op deze website publiceert")
        _screenshot(page, "own-site-choose-publish-button-desktop", tmp_path, full_page=True)
        assert_accessible(page, "a school site with the badge and the publish-button picker")

        page.click(CMS_PUBLISH)
        expect(banner).to_have_count(0)
        expect(badge).to_contain_text("Publiceerknop van deze website: “Bijwerken”")
        expect(page.locator(CMS_PUBLISHED)).to_have_count(0)  # choosing published nothing
        assert _stored_settings(configured)["extraSites"] == [
            {"pattern": "http://127.0.0.1/*", "channel": "instagram", "publishButton": CHOSEN}
        ]

        _type(page, PHONE_TEXT)
        _badge(page, "hold")
        page.click(CMS_PUBLISH)
        dialog = page.locator(DIALOG)
        expect(dialog).to_contain_text("Dit bericht niet plaatsen")
        expect(page.locator(CMS_PUBLISHED)).to_have_count(0)
        _screenshot(page, "own-site-hold-intercepted-desktop", tmp_path, full_page=True)
        dialog.locator("button.back").click()
        expect(page.locator(CMS_PUBLISHED)).to_have_count(0)

        # On a phone-sized window, in a new tab: the choice was kept.
        phone = configured.context.new_page()
        pages.append(phone)
        phone.set_viewport_size({"width": 375, "height": 740})
        phone.goto(cms_url)
        _type(phone, CLEAN_TEXT)
        _badge(phone, "publish")
        phone.click(CMS_PUBLISH)
        expect(phone.locator(CMS_PUBLISHED)).to_have_text([CLEAN_TEXT])
        expect(phone.locator(DIALOG)).to_have_count(0)

        _type(phone, PHONE_TEXT)
        _badge(phone, "hold")
        phone.click(CMS_PUBLISH)
        dialog = phone.locator(DIALOG)
        expect(dialog).to_contain_text("Telefoonnummer")
        expect(phone.locator(CMS_PUBLISHED)).to_have_count(1)
        _screenshot(phone, "own-site-hold-intercepted-375", tmp_path, full_page=True)
        assert_accessible(phone, "a school site with the hold dialog, 375 px wide")
        reason = "Algemeen nummer van de school, staat op de website"
        dialog.locator("textarea").fill(reason)
        dialog.locator("button.go").click()
        expect(phone.locator(CMS_PUBLISHED)).to_have_text([CLEAN_TEXT, PHONE_TEXT])
        overrides = service.get("/v1/overrides")["overrides"]
        assert [o["finding_kinds"] for o in overrides if o["reason"] == reason] == [["pii.phone"]]

        # The options page lists the chosen button and can forget it.
        options = _options_page(configured)
        pages.append(options)
        chosen = options.locator("#publishButtons li")
        expect(chosen).to_have_count(1)
        expect(chosen).to_contain_text("127.0.0.1: “Bijwerken”")
        _screenshot(options, "own-site-options-chosen-button-desktop", tmp_path, full_page=True)
        assert_accessible(options, "the options page with a chosen publish button")
        chosen.locator("button.forget").click()
        expect(chosen).to_have_count(0)
        assert "publishButton" not in _stored_settings(configured)["extraSites"][0]
    finally:
        for p in pages:
            p.close()
        configured.set_settings(original)


def test_options_page_says_it_waits_for_the_browser_permission_prompt(
    configured: Browser, tmp_path: Path
) -> None:
    """A new site opens the browser's prompt (headless Chromium keeps it open): say so.

    Last in the module: the prompt stays open until the page closes.
    """
    from playwright.sync_api import expect

    before = _stored_settings(configured)
    page = _options_page(configured)
    try:
        page.fill("#extraSites", "http://127.0.0.1 instagram\ncms.voorbeeld.nl website")
        page.click("#save")
        status = page.locator("#status[data-tone='wait']")
        expect(status).to_contain_text("Wacht op toestemming van de browser")
        expect(status).to_contain_text("https://cms.voorbeeld.nl/*")
        expect(page.locator("#save")).to_be_disabled()
        _screenshot(page, "options-waiting-for-permission-desktop", tmp_path, full_page=True)
        page.set_viewport_size({"width": 375, "height": 740})
        expect(status).to_contain_text("Wacht op toestemming van de browser")
        _screenshot(page, "options-waiting-for-permission-375", tmp_path, full_page=True)
        assert_accessible(page, "the options page waiting for the browser's permission")
        # Nothing is saved while the browser still asks.
        assert _stored_settings(configured) == before
    finally:
        page.close()
