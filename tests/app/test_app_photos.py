"""The photo pipeline: orientation applied, every byte of metadata gone, sizes bounded, bad input refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from app_fakes import jpeg_bytes
from PIL import ExifTags, Image

from inspectie_app.contract import PhotoError
from inspectie_app.photos import photo_paths, process_photo, store_photo

SECRET = b"fictief-geheim"


def camera_jpeg(size: tuple[int, int] = (400, 200)) -> bytes:
    """Left half red, right half blue; EXIF says 'rotate 90 degrees clockwise' and carries a GPS position."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "FictiefMerk"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 59.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (5.0, 54.0, 0.0)
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif, comment=SECRET, icc_profile=b"ICC" + SECRET, xmp=b"<x>" + SECRET + b"</x>")
    return buf.getvalue()


def test_test_image_really_carries_gps_and_orientation() -> None:
    source = Image.open(io.BytesIO(camera_jpeg()))
    exif = source.getexif()
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_orientation_is_applied_and_all_metadata_dropped() -> None:
    photo = process_photo(camera_jpeg())
    out = Image.open(io.BytesIO(photo.jpeg))
    assert out.size == (200, 400) == (photo.width, photo.height)  # rotated to portrait
    red, _green, blue = out.getpixel((100, 20))  # the stored image's left half is now on top
    assert red > 200 and blue < 60
    assert len(out.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(out.info)
    for marker in (SECRET, b"Exif", b"FictiefMerk", b"GPS", b"http://ns.adobe.com"):
        assert marker not in photo.jpeg and marker not in photo.thumbnail
    assert photo.sha256 == hashlib.sha256(photo.jpeg).hexdigest()


def test_large_photo_is_downscaled_and_gets_a_thumbnail() -> None:
    photo = process_photo(jpeg_bytes((3000, 1500)), long_edge=1024)
    assert (photo.width, photo.height) == (1024, 512)
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) == 320


def test_small_photo_is_not_upscaled() -> None:
    photo = process_photo(jpeg_bytes((64, 48)))
    assert (photo.width, photo.height) == (64, 48)


def test_transparent_png_becomes_a_jpeg_on_white() -> None:
    buf = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 0)).save(buf, "PNG")
    photo = process_photo(buf.getvalue())
    out = Image.open(io.BytesIO(photo.jpeg))
    assert out.format == "JPEG" and out.mode == "RGB"
    assert min(out.getpixel((10, 10))) > 240  # fully transparent -> white, not black or red


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 3])
def test_garbage_is_not_an_image(data: bytes) -> None:
    with pytest.raises(PhotoError) as err:
        process_photo(data)
    assert err.value.code == "photo_not_image"


def test_truncated_jpeg_is_refused() -> None:
    data = jpeg_bytes((800, 600))
    with pytest.raises(PhotoError) as err:
        process_photo(data[: len(data) // 2])
    assert err.value.code == "photo_truncated"


def test_oversized_input_is_refused_before_decoding() -> None:
    with pytest.raises(PhotoError) as err:
        process_photo(b"\xff" * 2048, max_bytes=1024)
    assert err.value.code == "photo_too_large"


def test_too_many_pixels_is_refused() -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 9_000)).save(buf, "PNG")  # tiny file, 90 million pixels
    with pytest.raises(PhotoError) as err:
        process_photo(buf.getvalue())
    assert err.value.code == "photo_too_large"


def test_store_photo_writes_content_addressed_files(tmp_path: Path) -> None:
    photo = process_photo(jpeg_bytes())
    stored = store_photo(tmp_path, photo)
    assert stored == photo_paths(tmp_path, photo.sha256)
    assert stored.path == tmp_path / photo.sha256[:2] / f"{photo.sha256}.jpg"
    assert stored.path.read_bytes() == photo.jpeg and stored.thumbnail_path.read_bytes() == photo.thumbnail
    assert [p.name for p in stored.path.parent.iterdir() if p.name.endswith(".tmp")] == []
