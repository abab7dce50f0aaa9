"""Inspector app: login, home lists, new pandenactie, sync bar."""

from __future__ import annotations

from typing import Any

import flet as ft
from ui_support import SERVER_URL, OfflineSwitch, harness

from inspectie_app.i18n import t
from inspectie_app.services import build_service


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
    assigned = await logged_in.assigned_controls()
    assert assigned, "seed_demo assigns planned controls to inspecteur1"
    planned = assigned[0]
    async with harness(logged_in) as h:
        texts = h.all_text()
        assert f"Gepland op {planned.scheduled_on.strftime('%d-%m-%Y')}" in texts
        assert planned.address.one_line() in texts
        assert "Partners: " + ", ".join(planned.partners) in texts
        assert f"Briefing: {planned.briefing}" in texts
        await h.click(h.find_one(ft.FilledButton, key=f"start-{planned.id}"))
        assert h.find_one(ft.FilledButton, key="finish")
        assert h.errors() == []
    [item] = await logged_in.inspections()
    assert item.address == planned.address
    again = next(c for c in await logged_in.assigned_controls() if c.id == planned.id)
    assert again.inspection_id == item.id
    async with harness(logged_in) as h:  # started: the button now continues the same inspection
        button = h.find_one(ft.FilledButton, key=f"start-{planned.id}")
        assert button.content == "Verder"
        await h.click(button)
        assert h.find_one(ft.FilledButton, key="finish")
    assert len(await logged_in.inspections()) == 1


