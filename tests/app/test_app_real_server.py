"""The inspector app's core against the real server app, in process (``httpx.ASGITransport``).

One control travels the whole way: login, template pull, answers, persons, note, photo, finish, push,
resumable upload, and the team lead sees it complete through the review API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from app_fakes import CATALOGUE_DATA, TEMPLATE_DATA, jpeg_bytes
from fastapi import FastAPI

from inspectie_app.services import InspectorService, build_service
from schemas.records import Address
from sync_server.app import create_app
from sync_server.catalog.service import publish_assets
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo

URL = "http://server.test"


def write_assets(root: Path) -> Path:
    folder = root / "templates" / TEMPLATE_DATA["id"]
    folder.mkdir(parents=True)
    (folder / "v1.yaml").write_text(yaml.safe_dump(TEMPLATE_DATA), encoding="utf-8")
    (root / "catalogue").mkdir()
    (root / "catalogue" / "v1.yaml").write_text(yaml.safe_dump(CATALOGUE_DATA), encoding="utf-8")
    return root


@pytest.fixture
def server_app(tmp_path: Path) -> Iterator[FastAPI]:
    root = tmp_path / "server"
    assets = write_assets(root / "assets")
    settings = Settings(data_dir=root, database_url=f"sqlite:///{(root / 'server.db').as_posix()}",
                        assets_dir=assets)
    upgrade(settings)
    in_transaction(settings, lambda session: publish_assets(session=session, assets_dir=assets))
    in_transaction(settings, lambda session: seed_demo(session=session))
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
async def real_service(tmp_path: Path, server_app: FastAPI) -> AsyncIterator[InspectorService]:
    svc = build_service(tmp_path / "app", URL, httpx.ASGITransport(app=server_app))
    yield svc
    await svc.aclose()


async def test_a_control_reaches_the_team_lead_complete(real_service: InspectorService, server_app: FastAPI) -> None:
    svc = real_service
    await svc.login("inspecteur1", "demo-wachtwoord")
    assert [t.key for t in await svc.templates()] == ["pandenactie@1"]
    inspection_id = await svc.start_inspection(template_id="pandenactie", address=Address(street="Teststraat"))
    person = await svc.add_person(inspection_id)
    await svc.set_answer(inspection_id, "bewoners", 6)
    await svc.set_answer(inspection_id, "vergunning", True)
    await svc.set_answer(inspection_id, "paspoort_ingenomen", "yes", person_id=person.id)
    await svc.set_note(inspection_id, "Fictieve notitie")
    photo = await svc.add_photo(inspection_id, jpeg_bytes((900, 700)), caption="Gang")
    local_flag = await svc.finish(inspection_id)

    status = await svc.sync_now()
    assert (status.pending_changes, status.pending_photos, status.last_error, status.rejections) == (0, 0, None, [])
    state = await svc.inspection(inspection_id)
    assert state.server_level == local_flag.level == 2  # the server computes what the tablet showed

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server_app), base_url=URL) as office:
        login = await office.post("/api/v1/auth/login", json={"username": "teamleider1",
                                                               "password": "demo-wachtwoord"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        detail = (await office.get(f"/api/v1/review/inspections/{inspection_id}", headers=headers)).json()
    assert detail["answers"] == {"bewoners": 6, "vergunning": True}
    assert [p["label"] for p in detail["persons"]] == ["Persoon 1"]
    assert detail["note"] == "Fictieve notitie"
    assert [(p["sha256"], p["present"]) for p in detail["photos"]] == [(photo.sha256, True)]
    assert detail["summary"]["level"] == 2 and detail["summary"]["status"] == "finished"
