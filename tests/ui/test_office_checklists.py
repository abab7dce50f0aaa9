"""Office app, the beheerder's "Checklists beheren" (issue 15 part A), in process: the published versions, a draft
made from the newest, problems in Dutch on the field they concern as one types (a question code that exists, a
condition on a later or unknown question, a choice question without options), nothing typed lost, the preview at
tablet size with its conditional questions, the compare ("removed — existing answers remain readable"), a refused
publication (the catalogue reads a removed question) and a publication that a tablet receives."""

from __future__ import annotations

from typing import Any

import flet as ft
import httpx
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import SERVER_URL, login, office

from inspectie_app.services import build_service
from inspectie_app.ui.office.beheer.checklist_model import Draft, parse_show_if_value, show_if_value_text
from inspectie_app.ui.office.beheer.checklist_preview import TABLET_HEIGHT, TABLET_WIDTH


async def choose(h: FletHarness, key: str, value: str) -> None:
    """Pick ``value`` in the dropdown ``key`` as the client does (the value, then ``select``)."""
    dd = h.find_one(ft.Dropdown, key=key)
    h.session.apply_patch(dd._i, {"value": value})
    await h.fire(dd, "select", value)


async def type_in(h: FletHarness, key: str, text: str, leave: bool = False) -> ft.TextField:
    field = h.find_one(ft.TextField, key=key)
    await h.type_text(field, text)
    if leave:
        await h.fire(field, "blur")
    return h.find_one(ft.TextField, key=key)


async def open_checklists(h: FletHarness, log_in: bool = True) -> None:
    if log_in:
        await login(h, "beheerder1")
    await h.click(h.find_one(ft.TextButton, key="nav_checklists"))
    assert h.find_one(ft.Text, key="screen-title").value == "Checklists beheren"


async def fresh_draft(h: FletHarness) -> None:
    """Open the checklists and make a new draft of the test checklist (an old one thrown away first)."""
    await open_checklists(h, log_in=not h.find(ft.TextButton, key="nav_checklists"))
    if h.find(ft.FilledButton, key="cl-open-pandenactie"):
        await h.click(h.find_one(ft.FilledButton, key="cl-open-pandenactie"))
        await h.click(h.find_one(ft.OutlinedButton, key="cl-delete"))
        await h.click(h.find_one(ft.FilledButton, key="cl-delete-confirm"))
        assert h.find_one(ft.Text, key="office-notice").value == "Concept verwijderd."
    await h.click(h.find_one(ft.FilledButton, key="cl-make-pandenactie"))
    assert h.find_one(ft.Text, key="screen-title").value.startswith("Concept: ")


