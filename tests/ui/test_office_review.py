"""Office review screens in process: filters, verify/refer/comment with the comment reaching the tablet,
all signals, links and lookup, aard en omvang with chart and exports, the audit trail; the tablet's
identifiers panel."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import flet as ft
import flet_charts as fch  # type: ignore[import-untyped]
import httpx
import pytest
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import SERVER_URL, harness, login, office

from inspectie_app.office_client import OfficeClient
from inspectie_app.services import build_service
from schemas.identifiers import IdentifierKind
from schemas.records import Address

SAVED: list[dict[str, Any]] = []
FAKES = {("FilePicker", "save_file"): lambda c, ctrl, args: SAVED.append(args) or "saved"}


async def open_row(h: FletHarness, iid: Any) -> None:
    await h.click(h.find_one(ft.Container, key=f"row-{iid}"))


@pytest.fixture(scope="module")
def controls(server_app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """inspecteur1's tablet syncs two L3 controls sharing a phone number, and one L0 control without links."""
    tablet = tmp_path_factory.mktemp("review-tablet")

    async def work() -> dict[str, Any]:
        svc = build_service(tablet, SERVER_URL, httpx.ASGITransport(app=server_app))
        try:
            await svc.login("inspecteur1", "demo-wachtwoord")
            await svc.sync_now()
            out: dict[str, Any] = {"tablet": tablet}
            for name, street, hood in (("a", "Koppelstraat", "Klarendal"), ("b", "Netwerkweg", "Presikhaaf")):
                iid = await svc.start_inspection(template_id="pandenactie",
                                                 address=Address(street=street, house_number="2", neighbourhood=hood))
                await svc.set_answer(iid, "bewoond", True)
                await svc.set_answer(iid, "aantal_bewoners", 2)
                person = await svc.add_person(iid)
                await svc.set_answer(iid, "leeftijd", 16, person_id=person.id)
                await svc.set_answer(iid, "sekswerk", True, person_id=person.id)
                await svc.add_identifier(iid, IdentifierKind.PHONE, "06-11 22 33 44" if name == "a" else "0611223344")
                await svc.finish(iid)
                out[name], out[f"{name}_person"] = iid, person.id
            calm = await svc.start_inspection(template_id="pandenactie",
                                              address=Address(street="Rustlaan", house_number="8",
                                                              neighbourhood="Klarendal"))
            await svc.set_answer(calm, "bewoond", False)
            await svc.finish(calm)
            out["calm"] = calm
            status = await svc.sync_now()
            assert status.pending_changes == 0 and status.last_error is None, status
            return out
        finally:
            await svc.aclose()

    return asyncio.run(work())


