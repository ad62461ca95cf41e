"""Request and response models of the API (pydantic lives here, at the edge, only).

The decision models document the decision JSON of `screening.decision_json` for OpenAPI;
routes return that JSON as it is (the CLI's shape), so these models describe rather than
filter it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from api.auth import Role
from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, GivenBy
from consent_store.records import Role as PersonRole
from kernel.errors import TextEncodingError
from kernel.types import Channel

Lang = Literal["nl", "en"]
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Open(BaseModel):
    """A documented object that may gain fields without breaking clients."""

    model_config = ConfigDict(extra="allow")


def _check_unicode(value: object) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800" escape
            raise TextEncodingError(
                "the request contains characters that are not valid Unicode",
                "het verzoek bevat tekens die geen geldige Unicode zijn",
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_unicode(key)
            _check_unicode(item)
    elif isinstance(value, list):
        for item in value:
            _check_unicode(item)


class _Closed(BaseModel):
    """A request body: unknown fields are an error, so a typo is not silently ignored, and
    text must be valid Unicode (the database and the pipeline cannot take lone surrogates)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        # TextEncodingError is not a ValueError: it passes pydantic and becomes a 400.
        _check_unicode(data)
        return data


def _iso_date(value: object) -> object:
    # pydantic would read 0 or "0" as a Unix time; a date in this API is written YYYY-MM-DD.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE_RE.match(value)):
        return value
    raise ValueError("a date is written as YYYY-MM-DD")


def _plausible_year(value: date) -> date:
    # School years are counted from 1900 to 9998 (consent_store.school_year).
    if not 1900 <= value.year <= 9998:
        raise ValueError("a date between 1900 and 9998")
    return value


#: A date given as "YYYY-MM-DD" (never a number), between 1900 and 9998.
IsoDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_plausible_year)]


# -- errors ---------------------------------------------------------------------------------


class ErrorDetail(_Open):
    code: str = Field(examples=["E605"])
    message: str = Field(description="In the request's language (Dutch unless asked otherwise)")
    nl: str
    en: str


class ErrorBody(_Open):
    error: ErrorDetail


# -- the decision JSON ----------------------------------------------------------------------


class SpanPublic(_Open):
    start: int
    end: int
    text: str


class BoxPublic(_Open):
    left: int
    top: int
    right: int
    bottom: int


class EvidencePublic(_Open):
    explanation: str
    pattern: str | None
    validation: str | None
    context_words: list[str]


class Bilingual(_Open):
    nl: str
    en: str


class FindingPublic(_Open):
    id: str
    kind: str
    severity: Literal["hold", "notice"]
    policy_note: str | None
    detector: str
    detector_version: str
    score: float
    span: SpanPublic | None
    image_index: int | None
    box: BoxPublic | None
    person_id: str | None
    person_name: str | None = None
    distance: float | None = None
    margin: float | None = None
    evidence: EvidencePublic
    articles: list[str]
    message: Bilingual
    advice: Bilingual


class ReasonPublic(_Open):
    pack: str
    article_id: str
    label: str
    section: str
    title: str
    text: str
    severity: Literal["hold", "notice"]
    finding_ids: list[str]


class PolicyRefPublic(_Open):
    id: str
    version: str
    title: str


class VersionsPublic(_Open):
    screening: str
    policy: str
    detectors: dict[str, str]


class ImageLinks(_Open):
    index: int
    name: str
    annotated_url: str = Field(description="Each face boxed and labelled (officer role)")
    redacted_url: str = Field(description="Faces without consent blurred, no metadata")


class DecisionPublic(_Open):
    """The decision JSON, the same shape as `screening check --json`."""

    schema_: str = Field(alias="schema", examples=["school-post-screening/decision/1"])
    post_id: str | None
    action: Literal["publish", "hold"]
    channel: str
    publish_on: date
    findings: list[FindingPublic]
    reasons: list[ReasonPublic]
    redacted_publishable: bool
    policy: PolicyRefPublic
    versions: VersionsPublic


class ScreeningPublic(DecisionPublic):
    """A decision plus links to the annotated and redacted photos."""

    images: list[ImageLinks]


# -- pre-check ------------------------------------------------------------------------------

