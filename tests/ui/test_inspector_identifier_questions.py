"""Identifier questions in the checklist, in process over the real service and server: asked where they occur
(also conditionally and per person), recorded offline with their question id, shown masked, refused in Dutch when
nothing usable is left, never an answer, disabled once finished; the Kenmerken panel lists them with their question,
and the ketenregisseur's links screen names the question that asked for the identifier."""

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
from ui_support import SERVER_URL, OfflineSwitch, harness, office

from inspectie_app.i18n import t
from inspectie_app.services import InspectorService, build_service
from schemas.records import Address
from schemas.templates import parse_template
from sync_server.catalog.service import publish_template
from sync_server.cli import in_transaction
from sync_server.config import Settings

TEMPLATE_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "identifier_template.yaml").read_text(encoding="utf-8"))
TEMPLATE_ID = TEMPLATE_DATA["id"]
PHONE_LABEL = "Telefoonnummer in de advertentie"


@pytest.fixture(scope="module", autouse=True)
def identifier_template(server_settings: Settings) -> None:
    """This module's server also publishes the format-2 test checklist with identifier questions."""
    in_transaction(server_settings, lambda s: publish_template(session=s, template=parse_template(TEMPLATE_DATA)))


@pytest.fixture
async def tablet(tmp_path: Path, server_app: FastAPI) -> AsyncIterator[tuple[InspectorService, OfflineSwitch]]:
    switch = OfflineSwitch(httpx.ASGITransport(app=server_app))
    svc = build_service(tmp_path / "tablet", SERVER_URL, switch)
    await svc.login("inspecteur1", "demo-wachtwoord")
    yield svc, switch
    await svc.aclose()


async def open_checklist(h: FletHarness, iid: Any) -> None:
    await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
    assert h.find_one(ft.FilledButton, key="finish")


def recorded(h: FletHarness, ident: str) -> list[str]:
    """The lines listed under an identifier question (each line: its text, then its fix button and refusal)."""
    column = h.find_one(ft.Column, key=f"recorded-{ident}")
    return [h.find_one(ft.Text, key=line.controls[0].controls[0].key).value for line in column.controls]


