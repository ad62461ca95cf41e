"""Personal data in kept free text (an override's reason) becomes placeholders."""

from __future__ import annotations

import pytest

from kernel.types import Evidence, Finding, Span
from screening.pseudonymise import (
    DEFAULT_PLACEHOLDER,
    PseudonymiseError,
    placeholder,
    pseudonymise,
)


def _at(text: str, part: str, kind: str) -> Finding:
    start = text.index(part)
    return Finding(
        kind=kind,
        detector="test",
        detector_version="1",
        score=1.0,
        evidence=Evidence(explanation="test"),
        span=Span(start, start + len(part), part),
    )


def test_each_kind_gets_its_own_placeholder_and_the_rest_stays() -> None:
    text = "Sanne (06-12345678) heeft toestemming, zegt haar vader."
    found = [_at(text, "Sanne", "pii.pupil_name"), _at(text, "06-12345678", "pii.phone")]
    assert (
        pseudonymise(text, found) == "[naam] ([telefoonnummer]) heeft toestemming, zegt haar vader."
    )


def test_findings_other_than_personal_data_are_left_alone() -> None:
    text = "Dit is een kutidee van Sanne"
    found = [_at(text, "kutidee", "language.profanity"), _at(text, "Sanne", "pii.name")]
    assert pseudonymise(text, found) == "Dit is een kutidee van [naam]"


def test_overlapping_spans_become_one_placeholder() -> None:
    text = "Mail Sanne de Vries via sanne.devries@example.nl vandaag"
    found = [
        _at(text, "sanne.devries@example.nl", "pii.email"),
        _at(text, "Sanne de Vries", "pii.name"),
        _at(text, "de Vries", "pii.name"),
        _at(text, "devries@example.nl vandaag", "pii.confidential"),
    ]
    assert pseudonymise(text, found) == "Mail [naam] via [e-mailadres]"


def test_an_unknown_kind_gets_the_general_placeholder() -> None:
    assert placeholder("pii.licence_plate") == DEFAULT_PLACEHOLDER
    assert placeholder("pii.bsn") == "[BSN]"


def test_a_failed_detector_refuses_the_text() -> None:
    failed = Finding(
        kind="screening.error",
        detector="names",
        detector_version="2",
        score=1.0,
        evidence=Evidence(explanation="detector 'names' failed: RuntimeError"),
    )
    with pytest.raises(PseudonymiseError, match="names"):
        pseudonymise("Sanne mag op de foto", [failed])
