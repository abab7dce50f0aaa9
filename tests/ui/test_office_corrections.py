"""The team lead corrects answers and the note in the office detail with the tablet's inputs; bad input is
refused in words; after a correction the detail (answers, conflicts panel) is drawn again from the server; a
ketenregisseur gets no correction panel; the level-change marker shows in the review list and detail."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import flet as ft
import httpx
import pytest
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import SERVER_URL, login, office

from inspectie_app.services import build_service
from schemas.records import Address
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Inspection


async def pick(h: FletHarness, key: str) -> None:
    dd = h.find_one(ft.Dropdown, key="correction-field")
    h.session.apply_patch(dd._i, {"value": key})
    await h.fire(dd, "select", key)


async def save(h: FletHarness) -> None:
    await h.click(h.find_one(ft.FilledButton, key="correction-save"))


def error(h: FletHarness) -> str:
    e = h.find_one(ft.Text, key="correction-error")
    return e.value if e.visible else ""


@pytest.fixture(scope="module")
def tablet(server_app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """inspecteur1's tablet syncs a draft control with a person and a note."""
    folder = tmp_path_factory.mktemp("corrections-tablet")

    async def work() -> dict[str, Any]:
        svc = build_service(folder, SERVER_URL, httpx.ASGITransport(app=server_app))
        try:
            await svc.login("inspecteur1", "demo-wachtwoord")
            await svc.sync_now()
            iid = await svc.start_inspection(template_id="pandenactie",
                                             address=Address(street="Correctieweg", house_number="12"))
            await svc.set_answer(iid, "bewoond", True)
            await svc.set_answer(iid, "aantal_bewoners", 3)
            person = await svc.add_person(iid)
            await svc.set_answer(iid, "leeftijd", 40, person_id=person.id)
            await svc.set_note(iid, "Eerste notitie.")
            assert (await svc.sync_now()).pending_changes == 0
            return {"folder": folder, "iid": iid, "person": person.id}
        finally:
            await svc.aclose()

    return asyncio.run(work())


async def test_team_lead_corrects_with_the_tablet_inputs(server_app: FastAPI, tablet: dict[str, Any]) -> None:
    iid, person = tablet["iid"], tablet["person"]
    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.Container, key=f"row-{iid}"))
        assert h.find_one(ft.Text, key="correction-title")
        assert not h.find(ft.Text, key="conflicts-title")
        await save(h)
        assert error(h) == "Kies eerst een vraag of de notitie."

        # number: the tablet's parsing and the template's limits
        await pick(h, "q|aantal_bewoners")
        assert h.find_one(ft.Text, key="correction-current").value == "Nu: 3 personen"
        field = h.find_one(ft.TextField, key="q-aantal_bewoners")
        assert field.value == "3"
        await h.type_text(field, "drie")
        await save(h)
        assert error(h) == "Vul een getal in."
        await h.type_text(field, "250")
        await save(h)
        assert error(h) == "Ongeldig antwoord: above the maximum 200"
        await h.type_text(field, "3")
        await save(h)
        assert error(h) == "De waarde is niet gewijzigd."
        await h.type_text(field, "7")
        await save(h)
        assert h.find_one(ft.Text, key="office-notice").value.startswith("Correctie opgeslagen")
        assert h.find_one(ft.Text, key="answer-aantal_bewoners").value == "7 personen"

        # a date: dd-mm-jjjj like the tablet
        await pick(h, "q|datum_contract")
        await h.type_text(h.find_one(ft.TextField, key="q-datum_contract"), "31-02-2026")
        await save(h)
        assert error(h) == "Gebruik een datum als dd-mm-jjjj."
        await h.type_text(h.find_one(ft.TextField, key="q-datum_contract"), "01-03-2026")
        await save(h)
        assert h.find_one(ft.Text, key="answer-datum_contract").value == "01-03-2026"

        # a radio question and a person's answer
        await pick(h, "q|staat")
        await h.change(h.find_one(ft.RadioGroup, key="q-staat"), "slecht")
        await save(h)
        assert h.find_one(ft.Text, key="answer-staat").value == "Slecht"
        await pick(h, f"p|{person}|leeftijd")
        await h.type_text(h.find_one(ft.TextField, key=f"q-{person}-leeftijd"), "35")
        await save(h)
        assert h.find_one(ft.Text, key=f"answer-{person}-leeftijd").value == "35"

        # the note
        await pick(h, "note")
        note = h.find_one(ft.TextField, key="correction-note")
        assert note.value == "Eerste notitie."
        await h.type_text(note, "Notitie gecorrigeerd door de teamleider.")
        await save(h)
        assert h.find_one(ft.Text, key="detail-note").value == "Notitie gecorrigeerd door de teamleider."
        assert h.errors() == []

    # the tablet, not having pulled the corrections, changes the number again: a conflict
    svc = build_service(tablet["folder"], SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.set_answer(iid, "aantal_bewoners", 4)
        await svc.sync_now()
    finally:
        await svc.aclose()

    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.Container, key=f"row-{iid}"))
        assert h.find_one(ft.Text, key="conflicts-title")
        [row] = [c for c in h.find(ft.Text) if (c.key or "").startswith("conflict-") and "tablet" in (c.value or "")]
        assert row.value == "Aantal bewoners: tablet 4 personen · kantoor 7 personen · geldt nu: 7 personen"
        # the team lead takes the tablet's value; a correction after it redraws the panel from the server
        [take] = [b for b in h.find(ft.OutlinedButton) if "Waarde van de tablet" in str(b.content)]
        await h.click(take)
        assert any(x.startswith("Opgelost: waarde tablet") for x in h.all_text())
        await pick(h, "q|aantal_bewoners")
        assert h.find_one(ft.TextField, key="q-aantal_bewoners").value == "4"
        await h.type_text(h.find_one(ft.TextField, key="q-aantal_bewoners"), "6")
        await save(h)
        assert h.find_one(ft.Text, key="answer-aantal_bewoners").value == "6 personen"
        assert any(x.startswith("Opgelost: waarde tablet") for x in h.all_text())
        assert h.errors() == []


