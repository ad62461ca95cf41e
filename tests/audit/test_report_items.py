"""What the officer gets to act on (issue 20, points 2 and 5): metadata with its own verdict
and advice, a replacement photo made by the audit, numbers instead of names, a flagged
future date, a CSV for Dutch Excel, and dated, group-readable reports with a `latest` link."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from PIL import Image

from screening.audit.progress import JsonLinesProgress
from screening.audit.results import ItemResult, Verdict
from screening.audit.runner import AuditOptions, AuditOutcome, run_audit
from tests.audit.library import (
    PublishedState,
    picture_bytes,
    with_maker,
    withdraw_social_media,
    write_item,
)


def audit_folder(
    state: PublishedState,
    folder: Path,
    out: Path,
    *,
    dated: bool = False,
    log: io.StringIO | None = None,
) -> AuditOutcome:
    return run_audit(
        AuditOptions(
            source=str(folder),
            out_dir=out,
            state_dir=state.settings.data_dir / "audit-state",
            workers=1,
            dated=dated,
        ),
        state.settings,
        JsonLinesProgress(log or io.StringIO()),
    )


def by_id(outcome: AuditOutcome) -> dict[str, ItemResult]:
    return {r.item_id: r for r in outcome.results}


def make_library(state: PublishedState, root: Path) -> Path:
    """Photos whose metadata names the photographer, one with a withdrawn pupil, and a post
    dated in the future; the file names carry a pupil's name, as real ones do."""
    folder = root / "bibliotheek"
    day = state.published
    write_item(
        folder,
        "koffie-fotograaf.jpg",
        with_maker(picture_bytes("coffee")),
        "Koffie",
        "instagram",
        day,
    )
    write_item(
        folder,
        "koffie-locatie.jpg",
        with_maker(picture_bytes("coffee"), gps=True),
        "Koffie",
        "instagram",
        day,
    )
    write_item(
        folder,
        "anna-jansen-sportdag.jpg",
        with_maker(picture_bytes("astronaut")),
        "Sportdag",
        "instagram",
        day,
    )
    write_item(
        folder,
        "volgende-week.jpg",
        picture_bytes("coffee"),
        "Binnenkort",
        "instagram",
        date.today() + timedelta(days=7),
    )
    return folder


def test_metadata_is_its_own_verdict_and_never_hides_a_withdrawal(
    published: PublishedState, tmp_path: Path
) -> None:
    withdraw_social_media(published.settings)
    folder = make_library(published, tmp_path)
    out = tmp_path / "out"
    outcome = audit_folder(published, folder, out)
    items = by_id(outcome)

    maker = items["koffie-fotograaf.jpg"]
    assert maker.verdict is Verdict.METADATA  # not a violation "without consent"
    [meta] = maker.blocking
    assert meta.explanation_nl == "In de fotogegevens (EXIF/XMP) staat: Artist, Copyright."
    assert meta.advice_nl is not None and "fotograaf" in meta.advice_nl
    assert "geen geldige toestemming" not in (meta.advice_nl + meta.explanation_nl)
    place = items["koffie-locatie.jpg"].blocking[0]
    assert place.advice_nl is not None and "waar de foto is genomen" in place.advice_nl

    # The withdrawal is the news: the item is a take-down, its metadata a separate finding.
    anna = items["anna-jansen-sportdag.jpg"]
    assert anna.verdict is Verdict.TAKE_DOWN
    kinds = {f.kind: f for f in anna.blocking}
    assert kinds["face.no_consent"].verdict is Verdict.TAKE_DOWN
    assert kinds["image.metadata"].verdict is Verdict.METADATA
    assert kinds["face.no_consent"].advice_nl != kinds["image.metadata"].advice_nl
    assert outcome.summary["new_since_last_audit"][0]["verdict"] == "take_down"

    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Fotogegevens opschonen" in html and "Wat te doen:" in html


def test_the_audit_makes_the_blurred_replacement(published: PublishedState, tmp_path: Path) -> None:
    withdraw_social_media(published.settings)
    folder = make_library(published, tmp_path)
    out = tmp_path / "out"
    anna = by_id(audit_folder(published, folder, out))["anna-jansen-sportdag.jpg"]
    [media] = anna.media
    assert media.replacement == f"vervangende-fotos/{anna.ref}-foto-1.jpg"
    path = out / media.replacement
    assert path.stat().st_mode & 0o777 == 0o640
    original = Image.open(folder / "anna-jansen-sportdag.jpg")
    replaced = Image.open(path)
    assert not replaced.getexif()  # no metadata
    assert replaced.size == original.size
    face = next(f for f in anna.findings if f.kind == "face.no_consent")
    assert face.box is not None
    before = np.asarray(original.convert("L").crop(face.box), dtype=float)
    after = np.asarray(replaced.convert("L").crop(face.box), dtype=float)
    # Blurred: the fine detail (differences between neighbouring pixels) is gone.
    assert np.abs(np.diff(after, axis=1)).mean() < 0.3 * np.abs(np.diff(before, axis=1)).mean()
    # The face is numbered in the thumbnail, and the legend names it in text.
    assert media.legend == ((1, "face.no_consent", "Anna Jansen"),)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f'href="vervangende-fotos/{anna.ref}-foto-1.jpg"' in html
    assert "foto 1, gezicht 1" in html


