"""The documentation: the README stays a front door, every link in it and in docs/ resolves,
and docs/decision.schema.json is the schema the code describes today.

Links are checked offline: a relative target must exist in the checkout and a `#fragment` must
name a heading of the target file (GitHub's slugs); http(s) links are only checked for form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from api.decision_schema import SCHEMA_FILE, decision_schema, main, render_schema
from api.schemas import DecisionPublic
from kernel.types import (
    Action,
    Box,
    Channel,
    Citation,
    Decision,
    Evidence,
    Finding,
    ImageRegion,
    PolicyRef,
    RatedFinding,
    Reason,
    Severity,
    Span,
)
from screening.decision_json import decision_to_dict

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

#: CI (.ci/run) runs these; the README gives them word for word.
QUICK_START = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && "
    ".venv/bin/screening check --file examples/post.txt",
    ".venv/bin/python -m pytest",
)
README_LIMIT = 8_000


def _markdown_files() -> list[Path]:
    files = [README, *sorted(DOCS.glob("*.md"))]
    files += sorted((ROOT / "models").rglob("*.md")) + sorted((ROOT / "notebooks").glob("*.md"))
    return files


# -- reading Markdown -------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
#: [text](target "title") and ![alt](target); the text may hold one level of brackets.
_INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"  # [text]
    r"\(\s*<?([^()\s<>]*)>?(?:\s+\"[^\"]*\")?\s*\)"  # (target "title")
)
_REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
_HTML_ID = re.compile(r"""<a\s+(?:name|id)=["']([^"']+)["']""")


def _prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines outside fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * 3
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        yield number, line


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every `#fragment` a Markdown file answers to: its headings' slugs, numbered when
    repeated as GitHub does ("x", "x-1", ...), and explicit `<a id>` / `<a name>` anchors."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line in _prose_lines(path.read_text(encoding="utf-8")):
        found.update(_HTML_ID.findall(line))
        m = _ATX_HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


@dataclass(frozen=True)
class Link:
    source: Path
    line: int
    target: str

    def __str__(self) -> str:
        where = self.source.relative_to(ROOT) if self.source.is_relative_to(ROOT) else self.source
        return f"{where}:{self.line}: ({self.target})"


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Runs of prose lines between blank lines and code blocks, with their first line's
    number: a link's text may wrap onto the next line."""
    start, last = 0, 0
    block: list[str] = []
    for number, line in _prose_lines(text):
        if block and (not line.strip() or number != last + 1):
            yield start, "\n".join(block)
            block = []
        if line.strip():
            if not block:
                start = number
            block.append(line)
        last = number
    if block:
        yield start, "\n".join(block)


def _blank_code(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())  # keeps offsets and line breaks


def links(path: Path) -> list[Link]:
    """The targets of the inline links, images and link definitions outside code."""
    found = []
    for start, paragraph in _paragraphs(path.read_text(encoding="utf-8")):
        prose = _CODE_SPAN.sub(_blank_code, paragraph)
        for m in _INLINE_LINK.finditer(prose):
            found.append(Link(path, start + prose.count("\n", 0, m.start()), m.group(1)))
        for offset, line in enumerate(prose.split("\n")):
            d = _REFERENCE_DEF.match(line)
            if d:
                found.append(Link(path, start + offset, d.group(1)))
    return found


def link_problem(link: Link, root: Path = ROOT) -> str | None:
    """Why a link does not resolve, or None when it does."""
    parts = urlsplit(link.target)
    if parts.scheme in ("http", "https"):
        host = parts.hostname or ""
        ok = ("." in host or host == "localhost") and " " not in link.target
        return None if ok else "not a well-formed web address"
    if parts.scheme == "mailto":
        return None if "@" in parts.path else "not an e-mail address"
    if parts.scheme or parts.netloc:
        return f"a {parts.scheme or 'network'} link, which the docs do not use"
    if not link.target:
        return "an empty link"
    if parts.path.startswith("/"):
        return "an absolute path; link relative to the file"
    target = (link.source.parent / unquote(parts.path)).resolve() if parts.path else link.source
    if not target.is_relative_to(root):
        return "points outside the repository"
    if not target.exists():
        return "no such file or folder"
    if parts.fragment:
        if target.suffix != ".md":
            return "a #fragment on a file that is not Markdown"
        if parts.fragment not in anchors(target):
            return f"no heading #{parts.fragment} in {target.relative_to(root)}"
    return None