async def test_identifier_questions_in_the_checklist(tablet: tuple[InspectorService, OfflineSwitch],
                                                    server_app: FastAPI) -> None:
    svc, switch = tablet
    iid = await svc.start_inspection(template_id=TEMPLATE_ID,
                                     address=Address(street="Advertentieweg", house_number="3"))
    switch.offline = True
    async with harness(svc) as h:
        await open_checklist(h, iid)
        # asked where it occurs: the phone number only once an advertisement was found (show_if)
        assert h.find(ft.TextField, key="q-advertentie_telefoon") == []
        await h.change(h.find_one(ft.RadioGroup, key="q-advertentie_gevonden"), "yes")
        field = h.find_one(ft.TextField, key="q-advertentie_telefoon")
        button = h.find_one(ft.FilledButton, key="q-advertentie_telefoon-add")
        assert field.label == PHONE_LABEL and "Zoals het in de advertentie staat." in h.all_text()
        assert button.content == "Vastleggen" and button.height == 48 and not button.disabled
        identifiers = {s.identifier for s in h.find(ft.Semantics)}
        assert {"q-advertentie_telefoon", "q-advertentie_telefoon-add"} <= identifiers
        pending = (await svc.sync_status()).pending_changes

        # nothing usable: a Dutch error under the field, nothing stored, nothing queued
        await h.type_text(field, "bel me", submit=False)
        await h.click(button)
        error = h.find_one(ft.Text, key="error-advertentie_telefoon")
        assert error.visible and error.value == t("identifier_empty")
        assert error.value.startswith("Hierin staat niets bruikbaars")
        assert field.value == "bel me" and recorded(h, "advertentie_telefoon") == []
        assert await svc.identifiers(iid) == [] and (await svc.sync_status()).pending_changes == pending

        # recorded (offline), shown masked under the question, listed in the Kenmerken panel with its question
        await h.type_text(field, "06-12 34 56 78")
        await h.click(button)
        assert recorded(h, "advertentie_telefoon") == ["Vastgelegd: 06••••••"]
        assert field.value == "" and not h.find_one(ft.Text, key="error-advertentie_telefoon").visible
        [phone] = await svc.identifiers(iid)
        assert (phone.value, phone.question_id) == ("06-12 34 56 78", "advertentie_telefoon")
        assert h.find_one(ft.Text, key=f"identifier-{phone.id}").value == \
            f"Telefoonnummer advertentie: 06-12 34 56 78 — gevraagd bij: {PHONE_LABEL}"
        assert recorded(h, "uitzendbureau_kvk") == []  # other questions list only their own

        # the person module: recorded on the control, with the question's id, by pressing enter
        await h.click(h.find_one(ft.FilledButton, key="add-person"))
        [person] = (await svc.inspection(iid)).persons
        plate = h.find_one(ft.TextField, key=f"q-{person.id}-vervoer_kenteken")
        await h.type_text(plate, "ab-123-c", submit=True)
        assert recorded(h, f"{person.id}-vervoer_kenteken") == ["Vastgelegd: A••••••"]
        assert [(i.value, i.question_id) for i in await svc.identifiers(iid)][1] == ("ab-123-c", "vervoer_kenteken")

        state = await svc.inspection(iid)
        assert state.answers == {"advertentie_gevonden": True} and state.persons[0].answers == {}
        status = await svc.sync_now()  # still in the basement: everything waits in the outbox
        assert status.pending_changes == pending + 3 and status.last_error == "sync_offline"  # 2 identifiers, person

        # never missing: finishing needs no identifier
        await h.click(h.find_one(ft.FilledButton, key="finish"))
        assert h.find_one(ft.Text, key="finish-result")
        await h.click(h.find_one(ft.FilledButton, key="finish-close"))
        assert h.errors() == []

    async with harness(svc) as h:  # finished: the questions are read-only
        await open_checklist(h, iid)
        assert h.find_one(ft.TextField, key="q-advertentie_telefoon").disabled
        assert h.find_one(ft.FilledButton, key="q-advertentie_telefoon-add").disabled
        assert recorded(h, "advertentie_telefoon") == ["Vastgelegd: 06••••••"]

    switch.offline = False
    other = await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Koppelweg", house_number="9"))
    await svc.add_identifier(other, phone.kind, "+31 6 12345678")  # the Kenmerken panel: no question
    status = await svc.sync_now()
    assert status.pending_changes == 0 and status.rejections == [], status

    async with office(server_app) as o:  # the ketenregisseur sees which question asked for it
        await o.type_text(o.find_one(ft.TextField, key="login-username"), "ketenregisseur1")
        await o.type_text(o.find_one(ft.TextField, key="login-password"), "demo-wachtwoord")
        await o.click(o.find_one(ft.FilledButton, key="login-button"))
        await o.click(o.find_one(ft.TextButton, key="nav_links"))
        assert o.find_one(ft.Text, key=f"link-identifier-{iid}-0").value == \
            f"Telefoonnummer advertentie: 06•••••• — gevraagd bij: {PHONE_LABEL}"
        assert o.find_one(ft.Text, key=f"link-identifier-{other}-0").value == \
            "Telefoonnummer advertentie: 06••••••"
        assert o.find(ft.Text, key=f"link-identifier-{iid}-1") == []  # the plate links nothing
        assert o.errors() == []


async def test_kenmerken_panel_refuses_what_normalises_to_nothing(
        tablet: tuple[InspectorService, OfflineSwitch]) -> None:
    svc, _switch = tablet
    iid = await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Paneelweg"))
    async with harness(svc) as h:
        await open_checklist(h, iid)
        await h.change(h.find_one(ft.Dropdown, key="identifier-kind"), "uitzendbureau")
        await h.type_text(h.find_one(ft.TextField, key="identifier-value"), "KvK onbekend")
        await h.click(h.find_one(ft.FilledButton, key="identifier-add"))
        assert h.find_one(ft.Text, key="identifier-message").value == t("identifier_empty")
        assert await svc.identifiers(iid) == []
        assert h.errors() == []
