"""UI test fixtures: the real InspectorService over a temp data dir, talking to the real server app
(``sync_server.app.create_app``) in process through ``httpx.ASGITransport``; and the Flet harness."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import ui_fixtures
import yaml
from fastapi import FastAPI
from flet_harness import FletHarness
from PIL import Image

from inspectie_app.services import InspectorService, build_service
from inspectie_app.ui.inspector import make_inspector_main
from sync_server.app import create_app
from sync_server.catalog.service import publish_assets
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo

SERVER_URL = "http://server.test"


def write_assets(root: Path) -> Path:
    tpl = ui_fixtures.TEMPLATE_DATA
    folder = root / "templates" / tpl["id"]
    folder.mkdir(parents=True)
    (folder / f"v{tpl['version']}.yaml").write_text(yaml.safe_dump(tpl, allow_unicode=True), encoding="utf-8")
    (root / "catalogue").mkdir()
    cat = ui_fixtures.CATALOGUE_DATA
    (root / "catalogue" / f"v{cat['version']}.yaml").write_text(yaml.safe_dump(cat, allow_unicode=True),
                                                                 encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A migrated SQLite server database with the UI test template/catalogue published and the demo users."""
    root = tmp_path_factory.mktemp("ui-server")
    assets = write_assets(root / "assets")
    s = Settings(data_dir=root, database_url=f"sqlite:///{(root / 'server.db').as_posix()}", assets_dir=assets)
    upgrade(s)
    in_transaction(s, lambda session: publish_assets(session=session, assets_dir=assets))
    in_transaction(s, lambda session: seed_demo(session=session))
    return s


@pytest.fixture(scope="module")
def server_app(server_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(server_settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def transport(server_app: FastAPI) -> httpx.AsyncBaseTransport:
    return httpx.ASGITransport(app=server_app)


@pytest.fixture
async def service(tmp_path: Path, transport: httpx.AsyncBaseTransport) -> AsyncIterator[InspectorService]:
    svc = build_service(tmp_path / "app", SERVER_URL, transport)
    yield svc
    await svc.aclose()


@pytest.fixture
async def logged_in(service: InspectorService) -> InspectorService:
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