async def test_team_lead_verifies_refers_comments_and_tablet_shows_it(server_app: FastAPI,
                                                                      controls: dict[str, Any]) -> None:
    iid, person = controls["a"], controls["a_person"]
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "teamleider1")
        assert h.find_one(ft.Text, key=f"row-signals-{iid}").value.startswith("1 niet geverifieerd")
        await open_row(h, iid)
        assert h.find_one(ft.Text, key=f"signal-state-{person}").value.startswith("Nog niet geverifieerd")
        # missing reason is refused in words
        await h.change(h.find_one(ft.Dropdown, key=f"verdict-{person}"), "gegrond")
        await h.click(h.find_one(ft.FilledButton, key=f"verify-{person}"))
        assert h.find_one(ft.Text, key="review-message").value == "Kies een oordeel en vul een reden in."
        await h.type_text(h.find_one(ft.TextField, key=f"reason-{person}"), "Minderjarige, bevestigd door AVIM.")
        await h.click(h.find_one(ft.FilledButton, key=f"verify-{person}"))
        assert h.find_one(ft.Text, key="office-notice").value == "Oordeel vastgelegd."
        state = h.find_one(ft.Text, key=f"signal-state-{person}").value
        assert state.startswith("Gegrond door Teamleider Een") and "bevestigd door AVIM" in state

        await h.change(h.find_one(ft.Dropdown, key="referral-partner"), "politie_avim")
        await h.type_text(h.find_one(ft.TextField, key="referral-note"), "Direct opgepakt.")
        await h.click(h.find_one(ft.FilledButton, key="refer-button"))
        assert any("doorverwezen naar Politie/AVIM door Teamleider Een: Direct opgepakt." in x for x in h.all_text())

        await h.type_text(h.find_one(ft.TextField, key="comment-body"), "Goed werk; let op de tweede verdieping.")
        await h.click(h.find_one(ft.FilledButton, key="comment-button"))
        assert h.find_one(ft.Text, key="office-notice").value.startswith("Opmerking verstuurd")
        history = [c.value for c in h.find_one(ft.Column, key="history").controls]
        assert [x.split(": ")[-1] for x in history][-3:] == ["signaal geverifieerd", "doorverwezen",
                                                             "opmerking geplaatst"]
        # linked control through the shared phone number
        assert h.find_one(ft.TextButton, key=f"linked-{controls['b']}")
        # PDF download
        await h.click(h.find_one(ft.OutlinedButton, key="report-button"))
        assert SAVED[-1]["file_name"].startswith("rapportage-") and SAVED[-1]["src_bytes"]
        assert h.errors() == []

    svc = build_service(controls["tablet"], SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.sync_now()
        [comment] = await svc.comments(iid)
        assert comment.body == "Goed werk; let op de tweede verdieping." and comment.author_name == "Teamleider Een"
        async with harness(svc) as t:
            await t.click(t.find_one(ft.ListTile, key=f"inspection-{iid}"))
            assert t.find_one(ft.Container, key="comments-panel").visible
            text = t.find_one(ft.Text, key=f"tablet-comment-{comment.id}").value
            assert text.endswith("Teamleider Een: Goed werk; let op de tweede verdieping.")
            assert t.find_one(ft.Text, key=f"identifier-{(await svc.identifiers(iid))[0].id}").value == \
                "Telefoonnummer advertentie: 06-11 22 33 44"
            assert t.errors() == []
    finally:
        await svc.aclose()


async def test_too_long_texts_get_a_dutch_message_and_never_crash(server_app: FastAPI,
                                                                    controls: dict[str, Any]) -> None:
    """A reason, a referral note or a comment over 4,000 characters: a message in Dutch, the session goes on and
    nothing is stored (a browser stops typing at the limit; a paste or this test does not)."""
    iid, person = controls["b"], controls["b_person"]
    long_text = "lang " * 1000  # 5,000 characters
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "teamleider1")
        await open_row(h, iid)
        await h.change(h.find_one(ft.Dropdown, key=f"verdict-{person}"), "ongegrond")
        await h.type_text(h.find_one(ft.TextField, key=f"reason-{person}"), long_text)
        await h.click(h.find_one(ft.FilledButton, key=f"verify-{person}"))
        assert h.find_one(ft.Text, key="review-message").value == "De reden is te lang: maximaal 4000 tekens."
        await h.change(h.find_one(ft.Dropdown, key="referral-partner"), "politie_avim")
        await h.type_text(h.find_one(ft.TextField, key="referral-note"), long_text)
        await h.click(h.find_one(ft.FilledButton, key="refer-button"))
        assert h.find_one(ft.Text, key="review-message").value == \
            "De toelichting is te lang: maximaal 4000 tekens."
        await h.type_text(h.find_one(ft.TextField, key="comment-body"), long_text)
        await h.click(h.find_one(ft.FilledButton, key="comment-button"))
        assert h.find_one(ft.Text, key="review-message").value == "De opmerking is te lang: maximaal 4000 tekens."
        assert h.find_one(ft.TextField, key="comment-body").max_length == 4000
        await h.type_text(h.find_one(ft.TextField, key="comment-body"), "Korte opmerking.")
        await h.click(h.find_one(ft.FilledButton, key="comment-button"))  # the session goes on
        assert h.find_one(ft.Text, key="office-notice").value.startswith("Opmerking verstuurd")
        history = [c.value for c in h.find_one(ft.Column, key="history").controls]
        assert not any("geverifieerd" in x or "doorverwezen" in x for x in history), history
        assert h.errors() == []