async def test_the_list_shows_versions_and_a_draft_is_edited_with_dutch_problems(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await open_checklists(h)
        assert h.find_one(ft.Text, key="cl-version-pandenactie-1").value.startswith("Versie 1 — gepubliceerd op ")
        await fresh_draft(h)
        assert h.find_one(ft.Text, key="cl-problem-count").value == "Geen problemen gevonden."
        await h.click(h.find_one(ft.TextButton, key="cl-q-sections-0-1"))  # aantal_bewoners
        field = await type_in(h, "cl-q-id", "bewoond")  # a code that exists
        assert field.error == "Deze vraagcode bestaat al in dit deel van de checklist. Kies een andere code."
        assert h.find_one(ft.Text, key="cl-problem-count").value.startswith("1 probleem")
        assert h.find_one(ft.Text, key="cl-status").value == "Niet opgeslagen wijzigingen"
        field = await type_in(h, "cl-q-id", "1fout")
        assert field.error and field.error.startswith("Een code begint met een letter")
        field = await type_in(h, "cl-q-id", "aantal_personen", leave=True)  # fixed, and saved on leaving
        assert field.error is None and h.find_one(ft.Text, key="cl-status").value == "Concept opgeslagen."
        # a condition on a later question, then on one that does not exist
        await h.click(h.find_one(ft.TextButton, key="cl-q-sections-0-0"))  # bewoond
        await choose(h, "cl-q-showif-question", "staat")
        errors = h.find_one(ft.Text, key="cl-error-show_if")
        assert errors.visible and "die later komt" in errors.value
        await choose(h, "cl-q-showif-question", "__always__")
        assert not h.find_one(ft.Text, key="cl-error-show_if").visible
        # a new choice question without options, then with two
        await h.click(h.find_one(ft.TextButton, key="cl-add-q-sections-0"))
        await choose(h, "cl-q-type", "choice")
        assert "minstens twee antwoordmogelijkheden" in h.find_one(ft.Text, key="cl-error-options").value
        for _ in range(2):
            await h.click(h.find_one(ft.OutlinedButton, key="cl-q-option-add"))
        await type_in(h, "cl-q-option-1-nl", "Klein")
        await type_in(h, "cl-q-option-1-en", "Small")
        await type_in(h, "cl-q-option-2-nl", "Groot")
        await type_in(h, "cl-q-option-2-en", "Large", leave=True)
        assert not h.find_one(ft.Text, key="cl-error-options").visible
        await choose(h, "cl-q-showif-question", "bewoond")  # shown when bewoond = ja
        await type_in(h, "cl-q-showif-value", "ja", leave=True)
        assert h.find_one(ft.Text, key="cl-problem-count").value == "Geen problemen gevonden."
        assert h.errors() == []
    async with office(server_app) as h:  # nothing typed was lost: a new session opens the stored draft
        await open_checklists(h)
        await h.click(h.find_one(ft.FilledButton, key="cl-open-pandenactie"))
        assert h.find_one(ft.TextButton, key="cl-q-sections-0-1")
        assert "aantal_personen" in h.find_one(ft.Text, key=None, predicate=lambda c: isinstance(c, ft.Text) and str(
            c.value or "").startswith("aantal_personen")).value
        assert h.errors() == []


async def test_preview_compare_refusal_and_publication(server_app: FastAPI, tmp_path: Any) -> None:
    async with office(server_app) as h:
        await fresh_draft(h)
        await h.click(h.find_one(ft.TextButton, key="cl-q-sections-0-1"))  # aantal_bewoners: shown when bewoond
        await choose(h, "cl-q-showif-question", "bewoond")
        await type_in(h, "cl-q-showif-value", "ja", leave=True)
        await h.click(h.find_one(ft.OutlinedButton, key="cl-tab-preview"))
        frame = h.find_one(ft.Container, key="cl-preview-frame")
        assert (frame.width, frame.height) == (TABLET_WIDTH, TABLET_HEIGHT)
        assert h.find(ft.TextField, key="q-aantal_bewoners") == []  # hidden until bewoond = ja
        group = h.find_one(ft.RadioGroup, key="q-bewoond")
        await h.change(group, "yes")
        assert h.find_one(ft.TextField, key="q-aantal_bewoners")
        # the compare: a removed question the catalogue reads is refused
        await h.click(h.find_one(ft.OutlinedButton, key="cl-tab-edit"))
        await h.click(h.find_one(ft.TextButton, key="cl-q-sections-0-3"))  # staat, read by rule slechte_staat
        await h.click(h.find_one(ft.OutlinedButton, key="cl-q-delete"))
        await h.click(h.find_one(ft.OutlinedButton, key="cl-tab-compare"))
        removed = h.find_one(ft.Text, key="cl-change-removed-question-staat").value
        assert removed.endswith("verwijderd — bestaande antwoorden blijven leesbaar")
        assert "gewijzigd: voorwaarde" in h.find_one(ft.Text, key="cl-change-changed-question-aantal_bewoners").value
        assert h.find_one(ft.Text, key="cl-conflict-0").value.startswith("Regel slechte_staat van de "
                                                                          "indicatorencatalogus leest vraag staat")
        assert h.find_one(ft.FilledButton, key="cl-publish").disabled
        # put the question back (a new draft), publish, and a tablet receives version 2
        await fresh_draft(h)
        await h.click(h.find_one(ft.TextButton, key="cl-add-q-person_module-0"))
        await type_in(h, "cl-q-id", "woont_op_werk")
        await type_in(h, "cl-q-label-nl", "Woont op de werkplek?")
        await type_in(h, "cl-q-label-en", "Lives at the workplace?", leave=True)
        await h.click(h.find_one(ft.OutlinedButton, key="cl-tab-compare"))
        assert h.find_one(ft.Text, key="cl-change-added-question-woont_op_werk").value == \
            "Vraag woont_op_werk — Woont op de werkplek?"
        assert h.find_one(ft.Text, key="cl-next-version").value == "Bij publiceren wordt dit versie 2 van " \
                                                                   "Pandenactie (test)."
        await h.click(h.find_one(ft.FilledButton, key="cl-publish"))
        assert "versie 2" in h.find_one(ft.Text, key="cl-publish-text").value.lower()
        await h.click(h.find_one(ft.FilledButton, key="cl-publish-confirm"))
        assert h.find_one(ft.Text, key="office-notice").value.startswith("Versie 2 van Pandenactie (test) is "
                                                                                   "gepubliceerd")
        assert h.find_one(ft.Text, key="cl-version-pandenactie-2")
        assert h.errors() == []
    svc = build_service(tmp_path / "tablet", SERVER_URL, httpx.ASGITransport(app=server_app))
    try:
        await svc.login("inspecteur1", "demo-wachtwoord")
        versions = {(t.id, t.version) for t in await svc.templates()}
        assert ("pandenactie", 2) in versions
    finally:
        await svc.aclose()


async def test_a_number_question_has_its_bounds_checked_on_the_field(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await fresh_draft(h)
        await h.click(h.find_one(ft.TextButton, key="cl-q-sections-0-1"))  # aantal_bewoners, a number
        await type_in(h, "cl-q-min", "10")
        field = await type_in(h, "cl-q-max", "5")
        assert field.error == "Het minimum is groter dan het maximum."
        field = await type_in(h, "cl-q-min", "veel")
        assert field.error == "Deze waarde klopt niet."
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))  # English: what was typed stays, unsaved
        assert h.find_one(ft.TextField, key="cl-q-min").value == "veel"
        assert h.find_one(ft.TextField, key="cl-q-min").error == "This value is not right."
        assert h.find_one(ft.Text, key="cl-problem-count").value == "1 problem: solve it before publishing."
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.TextField, key="cl-q-max").error is None  # one problem at a time: the shape first
        await type_in(h, "cl-q-min", "0")
        field = await type_in(h, "cl-q-max", "500", leave=True)
        assert field.error is None and h.find_one(ft.Text, key="cl-problem-count").value == "Geen problemen gevonden."
        await h.click(h.find_one(ft.OutlinedButton, key="cl-tab-compare"))
        assert h.find_one(ft.Text, key="cl-change-changed-question-aantal_bewoners").value.endswith(
            "gewijzigd: maximum")
        assert h.errors() == []


