"""Where published items come from: a folder, a manifest (CSV/JSONL), a sitemap or feed.

* A folder: every photo (JPEG, PNG, WebP, HEIC, GIF, TIFF) in it or below it, with the post's
  details in a sidecar beside it: `<name>.json` (`caption`, `channel`, `published_on`,
  `url`) or `<name>.txt` (the caption only).
* A manifest: CSV (`,` or `;`) or JSONL with the fields `media` (a path relative to the
  manifest, or a URL), `caption`, `channel`, `published_on`, `url` and optionally `id`.
* A sitemap, sitemap index, RSS or Atom feed, over http(s) or as a local .xml file
  (see `screening.audit.feeds`).

The source itself, and what a folder, manifest or feed file on this computer lists, is the
operator's choice and used as given. What a document fetched over the network refers to is
not: see `screening.audit.addresses`.

A source that cannot be read at all is an input error and nothing is audited. An item whose
details are incomplete or wrong (no date, an unknown channel, a missing photo) is still
listed, with the problem, and goes to review.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kernel.types import Channel
from screening.audit.dates import parse_published
from screening.audit.errors import AuditSourceError
from screening.audit.http import is_url
from screening.audit.items import AuditItem, ItemProblem

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".tif", ".tiff"}
)
MANIFEST_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
#: Largest sidecar or manifest read, in bytes.
MAX_TEXT_FILE_BYTES = 50 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceDefaults:
    """What to assume for items whose source does not say it."""

    #: None: `website` for sitemaps and feeds, `instagram` for folders and manifests.
    channel: Channel | None = None
    published_on: date | None = None


def unique_ids(items: Iterable[AuditItem]) -> list[AuditItem]:
    """The items with a repeated id suffixed '#2', '#3', ... (the journal keys on ids)."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        n = seen.get(item.id, 0) + 1
        seen[item.id] = n
        out.append(item if n == 1 else replace(item, id=f"{item.id}#{n}"))
    return out


def item_from_fields(
    item_id: str,
    media: tuple[str, ...],
    fields: Mapping[str, object],
    defaults: SourceDefaults,
    default_channel: Channel,
    problems: Iterable[ItemProblem] = (),
) -> AuditItem:
    """An item from a sidecar's, manifest row's or feed entry's fields, with any problems."""
    found = list(problems)
    caption = _text(fields, "caption", "text")
    channel = default_channel if defaults.channel is None else defaults.channel
    channel_text = _text(fields, "channel")
    if channel_text:
        try:
            channel = Channel(channel_text.strip().lower())
        except ValueError:
            found.append(
                ItemProblem(
                    "audit.bad_metadata",
                    f"onbekend kanaal {channel_text!r}",
                    f"unknown channel {channel_text!r}",
                )
            )
    day_text = _text(fields, "published_on", "date")
    published = parse_published(day_text) if day_text else defaults.published_on
    if day_text and published is None:
        found.append(
            ItemProblem(
                "audit.bad_metadata",
                f"publicatiedatum {day_text!r} is geen datum (gebruik JJJJ-MM-DD)",
                f"publication date {day_text!r} is not a date (use YYYY-MM-DD)",
            )
        )
    elif published is None:
        found.append(
            ItemProblem(
                "audit.no_date",
                "de publicatiedatum is onbekend; zet published_on in het zijbestand of "
                "manifest, of geef --published-on",
                "the publication date is unknown; set published_on in the sidecar or "
                "manifest, or pass --published-on",
            )
        )
    url = _text(fields, "url", "post_url") or None
    return AuditItem(item_id, media, caption, channel, published, url, tuple(found))


def _text(fields: Mapping[str, object], *names: str) -> str:
    for name in names:
        value = fields.get(name)
        if value is not None and value != "":
            return value if isinstance(value, str) else str(value)
    return ""


# --- a folder ---------------------------------------------------------------------------


def read_folder(folder: Path, defaults: SourceDefaults) -> list[AuditItem]:
    """Every photo under `folder` (hidden files and folders skipped), sorted by path."""
    photos = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return [_folder_item(folder, p, defaults) for p in photos]


def _folder_item(folder: Path, photo: Path, defaults: SourceDefaults) -> AuditItem:
    item_id = photo.relative_to(folder).as_posix()
    fields: dict[str, object] = {}
    problems: list[ItemProblem] = []
    sidecar_json, sidecar_txt = photo.with_suffix(".json"), photo.with_suffix(".txt")
    try:
        if sidecar_json.is_file():
            loaded = json.loads(_read_small(sidecar_json))
            if not isinstance(loaded, dict):
                raise ValueError("not a JSON object")
            fields = loaded
        elif sidecar_txt.is_file():
            fields = {"caption": _read_small(sidecar_txt)}
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: [[[[...]]]]
        name = (sidecar_json if sidecar_json.is_file() else sidecar_txt).name
        problems.append(
            ItemProblem(
                "audit.bad_metadata",
                f"zijbestand {name} is onleesbaar ({type(exc).__name__})",
                f"sidecar {name} cannot be read ({type(exc).__name__})",
            )
        )
    return item_from_fields(
        item_id, (str(photo.resolve()),), fields, defaults, Channel.INSTAGRAM, problems
    )


