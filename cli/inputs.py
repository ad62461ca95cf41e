"""Reading and checking what a person gives the CLI: text, dates, channels, JSONL lines."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, BinaryIO

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


def open_binary(path: Path) -> BinaryIO:
    """`path` opened for reading, without waiting for a writer if it is a named pipe.

    A pipe someone writes to (`--image <(curl ...)`) is read as usual; one nobody has open
    for writing reads as empty at once, instead of blocking the command forever.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


#: Bytes read of a photo when the caller does not say (Settings.max_image_bytes' default).
DEFAULT_MAX_IMAGE_BYTES = 40 * 1024 * 1024


def read_image(path: Path, max_bytes: int = DEFAULT_MAX_IMAGE_BYTES) -> ImageInput:
    """The bytes of an image file; a missing path is an input error.

    A file that exists but cannot be read gets empty data, which screening turns into an
    'image.unreadable' hold rather than a crash. At most one byte more than `max_bytes` is
    read (enough for screening to refuse it as too large), so a path like /dev/zero cannot
    fill the memory.
    """
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError):  # a NUL byte in the path, a name too long for the system
        raise InputError(
            f"photo {str(path)[:200]!r} is not a usable path",
            f"foto {str(path)[:200]!r} is geen bruikbaar pad",
        ) from None
    if not exists:
        raise InputError(f"photo {str(path)!r} does not exist", f"foto {str(path)!r} bestaat niet")
    if is_dir:
        raise InputError(f"{str(path)!r} is a folder, not a photo", f"{str(path)!r} is een map")
    try:
        with open_binary(path) as fh:
            data = fh.read(max_bytes + 1)
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
    raw: bytes,
    line: int,
    base_dir: Path,
    default_channel: Channel,
    today: date,
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
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
    except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
        return _line_error(
            line,
            None,
            "not valid JSON (nested too deeply, or a number too long)",
            "geen geldige JSON (te diep genest, of een te lang getal)",
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
    if not isinstance(obj.get("channel", ""), str):
        return _line_error(line, item_id, "'channel' must be a string", "'channel' moet tekst zijn")
    try:
        channel = parse_channel(obj["channel"]) if "channel" in obj else default_channel
        when = parse_date(str(obj["date"])) if "date" in obj else today
        photos = tuple(read_image(base_dir / p, max_image_bytes) for p in images)
    except InputError as exc:
        return JsonlItem(
            line,
            item_id,
            None,
            InputError(f"line {line}: {exc.message_en}", f"regel {line}: {exc.message_nl}"),
        )
    post = Post(text=text, channel=channel, publish_on=when, images=photos, id=item_id)
    return JsonlItem(line, item_id, post, None)
