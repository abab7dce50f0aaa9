"""UI test fixtures: the real InspectorService over a temp data dir, talking to the real server app
(``sync_server.app.create_app``) in process through ``httpx.ASGITransport``; and the Flet harness."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import ui_fixtures
import yaml
from fastapi import FastAPI
from ui_support import SERVER_URL

from inspectie_app.office_client import OfficeClient
from inspectie_app.services import InspectorService, build_service
from sync_server.app import create_app
from sync_server.catalog.service import publish_assets
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo

os.environ.setdefault("INSPECTIE_APP_KEY_STORE", "file")  # tests never write into a developer's keyring


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
async def lead(server_app: FastAPI) -> AsyncIterator[OfficeClient]:
    """The team lead, through the office app's client, on the same in-process server."""
    client = OfficeClient(httpx.AsyncClient(transport=httpx.ASGITransport(app=server_app), base_url=SERVER_URL))
    await client.login("teamleider1", "demo-wachtwoord")
    yield client
    await client.aclose()


@pytest.fixture
async def logged_in(service: InspectorService) -> InspectorService:
    await service.login("inspecteur1", "demo-wachtwoord")
    await service.sync_now()
    return service