async def test_ketenregisseur_cannot_correct(server_app: FastAPI, tablet: dict[str, Any]) -> None:
    async with office(server_app) as h:
        await login(h, "ketenregisseur1")
        await h.click(h.find_one(ft.Container, key=f"row-{tablet['iid']}"))
        assert h.find_one(ft.Text, key="detail-address")
        assert not h.find(ft.Text, key="correction-title")
        assert h.errors() == []


async def test_level_change_marker_in_list_and_detail(server_app: FastAPI, server_settings: Settings,
                                                      tablet: dict[str, Any]) -> None:
    iid = tablet["iid"]
    svc = build_service(tablet["folder"], SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.finish(iid)
        await svc.sync_now()
    finally:
        await svc.aclose()

    def mark(session: Any) -> None:
        inspection = session.get(Inspection, uuid.UUID(str(iid)))
        assert inspection is not None and inspection.flag is not None
        inspection.flag = {**inspection.flag, "previous_level": 2, "previous_catalogue": "test_catalogue@0",
                           "level_changed": True}

    in_transaction(server_settings, mark)  # as catalog.reevaluate leaves it
    level = in_transaction(server_settings, lambda s: s.get(Inspection, uuid.UUID(str(iid))).level)
    words = {0: "L0 geen signaal", 1: "L1 signaal", 2: "L2 ernstig signaal", 3: "L3 acuut"}
    expected = f"niveau gewijzigd: L2 ernstig signaal → {words[level]} na een nieuwe indicatorcatalogus"  # no codes
    async with office(server_app) as h:
        await login(h, "teamleider1")
        assert h.find_one(ft.Text, key=f"row-level-change-{iid}").value == expected
        await h.click(h.find_one(ft.Container, key=f"row-{iid}"))
        assert h.find_one(ft.Text, key="detail-level-change").value == expected
        assert h.errors() == []


async def test_conflicts_that_fail_to_load_are_shown_not_hidden(
    server_app: FastAPI, tablet: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspectie_app.office_client import OfficeClient, OfficeError

    async def broken(self: OfficeClient, inspection_id: Any) -> Any:
        raise OfficeError("office_offline", "Server niet bereikbaar.", "Server unreachable.", 0)

    monkeypatch.setattr(OfficeClient, "conflicts", broken)
    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.Container, key=f"row-{tablet['iid']}"))
        assert h.find_one(ft.Text, key="conflicts-title")
        assert any("bereikbaar" in t for t in h.all_text())
        assert h.errors() == []
