"""The photo pipeline: any camera image in, a clean JPEG and thumbnail out, stored crash-safely.

Why re-encode from raw pixels: Pillow carries EXIF, ICC profiles, XMP and JPEG comments along in
``Image.info`` and writes some of them back by default. Building a fresh image from the pixel bytes
leaves nothing to leak — GPS position, camera serial, time stamps, XMP, IPTC, comments, ICC — before
the photo leaves the device (DESIGN §5). The orientation tag is applied to the pixels first, so nothing
is lost by dropping it. HEIC/HEIF (iPhones, iPads) is read through pillow-heif where it is installed (the ``heif``
extra: desktop and server); a tablet build has no wheel for it, so there a HEIC file is refused with
``photo_heic_unsupported`` and the camera hands over JPEG (docs/TABLETS.md).

Files are written to a temporary name, fsynced and renamed into place (plus a directory fsync)
*before* the database transaction that references them: a crash in between leaves an orphan file,
never a row pointing at nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from inspectie_app.contract import PhotoError

MAX_INPUT_BYTES = 40 * 1024 * 1024
MAX_INPUT_PIXELS = 80_000_000
LONG_EDGE = 2048
THUMBNAIL_EDGE = 320
ORIENTATION_TAG = 0x0112
JPEG_QUALITY = 85


@dataclass(frozen=True)
class ProcessedPhoto:
    jpeg: bytes
    thumbnail: bytes
    sha256: str
    width: int
    height: int


@dataclass(frozen=True)
class StoredPhoto:
    path: Path
    thumbnail_path: Path


_heif_lock = threading.Lock()
_heif_registered: bool | None = None  # None: not tried yet; False: pillow-heif is not installed


def _register_heif() -> bool:
    """Teach Pillow to open HEIC/HEIF (once); False when pillow-heif is not installed (a tablet build)."""
    global _heif_registered
    with _heif_lock:
        if _heif_registered is None:
            try:
                from pillow_heif import register_heif_opener
            except ImportError:
                _heif_registered = False
            else:
                register_heif_opener()
                _heif_registered = True
        return _heif_registered


def _is_heif(data: bytes) -> bool:
    """An ISO-BMFF file whose brand is one of HEIF's (``ftypheic``, ``ftypmif1``, …)."""
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")


def process_photo(data: bytes, *, long_edge: int = LONG_EDGE, thumbnail_edge: int = THUMBNAIL_EDGE,
                  max_bytes: int = MAX_INPUT_BYTES, quality: int = JPEG_QUALITY) -> ProcessedPhoto:
    """Orient, downscale and strip a photo; raises ``PhotoError`` for input that is no usable image."""
    if len(data) > max_bytes:
        raise PhotoError("photo_too_large", f"{len(data)} bytes")
    image, orientation = _decode(data)
    image.thumbnail((long_edge, long_edge))  # downscale first: orienting and converting 12 MP costs more
    clean = _to_rgb(_orient(image, orientation))
    clean = Image.frombytes("RGB", clean.size, clean.tobytes())
    jpeg = _encode(clean, quality)
    thumb = clean.copy()
    thumb.thumbnail((thumbnail_edge, thumbnail_edge))
    return ProcessedPhoto(jpeg, _encode(thumb, 80), hashlib.sha256(jpeg).hexdigest(), clean.width, clean.height)


def _decode(data: bytes) -> tuple[Image.Image, int]:
    """Open and fully load the image; returns it with its EXIF orientation (1 when absent or unreadable)."""
    if not _register_heif() and _is_heif(data):
        raise PhotoError("photo_heic_unsupported")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_INPUT_PIXELS:
                raise PhotoError("photo_too_large", f"{image.width}x{image.height} pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("photo_too_large", "too many pixels") from None
    except UnidentifiedImageError:
        raise PhotoError("photo_not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoError("photo_truncated", str(exc)) from None
    try:
        orientation = int(image.getexif().get(ORIENTATION_TAG, 1))
    except Exception:  # a broken EXIF block: the pixels are fine, only the tag is unusable
        orientation = 1
    return image, orientation


_TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT], 3: [Image.Transpose.ROTATE_180], 4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE], 6: [Image.Transpose.ROTATE_270], 7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}


def _orient(image: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation to the pixels (as ``ImageOps.exif_transpose`` does)."""
    for step in _TRANSPOSE.get(orientation, []):
        image = image.transpose(step)
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def photo_paths(photos_dir: Path, sha256: str) -> StoredPhoto:
    """Where a photo with this hash lives: ``<photos_dir>/<sha[:2]>/<sha>.jpg`` and ``<sha>.thumb.jpg``."""
    folder = photos_dir / sha256[:2]
    return StoredPhoto(folder / f"{sha256}.jpg", folder / f"{sha256}.thumb.jpg")


def store_photo(photos_dir: Path, photo: ProcessedPhoto, seal: Callable[[bytes], bytes] | None = None) -> StoredPhoto:
    """Write the photo and its thumbnail durably (tmp + fsync + rename + directory fsync), each encrypted with
    ``seal`` (the store's key: ``SqliteStore.seal_file``; the app always passes it)."""
    paths = photo_paths(photos_dir, photo.sha256)
    paths.path.parent.mkdir(parents=True, exist_ok=True)
    write_durably(paths.path, seal(photo.jpeg) if seal else photo.jpeg)
    write_durably(paths.thumbnail_path, seal(photo.thumbnail) if seal else photo.thumbnail)
    return paths


def write_durably(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``; the bytes are on disk when this returns."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # platforms without directory handles (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