#: Base64 of 2 MiB is 2,796,204 characters (with padding); a little room for line breaks.
PRECHECK_IMAGE_BYTES = 2 * 1024 * 1024
PRECHECK_B64_CHARS = 2_800_000


class PrecheckImage(_Closed):
    name: str = Field(default="foto.jpg", max_length=255)
    data: str = Field(
        description="The photo's bytes, base64 (at most 2 MB decoded)",
        max_length=PRECHECK_B64_CHARS,
    )


class PrecheckRequest(_Closed):
    text: str = Field(description="The draft text (UTF-8)")
    channel: Channel = Channel.INSTAGRAM
    publish_on: IsoDate | None = Field(default=None, description="YYYY-MM-DD; default today")
    policy: str | None = Field(default=None, max_length=100)
    lang: Lang = "nl"
    images: list[PrecheckImage] = Field(default_factory=list, max_length=4)


# -- batches (issue 14) -----------------------------------------------------------------------

#: Posts in one batch (a school board's content calendar for weeks fits; more: more batches).
MAX_BATCH_POSTS = 1000


class BatchImage(_Closed):
    name: str = Field(default="foto.jpg", max_length=255)
    data: str = Field(description="The photo's bytes, base64")


class BatchPost(_Closed):
    id: str | None = Field(
        default=None, max_length=200, description="Your own id for the post; comes back with it"
    )
    text: str = Field(default="", description="The draft text (UTF-8)")
    channel: Channel | None = Field(default=None, description="Default: the batch's channel")
    publish_on: IsoDate | None = Field(default=None, description="Default: the batch's date")
    images: list[BatchImage] = Field(default_factory=list, max_length=20)


class BatchCreate(_Closed):
    posts: list[BatchPost] = Field(min_length=1, max_length=MAX_BATCH_POSTS)
    channel: Channel = Channel.INSTAGRAM
    publish_on: IsoDate | None = Field(default=None, description="YYYY-MM-DD; default today")
    policy: str | None = Field(default=None, max_length=100)


class BatchCounts(BaseModel):
    queued: int
    running: int
    done: int
    failed: int = Field(description="Kept failing: a hold whose finding says why")


class BatchPublic(BaseModel):
    id: str
    mode: Literal["queue", "in_process"] = Field(
        description="On Celery workers, or in the service's own process (no broker configured)"
    )
    total: int
    counts: BatchCounts
    finished: bool
    created_at: datetime
    expires_at: datetime = Field(description="When the batch and its decisions are deleted")
    status_url: str
    results_url: str


# -- overrides ------------------------------------------------------------------------------


class OverrideCreate(_Closed):
    post_id: str = Field(max_length=64)
    finding_ids: list[str] = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=10, max_length=2000, description="Why, at least 10 characters")
    officer: str | None = Field(default=None, max_length=200)


class OverridePublic(BaseModel):
    id: str
    post_id: str
    recorded_by: str = Field(description="The key's name, with the officer's name if given")
    reason: str
    finding_ids: list[str]
    finding_kinds: list[str]
    officer: str | None
    key_id: str
    created_at: datetime


class OverrideList(BaseModel):
    overrides: list[OverridePublic]


# -- registry -------------------------------------------------------------------------------


class PersonCreate(_Closed):
    id: str = Field(min_length=1, max_length=64, description="The school's own id")
    name: str = Field(min_length=1, max_length=200)
    role: PersonRole
    birth_date: IsoDate
    school: str | None = Field(default=None, max_length=200)
    group: str | None = Field(default=None, max_length=100)
    aliases: list[str] = Field(default_factory=list, max_length=50)


class PersonUpdate(_Closed):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: PersonRole | None = None
    birth_date: IsoDate | None = None
    school: str | None = Field(default=None, max_length=200, description='"" clears it')
    group: str | None = Field(default=None, max_length=100, description='"" clears it')
    aliases: list[str] | None = Field(
        default=None, max_length=50, description="Replaces every name variant"
    )


class TemplateSummary(BaseModel):
    """That a face template exists, from which model and photo; never the template."""

    model_id: str
    source_sha256: str
    created_at: datetime


