"""Reading and checking what a person gives the CLI: text, dates, channels, JSONL lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from kernel.errors import (
    InputError,
    TextEncodingError,
    TextTooLongError,
    UnknownChannelError,
)
from kernel.inputs import parse_date
from kernel.types import Channel, ImageInput, Post


def decode_text(data: bytes, source: str) -> str:
    """Strict UTF-8 (a BOM is allowed): a wrong encoding is an error, not mojibake."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextEncodingError(
            f"{source} is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again",
            f"{source} is geen geldige UTF-8 (byte {exc.start}); sla het op als UTF-8 en "
            "probeer opnieuw",
        ) from None


def read_limited(stream: IO[bytes], max_chars: int, source: str) -> bytes:
    """Read at most what `max_chars` characters can take in UTF-8, refusing more."""
    limit = max_chars * 4
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TextTooLongError(
            f"{source} is longer than {max_chars:,} characters",
            f"{source} is langer dan {max_chars:,} tekens",
        )
    return data


def parse_channel(value: str) -> Channel:
    """A channel by name (case-insensitive), or an error listing the valid ones."""
    try:
        return Channel(value.strip().lower())
    except ValueError:
        valid = ", ".join(c.value for c in Channel)
        raise UnknownChannelError(
            f"unknown channel {value!r}; choose one of: {valid}",
            f"onbekend kanaal {value!r}; kies uit: {valid}",
        ) from None


def read_image(path: Path) -> ImageInput:
    """The bytes of an image file; a missing path is an input error.

    A file that exists but cannot be read gets empty data, which screening turns into an
    'image.unreadable' hold rather than a crash.
    """
    if not path.exists():
        raise InputError(f"photo {str(path)!r} does not exist", f"foto {str(path)!r} bestaat niet")
    if path.is_dir():
        raise InputError(f"{str(path)!r} is a folder, not a photo", f"{str(path)!r} is een map")
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    return ImageInput(name=path.name, data=data)


@dataclass(frozen=True)
class JsonlItem:
    """One line of a content calendar: a post or the error that line has."""

    line: int
    id: str | None
    post: Post | None
    error: InputError | None


def _line_error(line: int, item_id: str | None, en: str, nl: str) -> JsonlItem:
    return JsonlItem(line, item_id, None, InputError(f"line {line}: {en}", f"regel {line}: {nl}"))


def parse_jsonl_line(
    raw: bytes, line: int, base_dir: Path, default_channel: Channel, today: date
) -> JsonlItem | None:
    """Parse one JSONL line into a post; blank lines are skipped (None)."""
    if not raw.strip():
        return None
    try:
        obj: Any = json.loads(decode_text(raw, f"line {line}"))
    except TextEncodingError as exc:
        return JsonlItem(line, None, None, exc)
    except json.JSONDecodeError as exc:
        return _line_error(
            line, None, f"not valid JSON ({exc.msg})", f"geen geldige JSON ({exc.msg})"
        )
    if not isinstance(obj, dict):
        return _line_error(line, None, "must be a JSON object", "moet een JSON-object zijn")
    item_id = obj.get("id")
    item_id = None if item_id is None else str(item_id)
    unknown = set(obj) - {"id", "text", "images", "channel", "date"}
    if unknown:
        return _line_error(
            line,
            item_id,
            f"unknown fields {sorted(unknown)}",
            f"onbekende velden {sorted(unknown)}",
        )
    text = obj.get("text", "")
    images = obj.get("images", [])
    if not isinstance(text, str):
        return _line_error(line, item_id, "'text' must be a string", "'text' moet tekst zijn")
    if not isinstance(images, list) or not all(isinstance(p, str) for p in images):
        return _line_error(
            line, item_id, "'images' must be a list of paths", "'images' moet een lijst paden zijn"
        )
    try:
        channel = parse_channel(obj["channel"]) if "channel" in obj else default_channel
        when = parse_date(str(obj["date"])) if "date" in obj else today
        photos = tuple(read_image(base_dir / p) for p in images)
    except InputError as exc:
        return JsonlItem(
            line,
            item_id,
            None,
            InputError(f"line {line}: {exc.message_en}", f"regel {line}: {exc.message_nl}"),
        )
    post = Post(text=text, channel=channel, publish_on=when, images=photos, id=item_id)
    return JsonlItem(line, item_id, post, None)
