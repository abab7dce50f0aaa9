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


# --- issue 15 part C: teams, new users, moves, the list's search, settings -------------------------------------
MAXIMA = {"retention_controls_without_signals_days": 3650, "retention_photos_days": 365}


@pytest.fixture(scope="module")
def server_settings(server_settings: Settings) -> Settings:
    """The server's retention periods (every organisation's maximum) for two kinds."""
    return server_settings.model_copy(update=MAXIMA)


async def choose(h: FletHarness, key: str, value: str) -> None:
    await h.change(h.find_one(ft.Dropdown, key=key), value)


def team_id(h: FletHarness, name: str) -> str:
    dropdown = h.find_one(ft.Dropdown, key="new-user-team")
    return str(next(o.key for o in dropdown.options if o.text == name))


async def test_a_team_and_a_user_are_created_with_every_refusal_in_dutch(server_app: FastAPI) -> None:
    suffix = uuid.uuid4().hex[:6]
    async with office(server_app) as h:
        await open_users(h)
        await h.click(h.find_one(ft.OutlinedButton, key="users-new-team"))
        await h.click(h.find_one(ft.FilledButton, key="new-team-create"))  # nothing filled in
        assert h.find_one(ft.TextField, key="new-team-key").error == "Vul dit veld in."
        await h.type_text(h.find_one(ft.TextField, key="new-team-key"), "met spatie")
        await h.type_text(h.find_one(ft.TextField, key="new-team-name"), f"Wijkteam {suffix}")
        await h.click(h.find_one(ft.FilledButton, key="new-team-create"))
        assert "geen spaties" in h.find_one(ft.TextField, key="new-team-key").error
        await h.type_text(h.find_one(ft.TextField, key="new-team-key"), "interventieteam")  # exists
        await h.click(h.find_one(ft.FilledButton, key="new-team-create"))
        assert h.find_one(ft.Text, key="users-form-error").value == "Dit team bestaat al in deze organisatie."
        assert h.find_one(ft.TextField, key="new-team-name").value == f"Wijkteam {suffix}"  # nothing lost
        await h.type_text(h.find_one(ft.TextField, key="new-team-key"), f"wijk-{suffix}")
        await h.click(h.find_one(ft.FilledButton, key="new-team-create"))
        assert h.find_one(ft.Text, key="office-notice").value == f"Team Wijkteam {suffix} aangemaakt."
        assert h.find_one(ft.Text, key=f"team-wijk-{suffix}").value == f"Wijkteam {suffix} (code wijk-{suffix}) · " \
                                                                       "0 gebruikers"

        await h.click(h.find_one(ft.FilledButton, key="users-new-user"))
        await h.click(h.find_one(ft.FilledButton, key="new-user-create"))
        assert h.find_one(ft.Dropdown, key="new-user-role").error_text == "Kies een rol."
        assert h.find_one(ft.Text, key="users-form-error").value == "Verbeter de gemarkeerde velden."
        await h.type_text(h.find_one(ft.TextField, key="new-user-username"), "Inspecteur1")  # taken
        await h.type_text(h.find_one(ft.TextField, key="new-user-name"), "Nieuwe Collega")
        await choose(h, "new-user-role", "teamleider")
        await choose(h, "new-user-team", team_id(h, f"Wijkteam {suffix}"))
        await h.click(h.find_one(ft.FilledButton, key="new-user-create"))
        assert h.find_one(ft.TextField, key="new-user-username").error == "Deze gebruikersnaam bestaat al."
        assert h.find_one(ft.TextField, key="new-user-name").value == "Nieuwe Collega"
        await h.type_text(h.find_one(ft.TextField, key="new-user-username"), f"nieuw-{suffix}")
        await h.click(h.find_one(ft.FilledButton, key="new-user-create"))
        assert h.find_one(ft.Text, key="office-notice").value == f"Gebruiker nieuw-{suffix} aangemaakt."
        assert "eigen wachtwoord" in h.find_one(ft.Text, key="reset-done-text").value
        temporary = h.find_one(ft.Text, key="reset-password-value").value
        await h.click(h.find_one(ft.FilledButton, key="reset-done-close"))
        assert h.find_one(ft.Text, key=f"user-heading-nieuw-{suffix}").value == (
            f"Nieuwe Collega (nieuw-{suffix}) — teamleider, team wijk-{suffix}")
        assert h.find_one(ft.Text, key=f"users_must_change_badge-nieuw-{suffix}")
        assert h.errors() == []
    async with office(server_app) as user:  # the new user must choose a password first
        await login(user, f"nieuw-{suffix}", temporary)
        assert user.find_one(ft.Text, key="screen-title").value == "Nieuw wachtwoord kiezen"


