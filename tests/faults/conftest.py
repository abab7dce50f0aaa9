"""Fixtures for the fault tests: a real server process per test (SQLite or PostgreSQL), a proxy, tablets."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_support import Proxy, ServerProcess, drop_pg_db, make_server_settings, pg_available

from inspectie_app.services import InspectorService, build_service

os.environ.setdefault("INSPECTIE_APP_KEY_STORE", "file")  # tests never write into a developer's keyring


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every fault test runs against one server process; those marked ``two_workers`` — the faults where what the
    workers share matters (the sync lock, the photo arrivals and upload locks, replays, two devices, the handover,
    a restore) — also against two behind one socket (``serve --workers 2``). All of them doubled the suite's time
    and CI has 30 minutes."""
    if "workers" in metafunc.fixturenames:
        two = metafunc.definition.get_closest_marker("two_workers") is not None
        metafunc.parametrize("workers", [1, 2] if two else [1], ids=["1worker", "2workers"] if two else ["1worker"])


def _two_workers_on_postgres_only(backend: str, workers: int) -> None:
    """Two workers are what a production server on PostgreSQL runs; SQLite (the single-process demo) runs one."""
    if workers > 1 and backend == "sqlite":
        pytest.skip("two workers run against PostgreSQL, the production database (CI time)")


@pytest.fixture
def server(tmp_path: Path, backend: str, workers: int) -> Iterator[ServerProcess]:
    _two_workers_on_postgres_only(backend, workers)
    if backend == "postgres" and not pg_available():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 does not answer; PostgreSQL variant skipped")
    settings, db_name = make_server_settings(tmp_path / "server", backend)
    proc = ServerProcess(settings, workers=workers)
    proc.start()
    yield proc
    proc.kill()
    if db_name:
        drop_pg_db(db_name)


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[Proxy]:
    p = Proxy(server.port)
    yield p
    p.close()


TabletFactory = Callable[..., Any]


@pytest.fixture
async def tablets(tmp_path: Path) -> AsyncIterator[TabletFactory]:
    """Build tablets (InspectorService over a real SQLite store in its own folder); closed at the end."""
    made: list[InspectorService] = []

    def make(url: str, name: str = "tablet", **kwargs: Any) -> InspectorService:
        kwargs.setdefault("timeout", 5.0)
        kwargs.setdefault("chunk_size", 16 * 1024)
        svc = build_service(tmp_path / name, url, **kwargs)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        await svc.aclose()
