"""Inspector app: login, home lists, new pandenactie, sync bar."""

from __future__ import annotations

from typing import Any

import flet as ft
from conftest import harness


async def test_login_error_then_success(service: Any) -> None:
    async with harness(service) as h:
        assert h.find_one(ft.TextField, key="login-username")
        await h.click(h.find_one(ft.FilledButton, key="login-button"))
        assert h.find_one(ft.Text, key="login-error").value == "Vul uw gebruikersnaam en wachtwoord in."

        await h.type_text(h.find_one(ft.TextField, key="login-username"), "inspecteur1")
        await h.type_text(h.find_one(ft.TextField, key="login-password"), "fout")
        await h.click(h.find_one(ft.FilledButton, key="login-button"))
        assert h.find_one(ft.Text, key="login-error").value == "Gebruikersnaam of wachtwoord onjuist."
        assert h.find_one(ft.TextField, key="login-password").value == ""

        await h.type_text(h.find_one(ft.TextField, key="login-password"), "demo-wachtwoord", submit=True)
        assert h.find(ft.TextField, key="login-username") == []
        assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
        assert h.find_one(ft.Container, key="sync-bar").visible
        assert h.errors() == []
    assert (await service.current_user()).username == "inspecteur1"


async def test_logged_in_user_opens_home_directly(logged_in: Any) -> None:
    async with harness(logged_in) as h:
        assert h.find(ft.TextField, key="login-username") == []
        assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"


async def test_home_lists_assigned_controls_and_start(logged_in: Any) -> None:
    [planned] = await logged_in.assigned_controls()
    async with harness(logged_in) as h:
        texts = h.all_text()
        assert "Gepland op 14-03-2026" in texts
        assert planned.address.one_line() in texts
        assert "Partners: politie, ODRA" in texts
        assert "Briefing: Signalen van overbewoning." in texts
        await h.click(h.find_one(ft.FilledButton, key=f"start-{planned.id}"))
        assert h.find_one(ft.FilledButton, key="finish")
        assert h.errors() == []
    [item] = await logged_in.inspections()
    assert item.address == planned.address
    [again] = await logged_in.assigned_controls()
    assert again.inspection_id == item.id


async def test_home_lists_drafts_with_level_and_unsynced_marker(logged_in: Any) -> None:
    from schemas.records import Address

    iid = await logged_in.start_inspection(template_id="pandenactie_test", address=Address(street="Kerkstraat",
                                           house_number="5"))
    async with harness(logged_in) as h:
        assert "Kerkstraat 5, Arnhem" in h.all_text()
        assert h.find_one(ft.Text, key=f"level-{iid}").value.startswith("L0")
        assert h.find(ft.Text, key=f"unsynced-{iid}")
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        assert h.find_one(ft.FilledButton, key="finish")


async def test_new_pandenactie_validates_address(logged_in: Any) -> None:
    async with harness(logged_in) as h:
        await h.click(h.find_one(ft.FilledButton, key="new-inspection"))
        await h.click(h.find_one(ft.FilledButton, key="addr-create"))
        street = h.find_one(ft.TextField, key="addr-street")
        assert street.error == "Verplicht veld."
        await h.type_text(street, "Rijnkade")
        await h.type_text(h.find_one(ft.TextField, key="addr-number"), "abc")
        await h.type_text(h.find_one(ft.TextField, key="addr-postcode"), "68")
        await h.click(h.find_one(ft.FilledButton, key="addr-create"))
        assert h.find_one(ft.TextField, key="addr-number").error == "Gebruik een huisnummer zoals 12 of 12a."
        assert h.find_one(ft.TextField, key="addr-postcode").error == "Gebruik een postcode zoals 6811 AB."
        assert await logged_in.inspections() == []

        await h.type_text(h.find_one(ft.TextField, key="addr-number"), "12a")
        await h.type_text(h.find_one(ft.TextField, key="addr-postcode"), "6811ab")
        await h.click(h.find_one(ft.FilledButton, key="addr-create"))
        assert h.find_one(ft.FilledButton, key="finish")
    [item] = await logged_in.inspections()
    assert item.address.one_line() == "Rijnkade 12a, 6811 AB Arnhem"


async def test_sync_bar_shows_pending_and_sync_now(logged_in: Any) -> None:
    from schemas.records import Address

    await logged_in.start_inspection(template_id="pandenactie_test", address=Address(street="Kerkstraat"))
    async with harness(logged_in) as h:
        pending = h.find_one(ft.Text, key="sync-pending")
        assert pending.value.endswith("wijzigingen te versturen")
        assert pending.value[0].isdigit() and pending.value[0] != "0"
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        assert h.find_one(ft.Text, key="sync-pending").value == "Alles verstuurd"
        assert h.find_one(ft.Text, key="sync-last").value.startswith("Laatst gesynchroniseerd om ")
        assert h.errors() == []


async def test_language_toggle(logged_in: Any) -> None:
    async with harness(logged_in) as h:
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="screen-title").value == "My controls"
        assert h.find_one(ft.FilledButton, key="new-inspection").content == "New premises inspection"
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