async def test_moving_a_user_says_their_devices_start_over(server_app: FastAPI, server_settings: Settings) -> None:
    name = new_user(server_settings)
    async with office(server_app) as h:
        await open_users(h)
        await h.click(h.find_one(ft.OutlinedButton, key="users-new-team"))
        suffix = uuid.uuid4().hex[:6]
        await h.type_text(h.find_one(ft.TextField, key="new-team-key"), f"doel-{suffix}")
        await h.type_text(h.find_one(ft.TextField, key="new-team-name"), f"Doelteam {suffix}")
        await h.click(h.find_one(ft.FilledButton, key="new-team-create"))
        await h.type_text(h.find_one(ft.TextField, key="users-search"), name, submit=True)
        assert [c.key for c in h.find(ft.Container) if str(c.key).startswith("user-")] == [f"user-{name}"]
        await h.click(h.find_one(ft.OutlinedButton, key=f"move-{name}"))
        assert "beginnen bij de volgende synchronisatie opnieuw" in h.find_one(ft.Text, key="users-confirm-text").value
        await h.click(h.find_one(ft.FilledButton, key="users-confirm-button"))  # no team chosen yet
        assert h.find_one(ft.Text, key="move-error").value == "Kies eerst het team waar de gebruiker naartoe gaat."
        target = next(o.key for o in h.find_one(ft.Dropdown, key="move-team").options if o.text == f"Doelteam {suffix}")
        await choose(h, "move-team", str(target))
        await h.click(h.find_one(ft.FilledButton, key="users-confirm-button"))
        assert h.find_one(ft.Text, key="office-notice").value == "Gebruiker verplaatst."
        assert h.find_one(ft.Text, key=f"user-heading-{name}").value.endswith(f"team doel-{suffix}")
        await choose(h, "users-team-filter", str(target))  # the team filter shows the one user of that team
        await h.click(h.find_one(ft.OutlinedButton, key="users-search-button"))
        assert h.find_one(ft.Text, key="users-count").value == "1 gebruiker getoond."  # singular
        assert h.errors() == []


