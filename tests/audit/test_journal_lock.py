"""The resume journal and the one-audit-at-a-time lock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screening.audit.errors import AuditRunningError
from screening.audit.journal import JOURNAL_FILE_NAME, Journal
from screening.audit.lock import AuditLock
from screening.audit.results import FindingRecord, ItemResult, MediaRecord, Verdict


def result(item_id: str, verdict: Verdict = Verdict.OK) -> ItemResult:
    return ItemResult(
        item_id=item_id,
        verdict=verdict,
        channel="instagram",
        published_on="2025-10-15",
        post_url=None,
        media=(MediaRecord("/p/a.jpg", "ab" * 32, None),),
        findings=(
            FindingRecord(
                "face.no_consent",
                "hold",
                Verdict.TAKE_DOWN,
                ("III.B.8",),
                "x",
                None,
                0,
                (1, 2, 3, 4),
            ),
        ),
        articles=(),
        policy="svok@1",
        redetected=1,
        seconds=0.5,
        cache_keys=("k",),
    )


def test_results_survive_the_journal_unchanged(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path, "run-1")
    journal.append(result("a", Verdict.TAKE_DOWN))
    journal.close()
    again = Journal.open(tmp_path, "run-1")
    assert again.resumed == {"a": result("a", Verdict.TAKE_DOWN)}
    assert (tmp_path / JOURNAL_FILE_NAME).stat().st_mode & 0o777 == 0o600
    again.finish()
    assert not (tmp_path / JOURNAL_FILE_NAME).exists()


def test_another_run_or_restart_starts_over(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path, "run-1")
    journal.append(result("a"))
    journal.close()
    assert Journal.open(tmp_path, "run-2").resumed == {}
    journal = Journal.open(tmp_path, "run-2")
    journal.append(result("b"))
    journal.close()
    assert Journal.open(tmp_path, "run-2", restart=True).resumed == {}


def test_a_line_cut_short_by_a_crash_is_ignored_and_the_next_one_starts_clean(
    tmp_path: Path,
) -> None:
    journal = Journal.open(tmp_path, "run-1")
    journal.append(result("a"))
    journal.close()
    with (tmp_path / JOURNAL_FILE_NAME).open("a", encoding="utf-8") as fh:
        fh.write('{"item": {"item_id": "b", "verd')  # killed mid-write
    resumed = Journal.open(tmp_path, "run-1")
    assert list(resumed.resumed) == ["a"]
    resumed.append(result("c"))
    resumed.close()
    assert list(Journal.open(tmp_path, "run-1").resumed) == ["a", "c"]


def test_a_second_audit_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    with AuditLock(tmp_path):
        with pytest.raises(AuditRunningError) as caught:
            AuditLock(tmp_path).acquire()
        assert f"pid {os.getpid()}" in caught.value.message_en
        assert "er loopt al een controle" in caught.value.message_nl
        assert caught.value.category == "busy"
    with AuditLock(tmp_path):  # released when the first one ended
        pass
