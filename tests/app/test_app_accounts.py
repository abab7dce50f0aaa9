"""The tablet against the real server app (in process): an expired token asks for a new login and loses no work;
logging out ends the token at the server; a reset password must be replaced first; a revoked tablet hands over its
unsynced work, wipes its database, photos and key, and — offline — stays locked with only its unsynced work,
encrypted, until the next contact (issue 12, finding 3)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_fakes import jpeg_bytes
from fastapi import FastAPI
from sqlalchemy import select, update
from test_app_real_server import URL, write_assets

from inspectie_app.contract import LoginError
from inspectie_app.services import InspectorService, build_service
from schemas.records import Address
from sync_server.admin import service as admin
from sync_server.app import create_app
from sync_server.auth import service as users
from sync_server.auth.models import Device, User
from sync_server.blobs.store import FileBlobStore
from sync_server.catalog.service import publish_assets
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo
from sync_server.sync.models import Quarantine
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID


class Switch(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.offline = inner, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("no route to host", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    root = tmp_path / "server"
    assets = write_assets(root / "assets")
    s = Settings(data_dir=root, database_url=f"sqlite:///{(root / 'server.db').as_posix()}", assets_dir=assets)
    upgrade(s)
    in_transaction(s, lambda session: publish_assets(session=session, assets_dir=assets))
    in_transaction(s, lambda session: seed_demo(session=session))
    return s


@pytest.fixture
def server_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def switch(server_app: FastAPI) -> Switch:
    return Switch(httpx.ASGITransport(app=server_app))


@pytest.fixture
async def tablet(tmp_path: Path, switch: Switch) -> AsyncIterator[InspectorService]:
    svc = build_service(tmp_path / "tablet", URL, switch, photo_purge_days=None)
    await svc.login("inspecteur1", "demo-wachtwoord")
    yield svc
    await svc.aclose()


async def work(svc: InspectorService, street: str = "Voorbeeldstraat") -> uuid.UUID:
    iid = await svc.start_inspection(template_id="pandenactie", address=Address(street=street))
    await svc.set_answer(iid, "bewoners", 6)
    await svc.set_note(iid, f"notitie {street}")
    await svc.add_photo(iid, jpeg_bytes((320, 240), color=(len(street) * 9 % 255, 40, 90)), caption="gang")
    return iid


def tablet_device(settings: Settings, svc: InspectorService) -> Device:
    device_id = uuid.UUID(str(svc._store.meta().device_id))
    found = in_transaction(settings, lambda s: s.get(Device, device_id))
    assert found is not None
    return found


def revoke(settings: Settings, svc: InspectorService) -> None:
    device = tablet_device(settings, svc)

    def act(s: Any) -> None:
        owner = s.get(User, device.user_id)
        admin.revoke_device(session=s, viewer=admin.cli_actor(user=owner, organisation_id=DEFAULT_ORGANISATION_ID),
                            device_id=device.id)

    in_transaction(settings, act)


async def test_an_expired_token_asks_for_a_new_login_and_loses_no_work(tablet: InspectorService,
                                                                       settings: Settings) -> None:
    assert (await tablet.sync_now()).last_error is None
    device_before = tablet_device(settings, tablet).id
    in_transaction(settings, lambda s: s.execute(update(Device).where(Device.id == device_before).values(
        last_seen=datetime.now(UTC) - timedelta(hours=settings.token_idle_hours + 1))))
    iid = await work(tablet)
    status = await tablet.sync_now()
    assert status.last_error == "sync_login_again" and status.pending_changes == 4 and status.pending_photos == 1
    assert await tablet.current_user() is not None  # the work stays open on the tablet meanwhile
    await tablet.login("inspecteur1", "demo-wachtwoord")
    status = await tablet.sync_now()
    assert (status.last_error, status.pending_changes, status.pending_photos) == (None, 0, 0)
    assert tablet_device(settings, tablet).id == device_before  # the same device, with a new token
    assert (await tablet.inspection(iid)).note == "notitie Voorbeeldstraat"


async def test_logging_out_ends_the_token_at_the_server(tablet: InspectorService, server_app: FastAPI) -> None:
    assert (await tablet.sync_now()).last_error is None
    token = tablet._store.meta().token
    await tablet.logout()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server_app), base_url=URL) as http:
        r = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "session_ended"


async def test_a_reset_password_must_be_replaced_first(tmp_path: Path, switch: Switch, settings: Settings) -> None:
    def reset(s: Any) -> str:
        user = users.get_by_username(session=s, username="inspecteur2")
        _user, temporary = admin.reset_password(
            session=s, viewer=admin.cli_actor(user=user, organisation_id=DEFAULT_ORGANISATION_ID), user_id=user.id)
        return temporary

    temporary = in_transaction(settings, reset)
    svc = build_service(tmp_path / "t2", URL, switch)
    try:
        user = await svc.login("inspecteur2", temporary)
        assert user.must_change_password
        assert (await svc.sync_now()).last_error == "sync_password_change"
        await svc.change_password(temporary, "mijn-eigen-wachtwoord")
        assert (await svc.sync_status()).last_error is None
        with pytest.raises(LoginError):
            await svc._client.login("inspecteur2", temporary)
    finally:
        await svc.aclose()


def _quarantined(settings: Settings) -> list[dict[str, Any]]:
    return in_transaction(settings, lambda s: [q.payload for q in s.scalars(
        select(Quarantine).where(Quarantine.reason == "device_revoked").order_by(Quarantine.received_at))])


async def test_a_revoked_tablet_hands_over_its_work_and_wipes_itself(tablet: InspectorService, settings: Settings,
                                                                     tmp_path: Path) -> None:
    synced = await work(tablet, "Gesynctstraat")
    assert (await tablet.sync_now()).pending_changes == 0
    unsynced = await work(tablet, "Nietverstuurdstraat")
    photo_sha = (await tablet.inspection(unsynced)).photos[0].sha256
    key_file = tmp_path / "tablet" / "inspectie.db.key"
    old_key = key_file.read_bytes()
    revoke(settings, tablet)

    status = await tablet.sync_now()
    assert status.last_error == "sync_device_wiped" and not status.revoked
    assert await tablet.current_user() is None and await tablet.inspections() == []
    assert not (tmp_path / "tablet" / "photos").exists() and key_file.read_bytes() != old_key
    handed = [m for payload in _quarantined(settings) for m in payload["mutations"]]
    assert {m["entity_id"] for m in handed} == {str(unsynced)} and len(handed) == 4
    assert FileBlobStore(settings.blobs).present(DEFAULT_ORGANISATION_ID, photo_sha)
    device = tablet_device_by_client(settings, handed)
    assert device.wiped_at is not None
    assert synced  # its work had reached the server before


def tablet_device_by_client(settings: Settings, handed: list[dict[str, Any]]) -> Device:
    found = in_transaction(settings, lambda s: s.scalars(select(Device).where(Device.revoked_at.is_not(None))).all())
    assert len(found) == 1
    return found[0]


async def test_offline_a_revoked_tablet_keeps_only_its_unsynced_work_locked_until_the_handover(
        tablet: InspectorService, settings: Settings, switch: Switch, tmp_path: Path) -> None:
    synced = await work(tablet, "Gesynctstraat")
    assert (await tablet.sync_now()).pending_changes == 0
    unsynced = await work(tablet, "Nietverstuurdstraat")
    revoke(settings, tablet)
    real_call = tablet._client._call

    async def cut_at_handover(method: str, url: str, **kw: Any) -> httpx.Response:
        if "handover" in url:
            switch.offline = True  # the connection drops right after the server said "revoked"
        return await real_call(method, url, **kw)

    tablet._client._call = cut_at_handover  # type: ignore[method-assign]
    status = await tablet.sync_now()
    assert status.revoked and status.last_error == "sync_device_revoked" and status.pending_changes == 4
    assert [i.id for i in await tablet.inspections()] == [unsynced]  # what the server had is gone already
    assert synced not in {i.id for i in await tablet.inspections()}
    assert _quarantined(settings) == []

    tablet._client._call = real_call  # type: ignore[method-assign]
    switch.offline = False
    status = await tablet.sync_now()  # the next contact: hand over, then wipe
    assert status.last_error == "sync_device_wiped" and not status.revoked
    assert await tablet.inspections() == []
    assert {m["entity_id"] for p in _quarantined(settings) for m in p["mutations"]} == {str(unsynced)}


async def test_a_revoked_tablet_found_at_login_wipes_itself(tablet: InspectorService, settings: Settings) -> None:
    await work(tablet, "Nietverstuurdstraat")
    revoke(settings, tablet)
    user, device_id = await tablet.current_user(), str(tablet._store.meta().device_id)
    tablet._store.save_login(user, token="ander-token", device_id=device_id)  # type: ignore[arg-type]
    with pytest.raises(LoginError) as err:
        await tablet.login("inspecteur1", "demo-wachtwoord")
    assert err.value.code == "login_device_revoked"
    status = await tablet.sync_status()
    assert status.revoked and status.pending_changes == 4  # its token is unknown: no handover, kept and locked


async def test_a_login_of_another_role_leaves_no_live_token(tmp_path: Path, switch: Switch,
                                                             settings: Settings) -> None:
    svc = build_service(tmp_path / "t3", URL, switch)
    try:
        with pytest.raises(LoginError) as err:
            await svc.login("teamleider1", "demo-wachtwoord")
        assert err.value.code == "login_wrong_role"
    finally:
        await svc.aclose()
    devices = in_transaction(settings, lambda s: s.scalars(
        select(Device).join(User, User.id == Device.user_id).where(User.username == "teamleider1")).all())
    assert devices and all(d.ended_at is not None for d in devices)
