"""Safe decoding of an uploaded photo: any failure is a reason, never a crash.

Formats: JPEG, PNG, WebP, HEIC/HEIF, GIF (every frame), TIFF. Limits on bytes and pixels are
checked before any pixel is decoded. EXIF orientation is applied before anything else, so
every box downstream is in the coordinates of the photo as a person sees it. Large JPEGs are
decoded at a reduced size straight from the DCT coefficients (Pillow's draft mode) instead of
at full size and then shrunk.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from kernel.errors import UnreadableImageError
from screening.images.metadata import ImageMetadata, read_metadata

_heif_registered = False

#: Formats we accept; anything else Pillow can open (PSD, ICO, PCX, ...) is refused, which
#: keeps the attack surface to well-kept decoders.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF", "GIF", "TIFF"})

#: Magic numbers of files that people attach by mistake, to name them in the message.
_NON_IMAGE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "een PDF-document", "a PDF document"),
    (b"PK\x03\x04", "een ZIP- of Office-bestand", "a ZIP or Office file"),
    (b"\xd0\xcf\x11\xe0", "een oud Office-bestand", "an old Office file"),
    (b"<!DOCTYPE", "een HTML-pagina", "an HTML page"),
    (b"<html", "een HTML-pagina", "an HTML page"),
    (b"<svg", "een SVG-tekening", "an SVG drawing"),
    (b"<?xml", "een XML-bestand", "an XML file"),
)


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


#: Makes a photo's frames when they are first needed (`decode_image(..., lazy=True)`).
FrameLoader = Callable[[], tuple[Image.Image, ...]]


@dataclass(frozen=True)
class DecodedImage:
    """A photo ready for the detectors: oriented RGB frames, possibly reduced in size.

    `scale` maps frame pixels back to the oriented full-size photo: a box in a frame times
    1/scale is the box in the photo (`full_size`). `source` is the frames, or (a lazy
    decode) what makes them at the first use of `frames`: a detector that takes its result
    from a cache never has the pixels decoded.
    """

    source: tuple[Image.Image, ...] | FrameLoader
    format: str
    full_size: tuple[int, int]
    scale: float
    metadata: ImageMetadata
    #: sha256 (hex) of the bytes this was decoded from: the key of the audit's face cache.
    sha256: str | None = None

    @cached_property
    def frames(self) -> tuple[Image.Image, ...]:
        """The oriented RGB frames (decoded now if they were not yet)."""
        return self.source if isinstance(self.source, tuple) else self.source()

    @property
    def frame(self) -> Image.Image:
        """The first (for most photos: the only) frame."""
        return self.frames[0]

    @property
    def frame_size(self) -> tuple[int, int]:
        """The frames' size in pixels, known without decoding them."""
        if isinstance(self.source, tuple):
            return self.source[0].size
        return _frame_size(self.full_size, self.scale)

    @property
    def pixels_decoded(self) -> bool:
        """Whether the frames exist (always, unless decoded lazily and not yet used)."""
        return isinstance(self.source, tuple) or "frames" in self.__dict__


def _frame_size(full_size: tuple[int, int], scale: float) -> tuple[int, int]:
    return (max(1, round(full_size[0] * scale)), max(1, round(full_size[1] * scale)))


def _unreadable(reason: str, nl: str, en: str) -> UnreadableImageError:
    return UnreadableImageError(reason, nl, en)


