"""Safe decoding of an uploaded photo: any failure is a reason, never a crash."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from screening.errors import UnreadableImageError

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


#: Magic numbers of files that people attach by mistake, to name them in the message.
_NON_IMAGE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "een PDF-document", "a PDF document"),
    (b"PK\x03\x04", "een ZIP- of Office-bestand", "a ZIP or Office file"),
    (b"\xd0\xcf\x11\xe0", "een oud Office-bestand", "an old Office file"),
    (b"<!DOCTYPE", "een HTML-pagina", "an HTML page"),
    (b"<html", "een HTML-pagina", "an HTML page"),
)


def decode_image(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """Decode `data` fully into an RGB image, or raise UnreadableImageError saying why."""
    _register_heif()
    if not data:
        raise UnreadableImageError("empty", "het bestand is leeg", "the file is empty")
    if len(data) > max_bytes:
        raise UnreadableImageError(
            "too_large",
            f"het bestand is groter dan {max_bytes // (1024 * 1024)} MB",
            f"the file is larger than {max_bytes // (1024 * 1024)} MB",
        )
    head = data[:16].lstrip()
    for magic, nl, en in _NON_IMAGE_MAGIC:
        if head.startswith(magic):
            raise UnreadableImageError(
                "not_an_image", f"dit is geen foto maar {nl}", f"this is not a photo but {en}"
            )
    try:
        with warnings.catch_warnings():
            # Our own pixel limit (below) is the one that counts; Pillow's warning is redundant.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > max_pixels:
                raise UnreadableImageError(
                    "too_many_pixels",
                    f"de foto heeft te veel pixels ({width}x{height})",
                    f"the photo has too many pixels ({width}x{height})",
                )
            img.load()
            return img.convert("RGB")
    except UnreadableImageError:
        raise
    except UnidentifiedImageError:
        raise UnreadableImageError(
            "unknown_format",
            "het bestand is geen foto in een bekend formaat",
            "the file is not a photo in a known format",
        ) from None
    except Image.DecompressionBombError:
        raise UnreadableImageError(
            "too_many_pixels",
            "de foto heeft te veel pixels (mogelijk een decompressiebom)",
            "the photo has too many pixels (possibly a decompression bomb)",
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        truncated = "truncated" in str(exc).lower()
        raise UnreadableImageError(
            "truncated" if truncated else "corrupt",
            "de foto is afgebroken (onvolledig bestand)" if truncated else "de foto is beschadigd",
            "the photo is truncated" if truncated else "the photo is corrupt",
        ) from None