async def test_a_long_list_asks_to_search(server_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("inspectie_app.ui.office.users.PAGE_SIZE", 3)
    async with office(server_app) as h:
        await open_users(h)
        assert h.find_one(ft.Text, key="users-count").value.startswith("Er zijn meer dan 3 gebruikers")
        assert len([c for c in h.find(ft.Container) if str(c.key).startswith("user-")]) == 3
        await h.type_text(h.find_one(ft.TextField, key="users-search"), "niemand-heet-zo", submit=True)
        assert h.find_one(ft.Text, key="users-count").value == "Geen gebruikers gevonden met deze zoekopdracht."
        assert h.errors() == []


async def open_settings(h: FletHarness) -> None:
    await login(h, "beheerder1")
    await h.click(h.find_one(ft.TextButton, key="nav_settings"))
    assert h.find_one(ft.Text, key="screen-title").value == "Instellingen"


async def test_settings_state_their_bounds_refuse_beyond_and_save_within(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await open_settings(h)
        photos = h.find_one(ft.TextField, key="retention-photos")
        assert photos.helper.startswith("Ten hoogste 365 dagen") and "Nu van kracht: 365 dagen." in photos.helper
        assert "zonder termijn" in h.find_one(ft.TextField, key="retention-audit").helper
        assert h.find_one(ft.Text, key="purge-line-1").value == "Er is nog geen opschoning gedraaid."
        await h.type_text(photos, "400")
        await h.type_text(h.find_one(ft.TextField, key="retention-referred"), "veel")
        await h.type_text(h.find_one(ft.TextField, key="settings-verify"), "0")
        await h.click(h.find_one(ft.FilledButton, key="settings-save"))
        assert h.find_one(ft.TextField, key="retention-photos").error == ("Langer dan de termijn van de server mag "
                                                                          "niet: ten hoogste 365 dagen.")
        assert h.find_one(ft.TextField, key="retention-referred").error.startswith("Vul een heel aantal dagen in")
        assert h.find_one(ft.TextField, key="settings-verify").error == "Kies een aantal dagen tussen 1 en 60."
        assert h.find_one(ft.TextField, key="retention-photos").value == "400"  # nothing lost
        await h.type_text(h.find_one(ft.TextField, key="retention-photos"), "200")
        await h.type_text(h.find_one(ft.TextField, key="retention-referred"), "")
        await h.type_text(h.find_one(ft.TextField, key="settings-verify"), "3")
        await h.click(h.find_one(ft.FilledButton, key="settings-save"))
        assert h.find_one(ft.Text, key="office-notice").value == "Instellingen opgeslagen."
        assert "Nu van kracht: 200 dagen." in h.find_one(ft.TextField, key="retention-photos").helper
        assert h.find_one(ft.Text, key="settings-updated").value.endswith("door beheerder1.")
        assert h.errors() == []


async def test_the_server_refusal_is_shown_when_its_maximum_changed_meanwhile(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await open_settings(h)
        original = server_app.state.settings
        server_app.state.settings = original.model_copy(update={"retention_photos_days": 100})
        try:
            await h.type_text(h.find_one(ft.TextField, key="retention-photos"), "150")
            await h.click(h.find_one(ft.FilledButton, key="settings-save"))
        finally:
            server_app.state.settings = original
        assert "niet langer zijn dan de termijn die de server" in h.find_one(ft.Text, key="settings-error").value
        assert h.find_one(ft.TextField, key="retention-photos").value == "150"
        assert h.errors() == []


async def test_the_last_purge_with_what_it_removed(server_app: FastAPI, server_settings: Settings) -> None:
    from sync_server.blobs.store import FileBlobStore
    from sync_server.db import make_engine, make_sessionmaker
    from sync_server.retention import service as retention

    engine = make_engine(server_settings)
    try:
        retention.run(settings=server_settings, factory=make_sessionmaker(engine),
                      store=FileBlobStore(server_settings.blobs))
    finally:
        engine.dispose()
    async with office(server_app) as h:
        await open_settings(h)
        assert h.find_one(ft.Text, key="purge-line-0").value.startswith("De server schoont niet vanzelf op")
        assert h.find_one(ft.Text, key="purge-line-1").value.endswith("(gestart door de beheerder van de server). "
                                                                      "Verwijderd:")
        assert h.find_one(ft.Text, key="purge-line-2").value.startswith("controles zonder signalen: ")
        assert h.find_one(ft.Text, key="purge-line-7").value.startswith("logboekregels: ")


async def test_only_the_beheerder_sees_settings(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1")
        assert h.find(ft.TextButton, key="nav_settings") == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_settings_words_and_checks_without_a_page(lang: str) -> None:
    from inspectie_app.ui.office.beheer.settings import SettingsDraft, bound_text, purge_lines
    from inspectie_app.ui.office.beheer.user_forms import NewTeamDraft, NewUserDraft
    from schemas.org_settings import OrganisationSettingsRead
    from schemas.retention import RetentionPeriods, RetentionRun

    def tr(key: str, **fmt: Any) -> str:
        return t(key, lang, **fmt)

    s = OrganisationSettingsRead(own=RetentionPeriods(), maxima=RetentionPeriods(photos=30),
                                 in_force=RetentionPeriods(photos=30), verify_within_days=5, verify_default_days=5)
    assert "30" in bound_text("photos", s, tr) and "{" not in bound_text("audit", s, tr)
    draft = SettingsDraft.of(s)
    assert draft.problems(s, tr) == {}
    assert draft.body() == {"retention": dict.fromkeys(("controls_without_signals", "unfounded_signals", "referred",
                                                        "photos", "audit")), "verify_within_days": 5}
    draft.values.update(photos="31", audit="36501", referred="-1", verify_within_days="61")
    assert set(draft.problems(s, tr)) == {"photos", "audit", "referred", "verify_within_days"}
    run = RetentionRun(periods=RetentionPeriods(), daily=True, last_run_at="2026-12-01T10:00:00Z",
                       last_trigger="daily", counts={"photos": 4})
    assert tr("purge_count_photos", n=4) in purge_lines(run, tr) and all("{" not in x for x in purge_lines(run, tr))
    assert set(NewUserDraft().problems()) == {"username", "display_name", "role", "team"}
    assert NewTeamDraft("a b", "x").problems() == {"key": "team_key_format"}
    assert NewTeamDraft("wijk_2", "Wijk").problems() == {}


async def test_both_screens_in_english(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await open_settings(h)
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="screen-title").value == "Settings"
        assert h.find_one(ft.TextField, key="retention-photos").helper.startswith("At most")
        await h.click(h.find_one(ft.TextButton, key="nav_users"))
        assert h.find_one(ft.Text, key="screen-title").value == "Users and devices"
        await h.click(h.find_one(ft.FilledButton, key="users-new-user"))
        assert h.find_one(ft.TextField, key="new-user-username").label == "Username *"
        assert h.errors() == []
