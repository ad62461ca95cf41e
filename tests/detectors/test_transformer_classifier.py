"""The sequence-classification detector with a tiny real BERT built in a temporary folder."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from spacy.language import Language  # noqa: E402

from kernel.errors import ModelDirError  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from kernel.types import Action, Channel, Post, Severity  # noqa: E402
from screening.detectors.registry import DetectorRegistry  # noqa: E402
from screening.detectors.transformer import (  # noqa: E402
    TransformerClassifierDetector,
    build_classifier,
    register_transformers,
)
from screening.pipeline import Pipeline, build_pipeline  # noqa: E402
from screening.policy.engine import PolicyOptions  # noqa: E402
from tests.detectors import transformer_models as tiny  # noqa: E402
from tests.detectors.tables import findings  # noqa: E402

HARMLESS = "De kinderen van groep 7 hebben een mooie sportdag gehad."


@pytest.fixture(scope="session")
def offensive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classifier that calls every window OFFENSIVE with probability 0.8."""
    return tiny.build_classifier(tmp_path_factory.mktemp("offensive"))


@pytest.fixture(scope="session")
def harmless_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classifier that calls every window NOT (OFFENSIVE has probability 0.2)."""
    return tiny.build_classifier(
        tmp_path_factory.mktemp("harmless"), logits=(0.0, tiny.logit_for(0.2))
    )


def detector(folder: Path, **settings: Any) -> TransformerClassifierDetector:
    return build_classifier(folder, Settings(**settings))


@dataclass
class Counting:
    """Wraps a model: counts forward passes and the windows in each."""

    inner: Any
    batch_sizes: list[int] = field(default_factory=list)

    def __call__(self, **inputs: Any) -> Any:
        self.batch_sizes.append(int(inputs["input_ids"].shape[0]))
        return self.inner(**inputs)


@dataclass
class Keyword:
    """The real model's forward pass, then OFFENSIVE exactly for windows holding one token."""

    inner: Any
    token_id: int

    def __call__(self, **inputs: Any) -> Any:
        self.inner(**inputs)
        hit = (inputs["input_ids"] == self.token_id).any(dim=1)
        offensive = torch.where(hit, 4.0, -4.0)
        return SimpleNamespace(logits=torch.stack([torch.zeros_like(offensive), offensive], 1))


def token_id(det: TransformerClassifierDetector, token: str) -> int:
    """The id of `token` in the detector's tokenizer."""
    found = det.tokenizer.convert_tokens_to_ids(token)
    assert isinstance(found, int)  # one token gives one id
    return found


VOCAB = [w for w in tiny.WORDS if w.isalpha() and w != "idioot"]


def words(n: int) -> list[str]:
    """`n` words of the vocabulary (never 'idioot'), each a single token."""
    return [VOCAB[i % len(VOCAB)] for i in range(n)]


# --- loading and labels ------------------------------------------------------------------


def test_version_names_the_model_and_the_sha256_of_its_weights(offensive_dir: Path) -> None:
    det = detector(offensive_dir)
    digest = hashlib.sha256((offensive_dir / "model.safetensors").read_bytes()).hexdigest()
    assert det.version == f"1.0+tiny-offensive@sha256:{digest}"
    assert det.name == "transformer_classifier"
    # the class every other instance uses is untouched
    assert TransformerClassifierDetector.version == "1.0"


@pytest.mark.parametrize(
    ("text", "fixture", "expected"),
    [
        ("Jij bent een idioot!", "offensive_dir", [("language.insult", 0.8)]),
        (HARMLESS, "offensive_dir", [("language.insult", 0.8)]),  # the model says so
        ("Jij bent een idioot!", "harmless_dir", []),  # NOT wins: nothing reported
        (HARMLESS, "harmless_dir", []),
    ],
)
def test_the_model_decides_which_label_is_reported(
    request: pytest.FixtureRequest,
    nlp_nl: Language,
    text: str,
    fixture: str,
    expected: list[tuple[str, float]],
) -> None:
    det = detector(request.getfixturevalue(fixture))
    found = findings(det, nlp_nl, text)
    assert [(f.kind, f.score) for f in found] == expected
    for f in found:
        assert f.span is not None and f.span.text == text.strip()
        assert f.evidence.pattern == "OFFENSIVE"
        assert "tiny-offensive" in f.evidence.explanation


