"""Core types that flow through the pipeline.

Frozen dataclasses that validate themselves on construction, so tests can compare sets of
findings and nothing downstream has to re-check them. Pydantic is used only at the edges
(configuration, API).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

_KIND_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


class Channel(StrEnum):
    """Where a post is going to be published."""

    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"
    X = "x"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    WEBSITE = "website"
    NEWSLETTER = "newsletter"
    SCHOOL_GUIDE = "school_guide"
    WHATSAPP = "whatsapp"


class Action(StrEnum):
    """The pipeline's answer for a post."""

    PUBLISH = "publish"
    HOLD = "hold"


class Severity(StrEnum):
    """What the policy makes of one finding: it blocks publication or is only shown."""

    HOLD = "hold"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range of the post text and the text it covers."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"span [{self.start}, {self.end}) has length {self.end - self.start}, "
                f"but its text has length {len(self.text)}"
            )

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """The span [start, end) of `text`."""
        return cls(start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Box:
    """A pixel rectangle in the oriented image: left/top inclusive, right/bottom exclusive.

    Library conventions (dlib's rectangles, face_recognition's (top, right, bottom, left)
    tuples) are converted to this at the edge.
    """

    left: int
    top: int
    right: int
    bottom: int

    def __post_init__(self) -> None:
        if self.right <= self.left or self.bottom <= self.top:
            raise ValueError(f"empty box {self}")

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class ImageRegion:
    """A region of one of the post's images; no box means the whole image."""

    image_index: int
    box: Box | None = None

    def __post_init__(self) -> None:
        if self.image_index < 0:
            raise ValueError("image_index must be >= 0")


@dataclass(frozen=True, slots=True)
class Evidence:
    """How a detector arrived at a finding, so that every result explains itself."""

    explanation: str
    pattern: str | None = None
    validation: str | None = None
    context_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """What one detector reports: a kind, where, how sure, and why. It decides nothing."""

    kind: str
    detector: str
    detector_version: str
    score: float
    evidence: Evidence
    span: Span | None = None
    region: ImageRegion | None = None
    #: For faces and names: who it is (the registry's id and display name), when identified.
    person_id: str | None = None
    person_name: str | None = None
    #: For faces: distance to the nearest enrolled person, and how much nearer than the
    #: second-nearest person (None when there is no such person).
    distance: float | None = None
    margin: float | None = None

    def __post_init__(self) -> None:
        if not _KIND_RE.match(self.kind):
            raise ValueError(f"finding kind {self.kind!r} is not of the form 'area.name'")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside [0, 1]")
        if self.span is not None and self.region is not None:
            raise ValueError("a finding points at text or at an image, not both")


@dataclass(frozen=True, slots=True)
class ConsentView:
    """Which consent records count when judging a post: the audit's two points of view.

    The default (no view) is the registry as it is now, for the post's publication date.
    `known_at` counts only records recorded at or before that moment ("as it was known when
    the post went out"); `withdrawals_until` also counts a refusal or withdrawal of the same
    purpose that takes effect after the publication date, up to that date ("is it still
    allowed to be online today").
    """

    known_at: datetime | None = None
    withdrawals_until: date | None = None


@dataclass(frozen=True, slots=True)
class PostContext:
    """What detectors may need to know about the post beside its content."""

    channel: Channel
    publish_on: date
    school: str | None = None
    post_id: str | None = None
    #: How consent is judged; None means the registry as it is now (screening a draft).
    consent_view: ConsentView | None = None


@dataclass(frozen=True, slots=True)
class ImageInput:
    """One photo of a post, as the bytes the caller supplied."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Post:
    """A draft post: the one object that flows through the pipeline."""

    text: str
    channel: Channel
    publish_on: date
    images: tuple[ImageInput, ...] = ()
    school: str | None = None
    id: str | None = None
    #: How consent is judged (the nightly audit sets this); None for a draft.
    consent_view: ConsentView | None = None

    @property
    def context(self) -> PostContext:
        """The post's context for detectors."""
        return PostContext(self.channel, self.publish_on, self.school, self.id, self.consent_view)


@dataclass(frozen=True, slots=True)
class Citation:
    """An article of a school board's code of conduct, quoted exactly."""

    pack: str
    article_id: str
    label: str
    section: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class RatedFinding:
    """A finding as the policy judged it: its id in the decision, severity and articles."""

    id: str
    finding: Finding
    severity: Severity
    articles: tuple[str, ...]
    #: Why the policy made a blocking kind a notice: "below_threshold" or "public_contact".
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One cited article and the findings that touch it."""

    citation: Citation
    severity: Severity
    finding_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """Which policy pack, at which version, made a decision."""

    id: str
    version: str
    title: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The pipeline's answer for one post, with everything needed to explain it."""

    action: Action
    findings: tuple[RatedFinding, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef
    detector_versions: Mapping[str, str]
    channel: Channel
    publish_on: date
    post_id: str | None = None

    def __post_init__(self) -> None:
        blocking = any(f.severity is Severity.HOLD for f in self.findings)
        if blocking and self.action is Action.PUBLISH:
            raise ValueError("a decision with a blocking finding cannot be 'publish'")
