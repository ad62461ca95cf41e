"""The policy: turns findings into a decision, citing the pack's articles.

Only this module decides. Detectors report findings with raw scores; which kinds block and
which articles they touch comes from the policy pack, and score thresholds from settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kernel.types import (
    Action,
    Channel,
    Decision,
    Finding,
    PolicyRef,
    RatedFinding,
    Reason,
    Severity,
)
from screening.policy.pack import ALWAYS_HOLD_KINDS, PolicyPack

#: Kinds whose value can be the school's own public contact details.
PUBLIC_VALUE_KINDS = frozenset({"pii.phone", "pii.email", "pii.address"})


def normalise_value(value: str) -> str:
    """A phone number or e-mail address reduced to compare notations: lower case, letters,
    digits and '@' only, with a Dutch number's country code turned back into its trunk 0."""
    v = re.sub(r"[^0-9a-z@]", "", value.lower())
    for prefix in ("0031", "310", "31"):
        if v.startswith(prefix) and v[len(prefix) :].isdigit() and len(v) - len(prefix) == 9:
            return "0" + v[len(prefix) :]
    return v


def address_tokens(value: str) -> tuple[str, ...]:
    """An address as lower-case words and numbers, a postcode as one token ("3512ab")."""
    v = re.sub(r"\b(\d{4})\s*([a-z]{2})\b", r"\1\2", value.lower())
    return tuple(re.findall(r"[0-9a-z]+", v))


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return n > 0 and any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


@dataclass(frozen=True)
class PolicyOptions:
    """The installation's policy configuration beside the pack.

    `min_score`: minimum detector score for a finding to block, per kind or `area.*`; a
    finding scoring lower is still shown, as a notice. `public_values`: the school's own
    public contact details (switchboard number, info address, street address), which may
    appear in a post. Kinds that report a failure of screening itself ignore both: they
    always hold.
    """

    min_score: Mapping[str, float] = field(default_factory=dict)
    public_values: tuple[str, ...] = ()
    _public: frozenset[str] = field(init=False, repr=False, compare=False)
    _public_addresses: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = [v for v in self.public_values if v.strip()]
        object.__setattr__(self, "_public", frozenset(normalise_value(v) for v in values))
        object.__setattr__(self, "_public_addresses", tuple(address_tokens(v) for v in values))

    def threshold(self, kind: str) -> float:
        """The threshold for `kind`: exact, else its `area.*`, else 0."""
        if kind in self.min_score:
            return self.min_score[kind]
        return self.min_score.get(kind.split(".", 1)[0] + ".*", 0.0)

    def is_public(self, f: Finding) -> bool:
        """Whether `f` is one of the school's own public contact details."""
        if f.kind not in PUBLIC_VALUE_KINDS or f.span is None:
            return False
        if f.kind == "pii.address":
            # The school's address may be listed with or without postcode and town.
            found = address_tokens(f.span.text)
            return any(
                _contains(found, allowed) or _contains(allowed, found)
                for allowed in self._public_addresses
            )
        return normalise_value(f.span.text) in self._public


def _order(f: Finding) -> tuple[int, int, int, str]:
    if f.span is not None:
        return (0, f.span.start, f.span.end, f.kind)
    if f.region is not None:
        box = f.region.box
        return (1, f.region.image_index, box.top if box else -1, f.kind)
    return (2, 0, 0, f.kind)


def decide(
    findings: Sequence[Finding],
    pack: PolicyPack,
    *,
    channel: Channel,
    publish_on: date,
    detector_versions: Mapping[str, str],
    options: PolicyOptions | None = None,
    post_id: str | None = None,
) -> Decision:
    """Judge every finding against `pack` and answer publish or hold."""
    options = options or PolicyOptions()
    rated: list[RatedFinding] = []
    for n, f in enumerate(sorted(findings, key=_order), start=1):
        rule = pack.rule_for(f.kind)
        severity = rule.severity
        note: str | None = None
        # A score threshold never turns an error or a threat into a notice.
        if severity is Severity.HOLD and f.kind not in ALWAYS_HOLD_KINDS:
            if f.score < options.threshold(f.kind):
                severity, note = Severity.NOTICE, "below_threshold"
            elif options.is_public(f):
                severity, note = Severity.NOTICE, "public_contact"
        rated.append(
            RatedFinding(
                id=f"f{n}", finding=f, severity=severity, articles=rule.articles, note=note
            )
        )

    reasons: list[Reason] = []
    for severity in (Severity.HOLD, Severity.NOTICE):
        by_article: dict[str, list[str]] = {}
        for r in rated:
            if r.severity is severity:
                for article in r.articles:
                    by_article.setdefault(article, []).append(r.id)
        reasons.extend(
            Reason(citation=pack.citation(a), severity=severity, finding_ids=tuple(ids))
            for a, ids in by_article.items()
        )

    action = Action.HOLD if any(r.severity is Severity.HOLD for r in rated) else Action.PUBLISH
    return Decision(
        action=action,
        findings=tuple(rated),
        reasons=tuple(reasons),
        policy=PolicyRef(id=pack.id, version=pack.version, title=pack.title),
        detector_versions=dict(detector_versions),
        channel=channel,
        publish_on=publish_on,
        post_id=post_id,
    )
