"""Helpers for the UI tests (a uniquely named module: ``conftest`` names clash across test folders)."""

from __future__ import annotations

import io
from typing import Any

import flet as ft
import httpx
from fastapi import FastAPI
from flet_harness import FletHarness
from PIL import Image

from inspectie_app.ui.inspector import make_inspector_main
from inspectie_app.ui.office import make_office_main

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


def office(app: FastAPI | None = None, transport: httpx.AsyncBaseTransport | None = None,
           method_fakes: dict[tuple[str, str], Any] | None = None) -> FletHarness:
    """The office app in the in-process harness, calling the server ``app`` (or ``transport``) in process."""
    def factory(_browser_address: str = "") -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport or httpx.ASGITransport(app=app), base_url=SERVER_URL)

    return FletHarness(make_office_main(factory), method_fakes=method_fakes)


async def login(h: FletHarness, username: str, password: str = "demo-wachtwoord") -> None:
    """Log in on the office (or inspector) login screen the way a user does."""
    await h.type_text(h.find_one(ft.TextField, key="login-username"), username)
    await h.type_text(h.find_one(ft.TextField, key="login-password"), password)
    await h.click(h.find_one(ft.FilledButton, key="login-button"))


class OfflineSwitch(httpx.AsyncBaseTransport):
    """The in-process server, or no connection at all (a basement) while ``offline`` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.offline = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("no route to host", request=request)
        return await self.inner.handle_async_request(request)
