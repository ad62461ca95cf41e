"""What the audit checks: one published item (a post's caption and its photos)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kernel.types import Channel


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """Why an item cannot be screened as given (it goes to review): kind and reasons."""

    kind: str
    message_nl: str
    message_en: str


@dataclass(frozen=True, slots=True)
class AuditItem:
    """One published item: where its photos are, its caption, channel and publication date.

    `media` holds absolute local paths or http(s) URLs. `problems` is set when the source
    did not say enough to judge the item (no date, unknown channel, a missing file): such an
    item is not screened but goes to review with the reason. `from_network` is set when a
    document fetched over the network listed the item: its photos are then fetched only over
    http(s) from addresses the audit may use, never read from disk.
    """

    id: str
    media: tuple[str, ...]
    caption: str
    channel: Channel
    published_on: date | None
    post_url: str | None = None
    problems: tuple[ItemProblem, ...] = ()
    from_network: bool = False

    def fingerprint(self) -> tuple[object, ...]:
        """Everything that changes the item's verdict besides the registry and the photos."""
        return (
            self.id,
            self.media,
            self.caption,
            self.channel.value,
            self.published_on.isoformat() if self.published_on else None,
            self.post_url,
            tuple((p.kind, p.message_en) for p in self.problems),
            self.from_network,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (how an item waits in the database for a queue worker)."""
        return {
            "id": self.id,
            "media": list(self.media),
            "caption": self.caption,
            "channel": self.channel.value,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "post_url": self.post_url,
            "problems": [[p.kind, p.message_nl, p.message_en] for p in self.problems],
            "from_network": self.from_network,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditItem:
        """The item from `to_dict`'s form."""
        published = data["published_on"]
        return cls(
            id=data["id"],
            media=tuple(data["media"]),
            caption=data["caption"],
            channel=Channel(data["channel"]),
            published_on=date.fromisoformat(published) if published else None,
            post_url=data["post_url"],
            problems=tuple(ItemProblem(k, nl, en) for k, nl, en in data["problems"]),
            from_network=bool(data["from_network"]),
        )
