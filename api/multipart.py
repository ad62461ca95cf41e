"""Reading a multipart/form-data body ourselves, strictly and in memory.

Starlette's form parser decodes a field that is not valid UTF-8 as Latin-1 without a word
and spills files over 1 MB to temporary files. Draft text must be refused when it is not
UTF-8 (a clear 400, like the CLI's exit code 2), and draft photos must not touch the disk,
so the routes that take uploads read the stream with python-multipart directly. The total
size is already bounded by the app's body limit while the stream is read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import parse_qsl

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from kernel.errors import (
    ServiceInputError,
    TextEncodingError,
    TextTooLongError,
    UnsupportedContentTypeError,
)


def safe_filename(filename: str | None, default: str) -> str:
    """An uploaded file's name without any folder part, bounded in length."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable()).strip()
    return default if name in ("", ".", "..") else name[-200:]


@dataclass(frozen=True)
class FilePart:
    """An uploaded file, whole, in memory."""

    field_name: str
    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass
class MultipartForm:
    """The text fields (every value per name) and the files of a form."""

    fields: dict[str, list[str]]
    files: list[FilePart]

    def value(self, name: str) -> str | None:
        """The value of a text field, or None when it was not sent.

        A field sent twice is refused: which of two texts is the draft would be a guess, and
        screening one while the sender publishes the other must not be possible.
        """
        values = self.fields.get(name)
        if values and len(values) > 1:
            raise ServiceInputError(
                f"field '{name}' is sent {len(values)} times; send it once",
                f"veld '{name}' is {len(values)} keer gestuurd; stuur het één keer",
            )
        return values[0] if values else None

    def files_named(self, name: str) -> list[FilePart]:
        """The files sent under one field name, in order."""
        return [f for f in self.files if f.field_name == name]


@dataclass
class _Part:
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    name: str = ""
    filename: str | None = None
    content_type: str = ""
    data: bytearray = field(default_factory=bytearray)


def _malformed(why_en: str, why_nl: str) -> ServiceInputError:
    return ServiceInputError(
        f"the multipart body is malformed: {why_en}",
        f"het multipart-verzoek is misvormd: {why_nl}",
    )


class _Collector:
    """python-multipart callbacks that collect parts with limits."""

    def __init__(self, max_fields: int, max_files: int, max_field_bytes: int) -> None:
        self.max_fields = max_fields
        self.max_files = max_files
        self.max_field_bytes = max_field_bytes
        self.part = _Part()
        self.header_name = b""
        self.header_value = b""
        self.fields: dict[str, list[str]] = defaultdict(list)
        self.files: list[FilePart] = []
        self.field_count = 0

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers.append((self.header_name.lower(), self.header_value))
        self.header_name = b""
        self.header_value = b""

    def on_headers_finished(self) -> None:
        headers = dict(self.part.headers)
        # Deprecated in forms (RFC 7578): a base64 or quoted-printable part would be screened
        # as its encoded form while the sender decodes and publishes something else.
        encoding = headers.get(b"content-transfer-encoding", b"binary").strip().lower()
        if encoding not in (b"binary", b"8bit", b"7bit"):
            raise _malformed(
                "a part has a Content-Transfer-Encoding; send its bytes as they are",
                "een deel heeft een Content-Transfer-Encoding; stuur de bytes zoals ze zijn",
            )
        _, options = parse_options_header(headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise _malformed("a part has no field name", "een deel heeft geen veldnaam")
        self.part.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            if len(self.files) >= self.max_files:
                raise _malformed(
                    f"more than {self.max_files} files", f"meer dan {self.max_files} bestanden"
                )
            self.part.filename = options[b"filename"].decode("utf-8", "replace")
            self.part.content_type = headers.get(b"content-type", b"").decode("latin-1")
        else:
            self.field_count += 1
            if self.field_count > self.max_fields:
                raise _malformed(
                    f"more than {self.max_fields} fields", f"meer dan {self.max_fields} velden"
                )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.part.data += data[start:end]
        if self.part.filename is None and len(self.part.data) > self.max_field_bytes:
            raise TextTooLongError(
                f"field '{self.part.name}' is longer than {self.max_field_bytes:,} bytes",
                f"veld '{self.part.name}' is langer dan {self.max_field_bytes:,} bytes",
            )

    def on_part_end(self) -> None:
        part = self.part
        if part.filename is not None:
            self.files.append(
                FilePart(part.name, part.filename, part.content_type, bytes(part.data))
            )
            return
        try:
            value = bytes(part.data).decode("utf-8")
        except UnicodeDecodeError:
            raise TextEncodingError(
                f"field '{part.name}' is not valid UTF-8 text; send the text as UTF-8",
                f"veld '{part.name}' is geen geldige UTF-8-tekst; stuur de tekst als UTF-8",
            ) from None
        self.fields[part.name].append(value)


async def read_multipart(
    request: Request,
    *,
    max_fields: int = 50,
    max_files: int = 20,
    max_field_bytes: int = 1024 * 1024,
    urlencoded_ok: bool = False,
) -> MultipartForm:
    """Parse the request body as multipart/form-data, or raise a clear 4xx error.

    With `urlencoded_ok`, a plain HTML form without files (x-www-form-urlencoded) is read too.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"application/x-www-form-urlencoded" and urlencoded_ok:
        return await _read_urlencoded(request, max_fields, max_field_bytes)
    if content_type != b"multipart/form-data":
        raise UnsupportedContentTypeError(
            "send this request as multipart/form-data (a form with fields and files)",
            "stuur dit verzoek als multipart/form-data (een formulier met velden en bestanden)",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise _malformed("the Content-Type has no boundary", "het Content-Type heeft geen boundary")
    collector = _Collector(max_fields, max_files, max_field_bytes)
    callbacks = {
        name: getattr(collector, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    try:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise _malformed("it cannot be parsed", "het kan niet worden gelezen") from None
    return MultipartForm(dict(collector.fields), collector.files)


async def _read_urlencoded(
    request: Request, max_fields: int, max_field_bytes: int
) -> MultipartForm:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_field_bytes * 3:  # percent-encoding triples a byte at most
            raise TextTooLongError(
                f"the form is longer than {max_field_bytes:,} bytes",
                f"het formulier is langer dan {max_field_bytes:,} bytes",
            )
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=max_fields,
        )
    except UnicodeDecodeError:
        raise TextEncodingError(
            "the form is not valid UTF-8 text; send the text as UTF-8",
            "het formulier is geen geldige UTF-8-tekst; stuur de tekst als UTF-8",
        ) from None
    except ValueError:
        raise _malformed(
            f"more than {max_fields} fields", f"meer dan {max_fields} velden"
        ) from None
    fields: dict[str, list[str]] = defaultdict(list)
    for name, value in pairs:
        fields[name].append(value)
    return MultipartForm(dict(fields), [])
