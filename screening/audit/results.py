"""What the audit says about one item: its verdict, findings and the articles they touch.

Plain frozen dataclasses that turn into JSON and back, because a result travels from a
worker process to the journal (for resuming) and from there into the reports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """The audit's answer for an item that is already published."""

    #: Nothing needs to happen.
    OK = "ok"
    #: Allowed when published, not any more (consent withdrawn or refused since): take down.
    TAKE_DOWN = "take_down"
    #: Never allowed: no valid consent at publication, or text that breaks the code.
    VIOLATION = "violation"
    #: The audit cannot tell (unreadable, unknown or ambiguous face, fetch failure, ...).
    REVIEW = "review"


#: Most serious first: an item takes the most serious verdict of its findings.
SEVERITY_ORDER = (Verdict.VIOLATION, Verdict.TAKE_DOWN, Verdict.REVIEW, Verdict.OK)
ACTION_NEEDED = frozenset({Verdict.VIOLATION, Verdict.TAKE_DOWN, Verdict.REVIEW})


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An article of the code of conduct, quoted exactly."""

    pack: str
    article_id: str
    label: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding of an item as the report shows it."""

    kind: str
    #: "hold" (blocks) or "notice".
    severity: str
    #: For blocking findings: what this finding alone would make of the item.
    verdict: Verdict | None
    articles: tuple[str, ...]
    explanation: str
    #: The explanation in Dutch, where the finding has one (the audit's own findings do).
    explanation_nl: str | None = None
    image_index: int | None = None
    box: tuple[int, int, int, int] | None = None
    span_text: str | None = None
    person_id: str | None = None
    person_name: str | None = None


@dataclass(frozen=True, slots=True)
class MediaRecord:
    """One photo of an item: where it came from, its hash and (for the report) a thumbnail."""

    ref: str
    sha256: str | None = None
    #: A small JPEG with the faces boxed, as a data: URI; only for items that need action.
    thumbnail: str | None = None


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The audit's verdict on one item, with everything the reports need."""

    item_id: str
    verdict: Verdict
    channel: str
    published_on: str | None
    post_url: str | None
    media: tuple[MediaRecord, ...]
    findings: tuple[FindingRecord, ...]
    articles: tuple[ArticleRecord, ...]
    policy: str
    #: Photos whose faces were detected anew (not taken from the cache).
    redetected: int = 0
    seconds: float = 0.0
    #: Face-cache keys this item used (kept when the cache is pruned).
    cache_keys: tuple[str, ...] = field(default=(), repr=False)

    @property
    def blocking(self) -> tuple[FindingRecord, ...]:
        """The findings that decide the verdict."""
        return tuple(f for f in self.findings if f.severity == "hold")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the journal's and the JSON report's form)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemResult:
        """The result from `to_dict`'s form."""
        return cls(
            item_id=data["item_id"],
            verdict=Verdict(data["verdict"]),
            channel=data["channel"],
            published_on=data["published_on"],
            post_url=data["post_url"],
            media=tuple(MediaRecord(**m) for m in data["media"]),
            findings=tuple(
                FindingRecord(
                    **{
                        **f,
                        "verdict": None if f["verdict"] is None else Verdict(f["verdict"]),
                        "articles": tuple(f["articles"]),
                        "box": None if f["box"] is None else tuple(f["box"]),
                    }
                )
                for f in data["findings"]
            ),
            articles=tuple(ArticleRecord(**a) for a in data["articles"]),
            policy=data["policy"],
            redetected=int(data["redetected"]),
            seconds=float(data["seconds"]),
            cache_keys=tuple(data["cache_keys"]),
        )


def most_serious(verdicts: list[Verdict]) -> Verdict:
    """The most serious of `verdicts` (OK when there are none)."""
    for verdict in SEVERITY_ORDER:
        if verdict in verdicts:
            return verdict
    return Verdict.OK