def test_multi_label_model_reports_every_label_over_one_half(
    tmp_path: Path, nlp_nl: Language
) -> None:
    # No screening.toml: labels that look like finding kinds are used as they are.
    folder = tiny.build_classifier(
        tmp_path / "multi",
        labels={0: "language.insult", 1: "language.threat", 2: "language.hate", 3: "none"},
        logits=(tiny.logit_for(0.9), tiny.logit_for(0.6), tiny.logit_for(0.3), 5.0),
        multi_label=True,
        toml=None,
    )
    det = detector(folder)
    found = findings(det, nlp_nl, "jij bent stom")
    assert sorted((f.kind, f.score) for f in found) == [
        ("language.insult", 0.9),
        ("language.threat", 0.6),
    ]


# --- windows and batches -----------------------------------------------------------------


LONG = (
    "Beste ouders, deze week hebben de kinderen van groep 7 een sportdag gehad op het "
    "schoolplein. Juf Sanne had alles voorbereid, met estafettes, touwtrekken en "
    "een quiz! Daarna at de klas pannenkoeken, en iedereen was moe maar blij. "
) * 4


def test_windows_cover_the_whole_text_with_overlap(offensive_dir: Path) -> None:
    det = detector(offensive_dir, transformer_max_tokens=24, transformer_overlap_tokens=6)
    encoded = det.encode(LONG)
    windows = encoded.windows
    assert len(windows) > 3
    assert windows[0].start == 0 and windows[-1].end == len(LONG.rstrip())
    for before, after in itertools.pairwise(windows):
        assert after.start < before.end  # consecutive windows share tokens
        assert before.start < after.start
    covered = set().union(*(range(w.start, w.end) for w in windows))
    assert all(i in covered for i, ch in enumerate(LONG) if not ch.isspace())
    for w in windows:
        assert len(w.positions) <= 24 - 2  # [CLS] and [SEP] count against the window
        offsets = encoded.offsets(w)
        assert (offsets[0][0], offsets[-1][1]) == (w.start, w.end)


def test_window_is_capped_at_the_models_positions(offensive_dir: Path) -> None:
    det = detector(offensive_dir, transformer_max_tokens=512)
    assert det.max_tokens == 64  # the tiny model has 64 positions
    windows = det.encode(LONG).windows
    assert len(windows) > 1  # the 64 positions do not hold the whole text
    assert all(len(w.positions) <= 62 for w in windows)


def test_batch_size_two_with_five_windows_is_three_forward_passes(
    offensive_dir: Path, nlp_nl: Language
) -> None:
    det = detector(
        offensive_dir,
        transformer_batch_size=2,
        transformer_max_tokens=16,
        transformer_overlap_tokens=4,
    )
    text = " ".join(words(54))  # 14 tokens in the first window, 10 new ones in each next: 5 windows
    assert len(det.encode(text).windows) == 5
    counting = Counting(det.model)
    det.model = counting
    found = findings(det, nlp_nl, text)
    assert counting.batch_sizes == [2, 2, 1]
    # every window is OFFENSIVE, so the five windows make one finding over the whole text
    assert [(f.span.start, f.span.end) for f in found if f.span] == [(0, len(text))]
    assert "windows 1-5 of 5" in found[0].evidence.explanation


