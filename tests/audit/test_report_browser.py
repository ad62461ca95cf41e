"""The report as the officer sees it: Debian's Chromium (Playwright) at desktop width and at
375 px (a phone), with screenshots as test artifacts, and axe-core finding no serious or
critical accessibility violation at either width (tests/web/axe.py; without SCREENING_AXE_JS
the test skips with the reason at its end, and fails instead in CI).

Screenshots go to a temporary folder and, when SCREENING_SCREENSHOT_DIR is set, there too
(the helpers of tests/web/test_journeys.py). Without /usr/bin/chromium (or playwright) the
test skips with the reason, except with SCREENING_REQUIRE_BROWSER=1, where that fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.audit.library import PublishedState, withdraw_social_media
from tests.audit.test_report_items import audit_folder, make_library
from tests.web.axe import assert_accessible, axe_path, require_axe
from tests.web.test_journeys import screenshot_folders, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.conftest import Browsers

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1366, 900), "phone": (375, 812)}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return screenshot_folders(tmp_path_factory, "audit-screenshots")


@pytest.fixture(scope="module")
def browser(browsers: Browsers) -> Browser:
    """The worker's Chromium (tests/conftest.py)."""
    return browsers.chromium()


def test_the_report_reads_well_on_a_desktop_and_a_phone(
    browser: Browser, shots: list[Path], published: PublishedState, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    folder = make_library(published, tmp_path)
    audit_folder(published, folder, tmp_path / "gisteren")  # last night
    withdraw_social_media(published.settings)
    out = tmp_path / "rapport"
    audit_folder(published, folder, out)  # tonight: the withdrawal is new
    url = (out / "report.html").as_uri()
    axe_missing = axe_path() is None
    for name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
        try:
            page = context.new_page()
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Nachtelijke controle van gepubliceerde berichten"
            )
            # What changed comes first, with the withdrawal named in Dutch.
            expect(page.get_by_role("heading", level=2).first).to_have_text(
                "Nieuw sinds de vorige controle (1)"
            )
            expect(page.get_by_text("ingetrokken door de ouder").first).to_be_visible()
            page.wait_for_function(
                "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
            )
            # Nothing sticks out sideways, not even on a phone.
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
            if not axe_missing:
                assert_accessible(page, f"the audit report ({name}, {width} px)")
            path = shoot(page, shots, f"audit-report-{name}")
            assert path.stat().st_size > 10_000
        finally:
            context.close()
    if axe_missing:
        require_axe()  # skips with the reason (fails in CI) once the rest has been checked