# -- the checker itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Quick start", "quick-start"),
        ("The service (`screening serve`)", "the-service-screening-serve"),
        ("Browser extension (`extension/`)", "browser-extension-extension"),
        ("What happens when things break", "what-happens-when-things-break"),
        ("Switches: `SCREENING_REQUIRE_*`", "switches-screening_require_"),
        ("Een besluit lezen: wel of niet", "een-besluit-lezen-wel-of-niet"),
        ("Wat is een ‘bevinding’?", "wat-is-een-bevinding"),
        ("Exit codes, 0–4 and 75", "exit-codes-04-and-75"),
        ("See [the API](api.md)", "see-the-api"),
    ],
)
def test_slugs_follow_github(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_the_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## Twice\n\n## Twice\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n"
        "[ok](other.md) [ok](other.md#twice-1) [ok](#page) [ok](https://example.org/x)\n"
        "[a link whose text\nwraps](other.md#other-page)\n"
        "\n"
        "`a code span\nthat wraps [not a link](missing.md)`\n"
        "`[not a link](missing.md)`\n"
        "```\n[not a link either](missing.md)\n```\n"
        "[bad](missing.md) [bad](other.md#nowhere) [bad](#nowhere) [bad](https://nodots/)\n"
        "[bad](../outside.md) [bad](/abs.md) [bad](ftp://example.org/)\n"
        "[def]: missing-too.md\n",
        encoding="utf-8",
    )
    problems = {link.target: link_problem(link, root=tmp_path) for link in links(page)}
    assert [t for t, p in problems.items() if p is None] == [
        "other.md",
        "other.md#twice-1",
        "#page",
        "https://example.org/x",
        "other.md#other-page",
    ]
    assert sorted(t for t, p in problems.items() if p is not None) == sorted(
        [
            "missing.md",
            "other.md#nowhere",
            "#nowhere",
            "https://nodots/",
            "../outside.md",
            "/abs.md",
            "ftp://example.org/",
            "missing-too.md",
        ]
    )


# -- the README and docs/ ---------------------------------------------------------------------


def test_readme_is_a_front_door() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text) < README_LIMIT, f"README.md has {len(text)} characters; move detail to docs/"
    for command in QUICK_START:
        assert f"\n{command}\n" in text, f"the quick start must give, verbatim: {command}"
    for required in ("what-happens-when-things-break", "license"):
        assert required in anchors(README), f"README.md lost its section #{required}"


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves(path: Path) -> None:
    problems = [f"{link}: {why}" for link in links(path) if (why := link_problem(link))]
    assert not problems, "\n".join(problems)


def test_every_docs_page_is_in_the_index() -> None:
    index = DOCS / "README.md"
    linked = {(index.parent / urlsplit(link.target).path).resolve() for link in links(index)}
    missing = [p.name for p in DOCS.glob("*") if p != index and p.resolve() not in linked]
    assert not missing, f"docs/README.md does not link {missing}"


# -- the decision JSON schema -----------------------------------------------------------------


def test_committed_decision_schema_is_what_the_code_generates() -> None:
    assert SCHEMA_FILE == DOCS / "decision.schema.json"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_schema(), (
        "docs/decision.schema.json is out of date: run .venv/bin/python -m api.decision_schema"
    )