async def test_an_unfinished_control_says_its_level_is_provisional(server_app: FastAPI, controls: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    """A draft the tablet already judges L3 is no "Geen signalen" in the office: it is unfinished, its level
    provisional, its signals come up for verification once finished."""
    svc = build_service(tmp_path / "draft-tablet", SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.login("inspecteur1", "demo-wachtwoord")
        iid = await svc.start_inspection(template_id="pandenactie",
                                         address=Address(street="Voorlopigstraat", house_number="4",
                                                         neighbourhood="Spijkerkwartier"))
        person = await svc.add_person(iid)
        await svc.set_answer(iid, "leeftijd", 15, person_id=person.id)
        await svc.set_answer(iid, "sekswerk", True, person_id=person.id)
        assert (await svc.inspection(iid)).flag.level == 3
        assert (await svc.sync_now()).pending_changes == 0
    finally:
        await svc.aclose()
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "teamleider1")
        assert h.find_one(ft.Text, key=f"row-signals-{iid}").value == "Niet afgerond: voorlopig niveau"
        await open_row(h, iid)
        assert h.find_one(ft.Text, key="no-signals").value.startswith("Deze controle is nog niet afgerond.")
        assert "Geen signalen" not in h.all_text()
        assert h.errors() == []


async def test_review_list_filters(server_app: FastAPI, controls: dict[str, Any]) -> None:
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "teamleider1")
        await h.change(h.find_one(ft.Dropdown, key="filter-neighbourhood"), "Klarendal")
        await h.click(h.find_one(ft.FilledButton, key="filter-apply"))
        keys = {r.content.key for r in h.find_one(ft.Column, key="review-rows").controls}
        assert keys == {f"row-{controls['a']}", f"row-{controls['calm']}"}
        assert h.find_one(ft.Text, key=f"row-signals-{controls['calm']}").value == "Geen signalen"
        await h.type_text(h.find_one(ft.TextField, key="filter-from"), "31-02-2026")
        await h.click(h.find_one(ft.FilledButton, key="filter-apply"))
        assert h.find_one(ft.Text, key="filter-error").value == "Vul een datum in als dd-mm-jjjj."
        await h.type_text(h.find_one(ft.TextField, key="filter-from"), "01-01-2000")
        await h.type_text(h.find_one(ft.TextField, key="filter-to"), "31-12-2000")
        await h.click(h.find_one(ft.FilledButton, key="filter-apply"))
        assert h.find_one(ft.Text, key="review-empty")
        assert h.errors() == []


async def test_ketenregisseur_screens(server_app: FastAPI, controls: dict[str, Any]) -> None:
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "ketenregisseur1")
        nav = [c.content.key for c in h.find_one(ft.Row, key="office-nav").controls]
        assert nav[:4] == ["nav_review", "nav_signals", "nav_links", "nav_reporting"] and "nav_audit" not in nav
        # read-only detail
        await open_row(h, controls["b"])
        assert "Alleen een teamleider kan signalen verifiëren en doorverwijzen." in h.all_text()
        assert h.find(ft.FilledButton, key="comment-button") == []
        # all signals
        await h.click(h.find_one(ft.TextButton, key="nav_signals"))
        rows = h.find_one(ft.Column, key="signal-rows").controls
        assert f"signal-row-{controls['b']}-{controls['b_person']}" in [r.key for r in rows]
        state = h.find_one(ft.Text, key=f"signal-row-{controls['b']}-{controls['b_person']}-state").value
        assert state == "niet geverifieerd"
        # links
        await h.click(h.find_one(ft.TextButton, key="nav_links"))
        cluster_controls = {c.key for c in h.find(ft.TextButton) if str(c.key).startswith("cluster-control-")}
        assert cluster_controls == {f"cluster-control-{controls['a']}", f"cluster-control-{controls['b']}"}
        await h.change(h.find_one(ft.Dropdown, key="lookup-kind"), "phone")
        await h.type_text(h.find_one(ft.TextField, key="lookup-value"), "+31 6 11223344")
        await h.click(h.find_one(ft.FilledButton, key="lookup-button"))
        found = {c.key for c in h.find_one(ft.Column, key="lookup-results").controls}
        assert found == {f"cluster-control-{controls['a']}", f"cluster-control-{controls['b']}"}
        await h.type_text(h.find_one(ft.TextField, key="lookup-value"), "0699999999")
        await h.click(h.find_one(ft.FilledButton, key="lookup-button"))
        assert h.find_one(ft.Text, key="lookup-none")
        # aard en omvang
        await h.click(h.find_one(ft.TextButton, key="nav_reporting"))
        assert h.find_one(ft.Text, key="reporting-totals").value.endswith("signalen")
        [chart] = h.find(fch.BarChart)
        assert sum(g.rods[0].to_y for g in chart.groups) >= 3
        assert h.find_one(ft.DataTable, key="table-by_neighbourhood")
        assert h.find_one(ft.Column, key="agencies")
        await h.click(h.find_one(ft.OutlinedButton, key="export-mdo-csv"))
        assert SAVED[-1]["file_name"] == "inspectie-mdo.csv" and SAVED[-1]["src_bytes"]
        await h.click(h.find_one(ft.OutlinedButton, key="export-riec-xlsx"))
        assert SAVED[-1]["file_name"] == "inspectie-riec.xlsx"
        # English
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="reporting-totals").value.endswith("signals")
        assert h.errors() == []