def _read_small(path: Path) -> str:
    with path.open("rb") as fh:
        data = fh.read(MAX_SIDECAR_BYTES + 1)
    if len(data) > MAX_SIDECAR_BYTES:
        raise ValueError("sidecar too large")
    return data.decode("utf-8-sig")


# --- a manifest -------------------------------------------------------------------------


def read_manifest(path: Path, defaults: SourceDefaults) -> list[AuditItem]:
    """The items of a CSV or JSONL manifest; a row with bad details is listed with its problem."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_TEXT_FILE_BYTES + 1)
    except OSError as exc:
        raise AuditSourceError(
            f"cannot read {str(path)!r}: {exc.strerror}",
            f"kan {str(path)!r} niet lezen: {exc.strerror}",
        ) from None
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise AuditSourceError(
            f"{path.name} is larger than {MAX_TEXT_FILE_BYTES // (1024 * 1024)} MB",
            f"{path.name} is groter dan {MAX_TEXT_FILE_BYTES // (1024 * 1024)} MB",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AuditSourceError(
            f"{path.name} is not UTF-8; save it as 'CSV UTF-8' or UTF-8 text",
            f"{path.name} is geen UTF-8; sla het op als 'CSV UTF-8' of als UTF-8-tekst",
        ) from None
    rows = _csv_rows(text, path.name) if MANIFEST_SUFFIXES[path.suffix.lower()] == "csv" else None
    if rows is None:
        rows = _jsonl_rows(text)
    return [_manifest_item(path.parent, n, row, problem, defaults) for n, row, problem in rows]


Row = tuple[int, dict[str, object], ItemProblem | None]


def _csv_rows(text: str, name: str) -> list[Row]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        return _csv_records(reader, name)
    except csv.Error as exc:  # a field beyond the csv module's limit, a quote left open
        raise AuditSourceError(
            f"{name} line {reader.line_num}: not valid CSV ({exc})",
            f"{name} regel {reader.line_num}: geen geldige CSV ({exc})",
        ) from None


def _csv_records(reader: csv.DictReader[str], name: str) -> list[Row]:
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if "media" not in columns and "caption" not in columns:
        raise AuditSourceError(
            f"{name}: the header needs a 'media' column (and may have caption, channel, "
            "published_on, url, id)",
            f"{name}: de kopregel mist de kolom 'media' (mogelijk ook: caption, channel, "
            "published_on, url, id)",
        )
    rows: list[Row] = []
    for raw in reader:
        fields = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        rows.append((reader.line_num, dict(fields), None))
    return rows


def _jsonl_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            if not isinstance(value, dict):
                raise ValueError("not an object")
            rows.append((n, value, None))
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            problem = ItemProblem(
                "audit.bad_metadata",
                f"regel {n} is geen JSON-object",
                f"line {n} is not a JSON object",
            )
            rows.append((n, {}, problem))
    return rows


def _manifest_item(
    base: Path,
    line: int,
    fields: dict[str, object],
    problem: ItemProblem | None,
    defaults: SourceDefaults,
) -> AuditItem:
    problems = [problem] if problem else []
    raw_media = fields.get("media")
    refs = [str(m) for m in raw_media] if isinstance(raw_media, list) else [str(raw_media or "")]
    media: list[str] = []
    for ref in (r.strip() for r in refs):
        if not ref:
            continue
        if is_url(ref):
            media.append(ref)
            continue
        try:
            local = (base / ref).resolve()
        except (OSError, ValueError, RuntimeError):  # a NUL byte in the path, a link loop
            problems.append(
                ItemProblem(
                    "audit.media_missing",
                    f"foto {ref[:200]!r} is geen bruikbaar pad",
                    f"photo {ref[:200]!r} is not a usable path",
                )
            )
            continue
        if not local.is_file():
            problems.append(
                ItemProblem(
                    "audit.media_missing",
                    f"foto {ref!r} bestaat niet",
                    f"photo {ref!r} does not exist",
                )
            )
        media.append(str(local))
    if not media and not _text(fields, "caption", "text") and not problems:
        problems.append(
            ItemProblem(
                "audit.bad_metadata",
                f"regel {line} heeft geen foto en geen tekst",
                f"line {line} has no photo and no text",
            )
        )
    item_id = _text(fields, "id") or next((r for r in refs if r.strip()), "") or f"line-{line}"
    return item_from_fields(item_id, tuple(media), fields, defaults, Channel.INSTAGRAM, problems)
