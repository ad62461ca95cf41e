"""What the audit checks: one published item (a post's caption and its photos)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