async def test_team_lead_audit_screen(server_app: FastAPI, controls: dict[str, Any]) -> None:
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "teamleider1")
        await open_row(h, controls["calm"])
        await h.click(h.find_one(ft.TextButton, key="nav_audit"))
        table = h.find_one(ft.DataTable, key="audit-table")
        first = [c.content.value for c in table.rows[0].cells]
        assert first[1] == "teamleider1 (teamleider)" and first[2] == "controle ingezien"
        assert h.find(ft.TextButton, key="nav_links") == []
        assert h.errors() == []


async def test_tablet_identifier_panel(logged_in: Any, tmp_path: Path) -> None:
    iid = await logged_in.start_inspection(template_id="pandenactie", address=Address(street="Kenmerkweg"))
    async with harness(logged_in) as t:
        await t.click(t.find_one(ft.ListTile, key=f"inspection-{iid}"))
        await t.click(t.find_one(ft.FilledButton, key="identifier-add"))
        assert t.find_one(ft.Text, key="identifier-message").value == "Kies een soort en vul een waarde in."
        await t.change(t.find_one(ft.Dropdown, key="identifier-kind"), "vehicle")
        await t.type_text(t.find_one(ft.TextField, key="identifier-value"), "AB-123-C")
        await t.click(t.find_one(ft.FilledButton, key="identifier-add"))
        assert t.find_one(ft.Text, key="identifier-message").value == "Kenmerk vastgelegd."
        [line] = t.find_one(ft.Column, key="identifiers").controls  # its text, then Corrigeren of verwijderen
        assert line.controls[0].controls[0].value == "Voertuig (kenteken): AB-123-C"
        assert t.errors() == []
    status = await logged_in.sync_now()
    assert status.pending_changes == 0 and status.last_error is None


async def test_beheerder_exports_the_audit_trail(server_app: FastAPI, controls: dict[str, Any]) -> None:
    async with office(server_app, method_fakes=FAKES) as h:
        await login(h, "beheerder1")
        await h.click(h.find_one(ft.TextButton, key="nav_audit"))
        assert h.find(ft.DataTable, key="audit-table")
        await h.click(h.find_one(ft.FilledButton, key="audit-export"))
        assert SAVED[-1]["file_name"] == "inspectie-audittrail.csv"
        assert h.find_one(ft.Text, key="office-notice").value == "Audittrail klaar om op te slaan."
        assert h.errors() == []


async def _load_all(h: FletHarness, key: str, rows_key: str) -> list[str]:
    """Click "Meer laden" until it is gone; the keys of the rows shown after each click grow by one page."""
    shown = [r.key or getattr(r, "content", r).key for r in h.find_one(ft.Column, key=rows_key).controls]
    assert len(shown) == 1 and h.find_one(ft.Text, key=f"{key}-count").value.startswith("1 van ")
    while h.find(ft.OutlinedButton, key=f"{key}-more"):
        await h.click(h.find_one(ft.OutlinedButton, key=f"{key}-more"))
        now = [r.key or getattr(r, "content", r).key for r in h.find_one(ft.Column, key=rows_key).controls]
        assert now[:len(shown)] == shown and len(now) == len(shown) + 1
        shown = now
    total = h.find_one(ft.Text, key=f"{key}-count").value
    assert total == f"{len(shown)} van {len(shown)}"
    return shown


async def test_long_lists_show_a_page_and_load_more(server_app: FastAPI, controls: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OfficeClient, "page_size", 1)
    async with office(server_app) as h:
        await login(h, "ketenregisseur1")
        queue = await _load_all(h, "review", "review-rows")
        assert {f"row-{controls[k]}" for k in ("a", "b", "calm")} <= set(queue)
        assert len(set(queue)) == len(queue)
        await h.click(h.find_one(ft.TextButton, key="nav_signals"))
        signals = await _load_all(h, "signals", "signal-rows")
        assert f"signal-row-{controls['a']}-{controls['a_person']}" in signals
        await h.click(h.find_one(ft.TextButton, key="nav_links"))
        assert h.find_one(ft.Text, key="clusters-count").value == "1 van 1"
        assert not h.find(ft.OutlinedButton, key="clusters-more")
        assert h.errors() == []
    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.TextButton, key="nav_audit"))
        assert len(h.find_one(ft.DataTable, key="audit-table").rows) == 1
        await h.click(h.find_one(ft.OutlinedButton, key="audit-more"))
        assert len(h.find_one(ft.DataTable, key="audit-table").rows) == 2
        assert h.errors() == []
