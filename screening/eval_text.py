"""Scoring the text detectors on a labelled set of posts, through the real pipeline.

A labelled post says which finding kinds it should produce (at any severity) and whether the
post should be published or held. Each post is screened with `Pipeline.screen`, and the kinds
found are compared per post with the expected kinds: precision, recall and F1 per kind, the
share of correct decisions, and every post where something was missed or too much was found.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kernel.errors import InputError
from kernel.types import Action, Channel, Post, Severity
from screening.pipeline import Pipeline


@dataclass(frozen=True, slots=True)
class LabelledPost:
    """A post with the finding kinds and the decision a careful officer expects."""

    id: str
    text: str
    expected_kinds: frozenset[str]
    expected_action: Action | None = None


@dataclass(slots=True)
class KindScore:
    """Counts for one finding kind over a set of posts (a post counts once per kind)."""

    kind: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Miss:
    """A post on which the pipeline disagreed with its label."""

    id: str
    text: str
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    expected_action: Action | None
    action: Action


@dataclass(slots=True)
class EvalReport:
    """Scores per kind, decision accuracy and the posts that went wrong."""

    kinds: dict[str, KindScore] = field(default_factory=dict)
    decisions_correct: int = 0
    decisions_total: int = 0
    posts: int = 0
    misses: list[Miss] = field(default_factory=list)
    #: Per group of expected kinds ("language.hate", or "none" for a post expected to pass):
    #: [posts held for a scored kind, posts] -- the share of harmful posts held and of
    #: harmless ones published.
    held_by_expected: dict[str, list[int]] = field(default_factory=dict)

    @property
    def decision_accuracy(self) -> float:
        return self.decisions_correct / self.decisions_total if self.decisions_total else 1.0

    def score(self, kind: str) -> KindScore:
        """The counts for `kind` (created empty on first use)."""
        return self.kinds.setdefault(kind, KindScore(kind))

    def micro(self, prefix: str = "") -> KindScore:
        """Counts summed over every kind that starts with `prefix`."""
        total = KindScore(prefix + "*" if prefix else "all")
        for kind, s in self.kinds.items():
            if kind.startswith(prefix):
                total.tp += s.tp
                total.fp += s.fp
                total.fn += s.fn
        return total

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "posts": self.posts,
            "decision_accuracy": round(self.decision_accuracy, 4),
            "kinds": {
                k: {
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                }
                for k, s in sorted(self.kinds.items())
            },
            "held_by_expected": {
                g: {"held": held, "posts": total}
                for g, (held, total) in sorted(self.held_by_expected.items())
            },
            "misses": [
                {
                    "id": m.id,
                    "missing": list(m.missing),
                    "unexpected": list(m.unexpected),
                    "expected_action": m.expected_action.value if m.expected_action else None,
                    "action": m.action.value,
                }
                for m in self.misses
            ],
        }


def _bad(where: str, why: str, why_nl: str) -> InputError:
    return InputError(f"{where}: {why}", f"{where}: {why_nl}")


def _labelled(raw: object, where: str) -> LabelledPost:
    if not isinstance(raw, dict):
        raise _bad(where, "expected a JSON object", "een JSON-object verwacht")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _bad(where, "'text' is missing or empty", "'text' ontbreekt of is leeg")
    kinds = raw.get("expected_kinds", [])
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise _bad(
            where,
            "'expected_kinds' must be a list of strings",
            "'expected_kinds' moet een lijst van teksten zijn",
        )
    action = raw.get("expected_action")
    if action is not None and action not in ("publish", "hold"):
        raise _bad(
            where,
            "'expected_action' must be publish or hold",
            "'expected_action' moet publish of hold zijn",
        )
    return LabelledPost(
        id=str(raw.get("id", where)),
        text=text,
        expected_kinds=frozenset(kinds),
        expected_action=Action(action) if action else None,
    )


def load_labelled(path: Path) -> list[LabelledPost]:
    """Labelled posts from a JSONL file, or a TSV file with columns id, text, kinds, action
    (or the offensive-language corpus's columns); a folder means all such files in it."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".tsv", ".jsonl"))
        return [post for file in files for post in load_labelled(file)]
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(
            str(path),
            f"cannot be read ({type(exc).__name__})",
            f"kan niet worden gelezen ({type(exc).__name__})",
        ) from None
    posts: list[LabelledPost] = []
    if path.suffix.lower() == ".tsv":
        reader = csv.DictReader(raw.splitlines(), delimiter="\t")
        if "label" in (reader.fieldnames or ()):
            return _corpus_rows(path, reader)
        for number, row in enumerate(reader, start=2):
            kinds = [k.strip() for k in (row.get("expected_kinds") or "").split(",") if k.strip()]
            posts.append(
                _labelled(
                    {
                        "id": row.get("id") or f"line {number}",
                        "text": row.get("text"),
                        "expected_kinds": kinds,
                        "expected_action": (row.get("expected_action") or None),
                    },
                    f"{path.name}:{number}",
                )
            )
        return posts
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(
                f"{path.name}:{number}", f"not JSON ({exc.msg})", f"geen JSON ({exc.msg})"
            ) from None
        posts.append(_labelled(value, f"{path.name}:{number}"))
    return posts


#: Labels of the offensive-language corpus (models/language/corpus) and the kind each expects.
CORPUS_KINDS = {
    "threat": "language.threat",
    "hate": "language.hate",
    "insult": "language.insult",
    "profanity": "language.profanity",
    "none": None,
}


def _corpus_rows(path: Path, reader: csv.DictReader[str]) -> list[LabelledPost]:
    """Rows of the offensive-language corpus format (id, text, label, target, form, note):
    a label expects its `language.*` kind and a hold; `none` expects nothing and a publish."""
    posts: list[LabelledPost] = []
    for number, row in enumerate(reader, start=2):
        label = (row.get("label") or "").strip()
        if label not in CORPUS_KINDS:
            raise _bad(
                f"{path.name}:{number}",
                f"label {label!r} is not one of {', '.join(CORPUS_KINDS)}",
                f"label {label!r} is niet een van {', '.join(CORPUS_KINDS)}",
            )
        kind = CORPUS_KINDS[label]
        posts.append(
            _labelled(
                {
                    "id": row.get("id") or f"line {number}",
                    "text": row.get("text"),
                    "expected_kinds": [kind] if kind else [],
                    "expected_action": "hold" if kind else "publish",
                },
                f"{path.name}:{number}",
            )
        )
    return posts


def evaluate(
    pipeline: Pipeline,
    posts: Iterable[LabelledPost],
    policy: str | None = None,
    kinds: Sequence[str] | None = None,
) -> EvalReport:
    """Screen every post and score the kinds found against the labels.

    `kinds` limits scoring to kinds starting with one of these prefixes (all kinds if None).
    """
    report = EvalReport()
    prefixes = tuple(kinds) if kinds else ("",)
    for post in posts:
        decision = pipeline.screen(
            Post(text=post.text, channel=Channel.INSTAGRAM, publish_on=date.today(), id=post.id),
            policy,
        )
        found = {f.finding.kind for f in decision.findings if f.finding.kind.startswith(prefixes)}
        expected = {k for k in post.expected_kinds if k.startswith(prefixes)}
        report.posts += 1
        for kind in found | expected:
            score = report.score(kind)
            if kind in found and kind in expected:
                score.tp += 1
            elif kind in found:
                score.fp += 1
            else:
                score.fn += 1
        # Held for a reason within the scored kinds: a name in a corpus sentence does not make
        # the language detector's figures.
        held = any(
            f.severity is Severity.HOLD and f.finding.kind.startswith(prefixes)
            for f in decision.findings
        )
        group = "+".join(sorted(expected)) or "none"
        counts = report.held_by_expected.setdefault(group, [0, 0])
        counts[0] += held
        counts[1] += 1
        wrong_decision = False
        if post.expected_action is not None:
            report.decisions_total += 1
            if decision.action is post.expected_action:
                report.decisions_correct += 1
            else:
                wrong_decision = True
        if found != expected or wrong_decision:
            report.misses.append(
                Miss(
                    id=post.id,
                    text=post.text,
                    missing=tuple(sorted(expected - found)),
                    unexpected=tuple(sorted(found - expected)),
                    expected_action=post.expected_action,
                    action=decision.action,
                )
            )
    return report


def format_report(report: EvalReport, lang: str = "nl") -> str:
    """The report as a plain-text table followed by the misses."""
    nl = lang == "nl"
    lines = [
        f"{'soort' if nl else 'kind':<28} {'tp':>4} {'fp':>4} {'fn':>4} "
        f"{'precisie' if nl else 'precision':>9} {'recall':>7} {'F1':>6}"
    ]
    rows = [report.kinds[k] for k in sorted(report.kinds)]
    rows.append(report.micro())
    for s in rows:
        lines.append(
            f"{s.kind:<28} {s.tp:>4} {s.fp:>4} {s.fn:>4} "
            f"{s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}"
        )
    label = "juiste besluiten" if nl else "correct decisions"
    lines.append(
        f"\n{label}: {report.decisions_correct}/{report.decisions_total} "
        f"({report.decision_accuracy:.1%}) over {report.posts} "
        f"{'berichten' if nl else 'posts'}"
    )
    if report.held_by_expected:
        lines.append(
            "\n"
            + (
                "verwacht                       vastgehouden"
                if nl
                else "expected                       held"
            )
        )
        for group in sorted(report.held_by_expected, key=lambda g: (g == "none", g)):
            held, total = report.held_by_expected[group]
            share = held / total if total else 0.0
            note = ""
            if group == "none":
                note = (" (gepubliceerd: " if nl else " (published: ") + f"{1 - share:.1%})"
            lines.append(f"{group:<30} {held:>5}/{total:<5} {share:>6.1%}{note}")
    if report.misses:
        lines.append(f"\n{'missers' if nl else 'misses'} ({len(report.misses)}):")
        for m in report.misses:
            parts = []
            if m.missing:
                parts.append(("gemist: " if nl else "missed: ") + ", ".join(m.missing))
            if m.unexpected:
                parts.append(("onterecht: " if nl else "unexpected: ") + ", ".join(m.unexpected))
            if m.expected_action is not None and m.expected_action is not m.action:
                parts.append(f"{m.expected_action.value} -> {m.action.value}")
            snippet = " ".join(m.text.split())
            snippet = snippet if len(snippet) <= 70 else snippet[:67] + "..."
            lines.append(f"  {m.id}: {'; '.join(parts)}  | {snippet}")
    return "\n".join(lines)
