"""Personal data hidden in a photo's metadata: GPS position, names of owner or maker.

A phone writes where a photo was taken into its EXIF data; published unchanged, it says where
a pupil was (or lives). Only the presence and kind of such fields is reported: the values
themselves are personal data and do not belong in a decision or a log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

# EXIF tags (TIFF/EXIF numbering) that carry a person's name. Descriptions and comments are
# left out: cameras fill them with their own text ("OLYMPUS DIGITAL CAMERA"), and the
# redacted photo drops every field anyway.
_NAME_TAGS: dict[int, str] = {
    0x013B: "Artist",
    0x8298: "Copyright",
    0x9C9D: "XPAuthor",
    0xA430: "CameraOwnerName",
}
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769

# XMP properties that name a person or a place (namespaces vary; the local names do not).
_XMP_FIELDS = re.compile(
    rb"<?(?:dc:creator|photoshop:City|Iptc4xmpCore:Location|"
    rb"exif:GPSLatitude|exif:GPSLongitude|photoshop:Credit|xmpRights:Owner|"
    rb"Iptc4xmpExt:PersonInImage|mwg-rs:Name|dc:rights|Iptc4xmpCore:CreatorContactInfo)\b"
)
_PNG_TEXT_KEYS = frozenset({"author", "artist", "copyright", "location", "gps"})


@dataclass(frozen=True, slots=True)
class ImageMetadata:
    """Which kinds of personal data the photo's metadata holds (names of fields only)."""

    gps: bool
    fields: tuple[str, ...]

    @property
    def has_personal_data(self) -> bool:
        return self.gps or bool(self.fields)


def _nonempty(value: object) -> bool:
    if isinstance(value, bytes):
        return bool(value.strip(b"\x00 \t\r\n")) and not value.startswith(b"ASCII\x00\x00\x00\x00")
    if isinstance(value, str):
        return bool(value.strip("\x00 \t\r\n"))
    return value is not None


def read_metadata(img: Image.Image) -> ImageMetadata:
    """Read the metadata of an opened (not yet decoded) image; never raises."""
    fields: list[str] = []
    gps = False
    try:
        exif = img.getexif()
        gps_ifd = exif.get_ifd(_GPS_IFD)
        gps = any(k in gps_ifd for k in (1, 2, 3, 4))  # latitude/longitude (ref)
        exif_ifd = exif.get_ifd(_EXIF_IFD)
        for tag, name in _NAME_TAGS.items():
            if _nonempty(exif.get(tag)) or _nonempty(exif_ifd.get(tag)):
                fields.append(name)
    except Exception:  # a broken EXIF block is not personal data; the decode decides
        pass
    xmp = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "replace")
    if isinstance(xmp, bytes):
        for m in _XMP_FIELDS.finditer(xmp):
            name = "XMP " + m.group().lstrip(b"<").decode("ascii")
            if "GPS" in name:
                gps = True
            elif name not in fields:
                fields.append(name)
    for key, value in img.info.items():
        if isinstance(key, str) and key.lower() in _PNG_TEXT_KEYS and _nonempty(value):
            fields.append(f"text:{key}")
    return ImageMetadata(gps=gps, fields=tuple(dict.fromkeys(fields)))