def test_generator_writes_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "decision.schema.json"
    assert main(["--check", "--out", str(out)]) == 1  # absent
    assert main(["--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == decision_schema()
    assert main(["--check", "--out", str(out)]) == 0


def _decision() -> Decision:
    """A decision with every optional part filled in: a span, a photo box, a person."""
    phone = Finding(
        kind="pii.phone",
        detector="phone",
        detector_version="1.0",
        score=0.9,
        evidence=Evidence("mobile phone number", "NL mobile", "region NL", ("bel",)),
        span=Span(4, 15, "06-12345678"),
    )
    face = Finding(
        kind="face.no_consent",
        detector="faces",
        detector_version="1.0",
        score=0.8,
        evidence=Evidence("identified, no consent for social_media"),
        region=ImageRegion(0, Box(left=10, top=20, right=50, bottom=70)),
        person_id="123456",
        person_name="Zoë de Vries",
        distance=0.41,
        margin=0.12,
    )
    article = Citation("svok", "III.A.3", "III.A.3", "III. Gebruik", "", "Het is toegestaan …")
    return Decision(
        action=Action.HOLD,
        findings=(
            RatedFinding("f1", phone, Severity.HOLD, ("III.A.3",)),
            RatedFinding("f2", face, Severity.HOLD, ("III.A.3",)),
        ),
        reasons=(Reason(article, Severity.HOLD, ("f1", "f2")),),
        policy=PolicyRef("svok", "1.0.0", "Gedragscode Social Media SVOK"),
        detector_versions={"phone": "1.0", "faces": "1.0"},
        channel=Channel.INSTAGRAM,
        publish_on=date(2026, 11, 22),
        post_id="abc",
    )


def test_schema_names_every_field_the_decision_json_has() -> None:
    """The schema is generated from the API's model; the JSON from decision_json. A field
    added to one and not the other would make the documented schema wrong."""
    out = decision_to_dict(_decision())
    DecisionPublic.model_validate(out)
    schema = decision_schema()
    defs = schema["$defs"]
    assert set(out) == set(schema["properties"])
    assert set(out["findings"][0]) == set(defs["FindingPublic"]["properties"])
    assert set(out["findings"][1]["box"]) == set(defs["BoxPublic"]["properties"])
    assert set(out["findings"][0]["span"]) == set(defs["SpanPublic"]["properties"])
    assert set(out["findings"][0]["evidence"]) == set(defs["EvidencePublic"]["properties"])
    assert set(out["reasons"][0]) == set(defs["ReasonPublic"]["properties"])
    assert set(out["policy"]) == set(defs["PolicyRefPublic"]["properties"])
    assert set(out["versions"]) == set(defs["VersionsPublic"]["properties"])
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(out, schema)


# -- issue 16 point 1: one name for the publishable photo ---------------------------------------

#: Other Dutch names the redacted photo had; Dutch is only ever user-facing text here.
_OTHER_NAMES_NL = re.compile(
    r"opgeschoond|geschoonde|vervaagde (?:versie|foto)|versie met vervaagde|vervangende foto",
    re.IGNORECASE,
)
#: Other English names, checked in the documentation (code comments may say "redacted").
_OTHER_NAMES_EN = re.compile(
    r"cleaned (?:copy|version|photo)|blurred (?:copy|version|photo)|redacted (?:copy|version)"
    r"|replacement photo",
    re.IGNORECASE,
)
_USER_TEXT_SOURCES = ("screening", "api", "cli", "extension")
_USER_TEXT_SUFFIXES = {".py", ".html", ".js", ".json", ".txt", ".md"}


def _user_text_files() -> Iterator[Path]:
    for top in _USER_TEXT_SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in _USER_TEXT_SUFFIXES and "node_modules" not in path.parts:
                yield path


def test_the_publishable_photo_has_one_name_everywhere() -> None:
    """The redacted photo is "de publiceerbare versie" (English: "the publishable version")
    in the pages, the CLI, the audit, the extension and the documentation."""
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in [*_user_text_files(), *_markdown_files()]
        for m in _OTHER_NAMES_NL.finditer(path.read_text(encoding="utf-8"))
    ]
    found += [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in _markdown_files()
        for m in _OTHER_NAMES_EN.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_audit_calls_the_replacement_the_publishable_version() -> None:
    """The audit's advice and its handled-marks name the same photo as the web page."""
    from screening.audit.followup import HANDLED
    from screening.audit.results import Verdict
    from screening.audit.texts import advice, what_to_do

    texts = [
        advice("face.no_consent", Verdict.TAKE_DOWN),
        advice("face.no_consent", Verdict.VIOLATION),
        advice("image.metadata", Verdict.METADATA, ("GPS position",)),
        advice("image.metadata", Verdict.METADATA, ("Artist",)),
        (what_to_do(Verdict.TAKE_DOWN, "nl"), what_to_do(Verdict.TAKE_DOWN, "en")),
        (what_to_do(Verdict.METADATA, "nl"), what_to_do(Verdict.METADATA, "en")),
        HANDLED["replaced"],
    ]
    for nl, en in texts:
        assert "publiceerbare versie" in nl, nl
        assert "publishable version" in en, en


# -- issue 16 point 3: the docs name what the pages and the extension show ---------------------


def _extension_nl(key: str) -> str:
    """A Dutch string of the extension (extension/src/i18n.js), read as text."""
    source = (ROOT / "extension" / "src" / "i18n.js").read_text(encoding="utf-8")
    dutch = source.split("\n  en: {", 1)[0]
    m = re.search(rf"\n\s+{key}:\s*'([^']*)'", dutch)
    assert m, key
    return m.group(1)


def _flowing(path: Path) -> str:
    """A Markdown file's text with its line breaks as spaces (a quote may wrap)."""
    return " ".join(path.read_text(encoding="utf-8").split())


def test_the_manuals_use_the_words_the_extension_shows() -> None:
    handbook = _flowing(DOCS / "gebruikershandleiding.md")
    extension = _flowing(DOCS / "extension.md")
    waiting = _extension_nl("optWaiting").split(".")[0]  # "Wacht op toestemming van de browser"
    assert waiting == "Wacht op toestemming van de browser"
    for key in ("pickStart", "pickAgain", "optPublishButtons", "optForget", "pickCancel"):
        assert _extension_nl(key) in handbook, key
    for text in (_extension_nl("pickStart"), _extension_nl("optPublishButtons"), waiting):
        assert text in extension and text in handbook, text


def test_the_handbook_uses_the_words_the_pages_show() -> None:
    from api.web.i18n import TEXTS
    from api.web.registry_text import IMPORT_COLUMNS
    from api.web.routes_import import TEMPLATE_URL

    handbook = _flowing(DOCS / "gebruikershandleiding.md")
    for key in (
        "override_title",
        "override_reason",
        "override_submit",
        "nav_history",
        "history_download",
        "history_reset",
        "import_template_title",
        "import_template_link",
        "faces_record_consent",
        "history_face_enrolled",
        "record_submit",
        "field_given_by",
    ):
        assert TEXTS[key][0] in handbook, key
    assert TEMPLATE_URL in handbook
    for column in IMPORT_COLUMNS:
        assert f"| `{column.dutch}` |" in handbook, column.dutch
        for value in column.values:
            assert value in handbook, value
    # The CSV export's columns, in the order of the file.
    csv_keys = ("csv_date", "csv_time", "csv_who", "csv_channel", "csv_verdict")
    assert ", ".join(TEXTS[k][0] for k in csv_keys) in handbook
