"""Night after night: what is new since the last audit comes first, and what the officer
marks handled stays handled until something about the item changes (issue 20, point 4)."""

from __future__ import annotations

import io
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from screening.audit.followup import MARKS_FILE_NAME, load_marks, mark
from screening.audit.progress import JsonLinesProgress
from screening.audit.results import Verdict
from screening.audit.runner import AuditOptions, AuditOutcome, run_audit
from tests.audit.library import (
    PublishedState,
    picture_bytes,
    withdraw_social_media,
    write_item,
)


def night(state: PublishedState, out: Path) -> AuditOutcome:
    return run_audit(
        AuditOptions(
            source=str(state.folder),
            out_dir=out,
            state_dir=state.settings.data_dir / "audit-state",
            workers=1,
        ),
        state.settings,
        JsonLinesProgress(io.StringIO()),
    )


def ref_of(outcome: AuditOutcome, item_id: str) -> str:
    return next(r.ref for r in outcome.results if r.item_id == item_id)


def test_new_since_last_night_comes_first(published: PublishedState, tmp_path: Path) -> None:
    first = night(published, tmp_path / "n1")
    assert first.comparison.previous is None  # the first audit: everything open is new
    assert len(first.comparison.new) == 4

    second = night(published, tmp_path / "n2")
    assert second.comparison.previous == first.run.today
    assert second.comparison.new == frozenset()
    assert second.summary["new_since_last_audit"] == []
    assert "niets nieuws" in _subject(second)
    html = (tmp_path / "n2" / "report.html").read_text(encoding="utf-8")
    assert "Niets nieuws sinds de vorige controle." in html

    withdraw_social_media(published.settings)
    third = night(published, tmp_path / "n3")
    anna = ref_of(third, "instagram/anna.jpg")
    assert third.comparison.new == frozenset({anna})
    assert third.summary["new_since_last_audit"] == [
        {"id": anna, "verdict": "take_down", "before": "ok"}
    ]
    assert "NIEUW 1 offline halen" in _subject(third)
    html = (tmp_path / "n3" / "report.html").read_text(encoding="utf-8")
    new_at = html.index("Nieuw sinds de vorige controle (1)")
    open_at = html.index("Nog open, al eerder gemeld (4)")
    assert new_at < html.index(f'id="nr-{anna}"') < open_at  # the news is at the top


def _subject(outcome: AuditOutcome) -> str:
    from screening.audit.notify import email_subject

    return email_subject(outcome.summary)


def test_a_handled_mark_holds_until_the_item_changes(
    published: PublishedState, tmp_path: Path
) -> None:
    state_dir = published.settings.data_dir / "audit-state"
    withdraw_social_media(published.settings)
    first = night(published, tmp_path / "n1")
    open_refs = [r.ref for r in first.results if r.verdict is not Verdict.OK]
    letter = ref_of(first, "nieuwsbrief/anna.jpg")

    # The officer marks everything: taken down, or discussed with the DPO.
    runner = CliRunner()
    done = runner.invoke(
        app,
        ["audit-mark", *open_refs[:-1], "--handled", "taken-down", "--state-dir", str(state_dir)],
    )
    assert done.exit_code == 0, done.output
    assert "offline gehaald" in done.output
    mark(state_dir, [open_refs[-1]], "discussed", note="met FG besproken", by="fg")
    assert (state_dir / MARKS_FILE_NAME).stat().st_mode & 0o777 == 0o600

    second = night(published, tmp_path / "n2")
    assert set(second.comparison.handled) == set(open_refs)
    assert not second.action_needed  # exit 0, "alles in orde": nothing left to do
    assert second.summary["handled"] == 5 and second.summary["needs_action"] == []
    html = (tmp_path / "n2" / "report.html").read_text(encoding="utf-8")
    assert "Afgehandeld (5)" in html and "met FG besproken" in html

    third = night(published, tmp_path / "n3")  # nothing changed: still handled
    assert set(third.comparison.handled) == set(open_refs) and not third.action_needed

    # Someone swaps the newsletter photo: the item changed, so the mark lapses.
    write_item(
        published.folder,
        "nieuwsbrief/anna.jpg",
        picture_bytes("stranger"),
        "Sportdag groep 7",
        "newsletter",
        published.published,
    )
    fourth = night(published, tmp_path / "n4")
    assert letter not in fourth.comparison.handled
    assert fourth.comparison.new == frozenset({letter}) and fourth.action_needed
    assert letter not in load_marks(state_dir)  # dropped, not waiting to come back


def test_marking_an_unknown_number_says_so(published: PublishedState, tmp_path: Path) -> None:
    state_dir = published.settings.data_dir / "audit-state"
    night(published, tmp_path / "n1")
    runner = CliRunner()
    wrong = runner.invoke(
        app,
        ["audit-mark", "0000-0000-0000", "--handled", "taken-down", "--state-dir", str(state_dir)],
    )
    assert wrong.exit_code == 2 and "geen bericht met nummer 0000-0000-0000" in wrong.output
    how = runner.invoke(
        app, ["audit-mark", "0000-0000-0000", "--handled", "weg", "--state-dir", str(state_dir)]
    )
    assert how.exit_code == 2 and "kies uit: taken-down, replaced" in how.output
