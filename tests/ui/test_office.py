"""Office app: login (role check), the review queue (order, filter), one control's explanation and photos."""

from __future__ import annotations

from typing import Any

import flet as ft
import httpx
import pytest
from fastapi import FastAPI
from ui_support import SERVER_URL, jpeg_bytes, login, office

from inspectie_app.i18n import t
from inspectie_app.services import build_service
from schemas.records import Address


@pytest.fixture(scope="module")
def synced(server_app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two finished controls synced by inspecteur1: one at L1 (with a photo), one at L3 (a minor in sex work)."""
    import asyncio

    async def work() -> dict[str, Any]:
        svc = build_service(tmp_path_factory.mktemp("tablet"), SERVER_URL, httpx.ASGITransport(app=server_app))
        try:
            await svc.login("inspecteur1", "demo-wachtwoord")
            await svc.sync_now()
            low = await svc.start_inspection(template_id="pandenactie",
                                             address=Address(street="Lagestraat", house_number="1"))
            await svc.set_answer(low, "bewoond", False)
            await svc.set_answer(low, "staat", "slecht")
            await svc.set_note(low, "Schimmel in de keuken.")
            await svc.add_photo(low, jpeg_bytes())
            await svc.finish(low)
            high = await svc.start_inspection(template_id="pandenactie",
                                              address=Address(street="Hogestraat", house_number="9"))
            await svc.set_answer(high, "bewoond", True)
            await svc.set_answer(high, "aantal_bewoners", 3)
            person = await svc.add_person(high)
            await svc.set_answer(high, "leeftijd", 16, person_id=person.id)
            await svc.set_answer(high, "sekswerk", True, person_id=person.id)
            await svc.finish(high)
            status = await svc.sync_now()
            assert status.pending_changes == 0 and status.last_error is None, status
            return {"low": low, "high": high, "person": person.id}
        finally:
            await svc.aclose()

    return asyncio.run(work())


async def test_login_refused_for_inspecteur(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "inspecteur1")
        error = h.find_one(ft.Text, key="login-error")
        assert error.visible and error.value == t("office_no_access")
        assert error.value.startswith("Geen toegang")
        assert h.find(ft.Column, key="review-rows") == []


async def test_login_wrong_password(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1", "fout")
        assert h.find_one(ft.Text, key="login-error").value == t("login_failed")


async def test_login_server_unreachable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with office(transport=httpx.MockTransport(down)) as h:
        await login(h, "teamleider1")
        assert h.find_one(ft.Text, key="login-error").value == t("office_offline")


async def test_review_list_worst_first_and_filter(server_app: FastAPI, synced: dict[str, Any]) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1")
        rows = h.find_one(ft.Column, key="review-rows").controls
        keys = [r.content.key for r in rows]
        assert keys.index(f"row-{synced['high']}") < keys.index(f"row-{synced['low']}")
        assert h.find_one(ft.Text, key=f"row-level-{synced['high']}").value == "L3 acuut"
        assert h.find_one(ft.Text, key=f"row-level-{synced['low']}").value == "L1 signaal"
        assert h.find_one(ft.Text, key=f"row-photos-{synced['low']}").value == "1/1"

        await h.click(h.find_one(ft.OutlinedButton, key="filter-3"))
        keys = [r.content.key for r in h.find_one(ft.Column, key="review-rows").controls]
        assert f"row-{synced['high']}" in keys and f"row-{synced['low']}" not in keys
        await h.click(h.find_one(ft.OutlinedButton, key="filter-0"))
        assert h.find_one(ft.Text, key="review-empty")
        await h.click(h.find_one(ft.OutlinedButton, key="filter-all"))
        assert len(h.find_one(ft.Column, key="review-rows").controls) >= 2
        assert h.errors() == []


async def test_detail_shows_explanation_answers_persons(server_app: FastAPI, synced: dict[str, Any]) -> None:
    async with office(server_app) as h:
        await login(h, "ketenregisseur1")
        await h.click(h.find_one(ft.Container, key=f"row-{synced['high']}"))
        assert h.find_one(ft.Text, key="detail-address").value == "Hogestraat 9, Arnhem"
        assert h.find_one(ft.Text, key="detail-inspector").value.startswith("Inspecteur: ")
        assert h.find_one(ft.Text, key="flag-level").value == "L3 acuut"
        assert h.find_one(ft.Text, key="flag-profile").value == "Profiel: seksuele uitbuiting"
        texts = h.all_text()
        assert any("Minderjarige in de seksbranche." in x for x in texts)
        person = synced["person"]
        assert h.find_one(ft.Text, key=f"subject-{person}").value.endswith("L3 acuut")
        # the level line first: the escalation, never a lower level beside the L3 badge
        rule = h.find_one(ft.Text, key=f"level-rule-{person}").value
        assert rule == "Niveau 3 (seksuele uitbuiting) — acuut: Minderjarige in de seksbranche."
        group = h.find_one(ft.Container, key=f"subject-group-{person}")
        lines = [c.value for c in group.content.controls if isinstance(c, ft.Text)]
        assert lines[0] == rule and not any(x.startswith(("Niveau 2", "– Niveau 2")) for x in lines)
        assert h.find_one(ft.Text, key=f"answer-{person}-leeftijd").value == "16"
        assert h.find_one(ft.Text, key=f"answer-{person}-sekswerk").value == "Ja"
        assert h.find_one(ft.Text, key="answer-aantal_bewoners").value == "3 personen"
        assert h.find_one(ft.Text, key="findings-none")
        await h.click(h.find_one(ft.OutlinedButton, key="detail-back"))
        assert h.find_one(ft.Column, key="review-rows")
        assert h.errors() == []


async def test_detail_hit_evidence_and_photo(server_app: FastAPI, synced: dict[str, Any]) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1")
        await h.click(h.find_one(ft.Container, key=f"row-{synced['low']}"))
        assert h.find_one(ft.Text, key="flag-level").value == "L1 signaal"
        hit = h.find(ft.Text, key="hit-EX1")[0].value
        assert hit == "Slechte woonomstandigheden — sterkte middel, dimensie Uitbuitende omstandigheden"
        texts = h.all_text()
        # a team lead reads words: the versions and indicator codes are the beheerder's, folded away
        assert h.find(ft.ExpansionTile, key="beheer-details") == []
        assert not [x for x in texts if "@" in x or "(EX1)" in x or "catalogus " in x]
        assert "Het pand is in slechte staat." in texts
        # the option label, not its code; where it was recorded
        assert "    Staat van het pand: Slecht (waargenomen, pand)" in texts
        rule = h.find_one(ft.Text, key="level-rule-premises").value
        assert rule.startswith("Niveau 1 (arbeidsuitbuiting): middelsterke indicator Slechte woonomstandigheden.")
        assert "niveau 2" in rule and "EX1" not in rule
        assert h.find_one(ft.Text, key="subject-premises").value == "Pand — L1 signaal"
        assert h.find_one(ft.Text, key="answer-staat").value == "Slecht"
        assert h.find_one(ft.Text, key="answer-bewoond").value == "Nee"
        assert h.find(ft.Text, key="answer-aantal_bewoners") == []  # hidden by its condition
        assert h.find_one(ft.Text, key="detail-note").value == "Schimmel in de keuken."
        [image] = h.find(ft.Image)
        assert isinstance(image.src, bytes) and image.src[:2] == b"\xff\xd8"
        # English
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert h.find_one(ft.Text, key="flag-level").value == "L1 signal"
        assert h.find_one(ft.Text, key="answer-bewoond").value == "No"
        assert h.errors() == []


async def test_expired_token_returns_to_login(server_app: FastAPI, synced: dict[str, Any]) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1")
        h.page.data.client.token = "not-a-valid-token"
        await h.click(h.find_one(ft.OutlinedButton, key="refresh"))
        assert h.find_one(ft.Text, key="login-error").value == t("unauthorized")