async def test_home_lists_drafts_with_level_and_unsynced_marker(logged_in: Any) -> None:
    from schemas.records import Address

    iid = await logged_in.start_inspection(template_id="pandenactie", address=Address(street="Kerkstraat",
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

    await logged_in.start_inspection(template_id="pandenactie", address=Address(street="Kerkstraat"))
    async with harness(logged_in) as h:
        pending = h.find_one(ft.Text, key="sync-pending")
        count = int(pending.value.split()[0])
        noun = "wijziging" if count == 1 else "wijzigingen"  # "1 wijziging", never "1 wijzigingen"
        assert count > 0 and pending.value == f"{count} {noun} te versturen"
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        assert h.find_one(ft.Text, key="sync-pending").value == "Alles verstuurd"
        assert h.find_one(ft.Text, key="sync-last").value.startswith("Laatst gesynchroniseerd om ")
        assert h.errors() == []


async def test_language_toggle(logged_in: Any) -> None:
    async with harness(logged_in) as h:
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="screen-title").value == "My controls"
        assert h.find_one(ft.FilledButton, key="new-inspection").content == "New inspection"
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"


async def test_login_offline_shows_clear_error(tmp_path: Any, transport: Any) -> None:
    net = OfflineSwitch(transport)
    net.offline = True
    svc = build_service(tmp_path / "app", SERVER_URL, net)
    try:
        async with harness(svc) as h:
            await h.type_text(h.find_one(ft.TextField, key="login-username"), "inspecteur1")
            await h.type_text(h.find_one(ft.TextField, key="login-password"), "demo-wachtwoord")
            await h.click(h.find_one(ft.FilledButton, key="login-button"))
            assert h.find_one(ft.Text, key="login-error").value == t("login_offline")
    finally:
        await svc.aclose()


async def test_offline_after_login_keeps_working_and_sync_bar_says_so(tmp_path: Any, transport: Any) -> None:
    net = OfflineSwitch(transport)
    svc = build_service(tmp_path / "app", SERVER_URL, net)
    try:
        await svc.login("inspecteur1", "demo-wachtwoord")
        await svc.sync_now()
        net.offline = True
        async with harness(svc) as h:  # opens straight to home without the server
            assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
            await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
            error = h.find_one(ft.Text, key="sync-error")
            assert error.visible and t("sync_offline") in error.value
            await h.click(h.find_one(ft.FilledButton, key="new-inspection"))
            await h.type_text(h.find_one(ft.TextField, key="addr-street"), "Steenstraat")
            await h.type_text(h.find_one(ft.TextField, key="addr-number"), "3")
            await h.click(h.find_one(ft.FilledButton, key="addr-create"))
            assert h.find_one(ft.FilledButton, key="finish")
            assert h.errors() == []
        [item] = await svc.inspections()
        assert item.unsynced
    finally:
        await svc.aclose()


async def test_wrong_role_login_refused(service: Any) -> None:
    async with harness(service) as h:
        await h.type_text(h.find_one(ft.TextField, key="login-username"), "teamleider1")
        await h.type_text(h.find_one(ft.TextField, key="login-password"), "demo-wachtwoord", submit=True)
        error = h.find_one(ft.Text, key="login-error")
        assert error.visible and error.value in (t("login_wrong_role"),)


async def test_a_finished_planned_control_leaves_assigned(logged_in: Any) -> None:
    planned = (await logged_in.assigned_controls())[0]
    iid = await logged_in.start_inspection(template_id=planned.template_id, address=planned.address,
                                           planned_control_id=planned.id)
    await logged_in.set_answer(iid, "bewoond", True)
    await logged_in.set_answer(iid, "aantal_bewoners", 2)
    async with harness(logged_in) as h:  # started, not finished: still to do
        assert h.find(ft.Card, key=f"assigned-{planned.id}")
    await logged_in.finish(iid)
    assert planned.id not in {c.id for c in await logged_in.assigned_controls()}
    async with harness(logged_in) as h:
        assert h.find(ft.Card, key=f"assigned-{planned.id}") == []
        assert h.find(ft.ListTile, key=f"inspection-{iid}")  # listed with the inspector's controls


async def test_a_long_briefing_is_folded_on_the_card(logged_in: Any) -> None:
    from schemas.records import PlannedControlRead
    from schemas.sync import Change

    planned = (await logged_in.assigned_controls())[0]
    store = logged_in._store  # noqa: SLF001 - a planned control with a long briefing, as a pull brings it
    data = PlannedControlRead.model_validate({**(await _planned_read(store, planned.id)),
                                              "briefing": "Fictieve briefing. " * 220}).model_dump(mode="json")
    meta = store.meta()
    store.apply_pull([Change(seq=meta.pull_cursor + 1, entity="planned_control", entity_id=str(planned.id), op="put",
                             data=data)], cursor=meta.pull_cursor + 1, last_mutation_id=meta.last_acked_mutation_id)
    short = next(c for c in await logged_in.assigned_controls() if c.id != planned.id and c.briefing)
    async with harness(logged_in) as h:
        text = h.find_one(ft.Text, key=f"briefing-{planned.id}")
        assert text.max_lines == 3 and text.overflow == ft.TextOverflow.ELLIPSIS
        more = h.find_one(ft.TextButton, key=f"briefing-more-{planned.id}")
        assert more.content == "Hele briefing tonen"
        await h.click(more)
        assert h.find_one(ft.Text, key=f"briefing-{planned.id}").max_lines is None
        assert h.find_one(ft.TextButton, key=f"briefing-more-{planned.id}").content == "Briefing inkorten"
        await h.click(h.find_one(ft.TextButton, key=f"briefing-more-{planned.id}"))
        assert h.find_one(ft.Text, key=f"briefing-{planned.id}").max_lines == 3
        assert h.find_one(ft.Text, key=f"briefing-{short.id}").max_lines is None  # a short one: whole, no button
        assert h.find(ft.TextButton, key=f"briefing-more-{short.id}") == []
        assert h.errors() == []


async def _planned_read(store: Any, planned_id: Any) -> dict[str, Any]:
    for pc, _inspection in store.planned_controls():
        if pc.id == planned_id:
            return dict(pc.model_dump(mode="json"))
    raise AssertionError(planned_id)
