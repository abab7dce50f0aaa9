"""Fixtures for the inspector app's core: stores, the fake server, services over a temp data dir."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from app_fakes import FakeServer, jpeg_bytes

from inspectie_app.services import InspectorService, build_service
from inspectie_app.store import SqliteStore

os.environ.setdefault("INSPECTIE_APP_KEY_STORE", "file")  # tests never write into a developer's keyring


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore("sqlite://")
    yield s
    s.close()


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
async def service(tmp_path: Path, server: FakeServer) -> AsyncIterator[InspectorService]:
    svc = build_service(tmp_path / "data", "http://server.test", server.transport())
    yield svc
    await svc.aclose()


@pytest.fixture
async def logged_in(service: InspectorService) -> InspectorService:
    await service.login("inspecteur1", "demo-wachtwoord")
    return service


__all__ = ["jpeg_bytes"]
