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
    #: The photo's metadata names a place or a person (GPS, maker, rights holder): replace
    #: the file with a cleaned copy, or accept it (a photographer's credit).
    METADATA = "metadata"


#: Most serious first: an item takes the most serious verdict of its findings.
SEVERITY_ORDER = (
    Verdict.VIOLATION,
    Verdict.TAKE_DOWN,
    Verdict.REVIEW,
    Verdict.METADATA,
    Verdict.OK,
)
ACTION_NEEDED = frozenset({Verdict.VIOLATION, Verdict.TAKE_DOWN, Verdict.REVIEW, Verdict.METADATA})


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
    #: What to do about this finding (it agrees with its verdict and its explanation).
    advice_nl: str | None = None
    advice_en: str | None = None
    #: For consent that ended after publication: who withdrew or refused it (Dutch word),
    #: the day it took effect and the day it was entered in the registry (ISO dates).
    decided_by: str | None = None
    decided_on: str | None = None
    entered_on: str | None = None


@dataclass(frozen=True, slots=True)
class MediaRecord:
    """One photo of an item: where it came from, its hash and (for the report) a thumbnail."""

    ref: str
    sha256: str | None = None
    #: A small JPEG with the faces boxed, as a data: URI; only for items that need action.
    thumbnail: str | None = None
    #: The replacement the audit made (faces without consent blurred, metadata removed):
    #: a path relative to the report folder; only for items that need it.
    replacement: str | None = None
    #: The numbered boxes of the thumbnail: (number, finding kind, person name or None).
    legend: tuple[tuple[int, str, str | None], ...] = ()


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
    #: The item's public number: a keyed hash of its id, the same every night. Mails,
    #: webhooks and logs carry only this (an id may be a file name with a pupil's name).
    ref: str = ""
    #: The publication date lies after the day of the audit.
    future_date: bool = False

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
            media=tuple(
                MediaRecord(
                    **{
                        **m,
                        "legend": tuple((int(n), str(k), p) for n, k, p in m.get("legend") or ()),
                    }
                )
                for m in data["media"]
            ),
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
            ref=str(data.get("ref") or ""),
            future_date=bool(data.get("future_date")),
        )


def most_serious(verdicts: list[Verdict]) -> Verdict:
    """The most serious of `verdicts` (OK when there are none)."""
    for verdict in SEVERITY_ORDER:
        if verdict in verdicts:
            return verdict
    return Verdict.OK
