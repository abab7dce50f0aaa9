"""Photos in the PDF report (issue 12 part C, finding 6): decoded once, bounded, from a stored downscaled copy; a
decompression bomb (a small PNG declaring 12000 × 12000 pixels) is refused without decoding it and the report is
still made. SQLite and PostgreSQL, real server."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from photo_helpers import finished_with_photos, upload
from PIL import Image
from pypdf import PdfReader

from sync_server.blobs import preview
from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

LoginAs = Callable[[str], Any]


def _bomb_png() -> bytes:
    """A PNG of a few KB that declares 12000 × 12000 pixels (144 million: 432 MB as RGB once decoded)."""
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    return out.getvalue()


def _large_jpeg() -> bytes:
    """A camera-sized JPEG, 4000 × 3000 (within the bound: only decoded at a reduced scale)."""
    image = Image.radial_gradient("L").resize((4_000, 3_000)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _photo(data: bytes) -> tuple[bytes, str]:
    return data, hashlib.sha256(data).hexdigest()


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_bomb_png())
    assert bomb.stat().st_size < 500 * 1024
    with pytest.raises(preview.PhotoRefused, match="pixels"):
        preview.decode_bounded(bomb)
    for junk in (b"", b"\xff\xd8\xff" + b"\x00" * 100, b"GIF89a" + b"\x00" * 100, b"<svg/>"):
        (tmp_path / "junk").write_bytes(junk)
        with pytest.raises(preview.PhotoRefused):
            preview.decode_bounded(tmp_path / "junk")


def test_a_large_jpeg_is_decoded_small(tmp_path: Path) -> None:
    source = tmp_path / "big.jpg"
    source.write_bytes(_large_jpeg())
    image = preview.decode_bounded(source)
    assert max(image.size) == preview.EDGE and image.mode == "RGB"


def test_the_report_uses_the_stored_downscaled_copy_and_survives_a_bomb(
        http: httpx.Client, login_as: LoginAs, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    (jpeg, jpeg_sha), (bomb, bomb_sha) = _photo(_large_jpeg()), _photo(_bomb_png())
    iid = finished_with_photos(inspector, [(jpeg, jpeg_sha), (bomb, bomb_sha)])
    assert upload(http, inspector, jpeg, jpeg_sha).status_code == 201
    assert upload(http, inspector, bomb, bomb_sha).status_code == 201  # stored as sent; never decoded whole
    decoded: list[Path] = []
    real = preview.decode_bounded

    def counting(source: Any, **kwargs: Any) -> Any:
        decoded.append(Path(getattr(source, "name", source)))  # the stored file, opened through the blob store
        return real(source, **kwargs)

    monkeypatch.setattr(preview, "decode_bounded", counting)  # the server runs in this process
    for _ in range(2):
        r = http.get(f"/api/v1/review/inspections/{iid}/report.pdf", headers=lead.headers)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(r.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "(foto niet leesbaar)" in text  # the bomb, refused
        sizes = [(img.image.width, img.image.height) for page in reader.pages for img in page.images]
        assert sizes == [(preview.EDGE, preview.EDGE * 3 // 4)]  # the copy, not the 4000 × 3000 original
    copy = settings.blobs / "previews" / str(DEFAULT_ORGANISATION_ID) / jpeg_sha[:2] / f"{jpeg_sha}.jpg"
    with Image.open(copy) as stored:
        assert stored.size == (1024, 768)
    # decoded once: the second report read the stored copy; the refused bomb is only ever looked at, not decoded
    assert [p.name for p in decoded].count(jpeg_sha) == 1