class PersonPublic(BaseModel):
    id: str
    name: str
    role: PersonRole
    birth_date: date
    school: str | None
    group: str | None
    aliases: list[str]


class PersonDetail(PersonPublic):
    face_templates: list[TemplateSummary]


class PeopleList(BaseModel):
    people: list[PersonPublic]
    total: int = Field(description="How many people match (the list may be cut at `limit`)")


class ConsentRecordPublic(BaseModel):
    record_id: int
    purpose: Purpose
    school_year: str
    decision: ConsentDecision
    given_by: GivenBy
    effective_on: date
    recorded_by: str
    recorded_at: datetime
    evidence: str
    source: str


class ConsentStatePublic(BaseModel):
    purpose: Purpose
    valid: bool
    code: str = Field(description="granted, refused, withdrawn, none, not_yet, not_eligible")
    reason: str
    reason_nl: str
    reason_en: str
    record: ConsentRecordPublic | None


class PersonChangePublic(BaseModel):
    action: str
    changes: dict[str, list[str | None]]
    changed_by: str
    changed_at: datetime
    source: str


class HistoryEvent(BaseModel):
    type: Literal["consent", "person"]
    at: datetime
    consent: ConsentRecordPublic | None = None
    change: PersonChangePublic | None = None


class ConsentOverview(BaseModel):
    person_id: str
    on: date
    purposes: list[ConsentStatePublic]
    history: list[HistoryEvent]


class ConsentCreate(_Closed):
    decision: ConsentDecision
    purpose: Purpose
    school_year: str | None = Field(
        default=None,
        description="YYYY-YYYY; default the school year of `on` (a withdrawal without it also "
        "covers later school years that have records)",
        max_length=20,
    )
    given_by: GivenBy | None = Field(
        default=None, description="Required for granted and refused; withdrawn defaults to staff"
    )
    evidence: str = Field(min_length=1, max_length=2000)
    on: IsoDate | None = Field(default=None, description="When it was decided; default today")


class ConsentRecorded(BaseModel):
    records: list[ConsentRecordPublic]


class EnrolmentResult(BaseModel):
    person_id: str
    templates: list[TemplateSummary]


class ImportChange(BaseModel):
    """One change of an import, as data and as a line in Dutch and in English."""

    kind: Literal["new_person", "person_changed", "consent"]
    person_id: str
    #: person_changed: the registry columns that change.
    columns: list[str] = []
    #: consent: the record the import adds.
    purpose: str | None = None
    school_year: str | None = None
    decision: str | None = None
    given_by: str | None = None
    given_on: date | None = None
    nl: str
    en: str


class ImportResult(BaseModel):
    source: str
    rows: int
    people_added: int
    people_updated: int
    records_added: int
    records_skipped: int
    dry_run: bool
    changes: list[ImportChange]


# -- policies -------------------------------------------------------------------------------


class ArticlePublic(BaseModel):
    id: str
    label: str
    section: str
    title: str
    text: str


class RulePublic(BaseModel):
    kinds: list[str]
    articles: list[str]
    severity: Literal["hold", "notice"]


class PackPublic(BaseModel):
    id: str
    version: str
    title: str
    code_version: str
    issuer: str
    default: bool
    articles: list[ArticlePublic]
    rules: list[RulePublic]
    fallback: RulePublic


class PolicyList(BaseModel):
    default: str
    packs: list[PackPublic]


# -- keys (for `screening keys`, and the login page) ---------------------------------------


class KeyPublic(BaseModel):
    id: str
    name: str
    roles: list[Role]


def as_dict(model: BaseModel) -> dict[str, Any]:
    """A model as JSON-ready data."""
    return model.model_dump(mode="json", by_alias=True)


#: Errors any /v1 route may answer, documented on every operation.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": why}
    for status, why in (
        (400, "The body cannot be read (malformed JSON or form, not UTF-8)"),
        (401, "No API key or session, or an unknown or revoked key"),
        (403, "The key's roles do not allow this"),
        (405, "This address does not take this method"),
        (413, "The request is larger than the limit"),
        (415, "The body is not in a content type this address takes"),
        (422, "Missing or invalid fields"),
        (503, "Still starting, or the registry database is unavailable"),
    )
}