def _to_rgb(img: Image.Image) -> Image.Image:
    """Any mode to 8-bit RGB: 16-bit scaled (not clipped), alpha composited on white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img, dtype=np.uint32)
        top = int(arr.max()) if arr.size else 0
        shift = max(0, top.bit_length() - 8)
        img = Image.fromarray((arr >> shift).astype(np.uint8), "L")
    elif img.mode == "F":
        arr = np.nan_to_num(np.asarray(img, dtype=np.float32))
        span = float(arr.max() - arr.min()) or 1.0
        img = Image.fromarray(((arr - arr.min()) / span * 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    # An RGB frame is used as it is: convert() would copy it.
    return img if img.mode == "RGB" else img.convert("RGB")


def _frames(img: Image.Image) -> Iterator[Image.Image]:
    """The frames of a photo `_open` accepted (it checked their number)."""
    if getattr(img, "n_frames", 1) == 1:
        yield img
        return
    for frame in ImageSequence.Iterator(img):
        yield frame.copy()


def decode_image(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    max_side: int | None = None,
    max_frames: int = 200,
    lazy: bool = False,
) -> DecodedImage:
    """Decode `data` into oriented RGB frames, or raise UnreadableImageError saying why.

    With `max_side`, frames are reduced so that their longer side is at most that many
    pixels; JPEGs are then decoded at reduced size directly. With `lazy`, everything is
    checked that the file's header tells (format, size, frame count, metadata), but the
    pixels are decoded only when `frames` is first used; a photo whose pixels then turn out
    to be damaged raises UnreadableImageError there.
    """
    _register_heif()
    if not data:
        raise _unreadable("empty", "het bestand is leeg", "the file is empty")
    if len(data) > max_bytes:
        raise _unreadable(
            "too_large",
            f"het bestand is groter dan {max_bytes // (1024 * 1024)} MB",
            f"the file is larger than {max_bytes // (1024 * 1024)} MB",
        )
    head = data[:64].lstrip()
    for magic, nl, en in _NON_IMAGE_MAGIC:
        if head[: len(magic)].lower() == magic.lower():
            raise _unreadable(
                "not_an_image", f"dit is geen foto maar {nl}", f"this is not a photo but {en}"
            )
    with _decoding():
        img = _open(data, max_pixels, max_frames)
        fmt = img.format or "?"
        width, height = img.size
        metadata = read_metadata(img)
        transposed = _oriented_size(img, width, height)
        scale = 1.0
        if max_side and max(width, height) > max_side:
            scale = max_side / max(width, height)
        sha256 = hashlib.sha256(data).hexdigest()
        if lazy:

            def load() -> tuple[Image.Image, ...]:
                with _decoding():
                    again = _open(data, max_pixels, max_frames)
                    # The same steps as an eager decode: reading the EXIF of a PNG loads
                    # it, which decides how damaged data after its pixels is treated.
                    read_metadata(again)
                    _oriented_size(again, width, height)
                    return _load_frames(again, transposed, scale)

            return DecodedImage(load, fmt, transposed, scale, metadata, sha256)
        frames = _load_frames(img, transposed, scale)
        return DecodedImage(frames, fmt, transposed, scale, metadata, sha256)


def _open(data: bytes, max_pixels: int, max_frames: int) -> Image.Image:
    """The photo opened (its header read), refused unless its format and size are accepted."""
    img = Image.open(io.BytesIO(data), formats=None)
    fmt = img.format or "?"
    if fmt not in ACCEPTED_FORMATS:
        raise _unreadable(
            "unsupported_format",
            f"het formaat {fmt} wordt niet geaccepteerd; gebruik JPEG, PNG, WebP, "
            "HEIC, GIF of TIFF",
            f"format {fmt} is not accepted; use JPEG, PNG, WebP, HEIC, GIF or TIFF",
        )
    width, height = img.size
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise _unreadable(
            "too_many_pixels",
            f"de foto heeft te veel pixels ({width}x{height})",
            f"the photo has too many pixels ({width}x{height})",
        )
    n = getattr(img, "n_frames", 1)
    if n > max_frames:
        raise _unreadable(
            "too_many_frames",
            f"de animatie heeft {n} beelden; er mogen er hoogstens {max_frames} zijn",
            f"the animation has {n} frames; at most {max_frames} are accepted",
        )
    return img


def _load_frames(
    img: Image.Image, transposed: tuple[int, int], scale: float
) -> tuple[Image.Image, ...]:
    """Decode, orient, convert and reduce every frame of an opened photo."""
    width, height = img.size
    if scale < 1.0 and img.format in ("JPEG", "MPO"):
        # Decode straight at 1/2, 1/4 or 1/8 size; exact size follows below. Pillow picks
        # the smallest scale whose result is at least this size, so ask for exactly the
        # target (rounded up), not a pixel more.
        img.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
    target = _frame_size(transposed, scale)
    frames = []
    for frame in _frames(img):
        frame.load()
        if frame is img:
            # In place: no copy of the frame when it needs no turning (~7 ms for a 12 MP
            # photo decoded at 2000 px); the EXIF was read before.
            ImageOps.exif_transpose(frame, in_place=True)
        rgb = _to_rgb(frame)
        if rgb.size != target:
            rgb = rgb.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)
        frames.append(rgb)
    return tuple(frames)


@contextmanager
def _decoding() -> Iterator[None]:
    """Every failure while opening or decoding a photo as an UnreadableImageError."""
    try:
        with warnings.catch_warnings():
            # Our own pixel limit is the one that counts; Pillow's is redundant, and its
            # warnings about corrupt EXIF blocks would only clutter a terminal or log.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)
            yield
    except UnreadableImageError:
        raise
    except UnidentifiedImageError:
        raise _unreadable(
            "unknown_format",
            "het bestand is geen foto in een bekend formaat",
            "the file is not a photo in a known format",
        ) from None
    except Image.DecompressionBombError:
        raise _unreadable(
            "too_many_pixels",
            "de foto heeft te veel pixels (mogelijk een decompressiebom)",
            "the photo has too many pixels (possibly a decompression bomb)",
        ) from None
    except Exception as exc:
        # Hostile files reach corners of the decoders (struct.error, IndexError, ...): they
        # are all "this photo cannot be used", never a crash.
        truncated = "truncated" in str(exc).lower() or isinstance(exc, EOFError)
        raise _unreadable(
            "truncated" if truncated else "corrupt",
            "de foto is afgebroken (onvolledig bestand)" if truncated else "de foto is beschadigd",
            "the photo is truncated" if truncated else "the photo is corrupt",
        ) from None


def _oriented_size(img: Image.Image, width: int, height: int) -> tuple[int, int]:
    """The size after applying EXIF orientation (5-8 swap width and height)."""
    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:
        orientation = 1
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
