"""Planner screens in the office app, in process against the real server app: the year plan's progress and
targets, scheduling (validation, PDOK lookup, the tablet's card), moving and cancelling, establishments with
violations and the next enforcement step, where to look next, and the beheerder's matrix editor."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import flet as ft
import httpx
import pytest
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import SERVER_URL, harness, login, office

from inspectie_app.i18n import t
from inspectie_app.services import build_service
from inspectie_app.ui.office.planner.forms import AddressDraft, ScheduleDraft, parse_time

PDOK_FILE = Path(__file__).parent.parent / "server" / "pdok_free_response.json"
DAY = date.today() + timedelta(days=2)


def text_of(h: FletHarness, key: str) -> str:
    return str(h.find_one(ft.Text, key=key).value)


async def fill(h: FletHarness, values: dict[str, str]) -> None:
    for key, value in values.items():
        await h.type_text(h.find_one(ft.TextField, key=key), value)


async def open_tab(h: FletHarness, tab: str) -> None:
    buttons = (ft.FilledButton, ft.OutlinedButton)
    await h.click(h.find_one(key=f"planner-tab-{tab}", predicate=lambda c: isinstance(c, buttons)))


def test_forms_without_a_page() -> None:
    assert parse_time("19:30") is not None and parse_time("7.05") is not None and parse_time("24:00") is None
    draft = ScheduleDraft(day="31-02-2027", start="25:00", duration="5",
                          address=AddressDraft(street="", house_number="12a", postcode="12"))
    body, problems = draft.body()
    assert body is None and problems == {
        "day": "pl_invalid_date", "start": "pl_invalid_time", "duration": "pl_invalid_duration",
        "inspectors": "pl_choose_inspector", "address.street": "required_field",
        "address.house_number": "pl_invalid_house_number", "address.postcode": "invalid_postcode"}
    for code in problems.values():
        assert not t(code).startswith("Onbekende fout") and not t(code, "en").startswith("Unknown")


async def test_planner_lands_on_the_year_plan(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "planner1")
        assert text_of(h, "progress-pandenacties").startswith("0 van 6 pandenacties")
        assert text_of(h, "progress-integrale_controles").startswith("0 van 2 integrale controles")
        assert h.find(ft.Column, key="plan-calendar") and h.find(key="planner-tab-schedule")
        assert h.find(key="review-rows") == []
        await h.click(h.find_one(key="lang-toggle", predicate=lambda c: isinstance(c, ft.TextButton)))
        assert text_of(h, "progress-pandenacties").startswith("0 of 6 premises inspections")


async def test_schedule_reaches_the_inspector_tablet(server_app: FastAPI, tmp_path: Path) -> None:
    async with office(server_app) as h:
        await login(h, "planner1")
        await open_tab(h, "schedule")
        await h.click(h.find_one(ft.FilledButton, key="schedule-save"))
        assert h.find_one(ft.TextField, key="schedule-date").error == t("pl_invalid_date")
        assert h.find_one(ft.Text, key="schedule-inspector-error").visible
        assert h.find_one(ft.TextField, key="schedule-address-street").error == t("required_field")
        await fill(h, {"schedule-date": DAY.strftime("%d-%m-%Y"), "schedule-time": "19:30",
                       "schedule-address-street": "Kalenderstraat", "schedule-address-number": "8",
                       "schedule-address-addition": "a", "schedule-address-postcode": "6811ab",
                       "schedule-briefing": "Via de achterdeur."})
        await h.change(h.find_one(ft.Checkbox, key="inspector-inspecteur1"), True)
        await h.change(h.find_one(ft.Checkbox, key="partner-politie"), True)
        await h.click(h.find_one(ft.FilledButton, key="schedule-save"))
        [row] = [c for c in h.find(ft.Text) if str(c.key or "").startswith("row-where-")
                 and "Kalenderstraat" in str(c.value)]
        assert row.value == "Kalenderstraat 8-A, 6811 AB Arnhem"
        assert any(str(c.key or "").startswith("cal-") for c in h.find(ft.Text))
    svc = build_service(tmp_path / "tablet", SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.login("inspecteur1", "demo-wachtwoord")
        await svc.sync_now()
        [mine] = [c for c in await svc.assigned_controls() if c.address.street == "Kalenderstraat"]
        assert mine.start_time is not None and mine.partners == ["politie"]
        async with harness(svc) as tablet:
            when = tablet.find_one(ft.Text, key=f"assigned-when-{mine.id}").value
            assert when == f"Gepland op {DAY.strftime('%d-%m-%Y')} om 19:30"
            assert tablet.find_one(ft.Text, key=f"assigned-address-{mine.id}").value.startswith("Kalenderstraat 8-A")
    finally:
        await svc.aclose()


async def test_move_and_cancel(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "planner1")
        await open_tab(h, "schedule")
        await fill(h, {"schedule-date": DAY.strftime("%d-%m-%Y"), "schedule-address-street": "Verplaatsweg",
                       "schedule-address-number": "1"})
        await h.change(h.find_one(ft.Checkbox, key="inspector-inspecteur2"), True)
        await h.click(h.find_one(ft.FilledButton, key="schedule-save"))
        [row] = [c for c in h.find(ft.Text) if c.value == "Verplaatsweg 1, Arnhem"]
        cid = str(row.key).removeprefix("row-where-")
        await h.click(h.find_one(ft.OutlinedButton, key=f"edit-{cid}"))
        assert h.find_one(ft.TextField, key="schedule-date").value == DAY.strftime("%d-%m-%Y")
        later = DAY + timedelta(days=1)
        await fill(h, {"schedule-date": later.strftime("%d-%m-%Y")})
        await h.click(h.find_one(ft.FilledButton, key="schedule-save"))
        assert text_of(h, f"row-when-{cid}").startswith(later.strftime("%d-%m-%Y"))
        await h.click(h.find_one(ft.TextButton, key=f"cancel-{cid}"))
        assert h.find_one(ft.TextButton, key=f"cancel-{cid}").content == t("pl_cancel_confirm")
        await h.click(h.find_one(ft.TextButton, key=f"cancel-{cid}"))
        assert h.find(key=f"plan-row-{cid}") == []


async def test_targets_edit(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "planner1")
        await fill(h, {"target-pandenacties": "acht"})
        await h.click(h.find_one(ft.OutlinedButton, key="targets-save"))
        assert text_of(h, "targets-message") == t("pl_invalid_target")
        await fill(h, {"target-pandenacties": "8"})
        await h.click(h.find_one(ft.OutlinedButton, key="targets-save"))
        assert text_of(h, "progress-pandenacties").startswith("0 van 8 pandenacties")
        assert text_of(h, "targets-message") == t("pl_targets_saved")


@pytest.mark.parametrize("online", [True, False])
async def test_address_lookup(server_app: FastAPI, online: bool) -> None:
    def recorded(request: httpx.Request) -> httpx.Response:
        if not online:
            raise httpx.ConnectError("offline", request=request)
        return httpx.Response(200, json=json.loads(PDOK_FILE.read_text(encoding="utf-8")))

    server_app.state.pdok_transport = httpx.MockTransport(recorded)
    try:
        async with office(server_app) as h:
            await login(h, "planner1")
            await open_tab(h, "schedule")
            await fill(h, {"schedule-address-lookup": "Voorbeeldstraat 12"})
            await h.click(h.find_one(ft.OutlinedButton, key="schedule-address-lookup-button"))
            if not online:
                assert text_of(h, "schedule-address-lookup-message") == t("address_lookup_unavailable")
                return
            await h.click(h.find_one(ft.TextButton, key="schedule-address-lookup-0"))
            values = {k: h.find_one(ft.TextField, key=f"schedule-address-{k}").value
                      for k in ("street", "number", "addition", "postcode", "neighbourhood")}
            assert values == {"street": "Voorbeeldstraat", "number": "12", "addition": "A2", "postcode": "6811 AA",
                              "neighbourhood": "Centrum"}
    finally:
        server_app.state.pdok_transport = None


async def test_establishment_violation_and_next_step(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "planner1")
        await open_tab(h, "establishments")
        await h.click(h.find_one(ft.FilledButton, key="establishment-new"))
        await h.change(h.find_one(ft.Dropdown, key="establishment-licence-status"), "vergund")
        await fill(h, {"establishment-name": "Club Fictief", "establishment-address-street": "Nachtweg",
                       "establishment-address-number": "9"})
        await h.click(h.find_one(ft.FilledButton, key="establishment-save"))
        assert h.find_one(ft.TextField, key="establishment-licence-number").error == t("pl_licence_number_required")
        await h.change(h.find_one(ft.Dropdown, key="establishment-kind"), "seksinrichting")
        await fill(h, {"establishment-licence-number": "SI-001", "establishment-licence-date": "01-02-2026"})
        await h.click(h.find_one(ft.FilledButton, key="establishment-save"))
        assert text_of(h, "establishment-licence") == "Vergund · SI-001 · sinds 01-02-2026"
        assert h.find_one(ft.Text, key="history-empty")
        await h.change(h.find_one(ft.Dropdown, key="violation-category"), "brandveiligheid")
        await h.click(h.find_one(ft.FilledButton, key="violation-save"))
        assert text_of(h, "next-step-brandveiligheid").endswith("stap 2, Last onder dwangsom")
        await open_tab(h, "year")
        assert "Club Fictief" in text_of(h, "progress-missing-seksinrichtingen_jaarlijks")
        await open_tab(h, "suggestions")
        [top] = [c for c in h.find(ft.Text) if "Club Fictief" in str(c.value)]
        rank = str(top.key).removeprefix("suggestion-")
        assert text_of(h, f"suggestion-{rank}-reason-licence_due").startswith("• Jaarlijkse controle")
        await h.click(h.find_one(ft.OutlinedButton, key=f"suggestion-plan-{rank}"))
        assert h.find_one(ft.Dropdown, key="schedule-establishment").value not in (None, "-")


async def test_teamleider_reads_the_plan_but_cannot_schedule(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.TextButton, key="nav_planner"))
        assert h.find(key="plan-progress") and h.find(key="planner-tab-schedule") == []
        await open_tab(h, "suggestions")
        assert h.find(key="suggestion-rows")
        assert not [c for c in h.find(ft.OutlinedButton) if str(c.key or "").startswith("suggestion-plan-")]


async def test_the_matrix_tab_reads_the_matrix_and_sends_the_beheerder_to_its_form(server_app: FastAPI) -> None:
    """The planner reads the matrix; the beheerder edits it in a form (tests/ui/test_office_catalogue.py), not YAML."""
    async with office(server_app) as h:
        await login(h, "planner1")
        await open_tab(h, "matrix")
        assert text_of(h, "matrix-vergunningvoorschriften-1").startswith("Stap 1: ")
        assert h.find(ft.TextField) == [] and h.find(key="matrix-edit") == []
    async with office(server_app) as h:
        await login(h, "beheerder1")
        await open_tab(h, "matrix")
        await h.click(h.find_one(ft.FilledButton, key="matrix-edit"))
        assert h.find_one(ft.Text, key="screen-title").value.startswith("Handhavingsmatrix bewerken")
        assert h.find(ft.TextField, key="matrix-yaml") == []


