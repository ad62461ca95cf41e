"""A night in which only consents changed reads, parses and decodes nothing again.

The audit's pipeline keeps each photo's faces and text and each text's NLP pass in its
encrypted cache; a second screening of the same post takes all three from there and decodes
no pixels, and decides exactly as the first did.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import screening.images.intake as intake
from kernel.settings import Settings
from kernel.types import Channel, ImageInput, Post
from screening.audit.face_cache import EncryptedFaceCache
from screening.pipeline import Pipeline, build_pipeline
from tests.audit.library import astronaut, jpeg, truncated
from tests.conftest import with_registry

CAPTION = "Sportdag! Sanne en Daan wonnen de estafette, dank aan juf Petra."


class CountingNlp:
    """The pipeline's spaCy pipeline, counting the texts it parses."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.parsed: list[str] = []

    def __call__(self, text: str) -> Any:
        self.parsed.append(text)
        return self.nlp(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)


@pytest.fixture
def audit_pipeline(
    tmp_path: Path, registry_template: Path
) -> tuple[Pipeline, EncryptedFaceCache, CountingNlp]:
    folder = with_registry(registry_template, tmp_path / "data")
    (tmp_path / "state").mkdir()
    cache = EncryptedFaceCache(tmp_path / "state" / "cache.sqlite3", secrets.token_bytes(32))
    pipeline = build_pipeline(
        Settings(data_dir=folder), face_cache=cache, text_cache=cache, doc_cache=cache
    )
    counting = CountingNlp(pipeline.nlp)
    return replace(pipeline, nlp=counting), cache, counting  # type: ignore[arg-type]


def test_a_second_screening_parses_and_decodes_nothing(
    audit_pipeline: tuple[Pipeline, EncryptedFaceCache, CountingNlp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipeline, cache, nlp = audit_pipeline
    assert pipeline.decode_lazily
    decoded: list[int] = []
    load_frames = intake._load_frames

    def counting_load(*args: Any, **kwargs: Any) -> Any:
        decoded.append(1)
        return load_frames(*args, **kwargs)

    monkeypatch.setattr(intake, "_load_frames", counting_load)
    post = Post(
        CAPTION, Channel.INSTAGRAM, date(2026, 11, 20), (ImageInput("a", jpeg(astronaut())),)
    )

    first = pipeline.screen(post)
    assert nlp.parsed and decoded == [1]  # the caption (and any photo text) parsed, pixels read
    assert cache.doc_misses >= 1 and cache.misses == 1

    parsed, hits = len(nlp.parsed), cache.doc_hits
    again = pipeline.screen(post)
    assert len(nlp.parsed) == parsed  # nothing parsed again
    assert decoded == [1]  # no pixel decoded again
    assert cache.doc_hits > hits and cache.hits == 1
    assert again.action is first.action
    assert [(f.finding.kind, f.finding.span, f.finding.person_id) for f in again.findings] == [
        (f.finding.kind, f.finding.span, f.finding.person_id) for f in first.findings
    ]


def test_a_kept_analysis_is_encrypted_and_bound_to_the_model(
    audit_pipeline: tuple[Pipeline, EncryptedFaceCache, CountingNlp], tmp_path: Path
) -> None:
    pipeline, _, nlp = audit_pipeline
    pipeline.screen(Post(CAPTION, Channel.INSTAGRAM, date(2026, 11, 20)))
    stored = b"".join(p.read_bytes() for p in (tmp_path / "state").glob("cache.sqlite3*"))
    assert b"Sanne" not in stored and b"estafette" not in stored

    other = replace(pipeline, nlp_info=replace(pipeline.nlp_info, sha256="0" * 64))
    other.screen(Post(CAPTION, Channel.INSTAGRAM, date(2026, 11, 20)))
    assert nlp.parsed.count(CAPTION) == 2  # other weights: parsed again


def test_damaged_pixels_found_late_still_hold(
    audit_pipeline: tuple[Pipeline, EncryptedFaceCache, CountingNlp],
) -> None:
    """A lazily decoded photo whose pixels turn out damaged is unreadable: a hold."""
    pipeline, _, _ = audit_pipeline
    post = Post("Sportdag", Channel.INSTAGRAM, date(2026, 11, 20), (ImageInput("t", truncated()),))
    decision = pipeline.screen(post)
    kinds = {f.finding.kind for f in decision.findings}
    assert decision.action.value == "hold" and "image.unreadable" in kinds
    assert "screening.error" not in kinds
