"""Persons with the same signals in the office: one block in the explanation, verified as a group in one step
and still per person; a bad reason is refused in Dutch without crashing the session."""

from __future__ import annotations

import asyncio
from typing import Any

import flet as ft
import httpx
import pytest
from fastapi import FastAPI
from ui_support import SERVER_URL, login, office

from inspectie_app.office_client import OfficeClient, OfficeError
from inspectie_app.services import build_service
from schemas.records import Address
from schemas.review import Verdict


@pytest.fixture(scope="module")
def crowded(server_app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Premises in poor condition (EX1 for everyone) with three adults alike and a minor in sex work."""
    async def work() -> dict[str, Any]:
        svc = build_service(tmp_path_factory.mktemp("group-tablet"), SERVER_URL, httpx.ASGITransport(app=server_app))
        try:
            await svc.login("inspecteur1", "demo-wachtwoord")
            await svc.sync_now()
            iid = await svc.start_inspection(template_id="pandenactie",
                                             address=Address(street="Groepsweg", house_number="14"))
            await svc.set_answer(iid, "bewoond", True)
            await svc.set_answer(iid, "aantal_bewoners", 4)
            await svc.set_answer(iid, "staat", "slecht")
            alike = []
            for _ in range(3):
                person = await svc.add_person(iid)
                await svc.set_answer(iid, "leeftijd", 30, person_id=person.id)
                alike.append(person.id)
            minor = await svc.add_person(iid)
            await svc.set_answer(iid, "leeftijd", 16, person_id=minor.id)
            await svc.set_answer(iid, "sekswerk", True, person_id=minor.id)
            await svc.finish(iid)
            status = await svc.sync_now()
            assert status.pending_changes == 0 and status.last_error is None, status
            return {"id": iid, "alike": alike, "minor": minor.id}
        finally:
            await svc.aclose()

    return asyncio.run(work())


async def test_group_explained_once_and_verified_at_once(server_app: FastAPI, crowded: dict[str, Any]) -> None:
    first, *rest = crowded["alike"]
    minor = crowded["minor"]
    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.Container, key=f"row-{crowded['id']}"))
        # the explanation: one block for the three alike, the minor on their own
        assert h.find_one(ft.Text, key=f"subject-{first}").value == "3 personen met dezelfde signalen — L1 signaal"
        assert h.find_one(ft.Text, key=f"group-members-{first}").value.count("Persoon") == 3
        assert h.find_one(ft.Text, key=f"level-rule-{first}").value.startswith("Niveau 1 (arbeidsuitbuiting)")
        assert h.find(ft.Text, key=f"subject-{rest[0]}") == []
        assert h.find_one(ft.Text, key=f"subject-{minor}").value.endswith("L3 acuut")
        # the review panel: the group's state, one form for all, each person's form behind a toggle
        assert h.find_one(ft.Text, key=f"signal-group-{first}").value.startswith("3 personen met dezelfde signalen")
        assert h.find_one(ft.Text, key=f"group-state-{first}").value == "0 van 3 geverifieerd"
        assert not h.find_one(ft.Row, key=f"verify-form-{rest[0]}").visible
        assert h.find_one(ft.FilledButton, key=f"verify-group-{first}").content == "Groep verifiëren"

        await h.click(h.find_one(ft.FilledButton, key=f"verify-group-{first}"))
        assert h.find_one(ft.Text, key="review-message").value == "Kies een oordeel en vul een reden in."
        await h.change(h.find_one(ft.Dropdown, key=f"verdict-group-{first}"), "ongegrond")
        await h.type_text(h.find_one(ft.TextField, key=f"reason-group-{first}"), "x" * 4001)
        await h.click(h.find_one(ft.FilledButton, key=f"verify-group-{first}"))
        assert h.find_one(ft.Text, key="review-message").value == "De reden is te lang: maximaal 4000 tekens."
        await h.type_text(h.find_one(ft.TextField, key=f"reason-group-{first}"), "Eigen huurcontracten gezien.")
        await h.click(h.find_one(ft.FilledButton, key=f"verify-group-{first}"))
        assert h.find_one(ft.Text, key="office-notice").value == "Oordeel vastgelegd voor 3 signalen."
        assert h.find_one(ft.Text, key=f"group-state-{first}").value == "3 van 3 geverifieerd"
        for pid in crowded["alike"]:
            state = h.find_one(ft.Text, key=f"signal-state-{pid}").value
            assert state.startswith("Ongegrond door Teamleider Een") and "Eigen huurcontracten" in state
        assert h.find_one(ft.Text, key=f"signal-state-{minor}").value.startswith("Nog niet geverifieerd")
        history = [c.value for c in h.find_one(ft.Column, key="history").controls]
        assert history[-1].endswith("groep signalen geverifieerd")

        await h.click(h.find_one(ft.FilledButton, key=f"verify-group-{first}"))
        assert h.errors() == [], "say after re-render"
        # one person of the group on their own
        await h.click(h.find_one(ft.TextButton, key=f"group-persons-{first}"))
        assert h.find_one(ft.Row, key=f"verify-form-{rest[0]}").visible
        await h.change(h.find_one(ft.Dropdown, key=f"verdict-{rest[0]}"), "meer_info")
        await h.type_text(h.find_one(ft.TextField, key=f"reason-{rest[0]}"), "Navragen bij de verhuurder.")
        await h.click(h.find_one(ft.FilledButton, key=f"verify-{rest[0]}"))
        assert h.find_one(ft.Text, key="office-notice").value == "Oordeel vastgelegd."
        assert h.find_one(ft.Text, key=f"signal-state-{rest[0]}").value.startswith("Meer informatie nodig")
        assert h.find_one(ft.Text, key=f"group-state-{first}").value == "3 van 3 geverifieerd"

        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key=f"subject-{first}").value == "3 persons with the same signals — L1 signal"
        assert h.find_one(ft.FilledButton, key=f"verify-group-{first}").content == "Verify group"
        assert h.errors() == []


async def test_ketenregisseur_sees_the_group_without_forms(server_app: FastAPI, crowded: dict[str, Any]) -> None:
    first = crowded["alike"][0]
    async with office(server_app) as h:
        await login(h, "ketenregisseur1")
        await h.click(h.find_one(ft.Container, key=f"row-{crowded['id']}"))
        assert h.find_one(ft.Text, key=f"signal-group-{first}")
        assert h.find(ft.FilledButton, key=f"verify-group-{first}") == []
        assert h.find(ft.TextButton, key=f"group-persons-{first}") == []
        assert h.errors() == []


async def test_client_refuses_a_bad_group_before_sending(lead: OfficeClient, crowded: dict[str, Any]) -> None:
    iid, alike = crowded["id"], crowded["alike"]
    for ids, reason in ((alike, "x" * 4001), (alike, ""), ([], "ok"), ([alike[0], alike[0]], "ok")):
        with pytest.raises(OfficeError) as caught:
            await lead.verify_group(iid, ids, Verdict.GEGROND, reason)
        assert caught.value.code == "verify_invalid"
    with pytest.raises(OfficeError) as caught:
        await lead.verify_group(iid, [*alike, "nobody"], Verdict.GEGROND, "ok")
    assert caught.value.code == "no_such_signal" and caught.value.status == 409