def test_numbers_never_carry_a_name_out(published: PublishedState, tmp_path: Path) -> None:
    withdraw_social_media(published.settings)
    folder = make_library(published, tmp_path)
    log = io.StringIO()
    outcome = audit_folder(published, folder, tmp_path / "out", log=log)
    refs = [r.ref for r in outcome.results]
    assert len(set(refs)) == len(refs) and all(len(r) == 14 for r in refs)
    summary = json.dumps(outcome.summary)
    for text in (summary, log.getvalue()):
        assert "anna" not in text.lower() and "jansen" not in text.lower()
    # The same item has the same number every night (marks and "new" rely on it).
    again = audit_folder(published, folder, tmp_path / "out2")
    assert [r.ref for r in again.results] == refs


def test_a_future_publication_date_is_flagged(published: PublishedState, tmp_path: Path) -> None:
    folder = make_library(published, tmp_path)
    out = tmp_path / "out"
    soon = by_id(audit_folder(published, folder, out))["volgende-week.jpg"]
    assert soon.future_date and soon.verdict is Verdict.REVIEW
    [flag] = soon.blocking
    assert flag.kind == "audit.future_date"
    assert flag.explanation_nl is not None and "ligt na vandaag" in flag.explanation_nl
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Datum in de toekomst" in html and "Publicatiedatum in de toekomst" in html
    # Dates as dd-mm-jjjj for the officer (issue 16 point 5); ISO stays in the JSON.
    today, later = date.today(), date.today() + timedelta(days=7)
    assert f"de publicatiedatum {later:%d-%m-%Y} ligt na vandaag ({today:%d-%m-%Y})" in (
        flag.explanation_nl
    )
    assert f"gepubliceerd op {later:%d-%m-%Y}" in html
    assert f"gecontroleerd op {today:%d-%m-%Y}" in html and f"{today:%d-%m-%Y}</title>" in html
    assert later.isoformat() not in html and today.isoformat() not in html
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["today"] == today.isoformat()
    with (out / "report.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["item_id"]: r for r in csv.DictReader(fh, delimiter=";")}
    assert rows["volgende-week.jpg"]["datum_in_toekomst"] == "ja"


def test_the_csv_opens_in_dutch_excel(published: PublishedState, tmp_path: Path) -> None:
    withdraw_social_media(published.settings)
    folder = make_library(published, tmp_path)
    out = tmp_path / "out"
    audit_folder(published, folder, out)
    raw = (out / "report.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads é and ë right
    text = raw.decode("utf-8-sig")
    header = text.split("\r\n")[0]
    assert header.split(";")[:4] == ["nummer", "item_id", "verdict", "oordeel"]
    rows = {r["item_id"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    anna = rows["anna-jansen-sportdag.jpg"]
    assert anna["oordeel"] == "Offline halen" and anna["nieuw"] == "ja"
    assert anna["ingetrokken_door"] == "ouder"
    assert anna["ingetrokken_op"] == date.today().isoformat()
    assert "publiceerbare versie" in anna["action_nl"] and "fotograaf" in anna["action_nl"]


def test_dated_reports_with_a_latest_link_readable_by_the_group(
    published: PublishedState, tmp_path: Path
) -> None:
    base = tmp_path / "rapporten"
    outcome = audit_folder(published, published.folder, base, dated=True)
    day = base / date.today().isoformat()
    assert outcome.reports[0] == day / "report.html"
    latest = base / "latest"
    assert latest.is_symlink() and str(latest.readlink()) == date.today().isoformat()
    assert (latest / "report.html").is_file()
    assert day.stat().st_mode & 0o777 == 0o750
    for path in outcome.reports:
        assert path.stat().st_mode & 0o777 == 0o640  # owner and group, never others
    again = audit_folder(published, published.folder, base, dated=True)  # same night, again
    assert again.reports[0] == day / "report.html" and latest.is_symlink()
