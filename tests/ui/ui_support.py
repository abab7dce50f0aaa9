"""Helpers for the UI tests (a uniquely named module: ``conftest`` names clash across test folders)."""

from __future__ import annotations

import io
from typing import Any

from flet_harness import FletHarness
from PIL import Image

from inspectie_app.ui.inspector import make_inspector_main

SERVER_URL = "http://server.test"


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="JPEG")
    return buf.getvalue()


def harness(service: Any, picked: list[bytes] | None = None, **kw: Any) -> FletHarness:
    """The inspector app over ``service`` in the in-process harness; ``picked`` = what the file picker returns."""
    files = picked or []
    fakes = {
        ("Column", "scroll_to"): lambda c, ctrl, args: None,
        ("FilePicker", "pick_files"): lambda c, ctrl, args: [
            {"id": i, "name": f"foto{i}.jpg", "size": len(b), "path": None, "bytes": b} for i, b in enumerate(files)
        ],
    }
    return FletHarness(make_inspector_main(service, refresh_seconds=None), method_fakes=fakes, **kw)
