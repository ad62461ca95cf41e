"""axe-core in a Playwright page: the serious and critical accessibility violations.

axe-core comes from the npm registry when the tests are set up, never from the network
during a test: `.ci/run` installs `axe-core@4` with npm into a cache folder and exports the
path of its `axe.min.js` in SCREENING_AXE_JS. Locally, without that file, `require_axe()`
skips the test with the reason; with SCREENING_REQUIRE_BROWSER=1 (CI) it fails instead.

Use in a journey:

    from tests.web.axe import assert_accessible
    assert_accessible(page, "the result page")

The script is run with `page.evaluate`, which the pages' Content-Security-Policy (scripts
from the same origin only) does not block.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_ENV = "SCREENING_AXE_JS"
#: The impact levels that fail a page (axe's "minor" and "moderate" are reported, not failed).
FAILING_IMPACTS = frozenset({"serious", "critical"})
#: The rules axe runs: WCAG 2.1 A and AA, and axe's best practices.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")


def axe_path() -> Path | None:
    """Where axe.min.js is (SCREENING_AXE_JS), if it is there."""
    value = os.environ.get(AXE_ENV)
    if not value:
        return None
    path = Path(value)
    return path if path.is_file() else None


def require_axe() -> str:
    """The source of axe.min.js; skips (or in CI fails) the test when it is absent."""
    path = axe_path()
    if path is not None:
        return path.read_text(encoding="utf-8")
    reason = (
        f"axe-core is absent: set {AXE_ENV} to axe.min.js "
        "(npm install --prefix ~/.cache/screening-axe axe-core@4; .ci/run does this)"
    )
    if os.environ.get("SCREENING_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"accessibility checks are required here (SCREENING_REQUIRE_BROWSER=1): {reason}"
        )
    pytest.skip(f"accessibility check skipped: {reason}")


def violations(page: Page, *, include_minor: bool = False) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now; only serious and critical ones by default."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(require_axe())
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        list(TAGS),
    )
    if include_minor:
        return found
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def describe(found: list[dict[str, Any]]) -> str:
    """The violations one a line, for an assertion message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found)


def assert_accessible(page: Page, what: str) -> None:
    """Fail when axe finds a serious or critical violation on the page."""
    found = violations(page)
    assert not found, f"axe-core found serious/critical violations on {what}:\n{describe(found)}"
