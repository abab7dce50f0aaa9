"""Office app, the beheerder's "Gebruikers en apparaten" (issue 12, finding 3): the list with each user's devices,
revoke a tablet, disable and enable a user, reset a password — each after a confirmation, in Dutch; a reset user
chooses a new password before anything else; logging out ends the session's token at the server."""

from __future__ import annotations

import uuid
from typing import Any

import flet as ft
import httpx
import pytest
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import SERVER_URL, login, office

from inspectie_app.i18n import t
from inspectie_app.services import build_service
from inspectie_app.ui.office.users import Pending, device_text
from schemas.accounts import AccountRead, DeviceRead, DeviceState
from sync_server.auth import service as users
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_TEAM_ID

PASSWORD = "eerste-wachtwoord"


def new_user(settings: Settings, role: Role = Role.INSPECTEUR) -> str:
    name = f"ui-{uuid.uuid4().hex[:8]}"
    in_transaction(settings, lambda s: users.create(session=s, username=name, password=PASSWORD, role=role,
                                                    display_name=f"Naam {name}", team_id=DEFAULT_TEAM_ID))
    return name


async def tablet_of(name: str, server_app: FastAPI, tmp_path: Any) -> str:
    """Log ``name`` in on a tablet that syncs once; returns the device id."""
    svc = build_service(tmp_path / name, SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.login(name, PASSWORD)
        return str(svc._store.meta().device_id)
    finally:
        await svc.aclose()


async def me(server_app: FastAPI, token: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server_app), base_url=SERVER_URL) as http:
        return await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def open_users(h: FletHarness) -> None:
    await login(h, "beheerder1")
    await h.click(h.find_one(ft.TextButton, key="nav_users"))
    assert h.find_one(ft.Text, key="screen-title").value == "Gebruikers en apparaten"


async def confirm(h: FletHarness, button_key: str) -> str:
    """Click ``button_key``, read the confirmation's text, confirm; returns that text."""
    await h.click(h.find_one(ft.OutlinedButton, key=button_key))
    [dialog] = [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]
    assert dialog.key == "users-confirm"
    text = h.find_one(ft.Text, key="users-confirm-text").value
    await h.click(h.find_one(ft.FilledButton, key="users-confirm-button"))
    return str(text)


async def test_the_beheerder_revokes_a_lost_tablet(server_app: FastAPI, server_settings: Settings,
                                                   tmp_path: Any) -> None:
    name = new_user(server_settings)
    device_id = await tablet_of(name, server_app, tmp_path)
    async with office(server_app) as h:
        await open_users(h)
        row = h.find_one(ft.Text, key=f"device-{device_id}").value
        assert "tablet · actief · laatste contact" in row and "app-schema" in row
        assert h.find_one(ft.Text, key=f"user-heading-{name}").value == f"Naam {name} ({name}) — inspecteur, team " \
                                                                          "interventieteam"
        await h.click(h.find_one(ft.OutlinedButton, key=f"revoke-{device_id}"))  # then cancel: nothing happens
        await h.click(h.find_one(ft.OutlinedButton, key="users-cancel"))
        assert "actief" in h.find_one(ft.Text, key=f"device-{device_id}").value
        text = await confirm(h, f"revoke-{device_id}")
        assert text.startswith("tablet van Naam") and "wist daarna al zijn gegevens" in text
        assert h.find_one(ft.Text, key="office-notice").value == "Apparaat ingetrokken."
        assert "ingetrokken — wissen nog niet bevestigd" in h.find_one(ft.Text, key=f"device-{device_id}").value
        assert h.find(ft.OutlinedButton, key=f"revoke-{device_id}") == []
        assert h.errors() == []


async def test_disable_enable_and_reset(server_app: FastAPI, server_settings: Settings) -> None:
    name = new_user(server_settings, Role.TEAMLEIDER)
    async with office(server_app) as h:
        await open_users(h)
        assert "kan niet meer inloggen" in await confirm(h, f"disable-{name}")
        assert h.find_one(ft.Text, key=f"users_disabled_badge-{name}").value == "Uitgeschakeld"
        async with office(server_app) as other:
            await login(other, name, PASSWORD)
            assert other.find_one(ft.Text, key="login-error").value.startswith("Uw account is uitgeschakeld")
        await confirm(h, f"enable-{name}")
        assert h.find(ft.Text, key=f"users_disabled_badge-{name}") == []
        assert "nieuw wachtwoord kiezen" in await confirm(h, f"reset-{name}")
        temporary = h.find_one(ft.Text, key="reset-password-value").value
        assert len(temporary) >= 10
        await h.click(h.find_one(ft.FilledButton, key="reset-done-close"))
        assert h.find_one(ft.Text, key=f"users_must_change_badge-{name}")
        assert h.errors() == []
    async with office(server_app) as user:  # the user logs in with it and must choose their own first
        await login(user, name, temporary)
        assert user.find_one(ft.Text, key="screen-title").value == "Nieuw wachtwoord kiezen"
        await user.type_text(user.find_one(ft.TextField, key="password-current"), temporary)
        await user.type_text(user.find_one(ft.TextField, key="password-new"), "kort")
        await user.type_text(user.find_one(ft.TextField, key="password-repeat"), "kort")
        await user.click(user.find_one(ft.FilledButton, key="password-save"))
        assert user.find_one(ft.Text, key="password-error").value == "Kies een wachtwoord van minstens 10 tekens."
        await user.type_text(user.find_one(ft.TextField, key="password-current"), temporary)
        await user.type_text(user.find_one(ft.TextField, key="password-new"), "mijn-eigen-wachtwoord")
        await user.type_text(user.find_one(ft.TextField, key="password-repeat"), "mijn-eigen-wachtwoord")
        await user.click(user.find_one(ft.FilledButton, key="password-save"))
        assert user.find_one(ft.Text, key="office-notice").value == "Uw nieuwe wachtwoord is opgeslagen."
        assert user.find_one(ft.TextButton, key="nav_review")
        assert user.errors() == []


async def test_only_the_beheerder_sees_the_screen(server_app: FastAPI) -> None:
    for username in ("teamleider1", "planner1", "ketenregisseur1"):
        async with office(server_app) as h:
            await login(h, username)
            assert h.find(ft.TextButton, key="nav_users") == [], username


async def test_logging_out_ends_the_token(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "beheerder1")
        token = h.page.data.client.token
        assert (await me(server_app, token)).status_code == 200
        await h.click(h.find_one(ft.TextButton, key="logout"))
        assert h.find_one(ft.TextField, key="login-username")
    r = await me(server_app, token)
    assert r.status_code == 401 and r.json()["code"] == "session_ended"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_device_lines_and_confirmations_without_a_page(lang: str) -> None:
    device = DeviceRead(id=uuid.uuid4(), name="tablet", client_id=None, created_at="2026-12-01T10:00:00Z",
                        last_seen=None, expires_at=None, app_schema_version=3, state=DeviceState.WIPED,
                        revoked_at="2026-12-02T10:00:00Z", wiped_at="2026-12-02T11:00:00Z", handed_over=4)
    account = AccountRead(id=uuid.uuid4(), username="a", display_name="A", role="inspecteur", team="x",
                          disabled=False, must_change_password=False, devices=[device])

    def tr(key: str, **fmt: Any) -> str:
        return t(key, lang, **fmt)

    line = device_text(device, tr)
    assert line.split(" · ")[1] == tr("device_state_wiped") and tr("device_handed_over", n=4) in line
    assert "{" not in Pending("revoke", account, device).text(tr) + Pending("reset", account).text(tr)
