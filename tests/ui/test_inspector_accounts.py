"""Inspector app, when the server no longer takes its token (issue 12, finding 3): an expired session asks for a new
login with the name filled in and the work kept; a reset password is replaced first; a revoked tablet returns to
the login screen with a Dutch explanation after handing over its work and wiping itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flet as ft
import httpx
from fastapi import FastAPI
from sqlalchemy import update
from ui_support import SERVER_URL, harness, login

from inspectie_app.i18n import t
from inspectie_app.services import build_service
from schemas.records import Address
from sync_server.admin import service as admin
from sync_server.auth import service as users
from sync_server.auth.models import Device, User
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID, DEFAULT_TEAM_ID

PASSWORD = "eerste-wachtwoord"


def new_inspector(settings: Settings) -> str:
    name = f"insp-{uuid.uuid4().hex[:8]}"
    in_transaction(settings, lambda s: users.create(session=s, username=name, password=PASSWORD,
                                                    role=Role.INSPECTEUR, display_name=name, team_id=DEFAULT_TEAM_ID))
    return name


def device_of(svc: Any) -> uuid.UUID:
    return uuid.UUID(str(svc._store.meta().device_id))


async def test_an_expired_session_asks_for_a_new_login_and_keeps_the_work(
        server_app: FastAPI, server_settings: Settings, tmp_path: Path) -> None:
    name = new_inspector(server_settings)
    svc = build_service(tmp_path / "t", SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.login(name, PASSWORD)
        in_transaction(server_settings, lambda s: s.execute(update(Device).where(Device.id == device_of(svc)).values(
            last_seen=datetime.now(UTC) - timedelta(days=30))))
        iid = await svc.start_inspection(template_id="pandenactie", address=Address(street="Werkstraat"))
        async with harness(svc) as h:
            await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
            assert h.find_one(ft.Text, key="sync-error").value == t("sync_login_again")
            again = h.find_one(ft.FilledButton, key="login-again")
            assert again.visible and again.content == "Opnieuw inloggen"
            await h.click(again)
            await h.click(h.find_one(ft.OutlinedButton, key="login-back"))  # offline, the work goes on first
            assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
            await h.click(h.find_one(ft.FilledButton, key="login-again"))
            assert h.find_one(ft.Text, key="login-error").value == t("login_again_intro")
            assert h.find_one(ft.TextField, key="login-username").value == name
            await h.type_text(h.find_one(ft.TextField, key="login-password"), PASSWORD, submit=True)
            assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
            assert h.errors() == []
        status = await svc.sync_status()
        assert (status.pending_changes, status.last_error) == (0, None)
        assert [i.id for i in await svc.inspections()] == [iid]
    finally:
        await svc.aclose()


async def test_a_reset_password_is_replaced_on_the_tablet(server_app: FastAPI, server_settings: Settings,
                                                          service: Any) -> None:
    name = new_inspector(server_settings)

    def reset(s: Any) -> str:
        user = users.get_by_username(session=s, username=name)
        actor = admin.cli_actor(user=user, organisation_id=DEFAULT_ORGANISATION_ID)
        return admin.reset_password(session=s, viewer=actor, user_id=user.id)[1]

    temporary = in_transaction(server_settings, reset)
    async with harness(service) as h:
        await login(h, name, temporary)
        assert h.find_one(ft.Text, key="screen-title").value == "Nieuw wachtwoord kiezen"
        await h.type_text(h.find_one(ft.TextField, key="password-current"), temporary)
        await h.type_text(h.find_one(ft.TextField, key="password-new"), "mijn-eigen-wachtwoord")
        await h.type_text(h.find_one(ft.TextField, key="password-repeat"), "een-ander-wachtwoord")
        await h.click(h.find_one(ft.FilledButton, key="password-save"))
        assert h.find_one(ft.Text, key="password-error").value == "De twee nieuwe wachtwoorden zijn niet gelijk."
        await h.type_text(h.find_one(ft.TextField, key="password-current"), temporary)
        await h.type_text(h.find_one(ft.TextField, key="password-new"), "mijn-eigen-wachtwoord")
        await h.type_text(h.find_one(ft.TextField, key="password-repeat"), "mijn-eigen-wachtwoord")
        await h.click(h.find_one(ft.FilledButton, key="password-save"))
        assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
        assert h.errors() == []
    assert (await service.sync_status()).last_error is None


async def test_a_revoked_tablet_wipes_itself_and_explains_why(server_app: FastAPI, server_settings: Settings,
                                                              tmp_path: Path) -> None:
    name = new_inspector(server_settings)
    svc = build_service(tmp_path / "t", SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.login(name, PASSWORD)
        await svc.start_inspection(template_id="pandenactie", address=Address(street="Laatstestraat"))
        device = device_of(svc)

        def revoke(s: Any) -> None:
            user = s.get(User, s.get(Device, device).user_id)
            admin.revoke_device(session=s, viewer=admin.cli_actor(user=user, organisation_id=DEFAULT_ORGANISATION_ID),
                                device_id=device)

        in_transaction(server_settings, revoke)
        async with harness(svc) as h:
            assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
            await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
            assert h.find_one(ft.Text, key="screen-title").value == "Inloggen"
            message = h.find_one(ft.Text, key="login-error").value
            assert message.startswith("Dit apparaat is ingetrokken door de beheerder.") and "gewist" in message
            assert not h.find_one(ft.Container, key="sync-bar").visible
            assert h.errors() == []
        assert await svc.current_user() is None and await svc.inspections() == []
        assert (await svc.sync_now()).last_error == "sync_device_wiped"  # the background sync keeps the message
        async with harness(svc) as h:  # opened again later: still the explanation, nothing else
            assert "gewist" in h.find_one(ft.Text, key="login-error").value
    finally:
        await svc.aclose()
