"""The standing hostile-input campaign (issue 19): over a thousand malformed or hostile inputs
against the command line, the service and the audit, each answered with a clear error or a
hold: never a publish, a 5xx, an exit code 4, a traceback, an escaped exception or a hang.

The corpus is generated (tests/hostile/corpus.py); the whole of it, with the slow texts, runs
with `benchmarks/hostile_campaign.py --slow`, which prints the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pytest

from tests.hostile.cases import CaseResult, Outcome
from tests.hostile.corpus import build_corpus
from tests.hostile.runner import run_cases

#: The interfaces: every case's surface starts with one of these.
INTERFACES = ("cli", "api", "audit")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[CaseResult]:
    """The default corpus, run once for the module."""
    return run_cases(build_corpus(), workdir=tmp_path_factory.mktemp("hostile"))


def _listing(results: Iterable[CaseResult]) -> str:
    return "\n".join(f"  {r.case.id}: {r.outcome.value}: {r.detail}" for r in results)


def _with(results: list[CaseResult], *outcomes: Outcome) -> list[CaseResult]:
    return [r for r in results if r.outcome in outcomes]


def test_the_corpus_has_over_a_thousand_cases_on_every_interface(
    results: list[CaseResult],
) -> None:
    assert len(results) >= 1000
    per_interface = Counter(r.case.surface.split("-", 1)[0] for r in results)
    assert set(per_interface) == set(INTERFACES), per_interface
    assert all(per_interface[i] >= 50 for i in INTERFACES), per_interface


def test_nothing_hostile_is_published(results: list[CaseResult]) -> None:
    published = _with(results, Outcome.PUBLISH)
    assert not published, f"{len(published)} published:\n{_listing(published)}"


def test_no_server_error_traceback_or_escaped_exception(results: list[CaseResult]) -> None:
    broken = _with(results, Outcome.SERVER_ERROR, Outcome.CRASH)
    assert not broken, f"{len(broken)} broke:\n{_listing(broken)}"


def test_no_hang_unclear_answer_or_unsafe_export(results: list[CaseResult]) -> None:
    unclear = _with(results, Outcome.HANG, Outcome.UNCLEAR, Outcome.UNSAFE_OUTPUT)
    assert not unclear, f"{len(unclear)} cases:\n{_listing(unclear)}"


def test_every_case_gets_an_answer_it_allows(results: list[CaseResult]) -> None:
    wrong = [r for r in results if not r.ok]
    assert not wrong, f"{len(wrong)} cases:\n" + "\n".join(
        f"  {r.case.id}: {r.outcome.value} (allowed: "
        f"{', '.join(sorted(o.value for o in r.case.allowed))}): {r.detail}"
        for r in wrong
    )


def test_both_refusals_and_holds_are_exercised(results: list[CaseResult]) -> None:
    """A campaign that only ever saw refusals would never reach the screening itself."""
    for interface in INTERFACES:
        seen = {r.outcome for r in results if r.case.surface.startswith(interface)}
        assert {Outcome.CLEAR_ERROR, Outcome.HOLD} <= seen, (interface, seen)
