"""The downscaled copy of a photo that the PDF report embeds: decoded once, bounded, and kept.

Why: the report handed each stored file to fpdf2, which decodes it whole. A 409 KB PNG that declares
12000 × 12000 pixels made one ``report.pdf`` take 11.6 s and 1.3 GB. Now only the header is read first (Pillow
learns format and size without decoding a pixel): a file that is not a JPEG or PNG, or has more than
``MAX_PIXELS`` pixels, is refused before any decoding (``PhotoRefused``; the report says "foto niet leesbaar").
A JPEG is decoded at a reduced scale (``Image.draft``: 1/2 to 1/8 in the decoder itself), the result is
thumbnailed to ``EDGE`` pixels and stored as ``previews/<organisation>/<sha[:2]>/<sha>.jpg`` next to the blobs,
so each photo is decoded once however many reports show it. The check is explicit rather than through the global
``Image.MAX_IMAGE_PIXELS`` (which would also change the tablet's pipeline in the same process); Pillow's own
decompression-bomb warning is an error here as well.

The blob itself is not touched: the tablet already sends a clean JPEG of at most 2048 px
(``inspectie_app.photos``), and the download (``GET /blobs/{sha}``) serves those bytes as they are.
"""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import IO

from PIL import Image, UnidentifiedImageError

from sync_server.blobs.store import BlobStore

EDGE = 1024  # the long edge of the copy in the report (a photo is 90 mm wide there: ~290 dpi)
MAX_PIXELS = 4096 * 4096  # 4× what the tablet ever sends (2048 × 2048)
FORMATS = ("JPEG", "PNG")
QUALITY = 80


class PhotoRefused(Exception):
    """A stored photo that is not decoded: not a JPEG/PNG, damaged, or too many pixels."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def report_copy(store: BlobStore, organisation_id: uuid.UUID, sha256: str) -> Path:
    """The downscaled copy of a stored photo, made on first use; raises ``PhotoRefused``."""
    path = store.preview_path(organisation_id, sha256)
    if path.is_file():
        return path
    with store.open(organisation_id, sha256) as source:
        image = decode_bounded(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            image.save(f, "JPEG", quality=QUALITY)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def decode_bounded(source: Path | IO[bytes], *, edge: int = EDGE, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode ``source`` to an RGB image of at most ``edge`` pixels a side, refusing what would cost too much."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise PhotoRefused(f"{width}x{height} pixels")
                image.draft("RGB", (edge, edge))  # JPEG: decode at a reduced scale; other formats ignore it
                image.thumbnail((edge, edge))
                return _rgb(image)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("too many pixels") from None
    except UnidentifiedImageError:
        raise PhotoRefused("not a JPEG or PNG image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRefused(f"damaged: {exc}") from None


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
