"""Core types validate themselves on construction."""

from __future__ import annotations

from datetime import date

import pytest

from kernel.types import (
    Action,
    Box,
    Channel,
    Decision,
    Evidence,
    Finding,
    ImageRegion,
    PolicyRef,
    RatedFinding,
    Severity,
    Span,
)

EV = Evidence("test")


def test_span_must_match_its_text() -> None:
    assert Span.of("Bel 0612", 4, 8) == Span(4, 8, "0612")
    with pytest.raises(ValueError, match="length"):
        Span(0, 3, "ab")
    with pytest.raises(ValueError, match="invalid span"):
        Span(3, 3, "")


def test_box_must_not_be_empty() -> None:
    assert Box(1, 2, 11, 22).width == 10
    with pytest.raises(ValueError):
        Box(5, 5, 5, 10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "phone"}, "area.name"),
        ({"kind": "PII.Phone"}, "area.name"),
        ({"score": 1.5}, "outside"),
        ({"span": Span(0, 1, "x"), "region": ImageRegion(0)}, "not both"),
    ],
)
def test_finding_validates(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "kind": "pii.phone",
        "detector": "phone",
        "detector_version": "1",
        "score": 0.5,
        "evidence": EV,
    }
    with pytest.raises(ValueError, match=message):
        Finding(**(base | kwargs))  # type: ignore[arg-type]


def test_a_blocking_finding_cannot_be_published() -> None:
    f = Finding("pii.phone", "phone", "1", 0.9, EV)
    with pytest.raises(ValueError, match="cannot be 'publish'"):
        Decision(
            action=Action.PUBLISH,
            findings=(RatedFinding("f1", f, Severity.HOLD, ("III.A.3",)),),
            reasons=(),
            policy=PolicyRef("svok", "1", "t"),
            detector_versions={},
            channel=Channel.X,
            publish_on=date(2026, 1, 1),
        )
