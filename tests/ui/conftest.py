"""UI test fixtures: an inspector service over a temp data dir and a fake server, and the Flet harness."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from flet_harness import FletHarness
from PIL import Image
from ui_service import FakeServer, make_service

from inspectie_app.ui.inspector import make_inspector_main


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
async def service(tmp_path: Any, server: FakeServer) -> AsyncIterator[Any]:
    svc = make_service(tmp_path, server)
    yield svc
    close = getattr(svc, "aclose", None)
    if close is not None:
        await close()


@pytest.fixture
async def logged_in(service: Any) -> Any:
    await service.login("inspecteur1", "demo-wachtwoord")
    await service.sync_now()
    return service


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
