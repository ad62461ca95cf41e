"""Hostile files offered as photos, each with the reason it must not be published.

Two kinds, by construction:

* *unreadable*: no decoder should turn these into a picture (empty, truncated, another kind
  of file, a decompression bomb, an animation with too many frames, a broken header). A
  screening holds them as `image.unreadable`; the service refuses them with a 4xx.
* *hidden face*: the file does decode, and shows a real face (scikit-image's astronaut, whom
  nobody enrolled), wrapped in something hostile: broken or absurd EXIF, a metadata bomb, the
  face only in a later frame of an animation or page of a TIFF. Whatever the wrapping, the
  face must be found, so the post holds (`face.unknown`).

Everything is drawn here from a fixed seed; nothing is downloaded.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass
from functools import cache

import pillow_heif
from PIL import Image

from tests.api.test_bad_input import png_bomb
from tests.audit.library import astronaut
from tests.images.drawing import _picture

SEED = 20261207


@dataclass(frozen=True, slots=True)
class HostileImage:
    """A file offered as a photo: its name (with the suffix a person gave it) and bytes."""

    name: str
    data: bytes
    #: True: it decodes and shows an unknown face (must hold on the face); False: unreadable.
    has_face: bool = False


def _save(img: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    # A copy: saving leaves encoder settings on the image, which confuse the next format.
    img.copy().save(buf, fmt, **options)
    return buf.getvalue()


@cache
def face_picture() -> Image.Image:
    """The astronaut (one real, frontal face), at the size a phone would post."""
    return astronaut().convert("RGB")


@cache
def _plain_seeds() -> dict[str, bytes]:
    """A small picture without a face in every accepted format."""
    pillow_heif.register_heif_opener()
    img = _picture(96, 64)
    return {
        "jpg": _save(img, "JPEG", quality=85),
        "png": _save(img, "PNG"),
        "gif": _save(img.convert("P"), "GIF"),
        "webp": _save(img, "WEBP"),
        "tif": _save(img, "TIFF", compression="tiff_lzw"),
        "heic": _save(img, "HEIF"),
    }


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _unreadable_files(rng: random.Random) -> list[HostileImage]:
    seeds = _plain_seeds()
    out: list[HostileImage] = [
        HostileImage("leeg.jpg", b""),
        HostileImage("een-byte.jpg", b"\xff"),
        HostileImage("nul-bytes.jpg", bytes(4096)),
    ]
    magic = {
        "jpg": b"\xff\xd8\xff",
        "png": b"\x89PNG\r\n\x1a\n",
        "gif": b"GIF89a",
        "webp": b"RIFF\x00\x00\x00\x00WEBP",
        "tif": b"II*\x00",
        "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    }
    for suffix, head in magic.items():
        out.append(HostileImage(f"alleen-kop.{suffix}", head))
    # Cut off somewhere in the middle: never a whole picture.
    for suffix, data in seeds.items():
        for share in (0.1, 0.3, 0.5, 0.7):
            cut = max(len(magic[suffix]) + 1, int(len(data) * share))
            out.append(HostileImage(f"afgebroken-{int(share * 100)}.{suffix}", data[:cut]))
        out.append(HostileImage(f"alleen-header.{suffix}", data[:32]))
    # Other files, renamed to look like a photo.
    documents: dict[str, bytes] = {
        "pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\n" + bytes(rng.randrange(256) for _ in range(400)),
        "html": b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        "html-bom": b"\xef\xbb\xbf<html><script>alert(1)</script></html>",
        "html-spaties": b"\n\n   <html><body>foto</body></html>",
        "zip": b"PK\x03\x04" + bytes(300),
        "docx": b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(200),
        "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
        "svg": b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><circle r='4'/></svg>",
        "xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        "json": b'{"foto": "sportdag.jpg"}',
        "tekst": b"Dit is geen foto, maar het verslag van de sportdag.",
        "utf16": "geen foto".encode("utf-16"),
        "rtf": b"{\\rtf1\\ansi Dit is geen foto}",
        "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(300),
        "elf": b"\x7fELF\x02\x01\x01" + bytes(300),
        "script": b"#!/bin/sh\nrm -rf /\n",
        "postscript": b"%!PS-Adobe-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
        "mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(300),
        "wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(300),
        "ogg": b"OggS\x00\x02" + bytes(300),
        "flac": b"fLaC\x00\x00\x00\x22" + bytes(300),
        "bmp": _save(Image.new("RGB", (8, 8)), "BMP"),
        "ico": _save(Image.new("RGB", (16, 16)), "ICO"),
        "pcx": _save(Image.new("RGB", (8, 8)), "PCX"),
        "tga": _save(Image.new("RGB", (8, 8)), "TGA"),
        "psd": b"8BPS\x00\x01" + bytes(300),
        "jpeg2000": b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(300),
        "jpegxl": b"\xff\x0a" + bytes(300),
        "dicom": bytes(128) + b"DICM" + bytes(300),
        "ruis": bytes(rng.randrange(256) for _ in range(2048)),
    }
    for what, data in documents.items():
        out.append(HostileImage(f"{what}.jpg", data))
    # Videos, where a photo was expected (the pipeline screens photos only).
    videos: dict[str, bytes] = {
        "mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(400),
        "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(400),
        "3gp": b"\x00\x00\x00\x18ftyp3gp4\x00\x00\x00\x003gp4" + bytes(400),
        "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm" + bytes(400),
        "avi": b"RIFF\x00\x10\x00\x00AVI LIST" + bytes(400),
        "avif-kop": b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64),
    }
    for what, data in videos.items():
        out.append(HostileImage(f"video-{what}.jpg", data))
        out.append(HostileImage(f"video.{what}", data))
    # Decompression bombs: headers that claim far more pixels than any photo has.
    png = bytearray(seeds["png"])
    png[16:24] = struct.pack(">II", 60000, 60000)
    gif = bytearray(seeds["gif"])
    gif[6:10] = struct.pack("<HH", 65535, 65535)
    jpeg = bytearray(seeds["jpg"])
    sof = jpeg.find(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    vp8x = (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + 10)
        + b"WEBPVP8X"
        + struct.pack("<I", 10)
        + b"\x00\x00\x00\x00"
        + (16383).to_bytes(3, "little")
        + (16383).to_bytes(3, "little")
    )
    tiff = bytearray(_save(Image.new("L", (4, 4)), "TIFF"))
    out += [
        HostileImage("bom-30000.png", png_bomb()),
        HostileImage("bom-60000.png", bytes(png)),
        HostileImage("bom-scherm.gif", bytes(gif)),
        HostileImage("bom-sof.jpg", bytes(jpeg)),
        HostileImage("bom-canvas.webp", vp8x),
        HostileImage("bom-ihdr-nul.png", png_bomb(0, 0)),
        HostileImage("bom-breed.png", png_bomb(2_000_000_000, 1)),
        HostileImage("bom-tiff.tif", _tiff_with_size(bytes(tiff), 200_000, 200_000)),
        HostileImage("bom-zlib.png", _zlib_bomb_png()),
    ]
    # Broken structure that a careless decoder might follow.
    broken_crc = bytearray(seeds["png"])
    broken_crc[29:33] = b"\x00\x00\x00\x00"  # the IHDR checksum
    riff = bytearray(seeds["webp"])
    riff[4:8] = struct.pack("<I", 0xFFFFFFF0)
    out += [
        HostileImage("kapotte-crc.png", bytes(broken_crc)),
        HostileImage("riff-lengte.webp", bytes(riff)[:40]),
        HostileImage(
            "heic-kapot.heic", seeds["heic"][:60] + bytes(rng.randrange(256) for _ in range(500))
        ),
        HostileImage("heic-zonder-meta.heic", magic["heic"] + b"\x00\x00\x00\x08mdat"),
        HostileImage("tiff-buiten-bestand.tif", _tiff_strip_beyond_end()),
        HostileImage("gif-veel-beelden.gif", _many_frames_gif(300)),
        HostileImage("gif-duizend-beelden.gif", _many_frames_gif(1000)),
        HostileImage("jpeg-zonder-scan.jpg", seeds["jpg"][: seeds["jpg"].find(b"\xff\xda")]),
        HostileImage("jpeg-dubbel-soi.jpg", b"\xff\xd8" * 2000),
        HostileImage("png-alleen-ihdr.png", seeds["png"][:33] + _png_chunk(b"IEND", b"")),
    ]
    return out


def _tiff_with_size(data: bytes, width: int, height: int) -> bytes:
    """A little-endian TIFF whose ImageWidth/ImageLength tags claim another size."""
    out = bytearray(data)
    ifd = struct.unpack_from("<I", out, 4)[0]
    count = struct.unpack_from("<H", out, ifd)[0]
    for i in range(count):
        entry = ifd + 2 + 12 * i
        tag, kind = struct.unpack_from("<HH", out, entry)
        if tag in (256, 257):
            value = width if tag == 256 else height
            if kind == 3:  # SHORT cannot hold it: rewrite as LONG
                struct.pack_into("<HHII", out, entry, tag, 4, 1, value)
            else:
                struct.pack_into("<I", out, entry + 8, value)
    return bytes(out)


def _tiff_strip_beyond_end() -> bytes:
    """A 64x64 TIFF whose only strip starts far beyond the end of the file."""
    entries = [
        (256, 3, 1, 64),
        (257, 3, 1, 64),
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 4, 1, 0x7FFF0000),
        (277, 3, 1, 1),
        (279, 4, 1, 4096),
    ]
    body = bytearray(b"II*\x00" + struct.pack("<I", 8))
    body += struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        body += struct.pack("<HHII", tag, kind, count, value)
    body += struct.pack("<I", 0)
    return bytes(body)


def _many_frames_gif(frames: int) -> bytes:
    """An animation of `frames` tiny frames: more than any photo post needs."""
    # Each frame differs from the one before, or the encoder would merge them.
    images = [Image.new("RGB", (2, 2), (i % 256, (i // 256) * 40, 0)) for i in range(frames)]
    return _save(images[0], "GIF", save_all=True, append_images=images[1:], duration=10)


def _zlib_bomb_png() -> bytes:
    """A real PNG stream of 11000 x 11000 grey pixels, all zero: tiny, 121 MP decoded."""
    width = height = 11_000
    compressor = zlib.compressobj(1)
    row = bytes(width + 1)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


# --- files that decode and show a face -----------------------------------------------------


def _exif(**tags: object) -> bytes:
    exif = Image.Exif()
    for key, value in tags.items():
        exif[int(key.removeprefix("t"))] = value
    return exif.tobytes()


def _jpeg_with_segment(data: bytes, marker: bytes, payload: bytes) -> bytes:
    """`data` (a JPEG) with one more APPn/COM segment right after SOI."""
    segment = marker + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segment + data[2:]


def _face_files(rng: random.Random) -> list[HostileImage]:
    pillow_heif.register_heif_opener()
    face = face_picture()
    plain = _save(face, "JPEG", quality=90)
    out: list[HostileImage] = []
    for value in (0, 9, 255, 65535):
        out.append(
            HostileImage(
                f"exif-orientatie-{value}.jpg",
                _save(face, "JPEG", quality=90, exif=_exif(t274=value)),
                has_face=True,
            )
        )
    junk = bytes(rng.randrange(256) for _ in range(3000))
    out += [
        HostileImage(
            "exif-ruis.jpg", _jpeg_with_segment(plain, b"\xff\xe1", b"Exif\x00\x00" + junk), True
        ),
        HostileImage(
            "exif-ifd-buiten-bereik.jpg",
            _jpeg_with_segment(plain, b"\xff\xe1", b"Exif\x00\x00II*\x00\xff\xff\xff\x7f"),
            True,
        ),
        HostileImage(
            "exif-big-endian-kapot.jpg",
            _jpeg_with_segment(plain, b"\xff\xe1", b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff"),
            True,
        ),
        HostileImage(
            "exif-64k.jpg",
            _jpeg_with_segment(plain, b"\xff\xe1", b"Exif\x00\x00" + bytes(65000)),
            True,
        ),
        HostileImage(
            "xmp-entiteitenbom.jpg",
            _jpeg_with_segment(
                plain,
                b"\xff\xe1",
                b"http://ns.adobe.com/xap/1.0/\x00"
                b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>&c;</x:xmpmeta>",
            ),
            True,
        ),
        HostileImage(
            "commentaar-nul.jpg", _jpeg_with_segment(plain, b"\xff\xfe", b"\x00" * 60000), True
        ),
        HostileImage(
            "icc-ruis.jpg",
            _jpeg_with_segment(plain, b"\xff\xe2", b"ICC_PROFILE\x00\x01\x01" + junk[:2000]),
            True,
        ),
        HostileImage(
            "gps-deling-door-nul.jpg",
            _save(face, "JPEG", exif=_gps_exif(), quality=90),
            True,
        ),
        HostileImage("png-ztxt-bom.png", _png_with_text_bomb(face), True),
        HostileImage("png-exif-ruis.png", _png_with_chunk(face, b"eXIf", junk[:500]), True),
        HostileImage("png-16-bit.png", _save(face.convert("I;16"), "PNG"), True),
        HostileImage("gif-gezicht-in-beeld-4.gif", _animation(face, "GIF", at=3), True),
        HostileImage("apng-gezicht-in-beeld-2.png", _animation(face, "PNG", at=1), True),
        HostileImage("webp-gezicht-in-beeld-3.webp", _animation(face, "WEBP", at=2), True),
        HostileImage("tiff-gezicht-op-pagina-2.tif", _animation(face, "TIFF", at=1), True),
        HostileImage("tiff-ifd-lus.tif", _tiff_ifd_loop(_save(face, "TIFF")), True),
        HostileImage("heic-met-ruis-exif.heic", _save(face, "HEIF", exif=junk[:200]), True),
        HostileImage("jpeg-als-png.png", plain, True),
        HostileImage("png-als-jpg.jpg", _save(face, "PNG"), True),
        HostileImage("cmyk.jpg", _save(face.convert("CMYK"), "JPEG", quality=90), True),
        HostileImage("progressief.jpg", _save(face, "JPEG", progressive=True), True),
        HostileImage(
            "jpeg-met-staart.jpg", plain + bytes(rng.randrange(256) for _ in range(900)), True
        ),
    ]
    return out


def _tiff_ifd_loop(data: bytes) -> bytes:
    """`data` (a little-endian TIFF) with its first directory naming itself as the next."""
    out = bytearray(data)
    ifd = struct.unpack_from("<I", out, 4)[0]
    count = struct.unpack_from("<H", out, ifd)[0]
    struct.pack_into("<I", out, ifd + 2 + 12 * count, ifd)
    return bytes(out)


def _gps_exif() -> bytes:
    """EXIF whose GPS position is 0/0 degrees (a division by zero for the careless)."""
    tiff = bytearray(b"II*\x00" + struct.pack("<I", 8))
    tiff += struct.pack("<H", 1) + struct.pack("<HHII", 0x8825, 4, 1, 26) + struct.pack("<I", 0)
    entries = [(1, 2, 2, b"N\x00\x00\x00"), (2, 5, 3, struct.pack("<I", 80))]
    entries += [(3, 2, 2, b"E\x00\x00\x00"), (4, 5, 3, struct.pack("<I", 104))]
    tiff += struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        tiff += struct.pack("<HHI", tag, kind, count) + value
    tiff += struct.pack("<I", 0)
    tiff += struct.pack("<6I", 0, 0, 0, 0, 0, 0)
    tiff += struct.pack("<6I", 1, 0, 4294967295, 1, 0, 0)
    return b"Exif\x00\x00" + bytes(tiff)


def _png_with_chunk(img: Image.Image, kind: bytes, data: bytes) -> bytes:
    png = _save(img, "PNG")
    iend = png.rfind(b"IEND") - 4
    return png[:iend] + _png_chunk(kind, data) + png[iend:]


def _png_with_text_bomb(img: Image.Image) -> bytes:
    """A PNG whose zTXt chunk inflates to 8 MB of text (the decoder allows 1 MB)."""
    compressed = zlib.compress(b"A" * (8 * 1024 * 1024), 1)
    png = _save(img, "PNG")
    iend = png.rfind(b"IEND") - 4
    return png[:iend] + _png_chunk(b"zTXt", b"Comment\x00\x00" + compressed) + png[iend:]


def _animation(face: Image.Image, fmt: str, at: int) -> bytes:
    """An animation (or multi-page TIFF) of plain frames, with the face only in frame `at`."""
    blank = Image.new("RGB", face.size, (200, 220, 255))
    frames = [face if i == at else blank for i in range(at + 2)]
    if fmt == "GIF":
        frames = [f.convert("P", palette=Image.Palette.ADAPTIVE) for f in frames]
    timing: dict[str, object] = {} if fmt == "TIFF" else {"duration": 100}
    return _save(frames[0], fmt, save_all=True, append_images=frames[1:], **timing)


@cache
def hostile_images() -> tuple[HostileImage, ...]:
    """Every hostile photo file, in a fixed order."""
    rng = random.Random(SEED)
    return (*_unreadable_files(rng), *_face_files(rng))
