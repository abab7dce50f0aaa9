"""Correcting and removing identifiers on the tablet, in process over the real service and server (issue 14): a value
the server would refuse gets its Dutch message on the field and is not stored; *Corrigeren of verwijderen* corrects
or removes a recorded one (a bad correction keeps the dialog open with its message and changes nothing); after sync
the server has the corrected value only; an identifier the server refused anyway (a queue written past the check)
is listed in the sync bar in Dutch with its control and *Openen*, says why on its own line, and leaves the sync bar
once corrected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import flet as ft
import httpx
import pytest
import yaml
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import SERVER_URL, OfflineSwitch, harness

from inspectie_app.i18n import t
from inspectie_app.services import InspectorService, build_service
from inspectie_app.store import review_store
from schemas.identifiers import IdentifierKind
from schemas.records import Address
from schemas.templates import parse_template
from sync_server.catalog.service import publish_template
from sync_server.cli import in_transaction
from sync_server.config import Settings

TEMPLATE_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "identifier_template.yaml").read_text(encoding="utf-8"))
TEMPLATE_ID = TEMPLATE_DATA["id"]
KVK = "uitzendbureau_kvk"


@pytest.fixture(scope="module", autouse=True)
def identifier_template(server_settings: Settings) -> None:
    in_transaction(server_settings, lambda s: publish_template(session=s, template=parse_template(TEMPLATE_DATA)))


@pytest.fixture
async def tablet(tmp_path: Path, server_app: FastAPI) -> AsyncIterator[tuple[InspectorService, OfflineSwitch]]:
    switch = OfflineSwitch(httpx.ASGITransport(app=server_app))
    svc = build_service(tmp_path / "tablet", SERVER_URL, switch)
    await svc.login("inspecteur1", "demo-wachtwoord")
    yield svc, switch
    await svc.aclose()


async def server_hints(server_app: FastAPI, iid: Any) -> list[str]:
    """What the server keeps for the control (the team lead's view: kind and hint; a KvK number is shown whole)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server_app), base_url=SERVER_URL) as http:
        login = await http.post("/api/v1/auth/login", json={"username": "teamleider1", "password": "demo-wachtwoord",
                                                            "device_name": "test"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        r = await http.get(f"/api/v1/links/inspections/{iid}/identifiers", headers=headers)
        assert r.status_code == 200, r.text
        return [f"{x['kind']}:{x['hint']}" for x in r.json()]


def lines(h: FletHarness) -> list[str]:
    column = h.find_one(ft.Column, key=f"recorded-{KVK}")
    return [h.find_one(ft.Text, key=line.controls[0].controls[0].key).value for line in column.controls]


async def fix(h: FletHarness, identifier_id: Any) -> ft.TextField:
    await h.click(h.find_one(ft.TextButton, key=f"recorded-{KVK}-{identifier_id}-fix"))
    assert h.find_one(ft.AlertDialog, key="identifier-fix-dialog").open
    return h.find_one(ft.TextField, key="identifier-fix-value")


async def test_enter_correct_remove_and_fix_a_refused_identifier(tablet: tuple[InspectorService, OfflineSwitch],
                                                                  server_app: FastAPI) -> None:
    svc, _switch = tablet
    iid = await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Kvkweg", house_number="7"))
    async with harness(svc) as h:
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        field = h.find_one(ft.TextField, key=f"q-{KVK}")
        button = h.find_one(ft.FilledButton, key=f"q-{KVK}-add")

        # refused at entry with the server's own rule, in Dutch on the field; nothing stored
        for value, code in (("abc 😀", "identifier_empty"), ("KvK 123", "identifier_kvk_invalid")):
            await h.type_text(field, value)
            await h.click(button)
            assert field.error == t(code) and h.find_one(ft.Text, key=f"error-{KVK}").value == t(code)
            assert field.value == value and await svc.identifiers(iid) == []
        assert t("identifier_kvk_invalid") == "Een KvK-nummer heeft 8 cijfers (een vestigingsnummer 12). Er is niets " \
                                              "vastgelegd."

        await h.type_text(field, "KvK 1111 2222", submit=True)
        [first] = await svc.identifiers(iid)
        assert lines(h) == ["Vastgelegd: 11112222"]
        assert h.find_one(ft.TextButton, key=f"identifier-{first.id}-fix")  # the Kenmerken panel offers it too

        # a bad correction: its message on the dialog's field, the typed value kept, nothing changed
        value = await fix(h, first.id)
        assert value.value == "KvK 1111 2222"
        await h.type_text(value, "geen nummer")
        await h.click(h.find_one(ft.FilledButton, key="identifier-fix-save"))
        assert value.error == t("identifier_empty") and value.value == "geen nummer"
        assert h.find_one(ft.AlertDialog, key="identifier-fix-dialog").open
        assert [i.id for i in await svc.identifiers(iid)] == [first.id]
        await h.type_text(value, "3333 4444", submit=True)
        assert h.dialogs() == [] or all(d.key != "identifier-fix-dialog" for d in h.dialogs())
        [corrected] = await svc.identifiers(iid)
        assert corrected.value == "3333 4444" and lines(h) == ["Vastgelegd: 33334444"]

        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        assert await server_hints(server_app, iid) == ["uitzendbureau:33334444"]

        # one the server refuses anyway (queued past the tablet's check, as an older app did)
        bad = review_store.add_identifier(svc._store, iid, IdentifierKind.UITZENDBUREAU,  # type: ignore[arg-type]
                                          "KvK 99", question_id=KVK)
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        title = h.find_one(ft.Text, key="sync-refused-title")
        assert title.value.startswith("De server weigerde 1 wijziging")
        [notice] = (await svc.sync_status()).refused
        line = h.find_one(ft.Text, key=f"sync-refused-{notice.mutation_id}").value
        assert line == "Kvkweg 7, Arnhem — Kenmerk: een KvK-nummer heeft 8 cijfers (een vestigingsnummer 12)."
        assert "normalis" not in " ".join(h.all_text()) and "identifier_" not in " ".join(h.all_text())
        await h.click(h.find_one(ft.TextButton, key=f"sync-refused-{notice.mutation_id}-open"))
        refused = h.find_one(ft.Text, key=f"recorded-{KVK}-{bad.id}-refused")
        assert refused.value == ("Geweigerd door de server: een KvK-nummer heeft 8 cijfers (een vestigingsnummer 12). "
                                 "Corrigeer of verwijder dit kenmerk.")
        value = await fix(h, bad.id)
        assert h.find_one(ft.Text, key="identifier-fix-refused").value == refused.value
        await h.type_text(value, "5555 6666")
        await h.click(h.find_one(ft.FilledButton, key="identifier-fix-save"))
        assert h.find(ft.Text, key="sync-refused-title") == [] or not h.find_one(ft.Column, key="sync-refused").visible
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        status = await svc.sync_status()
        assert status.refused == [] and status.pending_changes == 0
        assert not h.find_one(ft.Column, key="sync-refused").visible
        assert sorted(await server_hints(server_app, iid)) == ["uitzendbureau:33334444", "uitzendbureau:55556666"]

        # remove: gone on the tablet and, after sync, on the server
        [kept, last] = await svc.identifiers(iid)
        await fix(h, kept.id)
        await h.click(h.find_one(ft.OutlinedButton, key="identifier-fix-remove"))
        assert [i.id for i in await svc.identifiers(iid)] == [last.id] and lines(h) == ["Vastgelegd: 55556666"]
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        assert await server_hints(server_app, iid) == ["uitzendbureau:55556666"]
        assert h.errors() == []


async def test_finished_control_offers_fixing_only_for_a_refused_identifier(
        tablet: tuple[InspectorService, OfflineSwitch]) -> None:
    svc, _switch = tablet
    iid = await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Klaarweg", house_number="1"))
    good = await svc.add_identifier(iid, IdentifierKind.UITZENDBUREAU, "12345678", question_id=KVK)
    bad = review_store.add_identifier(svc._store, iid, IdentifierKind.UITZENDBUREAU, "1",  # type: ignore[arg-type]
                                      question_id=KVK)
    await svc.set_answer(iid, "advertentie_gevonden", False)
    await svc.finish(iid)
    await svc.sync_now()
    async with harness(svc) as h:
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        assert h.find(ft.TextButton, key=f"recorded-{KVK}-{good.id}-fix") == []
        value = await fix(h, bad.id)
        await h.click(h.find_one(ft.OutlinedButton, key="identifier-fix-remove"))
        assert [i.id for i in await svc.identifiers(iid)] == [good.id]
        assert (await svc.sync_status()).refused == []
        assert value.error is None and h.errors() == []


def queue(svc: InspectorService, name: str, iid: Any, args: dict[str, Any]) -> None:
    """A mutation queued past the tablet's checks (as an older app or another rule would have sent it)."""
    from inspectie_app.store.repository import _enqueue

    with svc._store._tx() as s:  # type: ignore[attr-defined]
        _enqueue(s, name, iid, args)


async def test_a_refused_answer_shows_on_its_question_and_other_refusals_in_the_panel(
        tablet: tuple[InspectorService, OfflineSwitch]) -> None:
    svc, _switch = tablet
    iid = await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Weigerpad", house_number="2"))
    queue(svc, "answer.set.v1", iid, {"person_id": None, "question_id": "advertentie_gevonden", "value": "misschien"})
    queue(svc, "answer.set.v1", iid, {"person_id": None, "question_id": "bestaat_niet", "value": True})
    await svc.sync_now()
    assert sorted(n.code for n in (await svc.sync_status()).refused) == ["invalid_answer", "unknown_question"]
    async with harness(svc) as h:
        title = h.find_one(ft.Text, key="sync-refused-title")
        assert title.value == "De server weigerde 2 wijzigingen. Open de controle om het te herstellen:"
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        error = h.find_one(ft.Text, key="error-advertentie_gevonden")
        assert error.visible
        assert error.value == "Geweigerd door de server: dit antwoord is ongeldig. Geef het antwoord opnieuw."
        panel = h.find_one(ft.Container, key="refused-panel")
        assert panel.visible and "Antwoord: deze vraag staat niet in de checklist op de server." in h.all_text()

        # answering again fixes the first; the second is seen
        await h.change(h.find_one(ft.RadioGroup, key="q-advertentie_gevonden"), "no")
        [left] = (await svc.sync_status()).refused
        assert left.code == "unknown_question"
        await h.click(h.find_one(ft.OutlinedButton, key=f"refused-{left.mutation_id}-seen"))
        assert (await svc.sync_status()).refused == []
        assert not h.find_one(ft.Container, key="refused-panel").visible
        assert not h.find_one(ft.Column, key="sync-refused").visible
        assert h.errors() == []