@pytest.mark.parametrize(
    ("position", "expected_windows"),
    [
        (0, [0]),  # only in the first window
        (12, [0, 1]),  # in the overlap of the first two windows
        (25, [2]),
        (53, [4]),  # the last word
    ],
)
def test_finding_covers_exactly_the_windows_that_fire(
    offensive_dir: Path, nlp_nl: Language, position: int, expected_windows: list[int]
) -> None:
    det = detector(offensive_dir, transformer_max_tokens=16, transformer_overlap_tokens=4)
    tokens = words(54)
    tokens[position] = "idioot"
    text = " ".join(tokens)
    windows = det.encode(text).windows
    det.model = Keyword(det.model, token_id(det, "idioot"))
    [found] = findings(det, nlp_nl, text)
    first, last = windows[expected_windows[0]], windows[expected_windows[-1]]
    assert found.span is not None
    assert (found.span.start, found.span.end) == (first.start, last.end)
    assert "idioot" in found.span.text
    assert found.span.text == text[first.start : last.end]


def test_no_keyword_no_finding(offensive_dir: Path, nlp_nl: Language) -> None:
    det = detector(offensive_dir, transformer_max_tokens=16, transformer_overlap_tokens=4)
    det.model = Keyword(det.model, token_id(det, "idioot"))
    assert findings(det, nlp_nl, " ".join(words(54))) == []


def test_overlap_that_leaves_no_room_is_refused(offensive_dir: Path) -> None:
    with pytest.raises(ModelDirError, match="OVERLAP"):
        detector(offensive_dir, transformer_max_tokens=16, transformer_overlap_tokens=14)


# --- through the pipeline and the policy -------------------------------------------------


def post(text: str) -> Post:
    return Post(text=text, channel=Channel.INSTAGRAM, publish_on=date(2026, 3, 1))


@pytest.fixture(scope="module")
def offensive_pipeline(offensive_dir: Path) -> Pipeline:
    """The default pipeline (text only) with the OFFENSIVE-at-0.8 classifier configured."""
    return build_pipeline(Settings(text_classifier_dir=offensive_dir), faces=False)


@pytest.mark.parametrize(
    ("min_score", "action", "severity", "note"),
    [
        ({"pii.*": 0.5}, Action.HOLD, Severity.HOLD, None),  # no language threshold
        ({"language.insult": 0.7}, Action.HOLD, Severity.HOLD, None),
        ({"language.insult": 0.9}, Action.PUBLISH, Severity.NOTICE, "below_threshold"),
        ({"language.*": 0.95}, Action.PUBLISH, Severity.NOTICE, "below_threshold"),
    ],
)
def test_thresholds_are_configuration(
    offensive_pipeline: Pipeline,
    min_score: dict[str, float],
    action: Action,
    severity: Severity,
    note: str | None,
) -> None:
    pipeline = replace(offensive_pipeline, options=PolicyOptions(min_score))
    decision = pipeline.screen(post(HARMLESS))
    [rated] = [r for r in decision.findings if r.finding.detector == "transformer_classifier"]
    assert rated.finding.score == 0.8
    assert (decision.action, rated.severity, rated.note) == (action, severity, note)
    assert rated.articles == ("III.A.6",)
    assert decision.detector_versions["transformer_classifier"].startswith("1.0+tiny-offensive@")


def test_model_failing_while_screening_holds_with_a_reason(offensive_dir: Path) -> None:
    registry = DetectorRegistry()
    settings = Settings(text_classifier_dir=offensive_dir)
    register_transformers(registry, settings)
    pipeline = build_pipeline(settings, registry)
    [det] = pipeline.text_detectors

    def broken(**inputs: Any) -> Any:
        raise RuntimeError("out of memory")

    det.model = broken  # type: ignore[attr-defined]
    decision = pipeline.screen(post(HARMLESS))
    assert decision.action is Action.HOLD
    [rated] = decision.findings
    assert rated.finding.kind == "screening.error"
    assert rated.finding.detector == "transformer_classifier"
    assert "RuntimeError" in rated.finding.evidence.explanation
    assert "out of memory" not in rated.finding.evidence.explanation


@pytest.mark.parametrize("threads", [1, 2])
def test_torch_threads_are_configuration(offensive_dir: Path, threads: int) -> None:
    before = torch.get_num_threads()
    try:
        detector(offensive_dir, transformer_threads=threads)
        assert torch.get_num_threads() == threads
    finally:
        torch.set_num_threads(before)
