"""The values behind a metadata hold, read again from the officer's own photo for the page.

The detector (`screening.images.metadata`) names only the kinds of fields it found, so the
values never reach a decision or a log. The officer who uploaded the photo may see them,
though: "Maker: Jan Jansen" says what to fix where "personal data in the metadata" does not.
They are read here from the bytes of the request, shown on the page, and kept nowhere.
"""

from __future__ import annotations

import contextlib
import io
import re
from fractions import Fraction
from typing import Any

from PIL import Image

#: Longest value shown (an XMP block can hold a whole contact card).
MAX_VALUE_CHARS = 120
#: Decimals of a GPS position shown: enough to recognise the place (about a kilometre).
GPS_DECIMALS = 2

_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
#: The detector's field names of EXIF tags that carry a person's name, by tag number.
_NAME_TAGS: dict[int, str] = {
    0x013B: "Artist",
    0x8298: "Copyright",
    0x9C9D: "XPAuthor",
    0xA430: "CameraOwnerName",
}
#: The XMP properties the detector reports (other than the GPS ones).
_XMP_PROPERTIES = (
    "dc:creator",
    "photoshop:City",
    "Iptc4xmpCore:Location",
    "photoshop:Credit",
    "xmpRights:Owner",
    "Iptc4xmpExt:PersonInImage",
    "mwg-rs:Name",
    "dc:rights",
    "Iptc4xmpCore:CreatorContactInfo",
)
_PNG_TEXT_KEYS = frozenset({"author", "artist", "copyright", "location", "gps"})
_TAG_RE = re.compile(r"<[^>]+>")


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        # XP* tags are UTF-16LE; the others are ASCII or UTF-8 in practice.
        utf16 = len(value) > 1 and value[1:2] == b"\x00"
        value = value.decode("utf-16-le" if utf16 else "utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = " ".join(value.replace("\x00", " ").split())
    if not text:
        return None
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _degrees(dms: Any, ref: Any) -> float | None:
    try:
        d, m, s = (Fraction(str(float(x))) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = float(d + m / 60 + s / 3600)
    if str(ref).strip("\x00 ").upper() in ("S", "W"):
        value = -value
    return value


def _gps(gps_ifd: Any) -> str | None:
    lat = _degrees(gps_ifd.get(2), gps_ifd.get(1))
    lon = _degrees(gps_ifd.get(4), gps_ifd.get(3))
    if lat is None or lon is None:
        return None
    return f"{lat:.{GPS_DECIMALS}f}, {lon:.{GPS_DECIMALS}f}"


def _xmp_value(xmp: str, name: str) -> str | None:
    """The text of an XMP property, as an attribute (name="...") or an element."""
    attr = re.search(re.escape(name) + r'\s*=\s*"([^"]*)"', xmp)
    if attr:
        return _text(attr[1])
    element = re.search(
        "<" + re.escape(name) + r"\b[^>]*>(.*?)</" + re.escape(name) + ">", xmp, re.DOTALL
    )
    if element:
        return _text(_TAG_RE.sub(" ", element[1]))
    return None


def _read_exif(img: Image.Image, found: dict[str, str]) -> None:
    exif = img.getexif()
    position = _gps(exif.get_ifd(_GPS_IFD))
    if position:
        found["GPS position"] = position
    exif_ifd = exif.get_ifd(_EXIF_IFD)
    for tag, name in _NAME_TAGS.items():
        value = _text(exif.get(tag)) or _text(exif_ifd.get(tag))
        if value:
            found[name] = value


def _read_xmp(img: Image.Image, found: dict[str, str]) -> None:
    xmp = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
    if isinstance(xmp, bytes):
        xmp = xmp.decode("utf-8", "replace")
    if not isinstance(xmp, str):
        return
    for prop in _XMP_PROPERTIES:
        value = _xmp_value(xmp, prop)
        if value:
            found["XMP " + prop] = value
    if "GPS position" not in found:
        lat, lon = _xmp_value(xmp, "exif:GPSLatitude"), _xmp_value(xmp, "exif:GPSLongitude")
        if lat and lon:
            found["GPS position"] = f"{lat}, {lon}"


def metadata_values(data: bytes) -> dict[str, str]:
    """Field name (as the detector names it) to value, for one photo; never raises."""
    found: dict[str, str] = {}
    try:
        with Image.open(io.BytesIO(data)) as img:  # reads the header, not the pixels
            # A broken EXIF block: the page shows the field without its value.
            with contextlib.suppress(Exception):
                _read_exif(img, found)
            _read_xmp(img, found)
            for key, value in img.info.items():
                if not isinstance(key, str) or key.lower() not in _PNG_TEXT_KEYS:
                    continue
                text = _text(value)
                if text:
                    found[f"text:{key}"] = text
    except Exception:  # not a format Pillow opens on its own (HEIC): names without values
        return found
    return found
