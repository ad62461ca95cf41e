"""Bad input gets a clear 4xx with a stable code, Dutch and English — never a 5xx, never a publish.

One table of (what is wrong, request, expected status, expected code).
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, jpeg_bytes

MB = 1024 * 1024


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims 900 megapixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def _multipart(
    text: bytes, boundary: str = "XyZ", extra: bytes = b""
) -> tuple[bytes, dict[str, str]]:
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'.encode()
        + text
        + f"\r\n{extra.decode()}--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"\0" * min(size, total - sent)
        sent += size


Request = Callable[[TestClient, dict[str, str]], httpx.Response]


def _screen(**kwargs: Any) -> Request:
    return lambda c, h: c.post("/v1/screenings", headers=h, **kwargs)


def _precheck(body: Any) -> Request:
    return lambda c, h: c.post("/v1/precheck", json=body, headers=h)


def _raw(path: str, content: bytes, content_type: str) -> Request:
    return lambda c, h: c.post(path, content=content, headers={**h, "Content-Type": content_type})


def _photo(data: bytes, name: str = "foto.jpg") -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photos", (name, data, "image/jpeg"))]


def _invalid_utf8_multipart(c: TestClient, h: dict[str, str]) -> httpx.Response:
    body, headers = _multipart(b"Goed gedaan \xff\xfe groep 8")
    return cast(httpx.Response, c.post("/v1/screenings", content=body, headers={**h, **headers}))


def _huge_text_multipart(c: TestClient, h: dict[str, str]) -> httpx.Response:
    body, headers = _multipart(b"a" * (5 * MB))
    return cast(httpx.Response, c.post("/v1/screenings", content=body, headers={**h, **headers}))


def _fifty_mb_with_length(c: TestClient, h: dict[str, str]) -> httpx.Response:
    big = b"\0" * (50 * MB)
    response = c.post(
        "/v1/screenings",
        files=[("photos", ("groot.jpg", big, "image/jpeg"))],
        data={"text": "hoi"},
        headers=h,
    )
    return cast(httpx.Response, response)


def _fifty_mb_chunked(c: TestClient, h: dict[str, str]) -> httpx.Response:
    # No Content-Length: the limit must be counted while the body streams in.
    response = c.post(
        "/v1/screenings",
        content=_chunks(50 * MB),
        headers={**h, "Content-Type": "multipart/form-data; boundary=XyZ"},
    )
    return cast(httpx.Response, response)


def _big_precheck_image() -> dict[str, Any]:
    data = base64.b64encode(b"\xff\xd8" + b"\0" * (2 * MB + 10)).decode()
    return {"text": "hoi", "images": [{"name": "a.jpg", "data": data}]}


CASES: list[tuple[str, Request, int, str]] = [
    # missing fields
    ("precheck without text", _precheck({"channel": "x"}), 422, "E605"),
    ("screening without text or photos", _screen(data={"channel": "x"}), 422, "E002"),
    ("screening with only spaces", _screen(data={"text": "   "}), 422, "E002"),
    (
        "override without reason",
        lambda c, h: c.post(
            "/v1/overrides", json={"post_id": "x", "finding_ids": ["f1"]}, headers=h
        ),
        422,
        "E605",
    ),
    # size
    ("50 MB upload with Content-Length", _fifty_mb_with_length, 413, "E603"),
    ("50 MB upload, chunked", _fifty_mb_chunked, 413, "E603"),
    ("text over 100,000 characters", _screen(data={"text": "a" * 100_001}), 413, "E003"),
    ("5 MB text field", _huge_text_multipart, 413, "E003"),
    ("huge text in the pre-check", _precheck({"text": "b" * 100_001}), 413, "E003"),
    ("pre-check photo over 2 MB", _precheck(_big_precheck_image()), 413, "E603"),
    (
        "pre-check body over 12 MB",
        _raw("/v1/precheck", b'{"text": "' + b"a" * (13 * MB) + b'"}', "application/json"),
        413,
        "E603",
    ),
    # photos
    (
        "decompression bomb",
        _screen(data={"text": "hoi"}, files=_photo(png_bomb(), "b.png")),
        413,
        "E008",
    ),
    (
        "a PDF as a photo",
        _screen(data={"text": "hoi"}, files=_photo(b"%PDF-1.7\n" + b"x" * 500)),
        415,
        "E008",
    ),
    (
        "a text file as a photo",
        _screen(data={"text": "hoi"}, files=_photo(b"hello world " * 9)),
        415,
        "E008",
    ),
    ("an empty photo", _screen(data={"text": "hoi"}, files=_photo(b"")), 422, "E008"),
    (
        "a truncated JPEG",
        _screen(data={"text": "hoi"}, files=_photo(jpeg_bytes()[:200])),
        422,
        "E008",
    ),
    (
        "a bomb in the pre-check",
        _precheck(
            {
                "text": "hoi",
                "images": [{"name": "b.png", "data": base64.b64encode(png_bomb()).decode()}],
            }
        ),
        413,
        "E008",
    ),
    (
        "pre-check image not base64",
        _precheck({"text": "hoi", "images": [{"name": "a.jpg", "data": "***"}]}),
        422,
        "E605",
    ),
    (
        "five pre-check images",
        _precheck({"text": "hoi", "images": [{"data": "AAAA"}] * 5}),
        422,
        "E605",
    ),
    (
        "photo under another field name",
        _screen(data={"text": "hoi"}, files=[("foto", ("a.jpg", jpeg_bytes(), "image/jpeg"))]),
        422,
        "E605",
    ),
    # content types
    (
        "screening sent as JSON",
        lambda c, h: c.post("/v1/screenings", json={"text": "hoi"}, headers=h),
        415,
        "E606",
    ),
    ("pre-check sent as text", _raw("/v1/precheck", b"hoi", "text/plain"), 415, "E606"),
    (
        "pre-check sent as a form",
        lambda c, h: c.post("/v1/precheck", data={"text": "hoi"}, headers=h),
        415,
        "E606",
    ),
    (
        "multipart without boundary",
        _raw("/v1/screenings", b"--x--", "multipart/form-data"),
        400,
        "E600",
    ),
    (
        "multipart that is not",
        _raw("/v1/screenings", b"garbage\r\n\r\n", "multipart/form-data; boundary=XyZ"),
        400,
        "E600",
    ),
    # encodings
    ("invalid UTF-8 in a multipart field", _invalid_utf8_multipart, 400, "E004"),
    (
        "invalid UTF-8 in a plain form",
        _raw("/v1/screenings", b"text=Goed%FF%FE", "application/x-www-form-urlencoded"),
        400,
        "E004",
    ),
    (
        "invalid UTF-8 in JSON",
        _raw("/v1/precheck", b'{"text": "Goed \xff\xfe"}', "application/json"),
        400,
        "E600",
    ),
    (
        "a lone surrogate in JSON",
        _raw("/v1/precheck", b'{"text": "Goed \\ud800 zo"}', "application/json"),
        400,
        "E004",
    ),
    ("malformed JSON", _raw("/v1/precheck", b'{"text": ', "application/json"), 422, "E605"),
    ("JSON that is a list", _raw("/v1/precheck", b"[1, 2]", "application/json"), 422, "E605"),
    # values
    ("unknown channel", _screen(data={"text": "hoi", "channel": "myspace"}), 422, "E005"),
    (
        "unknown channel in the pre-check",
        _precheck({"text": "hoi", "channel": "myspace"}),
        422,
        "E605",
    ),
    ("impossible date", _screen(data={"text": "hoi", "publish_on": "2026-02-30"}), 422, "E007"),
    ("date in another form", _precheck({"text": "hoi", "publish_on": "morgen"}), 422, "E605"),
    ("a date before 1900", _screen(data={"text": "hoi", "publish_on": "0001-01-01"}), 422, "E007"),
    ("a date as a number", _precheck({"text": "hoi", "publish_on": 0}), 422, "E605"),
    (
        "a lone surrogate in a registry field",
        _raw(
            "/v1/people",
            b'{"id": "s1", "name": "\\ud800", "role": "pupil", "birth_date": "2014-01-01"}',
            "application/json",
        ),
        400,
        "E004",
    ),
    (
        "a consent date in the year 1633",
        lambda c, h: c.get("/v1/people/s1/consents", params={"on": "1633-05-23"}, headers=h),
        422,
        "E605",
    ),
    ("unknown policy", _screen(data={"text": "hoi", "policy": "nope"}), 422, "E006"),
    (
        "a policy path (would read a server file)",
        _precheck({"text": "hoi", "policy": "/etc/passwd.toml"}),
        422,
        "E006",
    ),
    ("unknown language", _screen(data={"text": "hoi", "lang": "de"}), 422, "E605"),
    ("unknown field", _precheck({"text": "hoi", "tekst": "hoi"}), 422, "E605"),
    # addresses
    ("unknown route", lambda c, h: c.get("/v1/nope", headers=h), 404, "E604"),
    ("wrong method", lambda c, h: c.delete("/v1/precheck", headers=h), 405, "E608"),
    (
        "unknown photo kind",
        lambda c, h: c.get("/v1/screenings/abc/images/0/original", headers=h),
        422,
        "E605",
    ),
    (
        "unknown screening photo",
        lambda c, h: c.get("/v1/screenings/" + "0" * 20 + "/images/0/annotated", headers=h),
        404,
        "E604",
    ),
]


@pytest.mark.parametrize(
    ("request_", "status", "code"),
    [pytest.param(r, s, c, id=name) for name, r, s, c in CASES],
)
def test_bad_input_is_a_clear_4xx(
    client: TestClient, keys: Keys, request_: Request, status: int, code: str
) -> None:
    response = request_(client, keys.headers("all"))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["nl"] and error["en"] and error["message"] == error["nl"]
    assert "action" not in response.json()


def test_the_message_follows_the_requested_language(client: TestClient, keys: Keys) -> None:
    h = keys.headers("all")
    for headers, params, expect in (
        ({"Accept-Language": "en-GB,en;q=0.9"}, {}, "en"),
        ({"Accept-Language": "de, nl;q=0.5, en;q=0.4"}, {}, "nl"),
        ({}, {"lang": "en"}, "en"),
        ({"Accept-Language": "en"}, {"lang": "nl"}, "nl"),
        ({}, {}, "nl"),
    ):
        response = client.post(
            "/v1/precheck", params=params, json={"text": " "}, headers={**h, **headers}
        )
        error = response.json()["error"]
        assert response.status_code == 422
        assert error["message"] == error[expect]


def test_a_validation_error_never_echoes_the_text(client: TestClient, keys: Keys) -> None:
    secret = "Jantje woont op Dorpsstraat 12"
    response = client.post(
        "/v1/precheck", json={"text": secret, "channel": "myspace"}, headers=keys.headers("all")
    )
    assert response.status_code == 422
    assert secret not in response.text
    assert json.loads(response.text)["error"]["fields"] == [{"field": "channel", "type": "enum"}]
