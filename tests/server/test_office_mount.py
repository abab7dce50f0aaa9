"""The ``office_main`` hook: the Flet office UI is served at /app next to the API."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.migrate import upgrade


async def _office_main(page: Any) -> None:
    page.title = "Inspectie kantoor"


def test_office_app_is_mounted(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings, office_main=_office_main), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            time.sleep(0.01)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        page = httpx.get(f"{base}/app/", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert httpx.get(f"{base}/healthz", timeout=10).json() == {"status": "ok"}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