async def test_a_save_after_another_beheerders_save_offers_a_choice(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await fresh_draft(h)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server_app), base_url=SERVER_URL) as other:
            login_body = {"username": "beheerder1", "password": "demo-wachtwoord", "device_name": "ander"}
            token = (await other.post("/api/v1/auth/login", json=login_body)).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            listed = (await other.get("/api/v1/admin/checklists", headers=headers)).json()
            draft_id = next(c for c in listed if c["template_id"] == "pandenactie")["draft"]["id"]
            theirs = (await other.get(f"/api/v1/admin/checklists/drafts/{draft_id}", headers=headers)).json()
            content = {**theirs["content"], "title": {"nl": "Van de ander", "en": "The other's"}}
            saved = await other.put(f"/api/v1/admin/checklists/drafts/{draft_id}", headers=headers,
                                    json={"content": content, "revision": theirs["revision"]})
            assert saved.status_code == 200
            await h.click(h.find_one(ft.TextButton, key="cl-q-sections-0-0"))
            await type_in(h, "cl-q-label-nl", "Is het pand bewoond? (mijn tekst)", leave=True)
            assert h.find_one(ft.Text, key="cl-status").value.startswith("Een andere beheerder heeft dit concept")
            assert h.find_one(ft.TextField, key="cl-q-label-nl").value == "Is het pand bewoond? (mijn tekst)"
            await h.click(h.find_one(ft.OutlinedButton, key="cl-conflict-keep-mine"))
            assert h.find_one(ft.Text, key="cl-status").value == "Concept opgeslagen."
            stored = (await other.get(f"/api/v1/admin/checklists/drafts/{draft_id}", headers=headers)).json()
            assert stored["content"]["sections"][0]["questions"][0]["label"]["nl"] == "Is het pand bewoond? " \
                                                                                      "(mijn tekst)"
        assert h.errors() == []


def test_show_if_values_as_typed() -> None:
    assert parse_show_if_value("Ja", "equals", "yes_no") is True
    assert parse_show_if_value("nee", "equals", "yes_no") is False
    assert parse_show_if_value("misschien", "equals", "yes_no") == "misschien"  # the validator says what is wrong
    assert parse_show_if_value("3", "equals", "number") == 3
    assert parse_show_if_value("2,5", "gt", "number") == 2.5
    assert parse_show_if_value("a, b,", "in", "choice") == ["a", "b"]
    assert parse_show_if_value("veel", "gt", "number") == "veel"
    assert show_if_value_text({"question": "x", "equals": True}) == "ja"
    assert show_if_value_text({"question": "x", "in": ["a", "b"]}) == "a, b"
    assert show_if_value_text({"question": "x", "gt": 3.0}) == "3"


def test_a_draft_that_is_no_checklist_yet_can_still_be_edited() -> None:
    draft = Draft({"sections": 5, "person_module": [{"id": "p"}]})
    assert draft.sections("sections") == [] and draft.problems
    si = draft.add_section("sections", "Nieuw onderdeel")
    qi = draft.add_question("sections", si, "Nieuwe vraag")
    assert draft.question("sections", si, qi) is not None
    assert draft.move_to_section("sections", si, qi, "person_module", 0)[0] == "person_module"
